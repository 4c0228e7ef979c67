"""Who may do what with an organization's reports, from their memberships.

- An **editor** (填报人) of an organization sees its reports and edits their drafts.
- A **reviewer** (审核人) of an organization sees its reports and those of every organization below it in
  the tree, and returns, approves and publishes them. A reviewer never edits content.
- A **superuser** (site administrator) sees every organization and acts as a reviewer everywhere; like a
  reviewer, they never edit a report's content in the workspace (the office that signs the report does).
- A **reviewer of an organization that has children** also acts as the supervising office (政务公开办) of its
  subtree: the year's overview, summed figures and findings across agencies (``oversight_scope_or_404``).
  Superusers oversee every subtree.
- Anyone else sees nothing of the organization: its pages answer 404, so they do not even learn it exists.

Roles are read once per user (two queries at most, whatever the number of organizations).
"""

from dataclasses import dataclass

from django.http import Http404

from .models import AnnualReport, Membership, Organization


@dataclass(frozen=True)
class Access:
    can_edit: bool = False
    can_review: bool = False

    @property
    def can_view(self):
        return self.can_edit or self.can_review


NO_ACCESS = Access()


class Roles:
    """A user's roles across all organizations."""

    def __init__(self, user):
        self.is_admin = bool(user.is_authenticated and user.is_superuser)
        pairs = []
        if user.is_authenticated:
            pairs = list(Membership.objects.filter(user=user).values_list("organization_id", "role"))
        self.editor_ids = {org for org, role in pairs if role == Membership.Role.EDITOR}
        reviewed = {org for org, role in pairs if role == Membership.Role.REVIEWER}
        children = _children() if reviewed else {}
        self.reviewer_ids = _descendants(reviewed, children)
        # Reviewed organizations with organizations below them: the subtrees the user oversees.
        self.supervised_ids = {pk for pk in reviewed if children.get(pk)}

    @property
    def oversees(self):
        """Whether the user acts as a supervising office somewhere (the oversight pages)."""
        return self.is_admin or bool(self.supervised_ids)

    def access(self, organization_id):
        return Access(
            can_edit=organization_id in self.editor_ids,
            can_review=self.is_admin or organization_id in self.reviewer_ids,
        )

    @property
    def visible_ids(self):
        """The organizations whose reports the user sees, or None for all of them (superusers)."""
        if self.is_admin:
            return None
        return self.editor_ids | self.reviewer_ids

    @property
    def reviewed_ids(self):
        """Organizations the user reviews, or None for all of them."""
        return None if self.is_admin else self.reviewer_ids

    def visible(self, queryset, field="pk"):
        ids = self.visible_ids
        return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _children():
    """{parent id: [child ids]} of the whole tree: one query."""
    children = {}
    for pk, parent_id in Organization.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return children


def _descendants(roots, children):
    """The given organizations and all below them."""
    found, todo = set(), list(roots)
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, ()))
    return found


def roles_of(request):
    """The requesting user's roles, read once per request."""
    if not hasattr(request, "_disclosure_roles"):
        request._disclosure_roles = Roles(request.user)
    return request._disclosure_roles


def access_for(user, organization):
    return Roles(user).access(organization.pk)


def get_organization_or_404(request, slug):
    roles = roles_of(request)
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not roles.access(organization.pk).can_view:
        raise Http404("没有找到该机关")
    return organization, roles.access(organization.pk)


def get_report_or_404(request, slug, year):
    """The report and the requester's access to it; 404 when it does not exist or they have no role there."""
    roles = roles_of(request)
    reports = AnnualReport.objects.with_publication().select_related("organization")
    report = reports.filter(organization__slug=slug, year=year).first()
    if report is None or not roles.access(report.organization_id).can_view:
        raise Http404("没有找到该报告")
    return report, roles.access(report.organization_id)


@dataclass(frozen=True)
class OversightScope:
    """The organizations a supervising office oversees: the topmost of its subtrees' roots, and every
    organization in them (roots included)."""

    root_ids: frozenset
    ids: frozenset
    parents: dict  # {organization id: parent id} of every organization
    everything: bool = False  # a superuser's: every organization, so queries need no list of ids

    def within(self, queryset, field="organization_id"):
        """The queryset's rows of organizations in scope (no filter at all when the scope is everything)."""
        return queryset if self.everything else queryset.filter(**{f"{field}__in": self.ids})


def oversight_scope_or_404(request):
    """What the requester oversees; 404 for anyone who does not act as a supervising office (editors,
    reviewers of an organization without children, outsiders), as for any page they have no role on."""
    from .regions import parents_map, subtree_ids, topmost

    roles = roles_of(request)
    if not roles.oversees:
        raise Http404("没有找到该页面")
    parents = parents_map()
    if roles.is_admin:
        roots = {pk for pk, parent in parents.items() if parent is None}
    else:
        roots = topmost(roles.supervised_ids, parents)
    return OversightScope(frozenset(roots), frozenset(subtree_ids(roots, parents)), parents, roles.is_admin)
