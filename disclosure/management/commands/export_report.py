from django.core.management.base import BaseCommand

from disclosure.documents import dumps, export_document

from ._common import get_report


class Command(BaseCommand):
    help = "Write a report as the JSON document to standard output. Exit status 0, or 2 for an unknown report."

    def add_arguments(self, parser):
        parser.add_argument("org_slug")
        parser.add_argument("year", type=int)

    def handle(self, org_slug, year, **options):
        self.stdout.write(dumps(export_document(get_report(org_slug, year))), ending="")
