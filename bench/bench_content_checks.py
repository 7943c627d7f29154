"""What the content checks of issue 14 cost at load: near misses of data-derived exercise keys
and checked claims, timed by loading the bundled courses with and without them.

Run: .venv/bin/python bench/bench_content_checks.py [--repeat 5]

({data} numbers in the text are not switched off: they are part of the rendered page.)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import activities  # noqa: E402,F401  (activity kinds and the data hooks register)
from app.content import loader  # noqa: E402
from app.exercises import activity as exercise_kind  # noqa: E402


def _times(repeat: int) -> tuple[float, float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        loads = loader.load_all(ROOT / "course_content")
        seconds.append(time.perf_counter() - started)
        if not all(load.course for load in loads):
            raise SystemExit("a bundled course did not load")
    return min(seconds), statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    loader.load_all(ROOT / "course_content")  # imports and first-use costs out of the way
    with_checks = _times(args.repeat)
    exercise_kind.near_miss_problems = lambda *a, **k: []  # type: ignore[assignment]
    loader._check_claims = lambda *a, **k: None  # type: ignore[assignment]
    without = _times(args.repeat)
    print(
        f"bundled courses with near-miss and claim checks: best {with_checks[0]:.3f} s, "
        f"median {with_checks[1]:.3f} s"
    )
    print(
        f"bundled courses without them:                    best {without[0]:.3f} s, "
        f"median {without[1]:.3f} s"
    )


if __name__ == "__main__":
    main()
