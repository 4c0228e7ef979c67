"""``disclosure.permissions`` called directly: every person × every organization, the 404s and the query cost.

The tree of ``make_people`` plus one office below agency A: district → agency-a → agency-a-office, and the
unrelated agency-b. Fast tests (no HTTP, no PDF): ``make mutation`` runs them against every mutant.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from disclosure import actions
from disclosure.models import AnnualReport, Organization
from disclosure.permissions import (
    NO_ACCESS,
    Access,
    Roles,
    access_for,
    get_organization_or_404,
    get_report_or_404,
    oversight_scope_or_404,
)
from disclosure.permissions import roles_of as roles_of_request
from tests import factories

ORGS = ("district", "a", "office", "b")
EDIT, REVIEW, NONE = Access(can_edit=True), Access(can_review=True), NO_ACCESS

# person -> the access they have to district, a, office (below a), b
EXPECTED = {
    "anonymous": (NONE, NONE, NONE, NONE),
    "editor_a": (NONE, EDIT, NONE, NONE),
    "editor_b": (NONE, NONE, NONE, EDIT),
    "reviewer_a": (NONE, REVIEW, REVIEW, NONE),
    "reviewer_parent": (REVIEW, REVIEW, REVIEW, NONE),
    "admin": (REVIEW, REVIEW, REVIEW, REVIEW),
}


@pytest.fixture
def tree(people):
    people.office = factories.organization("agency-a-office", parent=people.a, name="测试区甲局办公室")
    people.anonymous = AnonymousUser()
    return people


def request_of(user):
    request = RequestFactory().get("/workspace/")
    request.user = user
    return request


@pytest.mark.parametrize(
    "access, can_view",
    [(Access(), False), (Access(can_edit=True), True), (Access(can_review=True), True), (Access(True, True), True)],
)
def test_it_lets_anyone_with_a_role_view(access, can_view):
    assert access.can_view is can_view


@pytest.mark.parametrize("who", EXPECTED)
def test_it_gives_each_person_exactly_their_role_in_each_organization(tree, who):
    roles = Roles(getattr(tree, who))
    got = tuple(roles.access(getattr(tree, org).pk) for org in ORGS)
    assert got == EXPECTED[who]


@pytest.mark.parametrize("who", EXPECTED)
def test_it_answers_access_for_a_user_and_an_organization(tree, who):
    got = tuple(access_for(getattr(tree, who), getattr(tree, org)) for org in ORGS)
    assert got == EXPECTED[who]


def test_it_makes_a_user_who_is_both_editor_and_reviewer_both(tree):
    from disclosure.models import Membership

    Membership.objects.create(user=tree.editor_a, organization=tree.a, role=Membership.Role.REVIEWER)
    assert Roles(tree.editor_a).access(tree.a.pk) == Access(can_edit=True, can_review=True)
    assert Roles(tree.editor_a).access(tree.office.pk) == REVIEW


def test_it_does_not_give_a_staff_member_who_is_not_superuser_any_role(tree):
    tree.editor_b.is_staff = True
    tree.editor_b.save()
    assert Roles(tree.editor_b).access(tree.a.pk) == NONE


@pytest.mark.parametrize(
    "who, visible",
    [
        ("anonymous", set()),
        ("editor_a", {"a"}),
        ("editor_b", {"b"}),
        ("reviewer_a", {"a", "office"}),
        ("reviewer_parent", {"district", "a", "office"}),
    ],
)
def test_it_lists_the_organizations_a_person_sees(tree, who, visible):
    roles = Roles(getattr(tree, who))
    assert roles.visible_ids == {getattr(tree, org).pk for org in visible}
    assert set(roles.visible(Organization.objects.all())) == {getattr(tree, org) for org in visible}


def test_it_lets_the_administrator_see_every_organization(tree):
    roles = Roles(tree.admin)
    assert roles.visible_ids is None
    assert roles.reviewed_ids is None
    assert set(roles.visible(Organization.objects.all())) == set(Organization.objects.all())


@pytest.mark.parametrize(
    "who, reviewed",
    [
        ("anonymous", set()),
        ("editor_a", set()),
        ("reviewer_a", {"a", "office"}),
        ("reviewer_parent", {"district", "a", "office"}),
    ],
)
def test_it_lists_the_organizations_a_person_reviews(tree, who, reviewed):
    assert Roles(getattr(tree, who)).reviewed_ids == {getattr(tree, org).pk for org in reviewed}


def test_it_filters_reports_on_the_named_field(tree):
    reports = {org: actions.create_report(getattr(tree, org), 2021) for org in ORGS}
    visible = Roles(tree.reviewer_a).visible(AnnualReport.objects.all(), field="organization")
    assert set(visible) == {reports["a"], reports["office"]}


@pytest.mark.parametrize("who, queries", [("anonymous", 0), ("editor_a", 1), ("reviewer_parent", 2), ("admin", 1)])
def test_it_reads_a_persons_roles_in_at_most_two_queries(tree, django_assert_num_queries, who, queries):
    user = getattr(tree, who)
    with django_assert_num_queries(queries):
        Roles(user)


def test_it_reads_the_roles_once_per_request(tree, django_assert_num_queries):
    request = request_of(tree.reviewer_parent)
    first = roles_of_request(request)
    with django_assert_num_queries(0):
        assert roles_of_request(request) is first
    assert first.access(tree.office.pk) == REVIEW


@pytest.mark.parametrize("who", EXPECTED)
def test_it_finds_an_organization_only_for_people_with_a_role_there(tree, who):
    for org, expected in zip(ORGS, EXPECTED[who], strict=True):
        organization, request = getattr(tree, org), request_of(getattr(tree, who))
        if expected.can_view:
            assert get_organization_or_404(request, organization.slug) == (organization, expected)
        else:
            with pytest.raises(Http404, match="^没有找到该机关$"):
                get_organization_or_404(request, organization.slug)


def test_it_answers_404_for_an_unknown_organization(tree):
    with pytest.raises(Http404, match="^没有找到该机关$"):
        get_organization_or_404(request_of(tree.admin), "no-such-agency")


@pytest.mark.parametrize("who", EXPECTED)
def test_it_finds_a_report_only_for_people_with_a_role_in_its_organization(tree, who):
    for org, expected in zip(ORGS, EXPECTED[who], strict=True):
        report = actions.create_report(getattr(tree, org), 2021)
        if expected.can_view:
            found, access = get_report_or_404(request_of(getattr(tree, who)), report.organization.slug, 2021)
            assert (found, access) == (report, expected)
        else:
            with pytest.raises(Http404, match="^没有找到该报告$"):
                get_report_or_404(request_of(getattr(tree, who)), report.organization.slug, 2021)


def test_it_returns_the_report_of_the_asked_year_with_its_organization_and_publication(tree, django_assert_num_queries):
    actions.create_report(tree.a, 2020)
    wanted = actions.create_report(tree.a, 2021)
    actions.create_report(tree.b, 2021)
    request = request_of(tree.editor_a)
    roles_of_request(request)
    with django_assert_num_queries(1):
        report, _ = get_report_or_404(request, "agency-a", 2021)
        assert report == wanted
        assert report.organization == tree.a
        assert report.ever_published is False


@pytest.mark.parametrize("slug, year", [("agency-a", 2020), ("no-such-agency", 2021)])
def test_it_answers_404_for_a_report_that_does_not_exist(tree, slug, year):
    actions.create_report(tree.a, 2021)
    with pytest.raises(Http404, match="^没有找到该报告$"):
        get_report_or_404(request_of(tree.admin), slug, year)


# ---- the supervising office's scope ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "editor_a", "editor_b", "reviewer_a"])
def test_only_a_reviewer_of_an_organization_with_children_or_an_administrator_oversees(tree, who):
    """reviewer_a reviews agency A, which has an office below it: that makes A's reviewer a supervising office
    of A's subtree; the others are 404."""
    if who == "reviewer_a":
        scope = oversight_scope_or_404(request_of(tree.reviewer_a))
        assert (scope.root_ids, scope.ids, scope.everything) == (
            {tree.a.pk},
            {tree.a.pk, tree.office.pk},
            False,
        )
        return
    with pytest.raises(Http404):
        oversight_scope_or_404(request_of(getattr(tree, who)))


def test_a_district_reviewer_oversees_the_district_subtree_from_its_top(tree):
    scope = oversight_scope_or_404(request_of(tree.reviewer_parent))
    assert scope.root_ids == {tree.district.pk}
    assert scope.ids == {tree.district.pk, tree.a.pk, tree.office.pk}
    assert scope.everything is False
    assert scope.parents[tree.office.pk] == tree.a.pk and scope.parents[tree.district.pk] is None


def test_the_administrator_oversees_every_tree_from_every_root(tree):
    scope = oversight_scope_or_404(request_of(tree.admin))
    assert scope.root_ids == {tree.district.pk, tree.b.pk}
    assert scope.ids == set(Organization.objects.values_list("pk", flat=True))
    assert scope.everything is True


def test_the_scope_filters_a_query_on_the_named_field_unless_it_is_everything(tree):
    district = oversight_scope_or_404(request_of(tree.reviewer_parent))
    organizations = Organization.objects.all()
    assert set(district.within(organizations, "pk")) == {tree.district, tree.a, tree.office}
    for org in (tree.a, tree.b):
        actions.create_report(org, 2021)
    reports = AnnualReport.objects.all()
    assert [r.organization for r in district.within(reports)] == [tree.a]
    everything = oversight_scope_or_404(request_of(tree.admin))
    assert everything.within(reports) is reports  # no filter at all: no list of every id in the query
