"""Demo data: 嘉兴市秀洲区人民政府 with three agencies under it, two reports and three accounts.

The reports are JSON documents in ``disclosure/demo/``, loaded through the same import as ``import_report``:
- 秀洲高新区 2020 (2019 edition), the real published report in ``docs/samples``, text and figures as
  published. Its "无" cells are entered as 0 (the agency's word for "none"), and its blank tables 三 and 四
  as 0 too: its text says no applications were received, and no cases are reported anywhere.
- 嘉兴市秀洲区教育局 2021 (2021 edition): complete and consistent; 规章 is "/" (a 区 bureau makes none).
Both are published (version 1) when first loaded, so that the public site has something to show, dated as a
department publishes its report (before 1月31日 of the next year) rather than on the day the demo was loaded.

Around them, ``disclosure.demo_district`` makes the district believable for its supervising office: about 25
departments and 5 镇/街道, four published years behind the reporting year, and the reporting year's reports in
every state, with varied (seeded, so always the same) figures. Those publications are frozen without rendering
their files (``render_reports --unrendered`` renders them; ``make run`` does).
"""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from disclosure import demo_district
from disclosure.documents import import_document, loads
from disclosure.models import Membership, Organization
from disclosure.publishing import publish_report
from disclosure.workspace.progress import reporting_year

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEFAULT_PASSWORD = "xiuzhou-demo-2026"

# (slug, name, short name, kind, parent slug)
ORGANIZATIONS = [
    ("xiuzhou", "嘉兴市秀洲区人民政府", "秀洲区政府", Organization.Kind.GOVERNMENT, None),
    ("xiuzhou-hitech-zone", "秀洲高新区", "秀洲高新区", Organization.Kind.DEPARTMENT, "xiuzhou"),
    ("xiuzhou-education", "嘉兴市秀洲区教育局", "秀洲区教育局", Organization.Kind.DEPARTMENT, "xiuzhou"),
    ("xiuzhou-finance", "嘉兴市秀洲区财政局", "秀洲区财政局", Organization.Kind.DEPARTMENT, "xiuzhou"),
]
REPORTS = ["xiuzhou-hitech-zone-2020.json", "xiuzhou-education-2021.json"]
# When each was published: the real 2020 report's own date is not known; both stand for on-time ones.
PUBLISHED_ON = {REPORTS[0]: datetime.date(2021, 1, 29), REPORTS[1]: datetime.date(2022, 1, 28)}
# username -> [(organization slug, role)]; the reviewer of the 区政府 reviews the agencies under it too.
ACCOUNTS = {
    "editor": [("xiuzhou-hitech-zone", Membership.Role.EDITOR), ("xiuzhou-education", Membership.Role.EDITOR)],
    "reviewer": [("xiuzhou", Membership.Role.REVIEWER)],
}


class Command(BaseCommand):
    help = "Load the demo organizations, reports and accounts (idempotent; development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-district",
            action="store_true",
            help="只加载两份演示报告，不生成秀洲区各部门和镇街道的报告（测试用）",
        )

    def handle(self, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo 只能在开发环境（DEBUG=1）中运行，以免演示账号进入正式系统")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        district = not options["without_district"]
        with transaction.atomic():
            self.load_organizations(district)
            for name in REPORTS:
                report, created, changes, _ = import_document(loads((DEMO_DIR / name).read_text(encoding="utf-8")))
                self.stdout.write(f"{'创建' if created else '已有'}：{report.title}")
                if not report.versions.exists():
                    # The demo reports stand for published ones: publish them without the workspace review.
                    when = timezone.make_aware(datetime.datetime.combine(PUBLISHED_ON[name], datetime.time(10)))
                    publish_report(report, None, require_approved=False, published_at=when)
                    self.stdout.write(f"已发布：{report.get_absolute_url()}")
            self.load_accounts(password, district)
            if district:
                self.load_district()
        shown = "（来自 DEMO_PASSWORD）" if os.environ.get("DEMO_PASSWORD") else DEFAULT_PASSWORD
        names = ["admin", *ACCOUNTS, *([demo_district.EDITOR] if district else [])]
        self.stdout.write(f"演示账号：{'、'.join(names)}，密码 {shown}")

    def load_district(self):
        User = get_user_model()
        reviewer, editor = User.objects.get(username="reviewer"), User.objects.get(username=demo_district.EDITOR)
        written = demo_district.load(reporting_year(), reviewer, editor)
        if written:
            self.stdout.write(
                f"秀洲区演示报告：{written} 份（网页、PDF 和 Word 文件尚未生成：运行 "
                "manage.py render_reports --unrendered；make run 会自动运行）"
            )

    def load_organizations(self, district=True):
        for slug, name, short_name, kind, parent in ORGANIZATIONS:
            Organization.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "parent": Organization.objects.get(slug=parent) if parent else None,
                },
            )
        if district:
            demo_district.organizations(Organization.objects.get(slug="xiuzhou"))

    def load_accounts(self, password, district=True):
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.org", password)
        accounts = dict(ACCOUNTS)
        if district:
            accounts[demo_district.EDITOR] = [(s, Membership.Role.EDITOR) for s in demo_district.edited_slugs()]
        for username, roles in accounts.items():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.save()
            for slug, role in roles:
                Membership.objects.get_or_create(user=user, organization=Organization.objects.get(slug=slug), role=role)
