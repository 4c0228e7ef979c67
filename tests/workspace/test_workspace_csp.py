"""The strict Content Security Policy (script-src 'self'; style-src 'self') holds on every workspace page:
no inline scripts, no style attributes, no inline event handlers."""

import re

import pytest

from tests import factories

R = "/workspace/agency-a/2021/"
PAGES = [
    "/workspace/",
    "/workspace/review/",
    "/workspace/password/",
    R,
    R + "part/overview/",
    R + "part/applications/",
    R + "part/proactive/",
    R + "preview/",
    R + "findings/",
    R + "history/",
]


@pytest.mark.parametrize("url", PAGES)
def test_it_has_no_inline_scripts_or_styles(people, as_user, url):
    factories.complete_report(people.a, 2021, texts={"overview_summary": "2019年，……"})
    page = as_user(people.editor_a).get(url).content.decode()
    assert " style=" not in page
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_the_login_page_too(client):
    page = client.get("/workspace/login/").content.decode()
    assert " style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
