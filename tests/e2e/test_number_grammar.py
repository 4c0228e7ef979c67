"""The browser's live totals and the server agree on what is a number: grid.js's parser, given the grammar
the server renders into the page, reads the same table of inputs as ``parse_cell``."""

from decimal import Decimal
from pathlib import Path

from disclosure.formats.values import NUMBER_PATTERN
from tests.test_values import NUMBER_CASES

GRID_JS = Path(__file__).resolve().parents[2] / "disclosure" / "static" / "workspace" / "grid.js"


def test_grid_js_reads_the_same_numbers_as_the_server(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><meta charset='utf-8'><body></body>")
    page.add_script_tag(content=GRID_JS.read_text(encoding="utf-8"))
    texts = [text for text, _ in NUMBER_CASES]
    parsed = page.evaluate(
        "([texts, pattern]) => texts.map(t => window.disclosureGrid.parse(t, new RegExp(pattern)))",
        [texts, NUMBER_PATTERN],
    )
    page.close()
    for (text, is_number), value in zip(NUMBER_CASES, parsed, strict=True):
        if is_number:
            expected = Decimal(
                text.strip(" \u3000").translate(str.maketrans("０１２３４５６７８９", "0123456789", ",，"))
            )
            assert value == float(expected), text
        else:
            assert value != value, text  # NaN: not a number
