"""The supervising office's tests: the workspace's named people (tests/workspace/conftest.py) and published
reports without rendering them (the PDF is not what these tests are about, and takes seconds)."""

import pytest

from disclosure import publishing
from tests.workspace.conftest import as_user, fast_password_hashing, people  # noqa: F401


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    monkeypatch.setattr(publishing, "schedule_render", lambda version_id: None)
