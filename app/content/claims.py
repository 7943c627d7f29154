"""Checked claims: a module's front matter lists the comparisons its prose makes
("about the same", "higher than", "three times"), and content check fails when the data stops
supporting one.

Content only carries the list and reports problems at its lines; the datasets package
registers the checker that evaluates a claim against the course's data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClaimProblem:
    """Why a claim fails: ``key`` is the claim's own key to point at (None: the claim)."""

    key: str | None
    message: str


# (one claim as written, the course's datasets by name) -> its problems
ClaimChecker = Callable[[Mapping[str, Any], Mapping[str, Any]], list[ClaimProblem]]

_checker: list[ClaimChecker] = []


def register_claim_checker(checker: ClaimChecker) -> None:
    """Install the function that evaluates claims (one checker; a new one replaces it)."""
    _checker[:] = [checker]


def claim_checker_installed() -> bool:
    """True once a claim checker is installed (checked at start-up)."""
    return bool(_checker)


def check_claim(claim: Mapping[str, Any], datasets: Mapping[str, Any]) -> list[ClaimProblem]:
    """Evaluate one claim; a problem when no checker is installed, so nothing passes unseen."""
    if not _checker:
        return [ClaimProblem(None, "claims cannot be checked: no claim checker is installed")]
    return _checker[0](claim, datasets)
