"""Loads the fixture dataset shared by dataset and exercise tests."""

from __future__ import annotations

from pathlib import Path

from app.datasets.loader import Dataset, load_dataset

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_dataset() -> Dataset:
    """A fresh copy of the 300-student fixture (its own empty cache)."""
    return load_dataset("students", FIXTURES / "students.csv", FIXTURES / "students.yaml")
