"""Generic fixtures shared by all tests.

Data that is slow to build (published reports: a PDF render each) is built once per test session — once per
xdist worker — in a transaction that is rolled back, after keeping the rows it wrote as a fixture file
(``saved_rows``); each test that asks for it loads those rows into its own transaction (a fraction of a second
instead of PDF renders), and they are rolled back with the rest of the test's writes, so no test sees another's.
``demo`` is the demo data built so; tests that are about ``load_demo`` itself call the command.
"""

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from disclosure.public import pagecache


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep files written by a test (e.g. published PDFs) out of the real MEDIA_ROOT, and start with an empty
    page cache: every test's database starts at publication generation 0, so pages cached by an earlier
    test would otherwise match."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def cut_fonts():
    """FONT_CACHE_DIR with the PDF's CJK fonts cut to GB 2312 in it. `make test` makes them first (`make
    fonts`); a plain pytest run that finds them missing cuts them here, once (minutes)."""
    from disclosure import pdf_fonts

    if pdf_fonts.missing_faces():
        call_command("subset_fonts", stdout=io.StringIO())
    return pdf_fonts.font_dir()


@pytest.fixture
def output_dir() -> Path:
    """A kept directory for artefacts worth looking at after a run (screenshots, PNGs of PDFs)."""
    path = Path(__file__).resolve().parent.parent / "test-output"
    path.mkdir(exist_ok=True)
    return path


def stored_models():
    """Every model with a table of its own (no proxies, no unmanaged models)."""
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def rows_written_by(action):
    """Run ``action`` and return every row it added, in any model, as Django serializer JSON."""
    before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in stored_models()}
    action()
    added = [
        obj for model in stored_models() for obj in model._base_manager.exclude(pk__in=before[model]).order_by("pk")
    ]
    return serializers.serialize("json", added)


def saved_rows(build):
    """A session fixture: a fixture file holding the rows ``build()`` writes into an empty database, built once.
    Load it into a test with ``load_rows``."""

    @pytest.fixture(scope="session")
    def rows(django_db_setup, django_db_blocker, tmp_path_factory):
        folder = tmp_path_factory.mktemp(build.__name__)
        path = folder / "rows.json"
        with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=folder / "media"):
            with transaction.atomic():
                path.write_text(rows_written_by(build), "utf-8")
                transaction.set_rollback(True)  # the test database stays empty; every test starts from nothing
        return path

    return rows


def load_rows(path):
    """Load the rows, and the rendered files they name, which ``saved_rows`` wrote beside them."""
    if (path.parent / "media").is_dir():
        shutil.copytree(path.parent / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    call_command("loaddata", str(path), verbosity=0)
    pagecache.invalidate()  # as the publications among the rows did


def run_load_demo():
    """The two demo reports and accounts, without the demo district: loading its hundred reports' rows would
    add seconds to every test that asks for the demo."""
    call_command("load_demo", "--without-district", stdout=io.StringIO())


def run_load_demo_with_district():
    call_command("load_demo", stdout=io.StringIO())


demo_snapshot = saved_rows(run_load_demo)
district_snapshot = saved_rows(run_load_demo_with_district)


@pytest.fixture
def demo(demo_snapshot, db, settings):
    """The demo organizations, reports (both published) and accounts, as ``load_demo --without-district``
    leaves them."""
    settings.DEBUG = True  # as for load_demo itself: tests may run it again over the demo
    load_rows(demo_snapshot)


@pytest.fixture
def demo_district(district_snapshot, db, settings):
    """The whole demo, as ``load_demo`` leaves it: the district's agencies and their reports in every state."""
    settings.DEBUG = True
    load_rows(district_snapshot)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT collected once per session with the production (manifest, compressed) storage, for the
    tests that start real servers (tests/servers.py)."""
    from .servers import manage, production_env

    root = tmp_path_factory.mktemp("collected") / "static"
    manage(production_env(root.parent, "sqlite:///unused.sqlite3", root), "collectstatic", "--noinput", "-v0")
    return root
