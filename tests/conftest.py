"""Generic fixtures shared by all tests."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep files written by a test (e.g. published PDFs) out of the real MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def output_dir() -> Path:
    """A kept directory for artefacts worth looking at after a run (screenshots, PNGs of PDFs)."""
    path = Path(__file__).resolve().parent.parent / "test-output"
    path.mkdir(exist_ok=True)
    return path
