from django.core.management.base import BaseCommand

from disclosure.checks import check_report

from ._common import EXIT_STATUSES, exit_status, get_report, print_findings


class Command(BaseCommand):
    help = "Print a report's consistency findings (stored declared totals included). " + EXIT_STATUSES

    def add_arguments(self, parser):
        parser.add_argument("org_slug")
        parser.add_argument("year", type=int)

    def handle(self, org_slug, year, **options):
        findings = check_report(get_report(org_slug, year))
        print_findings(self.stdout, findings)
        exit_status(findings)
