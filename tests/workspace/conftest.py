"""The named people of the workspace tests: an editor and a reviewer of agency A, the reviewer of A's parent
government, an editor of the unrelated agency B, and a site administrator."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from disclosure.models import Membership, Organization
from tests import factories

PASSWORD = "correct-horse-battery-9"


def user(username, **extra):
    User = get_user_model()
    if extra.get("is_superuser"):
        return User.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD)


def make_people():
    district = factories.organization("district", kind=Organization.Kind.GOVERNMENT, name="测试区人民政府")
    a = factories.organization("agency-a", parent=district, name="测试区甲局")
    b = factories.organization("agency-b", name="外区乙局")
    people = SimpleNamespace(district=district, a=a, b=b)
    people.editor_a, people.editor_b = user("editor_a"), user("editor_b")
    people.reviewer_a, people.reviewer_parent = user("reviewer_a"), user("reviewer_parent")
    people.admin = user("admin", is_superuser=True)
    Membership.objects.create(user=people.editor_a, organization=a, role=Membership.Role.EDITOR)
    Membership.objects.create(user=people.editor_b, organization=b, role=Membership.Role.EDITOR)
    Membership.objects.create(user=people.reviewer_a, organization=a, role=Membership.Role.REVIEWER)
    Membership.objects.create(user=people.reviewer_parent, organization=district, role=Membership.Role.REVIEWER)
    return people


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 takes a good part of a second per user; these tests create five users each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def as_user(client):
    """Log the test client in as the given user (force_login: axes needs a request for authenticate())."""

    def login(u):
        client.logout()
        if u is not None:
            client.force_login(u)
        return client

    return login
