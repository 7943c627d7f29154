"""No Core bulk write bypasses the report summaries' upkeep.

``app/reports/summary_tracking.py`` keeps ``report_summary`` by watching the ORM session; a
Core ``update()``, ``insert()`` or ``delete()`` executed on a table whose rows feed the
measures is invisible to it. Such writes are allowed only in the demo seed (which rebuilds
the summaries afterwards) and in the summary store itself. Elsewhere a Core statement on
such a table may only set columns that feed no measure (``updated_at``). Raw SQL naming
those tables is refused outright.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
# Tables whose rows feed the measures (summary_tracking._BY_TABLE, Enrollment, User).
TRACKED = {
    "Enrollment": "enrollment",
    "ModuleProgress": "module_progress",
    "ExerciseAttempt": "exercise_attempt",
    "ExerciseState": "exercise_state",
    "Certificate": "certificate",
    "SurveyResponse": "survey_response",
    "SurveyAnswer": "survey_answer",
    "User": "user",
}
HARMLESS_COLUMNS = {"updated_at"}  # feed no measure (app/reports/summary_sql.py)
ALLOWED_FILES = {"app/reports/summary_store.py"}
ALLOWED_DIRS = ("app/demo/",)


def _bulk_writes(source: str, name: str) -> list[str]:
    """``file:line statement`` of each Core write on a tracked table that may move a measure."""
    found: list[str] = []
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"update", "insert", "delete"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in TRACKED
        ):
            continue
        columns: set[str] = set()
        outer: ast.AST = node
        while isinstance(parents.get(outer), ast.Attribute | ast.Call):
            outer = parents[outer]
            if (
                isinstance(outer, ast.Call)
                and isinstance(outer.func, ast.Attribute)
                and outer.func.attr == "values"
            ):
                columns |= {k.arg or "**" for k in outer.keywords} | (
                    {"*"} if outer.args else set()
                )
        if node.func.id != "update" or not columns or columns - HARMLESS_COLUMNS:
            found.append(f"{name}:{node.lineno} {node.func.id}({node.args[0].id})")
    tables = "|".join(TRACKED.values())
    raw = re.compile(rf"\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+\"?({tables})\b", re.I)
    for number, line in enumerate(source.splitlines(), 1):
        if raw.search(line):
            found.append(f"{name}:{number} raw SQL")
    return sorted(found, key=lambda entry: int(entry.split(":")[1].split()[0]))


def test_no_core_bulk_write_bypasses_the_summaries() -> None:
    found = []
    for path in sorted(APP.rglob("*.py")):
        name = str(path.relative_to(APP.parent))
        if name in ALLOWED_FILES or name.startswith(ALLOWED_DIRS):
            continue
        found += _bulk_writes(path.read_text(), name)
    assert found == []


def test_the_check_finds_a_planted_bulk_write() -> None:
    """The scan is not blind: each kind of bypass is reported, a harmless touch is not."""
    planted = (
        "session.execute(update(ModuleProgress).where(x).values(completed_at=now))\n"
        "session.execute(insert(ExerciseState).values(rows))\n"
        "session.execute(delete(Certificate).where(y))\n"
        "session.execute(update(User).values(job_role='teacher'))\n"
        "session.execute(text('UPDATE enrollment SET active = false'))\n"
        "session.execute(update(Enrollment).where(z).values(updated_at=now))\n"
    )
    found = _bulk_writes(planted, "planted.py")
    assert found == [
        "planted.py:1 update(ModuleProgress)",
        "planted.py:2 insert(ExerciseState)",
        "planted.py:3 delete(Certificate)",
        "planted.py:4 update(User)",
        "planted.py:5 raw SQL",
    ]
