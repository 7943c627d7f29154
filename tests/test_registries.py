"""Every process-wide registry is filled at start-up, and an empty one stops the start."""

from __future__ import annotations

import dataclasses

import pytest
from typer.testing import CliRunner

from app import cli, registries
from app.content import kinds
from app.learning import progress
from app.main import create_app
from app.reports import catalog
from tests.settings_support import make_settings


def test_every_registry_is_filled_once_the_entry_points_are_imported() -> None:
    assert registries.missing_registrations() == []


def test_the_architecture_page_lists_every_registry() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "architecture.md").read_text()
    for name, owner, _check in registries.REQUIRED:
        assert f"| {name} |" in text, name
        assert owner.split(",")[0].strip() in text, owner


def test_an_empty_survey_registry_stops_the_app_from_starting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setattr(progress, "_survey_condition", [])
    with pytest.raises(registries.RegistryError, match="survey condition"):
        create_app(make_settings())


def test_an_empty_survey_registry_is_an_error_not_a_silent_false(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress, "_survey_condition", [])
    with pytest.raises(RuntimeError, match="no survey condition"):
        progress._submitted_survey()


def test_a_missing_activity_kind_stops_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kinds, "_KINDS", {k: v for k, v in kinds._KINDS.items() if k != "exercise"})
    result = CliRunner().invoke(cli.app, ["content", "check", "/nonexistent"])
    assert result.exit_code != 0
    assert "activity kinds" in str(result.exception)


def test_an_empty_report_catalog_stops_the_app_from_starting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(catalog, "REGISTRY", {})
    with pytest.raises(registries.RegistryError, match="report catalog"):
        create_app(make_settings())


def test_a_report_declared_without_its_rules_is_a_start_up_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = dataclasses.replace(catalog.REGISTRY["funnel"], suppression=())
    monkeypatch.setitem(catalog.REGISTRY, "funnel", broken)
    assert catalog.problems() == ["funnel: declare its small-number rules (privacy.Suppression)"]
    assert "report catalog" in " ".join(registries.missing_registrations())
