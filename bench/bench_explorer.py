"""Explorer query time on a generated 100,000-row dataset, cold cache.

Run: .venv/bin/python bench/bench_explorer.py [--rows 100000] [--repeat 200]

Each measured query runs on a dataset whose result cache was just cleared, so the time
includes the Polars group-by(s), suppression and formatting. Prints p50/p95 per query shape.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import polars as pl

from app.datasets.loader import Dataset, dataset_from_strings
from app.datasets.query import parse_query
from app.datasets.results import run_query
from app.datasets.schema import parse_schema

SCHOOLS = [f"School {i:02d}" for i in range(12)]
GROUPS = ["Asian", "Black", "Hispanic or Latino", "White", "Multiracial", "Pacific Islander"]
WEIGHTS = [0.1, 0.2, 0.4, 0.25, 0.045, 0.005]
SCHEMA = {
    "title": "Benchmark district (synthetic)",
    "source": "synthetic",
    "columns": {
        "school_year": {"type": "str"},
        "school": {"type": "str"},
        "grade": {"type": "int"},
        "race_ethnicity": {"type": "str"},
        "english_learner": {"type": "str"},
        "disability": {"type": "str"},
        "chronically_absent": {"type": "bool"},
        "days_absent": {"type": "int"},
    },
    "measures": {
        "rate": {
            "label": "Chronic absence rate",
            "agg": "rate",
            "column": "chronically_absent",
            "format": "percent",
        },
        "mean_days": {"label": "Average days absent", "agg": "mean", "column": "days_absent"},
        "median_days": {"label": "Median days absent", "agg": "median", "column": "days_absent"},
        "students": {"label": "Students", "agg": "count"},
    },
    "dimensions": {
        "school_year": {"label": "Year", "column": "school_year"},
        "school": {"label": "School", "column": "school"},
        "grade": {"label": "Grade", "column": "grade"},
        "race_ethnicity": {"label": "Race and ethnicity", "column": "race_ethnicity"},
        "english_learner": {"label": "EL", "column": "english_learner"},
        "disability": {"label": "IEP", "column": "disability"},
    },
}
QUERIES = {
    "rate by race, gap": {"measure": "rate", "group_by": ["race_ethnicity"], "compare": "overall"},
    "rate by school x race": {"measure": "rate", "group_by": ["school", "race_ethnicity"]},
    "rate by race, 2 filters, risk ratio": {
        "measure": "rate",
        "group_by": ["race_ethnicity"],
        "compare": "risk_ratio",
        "filters": {"school": "School 03", "school_year": "2025-26"},
    },
    "median days by EL x IEP": {
        "measure": "median_days",
        "group_by": ["english_learner", "disability"],
    },
}


def make_dataset(rows: int, seed: int = 7) -> Dataset:
    """A synthetic frame of ``rows`` students."""
    rng = random.Random(seed)
    data: dict[str, list[str]] = {k: [] for k in SCHEMA["columns"]}
    for _ in range(rows):
        absent = rng.random() < 0.2
        data["school_year"].append(rng.choice(["2023-24", "2024-25", "2025-26"]))
        data["school"].append(rng.choice(SCHOOLS))
        data["grade"].append(str(rng.randint(0, 12)))
        data["race_ethnicity"].append(rng.choices(GROUPS, WEIGHTS)[0])
        data["english_learner"].append("EL" if rng.random() < 0.15 else "Not EL")
        data["disability"].append("IEP" if rng.random() < 0.12 else "No IEP")
        data["chronically_absent"].append("true" if absent else "false")
        data["days_absent"].append(str(rng.randint(18, 60) if absent else rng.randint(0, 17)))
    return dataset_from_strings("bench", parse_schema(SCHEMA), pl.DataFrame(data))


def main() -> None:
    """Print p50/p95 of cold-cache query times."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    ds = make_dataset(args.rows)
    print(f"dataset: {ds.frame.height:,} rows, built in {time.perf_counter() - started:.1f} s")
    all_times: list[float] = []
    for name, raw in QUERIES.items():
        spec = parse_query(ds, raw)
        run_query(ds, spec)  # warm Polars itself (thread pool, kernels), not our cache
        times = []
        for _ in range(args.repeat):
            ds.clear_cache()
            t0 = time.perf_counter()
            run_query(ds, spec)
            times.append((time.perf_counter() - t0) * 1000)
        all_times += times
        q = statistics.quantiles(times, n=20)
        print(f"{name:40s} p50 {statistics.median(times):6.2f} ms   p95 {q[18]:6.2f} ms")
        t0 = time.perf_counter()
        for _ in range(1000):
            run_query(ds, spec)
        print(f"{'  (cached)':40s} {(time.perf_counter() - t0) * 1000:6.3f} µs per query")
    print(f"{'all shapes':40s} p50 {statistics.median(all_times):6.2f} ms  (goal < 5 ms)")


if __name__ == "__main__":
    main()
