"""Dependencies run one way: a module never imports a package of a higher layer.

Every ``import`` in ``app/`` counts, at module top, inside a function or under
``TYPE_CHECKING`` alike (docs/architecture.md has the picture). ``routes.py`` and
``*_routes.py`` files are the top of their package and may import any service, as may the
entry points. No ``importlib`` strings and no ``app`` imports inside functions: a
cycle dodged that way is still a cycle, and neither mypy nor a reader can see it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

# Lowest first; a package may import its own layer's peers only where listed as allowed.
LAYERS: list[set[str]] = [
    # tokens sits with config, which makes the development key with it; app_settings is
    # the one reader of app.state.settings, for every package's dependencies.
    {
        "config",
        "db",
        "templating",
        "fonts",
        "spreadsheets",
        "signing",
        "head_requests",
        "tokens",
        "app_settings",
        "privacy",
        "retry",
    },
    {"security"},
    {"accounts"},
    {"identity"},
    {"content"},
    {"events"},
    {"datasets", "exercises", "reflections"},
    {"learning"},
    {"surveys", "certificates", "orgs"},
    {"assignments"},
    {"notifications"},
    {"community"},
    {"inquiries"},
    {"sso"},
    {"lti"},
    {"reports"},
    {"webhooks"},
    {"xapi", "cartridge"},
    {"api"},
    {
        "deps",
        "health",
        "backup",
        "activities",
        "models",
        "main",
        "cli",
        "asgi",
        "demo",
        "registries",
    },
]
ENTRY_POINTS = {"main", "cli", "asgi", "activities", "models", "registries"}
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

# (importer package, imported package) pairs still upward; empty since issue 16.
KNOWN: set[tuple[str, str]] = set()


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
        below = {"config", "db", "templating", "security", "app_settings"}
        domains = _imports(path) & (set(RANK) - below)
        assert domains <= {"content", "accounts", "deps"}, (path, domains)


def test_no_new_upward_imports():
    found = {(a, b) for a, b, _ in _violations()}
    assert found - KNOWN == set(), sorted(v for v in _violations() if (v[0], v[1]) not in KNOWN)


def test_no_importlib_strings():
    found = [str(p.relative_to(ROOT)) for p in APP.rglob("*.py") if "importlib" in p.read_text()]
    assert found == []


def test_no_app_imports_inside_functions():
    """Every ``app`` import sits at the top of its module (not in a function, not under
    ``TYPE_CHECKING``): a cycle dodged that way is still a cycle."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.match(r"^\s+(from|import) app(\.|\s)", line):
                found.append(f"{path.relative_to(ROOT)}:{number} {line.strip()}")
    assert found == []


def test_the_exercise_done_rule_has_one_home() -> None:
    """'Correct, or the last attempt allowed' is decided by ExerciseSpec.ends_on only."""
    rule = re.compile(r">=\s*(?:spec|self)\.attempts|correct or number")
    found = [
        str(path.relative_to(ROOT))
        for path in sorted(APP.rglob("*.py"))
        if rule.search(path.read_text())
    ]
    assert found == ["app/exercises/spec.py"]


def test_no_template_marks_text_safe() -> None:
    """Trusted HTML is ``markupsafe.Markup`` from its one source (the course renderer's
    sanitiser, app/content/markdown.py), so mypy sees where it comes from; a template's
    ``|safe`` would trust any string."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\|\s*safe\b", line)
    ]
    assert found == []


def test_privacy_is_a_pure_core() -> None:
    """``app/privacy`` imports no other package: every layer may call it (issue 25)."""
    for path in (APP / "privacy").rglob("*.py"):
        assert _imports(path) <= {"privacy"}, (path, _imports(path))
