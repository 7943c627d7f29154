"""Each security rule lives in one module; these counts keep it that way.

docs/architecture.md ("Where each rule lives") lists the homes. A finding here means a
rule was written a second time: call the home instead (or, for a true exception, add it
to the allow-list below with its reason).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

TOKENS_HOME = "app/tokens.py"
SIGNING_HOME = "app/signing.py"
PERMISSIONS_HOME = "app/accounts/permissions.py"
SETTINGS_HOME = "app/app_settings.py"
OUTBOUND_HOME = "app/security/outbound_urls.py"

# sha256 of something that is not a secret: content fingerprints and deterministic seeds.
CONTENT_HASHES = {
    "app/content/loader.py": "the course version: a fingerprint of its files",
    "app/content/directives.py": "a directive body's fingerprint, to reuse built blocks",
    "app/exercises/spec.py": "the variant a learner gets (a seed) and the spec's fingerprint",
    "app/demo/answers.py": "the demo seed's deterministic choices",
}
# Role members named outside the policy, each for a reason that is not a permission.
ROLE_NAMES = {
    "app/accounts/models.py": "the Role enum and the column default",
    "app/accounts/service.py": "a new account is a learner unless told otherwise",
    "app/cli.py": "create-user's default role, and the staff scope of a staff account",
    "app/demo/people.py": "the demo district's people, by role",
}


def _sources() -> list[tuple[str, str, ast.Module]]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        text = path.read_text()
        found.append((str(path.relative_to(ROOT)), text, ast.parse(text)))
    return found


SOURCES = _sources()


def _uses_module(tree: ast.Module, module: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == module for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == module:
            return True
    return False


def _attribute_uses(tree: ast.Module, name: str) -> int:
    return sum(
        1
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr == name)
        or (isinstance(node, ast.Name) and node.id == name)
    )


def test_random_tokens_come_from_the_tokens_module() -> None:
    """``secrets`` (token_urlsafe, token_bytes, choice, compare_digest) only in app/tokens.py."""
    elsewhere = [p for p, _, tree in SOURCES if p != TOKENS_HOME and _uses_module(tree, "secrets")]
    assert elsewhere == []
    urlsafe = [p for p, text, _ in SOURCES if p != TOKENS_HOME and "token_urlsafe" in text]
    assert urlsafe == []


def test_token_digests_come_from_the_tokens_module() -> None:
    """sha256 of a token only through ``tokens.digest``; the rest fingerprint content."""
    allowed = {TOKENS_HOME, SIGNING_HOME, *CONTENT_HASHES}
    found = [p for p, _, tree in SOURCES if p not in allowed and _attribute_uses(tree, "sha256")]
    assert found == []


def test_hmac_only_in_the_signer() -> None:
    found = [p for p, _, tree in SOURCES if p != SIGNING_HOME and _uses_module(tree, "hmac")]
    assert found == []


def test_every_signer_purpose_is_listed() -> None:
    """``Signer(key, "purpose")``: a literal purpose from PURPOSES, so a reader sees each use."""
    from app.signing import PURPOSES

    used: set[str] = set()
    for path, _, tree in SOURCES:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Signer":
                purpose = node.args[1] if len(node.args) > 1 else None
                assert isinstance(purpose, ast.Constant), f"{path}: purpose must be a literal"
                used.add(str(purpose.value))
    assert used == set(PURPOSES)


def test_roles_are_named_only_by_the_permission_policy() -> None:
    """No ``{Role.staff, Role.admin}`` sets, ``user.role == Role.admin`` or
    ``require_role``: routes, the API and services ask ``can(user, Permission.x)``."""
    allowed = {PERMISSIONS_HOME, *ROLE_NAMES}
    pattern = re.compile(r"\bRole\.(learner|author|staff|admin)\b|require_role|\.role in ")
    found = [
        f"{p}:{n}: {line.strip()}"
        for p, text, _ in SOURCES
        if p not in allowed
        for n, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_settings_reach_routes_through_the_dependency() -> None:
    """``app.state.settings`` only in app/app_settings.py; main.py stores them there."""
    found = [
        f"{p}:{n}"
        for p, text, _ in SOURCES
        if p != SETTINGS_HOME
        for n, line in enumerate(text.splitlines(), 1)
        if "state.settings" in line and "app.state.settings = settings" not in line
    ]
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
