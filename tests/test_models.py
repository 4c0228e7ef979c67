"""What the database itself guarantees, whatever code writes to it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from disclosure import actions
from disclosure.models import AnnualReport, Cell, Organization

from .factories import organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return actions.create_report(organization("agency"), 2021)


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cell.objects.create(**fields)


def test_one_report_per_organization_and_year(report):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(organization=report.organization, year=2021, edition="2021")


def test_the_edition_must_be_the_one_the_year_takes(report):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(organization=report.organization, year=2022, edition="2019")
    assert AnnualReport.objects.create(organization=report.organization, year=2020).edition == "2019"


def test_counts_are_never_negative(report):
    refused(report=report, table="applications", row="new", column="natural_person", value=Decimal(-1))


def test_the_2019_change_column_may_be_negative():
    report = actions.create_report(organization("old"), 2020)
    Cell.objects.create(report=report, table="proactive", row="licensing", column="change", value=Decimal(-8))


def test_slash_only_in_table_two_and_never_with_a_number(report):
    refused(report=report, table="applications", row="new", column="natural_person", not_applicable=True)
    refused(report=report, table="proactive", row="rules", column="made", value=Decimal(1), not_applicable=True)
    refused(report=report, table="proactive", row="rules", column="made", value=None, not_applicable=False)
    Cell.objects.create(report=report, table="proactive", row="rules", column="made", not_applicable=True)


def test_one_value_per_cell(report):
    Cell.objects.create(report=report, table="applications", row="new", column="natural_person", value=1)
    refused(report=report, table="applications", row="new", column="natural_person", value=2)


def test_deadlines_follow_article_49():
    gov = organization("gov", kind=Organization.Kind.GOVERNMENT)
    dept = organization("dept", parent=gov)
    assert str(gov.deadline(2024)) == "2025-03-31"
    assert str(dept.deadline(2024)) == "2025-01-31"


def test_totals_are_derived_from_the_entered_cells(report):
    from disclosure.formats import CellKey

    actions.save_content(
        report,
        None,
        cells={
            CellKey("applications", "new", "natural_person"): Decimal(2),
            CellKey("applications", "new", "other_org"): Decimal(3),
            CellKey("applications", "granted", "natural_person"): Decimal(1),
        },
    )
    values = report.values()
    assert values[CellKey("applications", "new", "total")] == 5
    assert values[CellKey("applications", "results_total", "natural_person")] == 1
    assert values[CellKey("applications", "results_total", "total")] == 1
    assert values[CellKey("applications", "carried_in", "total")] is None  # nothing entered: still blank
