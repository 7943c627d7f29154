"""Extra content checks that a higher layer attaches to one kind of directive block.

Content builds a block, then runs the checks registered for its kind with the block, the
directive's YAML body and the course's datasets; each check returns its problems, which are
reported at the directive's line. (The exercises package registers its near-miss check.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

Severity = Literal["error", "warning"]
# (block, the directive's YAML body, the course's datasets) -> [(message, severity)]
BlockCheck = Callable[[Any, Mapping[str, Any], Mapping[str, Any]], list[tuple[str, Severity]]]

_CHECKS: dict[str, dict[str, BlockCheck]] = {}


def register_block_check(kind: str, name: str, check: BlockCheck) -> None:
    """Run ``check`` on every block of ``kind``; registering a name again replaces it."""
    _CHECKS.setdefault(kind, {})[name] = check


def run_block_checks(
    block: Any, body: Mapping[str, Any], datasets: Mapping[str, Any]
) -> list[tuple[str, Severity]]:
    """Every registered check's problems for one block, in registration order."""
    problems: list[tuple[str, Severity]] = []
    for check in _CHECKS.get(str(block.kind), {}).values():
        problems.extend(check(block, body, datasets))
    return problems
