"""Dependencies run one way: a module never imports a package of a higher layer.

Every ``import`` in ``app/`` counts, at module top, inside a function or under
``TYPE_CHECKING`` alike (docs/architecture.md has the picture). ``routes.py`` and
``*_routes.py`` files are the top of their package and may import any service, as may the
entry points. Pairs that still break the rule are listed in KNOWN with the issue that
removes them; the list may only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

# Lowest first; a package may import its own layer's peers only where listed as allowed.
LAYERS: list[set[str]] = [
    {"config", "db", "templating", "fonts"},
    {"security"},
    {"accounts"},
    {"content"},
    {"datasets", "exercises", "reflections"},
    {"learning"},
    {"surveys", "certificates"},
    {"reports"},
    {"api"},
    {"deps", "health", "activities", "models", "main", "cli", "asgi"},
]
ENTRY_POINTS = {"main", "cli", "asgi", "activities", "models"}
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

# (importer package, imported package): still upward, to be removed (issue 16).
KNOWN = {
    ("exercises", "learning"),
    ("learning", "certificates"),
    ("learning", "surveys"),
    ("reflections", "learning"),
    ("reflections", "reports"),
    ("security", "accounts"),
}


def _package_of(path: Path) -> str:
    rel = path.relative_to(APP)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "app":
                names = [f"app.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "app" and len(parts) > 1:
                found.add(parts[1])
    return found


def _violations() -> set[tuple[str, str, str]]:
    found = set()
    for path in sorted(APP.rglob("*.py")):
        package = _package_of(path)
        if package in ENTRY_POINTS or path.name == "routes.py" or path.name.endswith("_routes.py"):
            continue
        for imported in _imports(path) - {package}:
            if RANK.get(imported, -1) > RANK.get(package, -1):
                found.add((package, imported, str(path.relative_to(ROOT))))
    return found


def test_every_package_has_a_layer():
    packages = {_package_of(p) for p in APP.rglob("*.py")} - {"__init__"}
    assert packages - set(RANK) == set()


def test_content_imports_no_domain_package():
    """Content is a leaf: activity kinds and learning register with it (issue 10)."""
    bad = sorted(v for v in _violations() if v[0] == "content")
    assert bad == []
    for path in (APP / "content").rglob("*.py"):
        domains = _imports(path) & (set(RANK) - {"config", "db", "templating", "security"})
        assert domains <= {"content", "accounts", "deps"}, (path, domains)


def test_no_new_upward_imports():
    found = {(a, b) for a, b, _ in _violations()}
    assert found - KNOWN == set(), sorted(v for v in _violations() if (v[0], v[1]) not in KNOWN)


def test_known_exceptions_still_exist():
    """A fixed pair must leave KNOWN, so the list only ever shrinks."""
    found = {(a, b) for a, b, _ in _violations()}
    assert KNOWN - found == set()
