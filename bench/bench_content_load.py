"""Content load benchmark: a generated 200-module course, and the bundled courses.

Run: .venv/bin/python bench/bench_content_load.py [--modules 200] [--repeat 3]

Goals (issue 3): the generated 200-module course loads in under 5 s; the bundled courses in
under 1 s. Prints the best of --repeat runs of each, in seconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import activities  # noqa: E402,F401  (activity kinds register with content)
from app.content.loader import load_all, load_course  # noqa: E402

SCHOOLS = ["Alder ES", "Brookside ES", "Cedar ES", "Delta MS", "Eastside MS", "Riverside HS"]
GROUPS = ["Asian", "Black", "Hispanic or Latino", "White", "Two or more races"]

DATASET_SCHEMA = """\
title: Generated students (synthetic)
source: synthetic
notes: Random rows for the content-load benchmark.
min_group_size: 10
columns:
  school_year: {type: str, label: School year}
  school: {type: str, label: School}
  race_ethnicity: {type: str, label: Race and ethnicity}
  english_learner: {type: str, label: English learner status}
  chronically_absent: {type: bool, label: Chronically absent}
  days_absent: {type: int, label: Days absent}
measures:
  students: {label: Students, agg: count, format: number}
  chronic_absence_rate:
    label: Chronic absence rate
    agg: rate
    column: chronically_absent
    format: percent
  mean_days_absent: {label: Average days absent, agg: mean, column: days_absent}
dimensions:
  school_year: {label: School year, column: school_year}
  school: {label: School, column: school}
  race_ethnicity: {label: Race and ethnicity, column: race_ethnicity}
  english_learner: {label: English learner status, column: english_learner}
"""

MODULE = """\
---
id: module-{n:03d}
title: Module {n}, looking beneath the average
minutes: 30
objectives:
  - Calculate a rate for a group and a gap in percentage points.
  - Describe a finding in systems language.
---
## What an average hides

An average describes no actual group.[^avg] In this module you look at **chronic absence** by
school and by group, and you practise saying what the *system* does. See also
[the next module]({next_file}) and [the section below](#a-table-to-read).

![Bar chart of chronic absence by school](../assets/chart.png){{width=480}}

## A table to read

| School | Students | Chronically absent |
|:-------|---------:|-------------------:|
| Alder ES | 812 | 14% |
| Brookside ES | 640 | 27% |
| Cedar ES | 701 | 12% |

1. Predict what you will see.
2. Observe: say only what the numbers show.
3. Infer, then check the inference with someone who knows the school.

<details><summary>A note on privacy</summary><p>Groups under 10 students are hidden.</p></details>

```{{reflection}} reflect-{n:03d}
prompt: |
  What does this table **not** tell you about students at Brookside ES?
min_words: 20
```
{data_blocks}
[^avg]: The district rate is a weighted average of the schools' rates.
"""

DATA_BLOCKS = """
```{{explore}} explore-{n:03d}
dataset: students
measure: chronic_absence_rate
group_by: [race_ethnicity]
filters:
  school_year: "2025-26"
compare: overall
```

```{{exercise}} gap-{n:03d}
type: numeric
prompt: By how many percentage points is the English learner rate above the overall rate?
dataset: students
answer:
  query:
    measure: chronic_absence_rate
    group_by: [english_learner]
    filters: {{school_year: "2025-26"}}
    compare: overall
  pick: value
  group: EL
tolerance: 0.5
hints:
  - Find the EL row and read its gap.
```

```{{exercise}} school-{n:03d}
type: choice
prompt: Which school has the highest chronic absence rate?
dataset: students
answer:
  query:
    measure: chronic_absence_rate
    group_by: [school]
  pick: max
choices: {{from: groups}}
```
"""


def generate_course(root: Path, modules: int, rows: int = 6000) -> Path:
    """Write a course folder with ``modules`` modules (every 4th with data directives)."""
    course = root / "generated-course"
    (course / "modules").mkdir(parents=True)
    (course / "datasets").mkdir()
    (course / "assets").mkdir()
    (course / "assets" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    names = [f"{n:03d}-module.md" for n in range(1, modules + 1)]
    (course / "course.yaml").write_text(
        "slug: generated-course\ntitle: Generated course\nsummary: A generated course.\n"
        "status: published\nhours: 100\nmodules:\n" + "".join(f"  - {n}\n" for n in names)
    )
    for n, name in enumerate(names, start=1):
        next_file = names[n] if n < len(names) else names[0]
        data = DATA_BLOCKS.format(n=n) if n % 4 == 0 else ""
        (course / "modules" / name).write_text(
            MODULE.format(n=n, next_file=next_file, data_blocks=data)
        )
    rng = random.Random(1)
    lines = ["school_year,school,race_ethnicity,english_learner,chronically_absent,days_absent"]
    for i in range(rows):
        el = "EL" if rng.random() < 0.2 else "Not EL"
        absent = rng.random() < (0.3 if el == "EL" else 0.15)
        lines.append(
            f"{('2024-25', '2025-26')[i % 2]},{rng.choice(SCHOOLS)},{rng.choice(GROUPS)},{el},"
            f"{'true' if absent else 'false'},"
            f"{rng.randint(18, 40) if absent else rng.randint(0, 12)}"
        )
    (course / "datasets" / "students.csv").write_text("\n".join(lines) + "\n")
    (course / "datasets" / "students.yaml").write_text(DATASET_SCHEMA)
    return course


def _best(fn, repeat: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), times


def main() -> int:
    """Print load times; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # The web app imports these anyway; time them apart from the load itself.
    started = time.perf_counter()
    import app.datasets.explore
    import app.exercises.spec  # noqa: F401

    print(f"imports (polars, datasets, exercises): {time.perf_counter() - started:.3f} s")
    started = time.perf_counter()
    bundled_first = load_all(ROOT / "course_content")
    first_seconds = time.perf_counter() - started
    failed = [r.slug for r in bundled_first if r.course is None]
    best_bundled, bundled_times = _best(lambda: load_all(ROOT / "course_content"), args.repeat)
    print(
        f"bundled courses ({len(bundled_first)}): first load in this process "
        f"{first_seconds:.3f} s, best of {args.repeat} {best_bundled:.3f} s"
        + (f"  [NOT LOADED: {', '.join(failed)}]" if failed else "")
    )
    for result in bundled_first:
        modules = len(result.course.modules) if result.course else 0
        print(f"  {result.slug}: {modules} modules, {result.seconds:.3f} s")

    with tempfile.TemporaryDirectory() as tmp:
        course_dir = generate_course(Path(tmp), args.modules)
        results = []

        def load() -> None:
            results.append(load_course(course_dir, content_root=Path(tmp)))

        best, times = _best(load, args.repeat)
        result = results[-1]
        if result.course is None:
            print("generated course did not load:", *[str(p) for p in result.errors[:10]])
            return 1
        activities = sum(len(m.activities) for m in result.course.modules)
        print(
            f"generated course: {args.modules} modules, {activities} activities, "
            f"{args.modules // 4} explorers: best {best:.3f} s, "
            f"median {statistics.median(times):.3f} s, "
            f"{best / args.modules * 1000:.1f} ms per module"
        )
    ok = best < 5.0 and first_seconds < 1.0 and not failed
    print("goals (< 5 s generated, < 1 s bundled):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
