"""Dependencies run one way: the import-linter contracts in pyproject.toml hold, and fail.

`lint-imports` (in `make lint`) checks the layers, the peer domains and the routes
(docs/architecture.md "Layers"). These tests cover what it cannot: imports it never
sees (``importlib`` strings, ``__import__``, imports inside functions that dodge a cycle),
module names its wildcards cannot reach, and a planted upward import that must break it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> dict[str, dict[str, list[str]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_importlib_strings() -> None:
    """An import by string is invisible to import-linter, mypy and a reader."""
    found = [
        str(p.relative_to(ROOT))
        for p in APP.rglob("*.py")
        if re.search(r"importlib|__import__", p.read_text())
    ]
    assert found == []


def test_no_app_imports_inside_functions() -> None:
    """Every ``app`` import sits at the top of its module (not in a function, not under
    ``TYPE_CHECKING``): a cycle dodged that way is still a cycle."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.match(r"^\s+(from|import) app(\.|\s)", line):
                found.append(f"{path.relative_to(ROOT)}:{number} {line.strip()}")
    assert found == []


@pytest.mark.parametrize(
    ("suffix", "contract", "key"),
    [
        ("_routes", "layers", "ignore_imports"),
        ("_routes", "activity-kinds", "ignore_imports"),
        ("_routes", "routes", "protected_modules"),
        ("_routes", "entry-points", "source_modules"),
        ("_models", "tables-below-services", "source_modules"),
        ("_service", "tables-below-services", "forbidden_modules"),
    ],
)
def test_every_suffixed_module_is_named(suffix: str, contract: str, key: str) -> None:
    """A wildcard replaces whole names only (``app.*.routes``, not ``*_routes``), so each
    ``admin_routes.py``-like module is named in the contracts that must see it."""
    entries = _contracts()[contract][key]
    named = {entry.split(" -> ")[0] for entry in entries}
    found = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in APP.rglob(f"*{suffix}.py")
    }
    if contract == "activity-kinds":
        kinds = ("app.datasets.", "app.exercises.", "app.reflections.")
        found = {name for name in found if name.startswith(kinds)}
    assert found, suffix
    assert found - named == set()


def test_the_real_tree_keeps_every_contract() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout)


PLANTED = {
    # The example: a pure core reaching up to the reports.
    "upward": ("app/privacy/coding.py", "from app.reports import service\n"),
    # Under TYPE_CHECKING it still counts (exclude_type_checking_imports = false).
    "type-checking": (
        "app/accounts/models.py",
        "import typing\nif typing.TYPE_CHECKING:\n    from app.learning import models\n",
    ),
    # A service importing a page helper from another domain's routes.
    "routes": ("app/reports/service.py", "from app.learning.routes import router\n"),
    # A new package with no line in the layers.
    "unlayered": ("app/polls/__init__.py", "from app.db import utcnow\n"),
}
BROKEN = {
    "upward": "app.privacy is not allowed to import app.reports",
    "type-checking": "app.accounts is not allowed to import app.learning",
    "routes": "app.reports.service -> app.learning.routes",
    "unlayered": "not listed as layers:\n\n- app.polls",
}


@pytest.mark.parametrize("plant", sorted(PLANTED))
def test_a_planted_import_breaks_the_contracts(plant: str, tmp_path: Path) -> None:
    """The contracts can fail: a copy of app/ with one bad import does not pass."""
    shutil.copytree(APP, tmp_path / "app", ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    relative, line = PLANTED[plant]
    target = tmp_path / relative
    target.parent.mkdir(exist_ok=True)
    with target.open("a") as file:
        file.write("\n" + line)
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"Contracts: \d+ kept, [1-9]\d* broken", result.stdout), result.stdout
    assert BROKEN[plant] in result.stdout, result.stdout
