"""Grading time: the pure grade() on numeric, choice and multi exercises.

Run: .venv/bin/python bench/bench_grading.py [--repeat 20000]
"""

from __future__ import annotations

import argparse
import statistics
import time

from app.exercises.grading import grade
from app.exercises.spec import build_exercise

NUMERIC = {"type": "numeric", "prompt": "p", "answer": 12.5, "tolerance": 0.05}
CHOICE = {
    "type": "choice",
    "prompt": "p",
    "answer": "b",
    "choices": [{"id": c, "text": c.upper()} for c in "abcd"],
}
MULTI = {
    "type": "multi",
    "prompt": "p",
    "answer": ["a", "c"],
    "choices": [{"id": c, "text": c.upper()} for c in "abcdef"],
}
CASES = [
    ("numeric, correct", NUMERIC, " 12,5 %"),
    ("numeric, format error", NUMERIC, "twelve"),
    ("choice", CHOICE, "c"),
    ("multi, partial", MULTI, ["a", "b", "c"]),
]


def main() -> None:
    """Print p50/p99 per case in microseconds."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20_000)
    args = parser.parse_args()
    for name, body, answer in CASES:
        spec = build_exercise("bench", body, {}, lambda text: f"<p>{text}</p>")
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter_ns()
            grade(spec, answer, "")
            times.append((time.perf_counter_ns() - t0) / 1000)
        q = statistics.quantiles(times, n=100)
        print(f"{name:24s} p50 {statistics.median(times):6.1f} µs   p99 {q[98]:6.1f} µs")
    print("goal: under 1 ms (1000 µs)")


if __name__ == "__main__":
    main()
