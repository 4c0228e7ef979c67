"""The demo data, and the sample report entered as published."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import BinaryField, DateTimeField, FileField

from disclosure import demo_district as district
from disclosure.management.commands import load_demo
from disclosure.models import AnnualReport, Membership, Organization
from disclosure.oversight import STATES, overview_rows
from disclosure.workspace.progress import reporting_year
from tests import conftest

pytestmark = pytest.mark.django_db

demo = conftest.demo  # the fixtures live in conftest; other modules still import them from here
demo_district = conftest.demo_district

SAMPLE = Path(__file__).resolve().parents[1] / "docs" / "samples" / "xiuzhou-hitech-zone-2020.txt"


def export(capsys, slug, year):
    capsys.readouterr()
    call_command("export_report", slug, str(year))
    return json.loads(capsys.readouterr().out)


def test_load_demo_twice_gives_the_same_data(demo_district, settings, django_user_model):
    counts = (
        Organization.objects.count(),
        AnnualReport.objects.count(),
        django_user_model.objects.count(),
        Membership.objects.count(),
    )
    call_command("load_demo")
    assert counts == (
        Organization.objects.count(),
        AnnualReport.objects.count(),
        django_user_model.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] == len(load_demo.ORGANIZATIONS) + len(district.AGENCIES) == 31
    assert counts[2] == 4  # admin, editor, reviewer and the district's editor


def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert Organization.objects.count() == 0


def test_the_demo_password_comes_from_the_environment(settings, monkeypatch, client):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret-1")
    # about the accounts only: the two PDF renders of the demo's publications are left out
    monkeypatch.setattr("disclosure.management.commands.load_demo.publish_report", lambda *args, **kwargs: None)
    call_command("load_demo", "--without-district")
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/workspace/login/")
    assert authenticate(request, username="editor", password="another-secret-1") is not None


def test_the_sample_shows_its_procurement_figures_and_its_text_as_published(demo, capsys):
    doc = export(capsys, "xiuzhou-hitech-zone", 2020)
    assert doc["edition"]["code"] == "2019"
    table2 = next(p for p in doc["parts"] if p["code"] == "proactive")
    procurement = next(r for r in table2["rows"] if r["code"] == "procurement")
    assert [(c["label"], c["value"]) for c in procurement["cells"]] == [("采购项目数量", 136), ("采购总金额", 685389)]
    published = SAMPLE.read_text(encoding="utf-8")
    texts = [s["text"] for p in doc["parts"] for s in p.get("sections", [])]
    for text in texts:
        for line in text.splitlines():
            assert line in published, line
    assert "2019年，高新区通过主动公开信息829条" in texts[1]


def test_the_sample_keeps_its_faults_visible_to_the_check(demo, capsys):
    doc = export(capsys, "xiuzhou-hitech-zone", 2020)
    assert [f["rule"] for f in doc["findings"]] == ["N-year"]


def test_the_2021_demo_report_is_complete_and_consistent(demo, capsys):
    capsys.readouterr()
    call_command("check_report", "xiuzhou-education", "2021")  # exits non-zero on a blocking finding
    assert capsys.readouterr().out.strip() == "勾稽关系检查：全部通过"  # and there is no warning either


def test_the_sample_round_trips_through_export_and_import(demo, capsys, tmp_path):
    first = export(capsys, "xiuzhou-hitech-zone", 2020)
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    call_command("import_report", str(path))
    assert export(capsys, "xiuzhou-hitech-zone", 2020) == first


def test_the_demo_fixture_holds_what_load_demo_writes(demo_snapshot, settings):
    """The ``demo`` fixture loads rows saved from one run of load_demo: a fresh run writes the same rows (up to
    keys, times, password salts and the PDFs' creation dates)."""
    settings.DEBUG = True
    fresh = conftest.rows_written_by(conftest.run_load_demo)
    assert comparable(fresh) == comparable(demo_snapshot.read_text(encoding="utf-8"))
    assert {"disclosure.organization", "disclosure.publishedversion", "auth.user"} <= {
        label for label, _ in comparable(fresh)
    }


def comparable(serialized):
    """Each row as (model, its own values), leaving out what differs from one run to the next."""
    rows = []
    for row in json.loads(serialized):
        model = apps.get_model(row["model"])
        kept = {
            name: value
            for name, value in row["fields"].items()
            if not model._meta.get_field(name).is_relation
            and not isinstance(model._meta.get_field(name), (DateTimeField, BinaryField, FileField))
            # salted; the hash of a PDF (or Word file) with its creation date. File names hold ids and hashes.
            and name not in ("password", "pdf_sha256", "pdf_size", "docx_sha256", "docx_size")
        }
        rows.append((row["model"], json.dumps(kept, sort_keys=True, ensure_ascii=False)))
    return sorted(rows)


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_gets_the_demo_too(demo):
    assert {
        ("xiuzhou-hitech-zone", 2020, "published"),
        ("xiuzhou-education", 2021, "published"),
    } <= set(AnnualReport.objects.values_list("organization__slug", "year", "status"))


def district_scope():
    from disclosure.permissions import OversightScope
    from disclosure.regions import parents_map, subtree_ids

    root = Organization.objects.get(slug="xiuzhou")
    parents = parents_map()
    return OversightScope(frozenset([root.pk]), frozenset(subtree_ids([root.pk], parents)), parents)


def test_the_demo_district_has_its_departments_and_towns(demo_district):
    below = Organization.objects.filter(parent__slug="xiuzhou")
    towns = [o.name for o in below if o.name.endswith(("镇人民政府", "街道办事处"))]
    assert len(towns) == 5 and below.count() - len(towns) == 25


def test_the_demo_district_has_a_report_in_every_state_in_the_reporting_year(demo_district):
    rows = overview_rows(district_scope(), reporting_year())
    states = {row.state for row in rows}
    assert states == set(STATES)
    published = [r for r in rows if r.timeliness.published_on]
    assert any(r.timeliness.days_late > 0 for r in published) and any(r.timeliness.days_late <= 0 for r in published)
    assert any(r.incomplete for r in rows)  # the half-filled draft: not filled in yet, counted apart from errors


def test_the_demo_district_has_three_published_years_before(demo_district):
    year = reporting_year()
    for past in range(year - 3, year):
        published = AnnualReport.objects.filter(year=past, status="published", organization__parent__slug="xiuzhou")
        assert published.count() >= 25, past


def test_the_demo_district_raises_each_kind_of_prompt(demo_district):
    from disclosure.indicators import region_prompts

    kinds = {(p.organization.slug, p.kind) for p in region_prompts(district_scope(), reporting_year())}
    assert {
        ("xiuzhou-enforcement", "jump"),
        ("xiuzhou-statistics", "to_zero"),
        ("xiuzhou-veterans", "zero_years"),
    } <= kinds


def test_the_district_editor_edits_only_the_reports_the_workflow_moves(demo_district):
    memberships = Membership.objects.filter(user__username=district.EDITOR)
    assert sorted(memberships.values_list("organization__slug", flat=True)) == sorted(district.edited_slugs())
    assert set(memberships.values_list("role", flat=True)) == {Membership.Role.EDITOR}
