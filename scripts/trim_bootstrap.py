"""Cut Bootstrap down to the rules the site uses: ``disclosure/static/vendor/bootstrap/bootstrap.used.css``.

The pages use a few per cent of Bootstrap 5.3 (issue 11). This keeps every rule of the full stylesheet
(``scripts/vendor/bootstrap-5.3.9.min.css``, not shipped) whose selector names only classes that occur
somewhere in the project's templates, Python code and scripts, or in the crispy-forms Bootstrap 5
templates that render our forms; element-only rules (the reboot: ``body``, ``h1``, ``table`` …) and the
custom properties on ``:root`` stay. A selector list keeps the selectors that pass; a rule with none left goes.
A template that builds a class name (``alert-{{ tag }}``) keeps every class with that prefix.

Run it again after using a Bootstrap class that was not used before:

    python scripts/trim_bootstrap.py          # writes the file, prints the sizes
    python scripts/trim_bootstrap.py --check  # exit 1 if the file is not what it would write (tests use it)
"""

import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "scripts" / "vendor" / "bootstrap-5.3.9.min.css"
TARGET = ROOT / "disclosure" / "static" / "vendor" / "bootstrap" / "bootstrap.used.css"
SCANNED = [
    (ROOT / "disclosure", ("*.html", "*.py", "*.js")),
]
CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
WORD = re.compile(r"[_a-zA-Z][_a-zA-Z0-9-]*")
BUILT = re.compile(r"([a-z][a-z0-9-]*-)\{[{%]")  # class="alert-{{ message.tags }}", "alert-{% if … %}"
# Built prefixes that name the project's own classes only (report/grid.html's <col class="col-label">).
OWN_PREFIXES = {"col-"}
# crispy-bootstrap5 templates of layout objects our forms never use (tabs, modals, accordions, cards …).
UNUSED_CRISPY = re.compile(r"accordion|modal|tab|pills|card|alert|floating|prepended|appended|inline|formset|switch")


def crispy_templates():
    import crispy_bootstrap5

    return Path(crispy_bootstrap5.__file__).parent / "templates"


def project_words():
    """Every word of the scanned files (a superset of the class names they use) and the built prefixes."""
    words, prefixes = set(), set()
    folders = [*SCANNED, (crispy_templates(), ("*.html",))]
    for folder, patterns in folders:
        for pattern in patterns:
            for path in folder.rglob(pattern):
                if "migrations" in path.parts or (folder != ROOT / "disclosure" and UNUSED_CRISPY.search(path.name)):
                    continue
                text = path.read_text(encoding="utf-8")
                words.update(WORD.findall(text))
                prefixes.update(BUILT.findall(text))
    return words, prefixes - OWN_PREFIXES


def used(class_name, words, prefixes):
    return class_name in words or any(class_name.startswith(p) for p in prefixes)


def keep_selectors(prelude, words, prefixes):
    """The selectors of a rule's selector list whose every class is used; "" when none is."""
    selectors = tinycss2.serialize(prelude).split(",")
    kept = [s.strip() for s in selectors if all(used(c, words, prefixes) for c in CLASS.findall(s))]
    return ",".join(kept)


def trim(rules, words, prefixes):
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = keep_selectors(rule.prelude, words, prefixes)
            if selectors:
                out.append(selectors + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "container", "layer"):
            inner = trim(tinycss2.parse_rule_list(rule.content, True, True), words, prefixes)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        elif rule.type == "at-rule":  # @keyframes, @charset: kept whole
            out.append(tinycss2.serialize([rule]))
    return out


def trimmed_css():
    words, prefixes = project_words()
    source = SOURCE.read_text(encoding="utf-8")
    header = source[source.index("/*!") : source.index("*/") + 2]
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    note = "/* Cut to the rules this site uses by scripts/trim_bootstrap.py: edit nothing here, run that. */"
    return "\n".join([header, note, "\n".join(r for r in trim(rules, words, prefixes) if r.strip())]) + "\n"


def main(argv):
    css = trimmed_css()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != css:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python scripts/trim_bootstrap.py")
            return 1
        return 0
    TARGET.write_text(css, encoding="utf-8")
    full, cut = SOURCE.stat().st_size, len(css.encode("utf-8"))
    print(f"{TARGET.relative_to(ROOT)}: {cut:,} bytes of {full:,} ({cut / full:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
