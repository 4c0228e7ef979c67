import sys

from django.core.management.base import BaseCommand

from disclosure.checks import check_report, has_blocking

from ._common import get_report, print_findings


class Command(BaseCommand):
    help = "Print a report's consistency findings; exit status 1 when a blocking rule fails."

    def add_arguments(self, parser):
        parser.add_argument("org_slug")
        parser.add_argument("year", type=int)

    def handle(self, org_slug, year, **options):
        findings = check_report(get_report(org_slug, year))
        print_findings(self.stdout, findings)
        if has_blocking(findings):
            sys.exit(1)
