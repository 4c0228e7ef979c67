import argparse
import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from disclosure.actions import ActionError
from disclosure.publishing import publish_report

from ._common import get_report, refuse


class Command(BaseCommand):
    help = (
        "Publish a report: freeze the next version and queue its rendering (page, PDF, Word file); it becomes "
        "the public one when rendered. Exit status 0 published, 1 published but its rendering failed "
        "(retry: render_reports), 2 refused (nothing published)."
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
        parser.add_argument(
            "--published-at",
            type=published_at,
            help="the publication date of a historical report, e.g. 2022-01-28 or 2022-01-28T10:00 (default now)",
        )

    def handle(self, org_slug, year, user=None, without_review=False, published_at=None, **options):
        report = get_report(org_slug, year)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise refuse(f"没有用户“{user}”")
        try:
            version = publish_report(report, actor, require_approved=not without_review, published_at=published_at)
        except ActionError as e:
            raise refuse(str(e)) from None
        self.stdout.write(f"已发布：{report.title} 第{version.number}版")
        self.stdout.write(f"网址：{report.get_absolute_url()}")
        if version.render_state == version.RenderState.FAILED:
            raise CommandError(f"第{version.number}版生成失败：{version.render_error}", returncode=1)
        if version.render_state == version.RenderState.READY:
            self.stdout.write(f"PDF SHA-256：{version.pdf_sha256}")
        else:
            self.stdout.write("网页、PDF 和 Word 文件已排队生成（db_worker），完成后公众即可看到")


def published_at(text):
    value = parse_datetime(text) or (parse_date(text) and datetime.datetime.combine(parse_date(text), datetime.time()))
    if not value:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期，应写作 2022-01-28 或 2022-01-28T10:00")
    return timezone.make_aware(value) if timezone.is_naive(value) else value
