"""The pages load Bootstrap cut to the rules they use (scripts/trim_bootstrap.py), and the cut file is the one
the script makes from the project as it is now: a Bootstrap class newly used in a template fails here until
the script is run again."""

import subprocess
import sys
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parent.parent


def test_the_cut_bootstrap_is_up_to_date():
    run = subprocess.run(
        [sys.executable, "scripts/trim_bootstrap.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_pages_link_the_cut_file_and_the_full_one_is_not_shipped(rf):
    html = render_to_string("base.html", request=rf.get("/"))
    assert "vendor/bootstrap/bootstrap.used.css" in html and "bootstrap.min.css" not in html
    assert finders.find("vendor/bootstrap/bootstrap.min.css") is None
    cut = Path(finders.find("vendor/bootstrap/bootstrap.used.css")).stat().st_size
    full = (ROOT / "scripts" / "vendor" / "bootstrap-5.3.9.min.css").stat().st_size
    assert cut < full / 4


def test_it_keeps_the_rules_of_classes_in_use_and_drops_the_others():
    sys.path.insert(0, str(ROOT / "scripts"))
    import trim_bootstrap

    css = Path(trim_bootstrap.TARGET).read_text(encoding="utf-8")
    for kept in (".btn-primary{", ".alert-danger{", ".visually-hidden-focusable", ".breadcrumb-item", ".is-invalid"):
        assert kept in css, kept
    for dropped in (".carousel", ".offcanvas", ".accordion", ".modal-dialog", ".toast", ".spinner-border"):
        assert dropped not in css, dropped
