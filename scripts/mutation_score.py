"""Summarise a `mutmut run` (``make mutation``): mutants killed / survived per mutated module.

Reads the ``*.py.meta`` files mutmut 3 leaves in ``mutants/``. A mutant counts as killed when a test failed
(or timed out: the mutation made the code loop); every other outcome — survived, no test reached it — is a
survivor and is listed by name, so ``mutmut show NAME`` prints its diff.
Exit status 1 when a module scores below ``--min`` percent (default 0: report only).
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut.stats.status_by_exit_code), reduced to what the score needs.
KILLED, TIMEOUT, SURVIVED, NO_TESTS, NOT_CHECKED = "killed", "timeout", "survived", "no tests", "not checked"
OUTCOME_BY_EXIT_CODE = {
    1: KILLED,
    3: KILLED,
    0: SURVIVED,
    5: NO_TESTS,
    33: NO_TESTS,
    36: TIMEOUT,
    -24: TIMEOUT,
    24: TIMEOUT,
    152: TIMEOUT,
    255: TIMEOUT,
    None: NOT_CHECKED,
}


def outcomes(meta_path):
    exit_codes = json.loads(meta_path.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {name: OUTCOME_BY_EXIT_CODE.get(code, "suspicious") for name, code in exit_codes.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    parser.add_argument("--min", type=float, default=0.0, help="fail when a module's score is below this percent")
    args = parser.parse_args(argv)

    metas = sorted(args.mutants.rglob("*.py.meta"))
    if not metas:
        print(f"No mutmut results under {args.mutants}/ — run `make mutation` first.", file=sys.stderr)
        return 2
    print(f"{'module':<36} {'total':>6} {'killed':>7} {'timeout':>8} {'survived':>9} {'no tests':>9} {'score':>7}")
    below = []
    for meta in metas:
        module = str(meta.relative_to(args.mutants)).removesuffix(".meta")
        results = outcomes(meta)
        if not results or set(results.values()) == {NOT_CHECKED}:
            continue  # not part of this run (`make mutation MUTATE=...` picked other modules)
        counts = Counter(results.values())
        caught = counts[KILLED] + counts[TIMEOUT]
        score = 100.0 * caught / len(results)
        print(
            f"{module:<36} {len(results):>6} {counts[KILLED]:>7} {counts[TIMEOUT]:>8} {counts[SURVIVED]:>9} "
            f"{counts[NO_TESTS]:>9} {score:>6.1f}%"
        )
        for name, outcome in sorted(results.items()):
            if outcome not in (KILLED, TIMEOUT):
                print(f"    {outcome:<9} {name}")
        if score < args.min:
            below.append(module)
    if below:
        print(f"Below {args.min:g}%: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
