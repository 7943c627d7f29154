"""Apply each report-summary upkeep mutation of issue 25 by hand, run the state-machine
tests N times, revert; prints how many runs caught each (docs/testing.md).

    .venv/bin/python scripts/summary_mutations.py [RUNS] [--quick]

``--quick`` runs the two fixed journeys only (deterministic, seconds); without it, the
whole file (the random machine too), with the ``catch`` Hypothesis profile (a fresh
search every run, no shrinking). The mutated file is restored even when interrupted.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/reports/test_summary_state_machine.py"
MUTATIONS = {
    "hint after a wrong answer (ExerciseState recount dropped)": (
        "app/reports/summary_tracking.py",
        "    ExerciseState: frozenset({Measure.hinted}),\n",
        "",
    ),
    "cohort recount on an active enrollment dropped": (
        "app/reports/summary_tracking.py",
        '    "cohort": ALL,\n',
        "",
    ),
    "rows at 0 never deleted": (
        "app/reports/summary_store.py",
        "    if any(n < 0 for _, n in changes):\n",
        "    if False:\n",
    ),
    "organization / job role recount dropped": (
        "app/reports/summary_tracking.py",
        'for a in ("organization_id", "job_role")',
        "for a in ()",
    ),
}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 10
    selection = ["-k", "journey"] if "--quick" in sys.argv else []
    command = [
        str(ROOT / ".venv/bin/pytest"),
        "-q",
        "-x",
        "-p",
        "no:cacheprovider",
        "--hypothesis-profile=catch",
        TEST,
        *selection,
    ]
    for name, (path, old, new) in MUTATIONS.items():
        target = ROOT / path
        original = target.read_text()
        if original.count(old) != 1:
            raise SystemExit(f"{name}: the line to mutate is not in {path} once")
        caught, started = 0, time.monotonic()
        target.write_text(original.replace(old, new))
        try:
            for run in range(1, runs + 1):
                result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
                caught += result.returncode != 0
                failed = [x for x in result.stdout.splitlines() if x.startswith("FAILED")]
                print(f"  {name}, run {run}: exit {result.returncode} {failed[:2]}", flush=True)
        finally:
            target.write_text(original)
        seconds = time.monotonic() - started
        print(f"{name}: caught in {caught} of {runs} runs ({seconds:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
