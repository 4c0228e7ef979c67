from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from disclosure.actions import ActionError
from disclosure.publishing import publish_report

from ._common import get_report, refuse


class Command(BaseCommand):
    help = (
        "Publish a report: freeze the next version, render its page and PDF once, make it the public one. "
        "Exit status 0 published, 2 refused (nothing published)."
    )

    def add_arguments(self, parser):
        parser.add_argument("org_slug")
        parser.add_argument("year", type=int)
        parser.add_argument("--user", help="the account recorded as publisher (a username)")
        parser.add_argument(
            "--without-review",
            action="store_true",
            help="publish a report that has not been approved in the workspace (e.g. one imported as published)",
        )

    def handle(self, org_slug, year, user=None, without_review=False, **options):
        report = get_report(org_slug, year)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise refuse(f"没有用户“{user}”")
        try:
            version = publish_report(report, actor, require_approved=not without_review)
        except ActionError as e:
            raise refuse(str(e)) from None
        self.stdout.write(f"已发布：{report.title} 第{version.number}版")
        self.stdout.write(f"网址：{report.get_absolute_url()}")
        self.stdout.write(f"PDF SHA-256：{version.pdf_sha256}")
