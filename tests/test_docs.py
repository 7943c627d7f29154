"""Every setting and every CLI command is documented in the README."""

from __future__ import annotations

import re

import typer.main

from app.cli import app as cli_app
from app.config import ROOT, Settings

README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented():
    missing = [
        f"GROUNDWORK_{name.upper()}"
        for name in Settings.model_fields
        if f"GROUNDWORK_{name.upper()}" not in README
    ]
    assert not missing, f"settings missing from README.md: {missing}"


def _commands(group: typer.Typer, prefix: str = "groundwork") -> list[str]:
    names = [f"{prefix} {cmd.name or cmd.callback.__name__}" for cmd in group.registered_commands]
    for sub in group.registered_groups:
        names += _commands(sub.typer_instance, f"{prefix} {sub.name}")
    return names


def test_every_cli_command_is_documented():
    commands = _commands(cli_app)
    assert "groundwork users create" in commands
    missing = [c for c in commands if f"`{c}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_operations_guide_names_only_real_commands_and_settings():
    """docs/operations.md: every `groundwork …` command and GROUNDWORK_ setting it names exists."""
    guide = (ROOT / "docs" / "operations.md").read_text()
    commands = set(_commands(cli_app))
    named = set(re.findall(r"groundwork (?:(?:db|users|content|mail) [a-z-]+|serve)", guide))
    assert {"groundwork db backup", "groundwork db restore", "groundwork mail retry"} <= named
    assert named <= commands, named - commands
    settings = {f"GROUNDWORK_{name.upper()}" for name in Settings.model_fields}
    mentioned = set(re.findall(r"GROUNDWORK_[A-Z0-9_]*[A-Z0-9]", guide))
    assert mentioned <= settings, mentioned - settings


def test_readme_gives_the_two_commands():
    assert "make run" in README
    assert "make test" in README
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
