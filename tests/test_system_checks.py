"""Startup warnings when PDF rendering would silently go wrong."""

from disclosure import system_checks


def test_it_is_quiet_when_fonts_and_harfbuzz_subset_are_installed():
    assert system_checks.check_cjk_font(None) == []
    assert system_checks.check_harfbuzz_subset(None) == []


def test_it_warns_with_the_fix_when_no_cjk_font_is_installed(monkeypatch):
    monkeypatch.setattr(system_checks, "_cjk_font_families", lambda: [])
    [warning] = system_checks.check_cjk_font(None)
    assert warning.id == "disclosure.W001"
    assert "apt-get install fonts-noto-cjk" in warning.hint


def test_it_warns_with_the_fix_when_harfbuzz_subset_is_missing(monkeypatch):
    monkeypatch.setattr(system_checks.ctypes.util, "find_library", lambda name: None)
    [warning] = system_checks.check_harfbuzz_subset(None)
    assert warning.id == "disclosure.W002"
    assert "apt-get install libharfbuzz-subset0" in warning.hint


def test_it_is_quiet_when_the_cut_fonts_are_there(cut_fonts):
    assert system_checks.check_subset_fonts(None) == []


def test_it_warns_with_the_command_when_the_cut_fonts_are_missing(settings, tmp_path):
    settings.FONT_CACHE_DIR = tmp_path
    [warning] = system_checks.check_subset_fonts(None)
    assert warning.id == "disclosure.W003"
    assert "manage.py subset_fonts" in warning.hint and str(tmp_path) in warning.msg
