"""Links of the workspace's pages that need more than ``{% url %}``."""

from django import template
from django.urls import reverse

from ..checks import rule_name as name_of_rule
from ..workspace.progress import finding_target

register = template.Library()


@register.simple_tag
def finding_href(report, finding):
    """The address of the part page and the cell (or text) where ``finding`` is fixed; "" if none."""
    target = finding_target(report, finding)
    if target is None:
        return ""
    code, anchor = target
    url = reverse("workspace:part", args=(report.organization.slug, report.year, code))
    return f"{url}#{anchor}"


@register.filter
def incomplete(findings):
    """The findings that are something not yet filled in (counted apart from the errors)."""
    return [f for f in findings if f.incomplete]


@register.filter
def complete(findings):
    """The findings that are a figure or a text that is wrong, not merely missing."""
    return [f for f in findings if not f.incomplete]


@register.filter
def rule_name(rule_id):
    """The Chinese name of a check rule (its id is internal)."""
    return name_of_rule(rule_id)
