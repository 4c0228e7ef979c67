"""Login behind a reverse proxy: the client's IP from a trusted proxy count, lockouts per user name *and* IP,
and a per-IP flood limit answered before any password is hashed (disclosure/clientip.py,
disclosure/loginflood.py)."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.test import Client, RequestFactory

from disclosure import clientip, loginflood
from disclosure.clientip import client_ip

PASSWORD = "correct-horse-battery-9"
LOGIN = "/workspace/login/"
PROXY = "127.0.0.1"  # the nginx of the README: every request reaches the application from the loopback


class CountingHasher(MD5PasswordHasher):
    """Counts every hash computed, to prove which requests reached the password hasher."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


class CountingBackend:
    """Put first among the auth backends: counts every authenticate() call, then lets the next backend try."""

    calls = 0

    def authenticate(self, request, **credentials):
        CountingBackend.calls += 1
        return None

    def get_user(self, user_id):
        return None


@pytest.fixture(autouse=True)
def clean_counters(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend", *settings.AUTHENTICATION_BACKENDS]
    CountingHasher.hashed = CountingBackend.calls = 0
    cache.clear()  # the flood counts live in the cache, which outlives a test
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff_x", password=PASSWORD)


def behind_proxy(forwarded_for=None):
    """A client as the application sees it behind the proxy: REMOTE_ADDR is the proxy, and the proxy appended
    the address it saw to whatever X-Forwarded-For the client sent."""
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return headers


def login(username, password, **headers):
    return Client().post(LOGIN, {"username": username, "password": password}, **headers)


# ---- the client's IP ------------------------------------------------------------------------------------


def test_with_one_trusted_proxy_two_clients_behind_it_have_different_ips(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    first = client_ip(factory.get("/", **behind_proxy("198.51.100.7")))
    second = client_ip(factory.get("/", **behind_proxy("203.0.113.20")))
    assert (first, second) == ("198.51.100.7", "203.0.113.20")


def test_a_forged_entry_sent_by_the_client_does_not_choose_its_ip(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 192.0.2.66"; the proxy appended the address it really came from.
    forged = RequestFactory().get("/", **behind_proxy("192.0.2.66, 198.51.100.7"))
    assert client_ip(forged) == "198.51.100.7"
    # Nor does garbage on the left push it onto the proxy's address (shared with every other such client).
    garbage = RequestFactory().get("/", **behind_proxy("not-an-ip, 198.51.100.7"))
    assert client_ip(garbage) == "198.51.100.7"


def test_with_two_trusted_proxies_the_entry_two_hops_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", **behind_proxy("192.0.2.66, 198.51.100.7, 10.0.0.2"))
    assert client_ip(request) == "198.51.100.7"


def test_a_request_that_did_not_pass_every_proxy_is_known_by_its_peer_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(RequestFactory().get("/", **behind_proxy("198.51.100.7"))) == PROXY


def test_without_a_trusted_proxy_the_header_is_ignored_and_the_operator_told_once(settings, caplog, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setattr(clientip, "_warned_of_unused_header", False)
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert client_ip(request) == "198.51.100.9"
    assert client_ip(request) == "198.51.100.9"
    warnings = [r.getMessage() for r in caplog.records if r.name == clientip.__name__]
    assert len(warnings) == 1 and "TRUSTED_PROXY_COUNT is 0" in warnings[0]


def test_axes_records_failures_under_the_client_ip_behind_the_proxy(settings, staff):
    settings.TRUSTED_PROXY_COUNT = 1
    login("staff_x", "wrong", **behind_proxy("192.0.2.66, 198.51.100.7"))
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


# ---- lockout per user name and IP ------------------------------------------------------------------------


def test_failures_from_one_ip_lock_the_user_there_but_not_from_another_ip(settings, staff):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, colleague = behind_proxy("198.51.100.7"), behind_proxy("203.0.113.20")
    statuses = [login("staff_x", "wrong", **attacker).status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]  # the fifth failure locks
    locked = login("staff_x", PASSWORD, **attacker)
    assert locked.status_code == 429 and "账号已暂时锁定" in locked.content.decode()
    welcome = login("staff_x", PASSWORD, **colleague)
    assert welcome.status_code == 302 and welcome.url == "/workspace/"


# ---- the flood limit -------------------------------------------------------------------------------------


WINDOW_START = 1_800_000_000.0  # a multiple of 60: the start of a window


@pytest.fixture
def limit_of_three(settings, monkeypatch):
    """A limit of 3 a minute, and a stopped clock: a test must not straddle two windows by chance."""
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(loginflood, "now", lambda: WINDOW_START)
    return 3


def test_a_flood_is_refused_before_authenticate_and_any_password_hash(limit_of_three, db):
    client = behind_proxy("198.51.100.7")
    for n in range(limit_of_three):
        assert login(f"random-{n}", "guess", **client).status_code == 200  # the form again, with the error
    assert CountingBackend.calls == limit_of_three and CountingHasher.hashed > 0
    hashed = CountingHasher.hashed

    refused = login("random-x", "guess", **client)
    assert refused.status_code == 429
    assert CountingBackend.calls == limit_of_three, "authenticate() ran for a refused attempt"
    assert CountingHasher.hashed == hashed, "a password was hashed for a refused attempt"
    assert refused["Retry-After"] == "60"
    assert not AccessAttempt.objects.filter(username="random-x").exists()


def test_a_flood_is_logged_once_per_ip_and_window_not_once_per_request(limit_of_three, db, caplog):
    for n in range(limit_of_three + 5):
        login(f"random-{n}", "guess", **behind_proxy("198.51.100.7"))
    assert [r.getMessage() for r in caplog.records if r.name in (loginflood.__name__, "django.request")] == [
        "Login flood from 198.51.100.7: refusing its login attempts for 60 s"
    ]


def test_the_refusal_page_is_in_chinese(limit_of_three, db):
    for n in range(limit_of_three + 1):
        response = login(f"random-{n}", "guess", **behind_proxy("198.51.100.7"))
    page = response.content.decode()
    assert response.status_code == 429
    assert re.search(r"<h1[^>]*>登录尝试过于频繁</h1>", page) and "请约 1 分钟后再试" in page
    assert '<html lang="zh' in page


def test_the_limit_is_per_client_ip(limit_of_three, db):
    for n in range(limit_of_three + 1):
        login(f"random-{n}", "guess", **behind_proxy("198.51.100.7"))
    assert login("random-y", "guess", **behind_proxy("203.0.113.20")).status_code == 200


def test_the_limit_resets_after_the_window(limit_of_three, db, monkeypatch):
    monkeypatch.setattr(loginflood, "now", lambda: WINDOW_START + 10)
    for n in range(limit_of_three + 1):
        response = login(f"random-{n}", "guess", **behind_proxy("198.51.100.7"))
    assert response.status_code == 429 and response["Retry-After"] == "50"

    monkeypatch.setattr(loginflood, "now", lambda: WINDOW_START + 60)
    assert login("random-z", "guess", **behind_proxy("198.51.100.7")).status_code == 200
    assert CountingBackend.calls == limit_of_three + 1


def test_showing_the_login_form_is_not_counted(limit_of_three, db):
    client = Client(**behind_proxy("198.51.100.7"))
    for _ in range(limit_of_three * 3):
        assert client.get(LOGIN).status_code == 200
    for n in range(limit_of_three):
        assert client.post(LOGIN, {"username": f"random-{n}", "password": "guess"}).status_code == 200


def test_the_admin_login_is_limited_too(limit_of_three, db):
    client = Client(**behind_proxy("198.51.100.7"))
    for n in range(limit_of_three):
        client.post("/admin/login/", {"username": f"random-{n}", "password": "guess"})
    assert client.post("/admin/login/", {"username": "random-x", "password": "guess"}).status_code == 429
    assert CountingBackend.calls == limit_of_three


# ---- settings --------------------------------------------------------------------------------------------


def test_a_count_that_is_not_a_whole_number_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from reportsite.settings import env_count

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "one")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT='one' is not a whole number"):
        env_count("TRUSTED_PROXY_COUNT", 0)
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", " 2 ")
    assert env_count("TRUSTED_PROXY_COUNT", 0) == 2


def test_the_counts_read_from_the_environment_are_in_the_readme():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    settings_text = (root / "reportsite" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"""env_count\(\s*["']([A-Z_]+)["']""", settings_text))
    assert {"TRUSTED_PROXY_COUNT", "LOGIN_ATTEMPTS_PER_MINUTE"} <= read
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert read <= set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M))
