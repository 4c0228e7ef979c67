"""Login with lockout after repeated failures (django-axes), logout by POST only, password change, CSRF."""

from django.test import Client

from .conftest import PASSWORD


def test_it_logs_in_and_out(people):
    client = Client()
    response = client.post("/workspace/login/", {"username": "editor_a", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    assert client.get("/workspace/logout/").status_code == 405  # logout is POST only
    assert client.post("/workspace/logout/").status_code == 302
    assert client.get("/workspace/").status_code == 302


def test_it_says_so_when_the_password_is_wrong(people):
    response = Client().post("/workspace/login/", {"username": "editor_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_it_locks_out_after_five_failures(people):
    client = Client()
    for _ in range(5):
        client.post("/workspace/login/", {"username": "editor_a", "password": "wrong"})
    response = client.post("/workspace/login/", {"username": "editor_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert Client().get("/workspace/").status_code == 302


def test_it_changes_the_password(people, as_user):
    client = as_user(people.editor_a)
    data = {
        "old_password": PASSWORD,
        "new_password1": "a-new-long-passphrase-42",
        "new_password2": "a-new-long-passphrase-42",
    }
    response = client.post("/workspace/password/", data)
    assert response.status_code == 302
    people.editor_a.refresh_from_db()
    assert people.editor_a.check_password("a-new-long-passphrase-42")


def test_it_needs_a_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.editor_a)
    assert client.post("/workspace/agency-a/2021/start/").status_code == 403
    assert client.post("/workspace/logout/").status_code == 403
