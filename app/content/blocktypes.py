"""What a course's objects need to know of directive blocks: their shape, and which kinds
learners answer. Kept apart from the kind registry (``kinds``), which needs the course
objects in its signatures."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class DirectiveBlock(Protocol):
    """What content needs of any block a directive builds: its stable id and its kind."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...


# Names of the registered kinds whose blocks learners answer; ``kinds.register_kind`` keeps it.
_ACTIVITY_KINDS: set[str] = set()


def set_activity_kind(name: str, *, is_activity: bool) -> None:
    """Record whether blocks of kind ``name`` count as activities."""
    if is_activity:
        _ACTIVITY_KINDS.add(name)
    else:
        _ACTIVITY_KINDS.discard(name)


def is_activity(block: object) -> bool:
    """True for blocks that learners answer (their kind counts in progress)."""
    return getattr(block, "kind", "") in _ACTIVITY_KINDS
