"""The permission matrix: every workspace URL × anonymous, editor of A, editor of B, reviewer of A, reviewer of
A's parent, superuser. No role in the organization: 404. A role that does not allow the action: 403.

Superusers see everything and act as reviewers; they never edit content."""

import re

import pytest

from disclosure import workflow
from disclosure.formats import edition_for_year
from disclosure.models import AnnualReport, EarlierReportFile
from tests import factories

WHO = ["anonymous", "editor_a", "editor_b", "reviewer_a", "reviewer_parent", "admin"]
R = "/workspace/agency-a/2021/"

PAGES = [
    R,
    R + "part/overview/",
    R + "part/proactive/",
    R + "part/applications/",
    R + "part/litigation/",
    R + "part/problems/",
    R + "part/other/",
    R + "preview/",
    R + "review/",
    R + "findings/",
    R + "history/",
]
PAGE_STATUS = {
    "anonymous": 302,
    "editor_a": 200,
    "editor_b": 404,
    "reviewer_a": 200,
    "reviewer_parent": 200,
    "admin": 200,
}


def person(people, who):
    return None if who == "anonymous" else getattr(people, who)


def draft(people):
    return factories.complete_report(people.a, 2021)


def submitted(people):
    report = draft(people)
    return workflow.submit_report(report, people.editor_a)


def approved(people):
    return workflow.approve_report(submitted(people), people.reviewer_a)


def published(people):
    return workflow.publish(approved(people), people.reviewer_a).report


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", PAGES)
def test_it_shows_report_pages_only_to_members(people, as_user, who, url):
    draft(people)
    response = as_user(person(people, who)).get(url)
    assert response.status_code == PAGE_STATUS[who]
    if who == "anonymous":
        assert response.url.startswith("/workspace/login/?next=")


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", ["/workspace/", "/workspace/review/", "/workspace/password/"])
def test_it_needs_login_for_the_general_pages(people, as_user, who, url):
    response = as_user(person(people, who)).get(url)
    assert response.status_code == (302 if who == "anonymous" else 200)
    if who == "anonymous":
        assert response.url.startswith("/workspace/login/?next=")


@pytest.mark.parametrize("who", WHO)
def test_it_hides_other_organizations_on_the_dashboard(people, as_user, who):
    factories.complete_report(people.a, 2021)
    factories.complete_report(people.b, 2021)
    response = as_user(person(people, who)).get("/workspace/")
    html = response.content.decode()
    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith("/workspace/login/?next=")
        assert "测试区甲局" not in html and "外区乙局" not in html
        return
    assert response.status_code == 200
    sees_a = who in ("editor_a", "reviewer_a", "reviewer_parent", "admin")
    sees_b = who in ("editor_b", "admin")
    assert ("测试区甲局" in html) == sees_a
    assert ("外区乙局" in html) == sees_b


# (url, how to prepare the report, expected status per person, the report's status afterwards when allowed)
EDIT = {"anonymous": 302, "editor_a": 302, "editor_b": 404, "reviewer_a": 403, "reviewer_parent": 403, "admin": 403}
REVIEW = {"anonymous": 302, "editor_a": 403, "editor_b": 404, "reviewer_a": 302, "reviewer_parent": 302, "admin": 302}
ACTIONS = [
    ("submit/", draft, EDIT, {}, "submitted"),
    ("withdraw/", submitted, EDIT, {}, "draft"),
    ("return/", submitted, REVIEW, {"reason": "请核对表三"}, "draft"),
    ("approve/", submitted, REVIEW, {"confirm": "yes"}, "approved"),
    ("publish/", approved, REVIEW, {"confirm": "publish", "version": "1"}, "published"),
    ("correct/", published, EDIT, {"note": "更正表三的数字"}, "draft"),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_it_lets_only_the_right_role_move_a_report(people, as_user, who, action):
    url, prepare, expected, data, after = action
    report = prepare(people)
    before = report.status
    response = as_user(person(people, who)).post(R + url, data)
    assert response.status_code == expected[who]
    if who == "anonymous":
        assert response.url.startswith("/workspace/login/?next=")
    report.refresh_from_db()
    assert report.status == (after if expected[who] == 302 and who != "anonymous" else before)


@pytest.mark.parametrize("who", WHO)
def test_it_lets_only_editors_save_a_part(people, as_user, who):
    report = draft(people)
    data = {"revision": report.revision, "problems": "改过的问题。"}
    response = as_user(person(people, who)).post(R + "part/problems/", data)
    assert response.status_code == EDIT[who]
    report.refresh_from_db()
    assert (report.problems == "改过的问题。") == (who == "editor_a")


@pytest.mark.parametrize("who", WHO)
def test_it_lets_only_editors_explain_warnings(people, as_user, who):
    report = factories.complete_report(people.a, 2021, texts={"overview_summary": "2019年，本机关……"})
    response = as_user(person(people, who)).post(
        R + "findings/", {"finding": "N-year:overview_summary", "text": "笔误"}
    )
    assert response.status_code == EDIT[who]
    assert report.explanations.exists() == (who == "editor_a")


@pytest.mark.parametrize("who", WHO)
def test_it_lets_only_editors_start_a_report(people, as_user, who):
    response = as_user(person(people, who)).post("/workspace/agency-a/2022/start/")
    assert response.status_code == EDIT[who]
    assert AnnualReport.objects.filter(organization=people.a, year=2022).exists() == (who == "editor_a")


# The publication's confirmation page (GET; its POST publishes, in ACTIONS above): reviewers only.
CONFIRM = {"anonymous": 302, "editor_a": 403, "editor_b": 404, "reviewer_a": 200, "reviewer_parent": 200, "admin": 200}


@pytest.mark.parametrize("who", WHO)
def test_it_shows_the_publication_confirmation_only_to_reviewers(people, as_user, who):
    report = approved(people)
    response = as_user(person(people, who)).get(R + "publish/")
    assert response.status_code == CONFIRM[who]
    if who == "anonymous":
        assert response.url.startswith("/workspace/login/?next=")
    report.refresh_from_db()
    assert report.status == "approved" and not report.versions.exists()


@pytest.mark.parametrize("url", ["submit/", "withdraw/", "return/", "approve/", "correct/"])
def test_it_refuses_get_on_state_changes(people, as_user, url):
    draft(people)
    assert as_user(people.reviewer_a).get(R + url).status_code == 405


def test_it_answers_404_for_a_report_that_does_not_exist(people, as_user):
    assert as_user(people.editor_a).get("/workspace/agency-a/2030/").status_code == 404
    assert as_user(people.editor_a).get("/workspace/nowhere/2021/").status_code == 404


def test_it_answers_404_for_an_unknown_part(people, as_user):
    draft(people)
    assert as_user(people.editor_a).get(R + "part/nothing/").status_code == 404


def test_it_does_not_let_a_child_reviewer_see_the_parent(people, as_user):
    factories.complete_report(people.district, 2021)
    assert as_user(people.reviewer_a).get("/workspace/district/2021/").status_code == 404
    assert as_user(people.reviewer_parent).get("/workspace/district/2021/").status_code == 200


# The supervising office's pages: only who reviews an organization with organizations below it (the district's
# reviewer) and superusers; the reviewer of agency A (nothing below it) and editors get 404 like outsiders.
OVERSIGHT_PAGES = [
    "/workspace/oversight/2021/",
    "/workspace/oversight/2021/totals/",
    "/workspace/oversight/2021/findings/",
    "/workspace/oversight/2021/workbook.xlsx",
    "/workspace/oversight/2021/detail.csv",
    "/workspace/oversight/2021/indicators/",
    "/workspace/oversight/2021/indicators/agency-a/",
    "/workspace/oversight/2021/totals/{}/{}/{}/".format(*next(edition_for_year(2021).tables[-1].cells()).key),
]
OVERSIGHT_STATUS = {
    "anonymous": 302,
    "editor_a": 404,
    "editor_b": 404,
    "reviewer_a": 404,
    "reviewer_parent": 200,
    "admin": 200,
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", OVERSIGHT_PAGES)
def test_it_shows_oversight_pages_only_to_supervising_offices(people, as_user, who, url):
    factories.complete_report(people.a, 2021)
    response = as_user(person(people, who)).get(url)
    assert response.status_code == OVERSIGHT_STATUS[who]
    if who == "anonymous":
        assert response.url.startswith("/workspace/login/?next=")


# Sending reminders (POST): the same people as the oversight pages; a GET is refused.
REMIND_STATUS = {**OVERSIGHT_STATUS, "reviewer_parent": 302, "admin": 302}


@pytest.mark.parametrize("who", WHO)
def test_it_lets_only_supervising_offices_send_reminders(people, as_user, who):
    response = as_user(person(people, who)).post("/workspace/oversight/2021/remind/", {"organization": [people.a.pk]})
    assert response.status_code == REMIND_STATUS[who]
    if who == "anonymous":
        assert response.url.startswith("/workspace/login/?next=")
    elif response.status_code == 302:
        assert response.url == "/workspace/oversight/2021/"
    assert as_user(person(people, who)).get("/workspace/oversight/2021/remind/").status_code in (302, 404, 405)


@pytest.mark.parametrize("who", WHO)
def test_a_set_password_link_needs_its_token_not_a_login(people, as_user, who):
    """The link an imported account gets (import_organizations): open to anyone, useless without a valid token."""
    response = as_user(person(people, who)).get("/workspace/password/set/MQ/bad-token/")
    assert response.status_code == 200 and "链接无效" in response.content.decode()


# Bringing published reports in (issue 10): an organization's editors, and a supervising office for the
# organizations below it; superusers everywhere. The reviewer of agency A (nothing below it) gets 404.
IMPORT_PAGES = {
    "/workspace/import/": {"editor_a": 200, "editor_b": 200, "reviewer_a": 404, "reviewer_parent": 200, "admin": 200},
    "/workspace/import/batch/": {
        "editor_a": 404,
        "editor_b": 404,
        "reviewer_a": 404,
        "reviewer_parent": 200,
        "admin": 200,
    },
    "/workspace/agency-a/past-years/": {
        "editor_a": 200,
        "editor_b": 404,
        "reviewer_a": 404,
        "reviewer_parent": 200,
        "admin": 200,
    },
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", IMPORT_PAGES)
def test_it_shows_import_pages_only_to_who_may_import(people, as_user, who, url):
    response = as_user(person(people, who)).get(url)
    expected = 302 if who == "anonymous" else IMPORT_PAGES[url][who]
    assert response.status_code == expected
    if who == "anonymous":
        assert response.url.startswith("/workspace/login/?next=")


def _published_page():
    from tests.workspace.test_workspace_import import LAST_YEAR, published_page

    return published_page(factories.organization("elsewhere", name="测试区甲局旧名"), LAST_YEAR - 1), LAST_YEAR - 1


# (who, what the confirmation answers, whether agency A's report is stored)
IMPORT_CONFIRM = {
    "historical": {"editor_a": 302, "editor_b": 200, "reviewer_parent": 302, "admin": 302},
    "draft": {"editor_a": 302, "editor_b": 200, "reviewer_parent": 403, "admin": 403},
}


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "reviewer_parent", "admin"])
@pytest.mark.parametrize("action", IMPORT_CONFIRM)
def test_it_lets_only_who_may_import_for_an_organization_store_its_report(people, as_user, who, action):
    from tests.workspace.test_workspace_import import form_data

    page, year = _published_page()
    client = as_user(person(people, who))
    review = client.get(client.post("/workspace/import/", {"file": page}).url)
    assert review.status_code == 200
    data = {**form_data(review), "organization": "agency-a", "year": str(year), "published_on": f"{year + 1}-01-05"}
    data["confirm_mismatch"] = "on"  # the title names the old name: stored under agency A knowingly
    response = client.post(review.request["PATH_INFO"], {**data, "action": action})
    assert response.status_code == IMPORT_CONFIRM[action][who]
    stored = AnnualReport.objects.filter(organization=people.a, year=year).exists()
    assert stored == (IMPORT_CONFIRM[action][who] == 302)


@pytest.mark.parametrize("who", WHO)
def test_it_gives_a_review_only_to_the_session_that_uploaded(people, as_user, who):
    page, _ = _published_page()
    url = as_user(people.editor_a).post("/workspace/import/", {"file": page}).url
    response = as_user(person(people, who)).get(url)
    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith("/workspace/login/?next=")
    elif who == "reviewer_a":
        assert response.status_code == 404
    else:  # a new login is a new session: the token is not theirs (nor editor A's any more)
        assert response.status_code == 302 and response.url == "/workspace/import/"


def test_a_supervising_office_imports_for_the_organizations_below_it_not_its_own(people, as_user):
    from tests.workspace.test_workspace_import import form_data

    page, _ = _published_page()
    client = as_user(people.reviewer_parent)
    review = client.get(client.post("/workspace/import/", {"file": page}).url)
    options = re.findall(r'<option value="([\w-]+)"', review.content.decode())
    assert options == ["agency-a"]
    data = {**form_data(review), "organization": "district", "action": "historical"}
    assert "选择一个有效的选项" in client.post(review.request["PATH_INFO"], data).content.decode()
    assert not AnnualReport.objects.exists()


# Reports before the national format, kept as files (disclosure.earlier): the same people as the imports.
EARLIER_STATUS = {"editor_a": 302, "editor_b": 404, "reviewer_a": 404, "reviewer_parent": 302, "admin": 302}


def _earlier_form():
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("2015.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    return {"year": "2015", "file": file, "published_on": "2016-01-20"}


def _login_redirect(response):
    return response.status_code == 302 and response.url.startswith("/workspace/login/?next=")


@pytest.mark.parametrize("who", WHO)
def test_it_lets_only_who_may_import_keep_an_earlier_report_file(people, as_user, who):
    client = as_user(person(people, who))
    response = client.post("/workspace/agency-a/past-years/earlier/", _earlier_form())
    if who == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == EARLIER_STATUS[who]
    assert EarlierReportFile.objects.exists() == (EARLIER_STATUS.get(who) == 302)


@pytest.mark.parametrize("who", WHO)
def test_the_earlier_upload_address_sends_who_may_to_the_page_and_others_away(people, as_user, who):
    response = as_user(person(people, who)).get("/workspace/agency-a/past-years/earlier/")
    if who == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == EARLIER_STATUS[who]
        assert EARLIER_STATUS[who] == 404 or response.url == "/workspace/agency-a/past-years/"


@pytest.mark.parametrize("who", WHO)
def test_it_lets_only_who_may_import_delete_an_earlier_report_file(people, as_user, who):
    as_user(people.editor_a).post("/workspace/agency-a/past-years/earlier/", _earlier_form())
    response = as_user(person(people, who)).post("/workspace/agency-a/past-years/earlier/2015/delete/")
    if who == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == EARLIER_STATUS[who]
    assert EarlierReportFile.objects.exists() == (EARLIER_STATUS.get(who) != 302)
