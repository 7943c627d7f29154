"""Mutation scores of the pure cores from mutmut's results in mutants/ (`make mutants`).

Prints, per core: the mutants by outcome and the score (detected / checked), then the name
of every mutant not detected (``mutmut show NAME`` prints its diff); docs/testing.md
explains each survivor.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

# The pure cores: a file and the mutant name patterns counted for it (progress: the
# evaluation only, not the queries and writes around it).
CORES: dict[str, tuple[str, tuple[str, ...]]] = {
    "grading": ("app/exercises/grading.py", ("*",)),
    "suppression": ("app/datasets/suppression.py", ("*",)),
    "progress": (
        "app/learning/progress.py",
        (
            "*.x__evaluate__mutmut_*",
            "*.x_evaluate__mutmut_*",
            "*.x_row_for__mutmut_*",
            "*.xǁCourseProgressǁstatus__mutmut_*",
        ),
    ),
    "query spec": ("app/datasets/query.py", ("*",)),
}
# mutmut's exit codes (mutmut.stats.status_by_exit_code); anything else is "suspicious".
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    37: "killed",  # caught by the type checker
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    # mutmut files 255 under "timeout"; it is pytest's usage error (exit 4) after the mutant
    # broke a test module's import (a module-level exercise build): caught, not slow.
    255: "import error",
    None: "not checked",
}
DETECTED = ("killed", "import error", "timeout")
COLUMNS = ("killed", "import error", "timeout", "survived", "no tests", "not checked")


def core_results(root: Path, path: str, patterns: tuple[str, ...]) -> dict[str, str]:
    """Mutant name -> status for one core."""
    meta = root / (path + ".meta")
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {
        name: STATUS.get(code, "suspicious")
        for name, code in codes.items()
        if any(fnmatch.fnmatch(name, p) for p in patterns)
    }


def main(root: Path = Path("mutants")) -> int:
    print(f"{'core':<12} {'total':>5} " + " ".join(f"{c:>12}" for c in COLUMNS) + "  score")
    survivors: list[str] = []
    for core, (path, patterns) in CORES.items():
        results = core_results(root, path, patterns)
        counts = Counter(results.values())
        detected = sum(counts[c] for c in DETECTED)
        checked = detected + counts["survived"] + counts["suspicious"]
        score = f"{100 * detected / checked:5.1f}%" if checked else "    -"
        cells = " ".join(f"{counts[c]:>12}" for c in COLUMNS)
        print(f"{core:<12} {len(results):>5} {cells}  {score}")
        survivors += [
            f"{n}  ({s})"
            for n, s in sorted(results.items())
            if s not in DETECTED + ("not checked",)
        ]
    if survivors:
        print("\nnot detected (see docs/testing.md):")
        for name in survivors:
            print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
