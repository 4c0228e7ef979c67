"""Region totals: kept by each publication and correction, rebuilt and checked by the command."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosure import actions, publishing, regions
from disclosure.formats import CellKey, edition_for_year
from disclosure.models import RegionTotal
from tests import factories

YEAR = 2021


def figure_key():
    """The first entered cell of table 四 (one that no balance rule ties to another)."""
    edition = edition_for_year(YEAR)
    table = edition.tables[-1]
    return next(s.key for s in table.cells() if not s.derived)


def publish(org, value):
    report = factories.complete_report(org, YEAR, cells={figure_key(): value})
    return publishing.publish_report(report, None, require_approved=False)


def total(org, key):
    row = RegionTotal.objects.filter(organization=org, year=YEAR, table=key.table, row=key.row, column=key.column)
    row = row.first()
    return None if row is None else (row.value, row.reports)


@pytest.fixture
def second(people):
    return factories.organization("agency-c", parent=people.district, name="测试区丙局")


def test_a_publication_adds_to_its_organization_and_every_one_above(people, second):
    key = figure_key()
    publish(people.a, 7)
    publish(second, 5)
    assert total(people.a, key) == (Decimal(7), 1)
    assert total(second, key) == (Decimal(5), 1)
    assert total(people.district, key) == (Decimal(12), 2)
    assert total(people.b, key) is None


def test_a_correction_replaces_the_version_it_corrects(people, second):
    key = figure_key()
    version = publish(people.a, 7)
    publish(second, 5)
    report = publishing.reopen_for_correction(version.report, None, "更正表三")
    actions.save_content(report, None, cells={key: Decimal(3)})
    publishing.publish_report(report, None, require_approved=False)
    assert total(people.a, key) == (Decimal(3), 1)
    assert total(people.district, key) == (Decimal(8), 2)
    assert regions.differences() == []


def test_the_command_finds_a_difference_and_rebuilds(people, second):
    key = figure_key()
    publish(people.a, 7)
    publish(second, 5)
    call_command("rebuild_region_totals", "--check")
    RegionTotal.objects.filter(organization=people.district, table=key.table, row=key.row, column=key.column).update(
        value=Decimal(99)
    )
    with pytest.raises(CommandError) as raised:
        call_command("rebuild_region_totals", "--check")
    assert raised.value.returncode == 1
    call_command("rebuild_region_totals")
    assert total(people.district, key) == (Decimal(12), 2)
    call_command("rebuild_region_totals", "--check")


def test_not_applicable_is_not_counted(people):
    """ "/" is not a number: it adds nothing and counts no report."""
    edition = edition_for_year(YEAR)
    slash = next(s.key for s in edition.cell_specs() if s.allows_not_applicable)
    report = factories.complete_report(people.a, YEAR, cells={slash: "/"})
    publishing.publish_report(report, None, require_approved=False)
    assert total(people.a, CellKey(*slash)) is None
    assert regions.differences() == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_the_versions_published_before_it(people, second):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    key = figure_key()
    publish(people.a, 7)
    publish(second, 5)
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    # Found by name: the migration is renumbered when branches merge.
    mine = next(key for key in graph.nodes if key[0] == "disclosure" and key[1].endswith("_region_totals"))
    executor.migrate([next(iter(graph.node_map[mine].parents)).key])  # before the table existed
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert total(people.district, key) == (Decimal(12), 2)
    assert regions.differences() == []


def test_moving_an_organization_moves_its_figures_to_its_new_ancestors(people, second):
    key = figure_key()
    publish(people.a, 7)
    publish(second, 5)
    other = factories.organization("other-district", kind=people.district.kind, name="另一区人民政府")
    people.a.parent = other
    people.a.save()
    assert total(people.district, key) == (Decimal(5), 1)
    assert total(other, key) == (Decimal(7), 1)
    assert regions.differences() == []
