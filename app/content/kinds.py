"""The one interface between content and the activity kinds, and content's other hooks.

Content parses fenced ``{name} id`` directives and knows each kind only through this
registry. A kind (explore from datasets, exercise from exercises, reflection from
reflections, and any future one) registers itself from its own package with
``register_kind``; content never imports those packages. See docs/architecture.md.

Two more hooks let higher layers plug in without content importing them:
``register_dataset_loader`` (datasets reads a course's CSV + YAML pairs) and
``register_content_listener`` (learning re-measures progress after a content change).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup
from sqlmodel import Session
from starlette.requests import Request

from app.accounts.models import User
from app.content.blocktypes import DirectiveBlock as DirectiveBlock  # part of this interface
from app.content.blocktypes import set_activity_kind
from app.content.course import Course, Module
from app.content.markdown import Rendered
from app.content.yamltext import YamlDoc
from app.templating import render_fragment


@dataclass(frozen=True)
class BuildContext:
    """Everything a kind needs to build one directive's block, and to report problems.

    ``out.add(line, message)`` records a ``file:line`` problem (``line`` in the module file;
    ``doc.line_of(key)`` finds a key's line). ``markdown`` renders author Markdown found in
    the body with the module's link rules.
    """

    block_id: str
    line: int
    body: dict[str, Any]
    doc: YamlDoc
    datasets: Mapping[str, Any]
    markdown: Callable[[str], Markup]
    out: Rendered
    prefix: str  # "{exercise} my-id", to start messages with


@dataclass(frozen=True)
class BlockContext:
    """What a kind's renderer gets for one block on one page."""

    request: Request
    course: Course
    module: Module
    state: object | None  # from the kind's ``load_states``; None when it has none
    preview: bool  # the author preview: no learner, nothing saved


@dataclass(frozen=True)
class LearnerStates:
    """One learner's state for the blocks asked about, and which of this kind's activities
    they have done anywhere in the course (for progress)."""

    states: Mapping[str, object]
    done: frozenset[str]


def render_block_template(template: str, block: DirectiveBlock, ctx: BlockContext) -> Markup:
    """Render a kind's block template with the names every block template receives:
    ``block``, ``state``, ``course``, ``module`` and ``preview``."""
    return render_fragment(
        ctx.request,
        template,
        {
            "block": block,
            "state": ctx.state,
            "course": ctx.course,
            "module": ctx.module,
            "preview": ctx.preview,
        },
    )


@dataclass(frozen=True)
class BlockTime:
    """What one block asks of a learner's time (docs/authoring.md, "Minutes and hours"):
    the words they read in it (prompt, choices) and the minutes of doing on top."""

    words: int = 0
    minutes: float = 0.0


class ActivityKind(Protocol):
    """A directive kind. ``is_activity``: learners answer it and it counts in progress.

    ``time_label`` names this kind's minutes in the time estimate ("exercises");
    ``time_basis`` is its clause in the hours explanation on the course page."""

    name: str
    is_activity: bool
    time_label: str
    time_basis: str

    def time(self, block: DirectiveBlock) -> BlockTime:
        """What the block asks of a learner's time."""
        ...

    def known_keys(self) -> Sequence[str]:
        """The body's top-level keys, for "did you mean" on a misspelt key."""
        ...

    def build(self, ctx: BuildContext) -> DirectiveBlock | None:
        """Parse and check the body; report problems to ``ctx.out`` and return None if bad."""
        ...

    def load_states(
        self,
        session: Session,
        *,
        user: User,
        enrollment_id: int | None,
        course: Course,
        blocks: Sequence[DirectiveBlock],
    ) -> LearnerStates:
        """One learner's state for many blocks of this kind, in one query.

        ``enrollment_id`` None: the author preview (no learner data at all)."""
        ...

    def done_ids(
        self, session: Session, *, user_id: int, enrollment_id: int, course: Course
    ) -> set[str]:
        """Ids of this kind's activities the learner has done in the course (one query)."""
        ...

    def render(self, block: DirectiveBlock, ctx: BlockContext) -> Markup:
        """The block's HTML for this page: static parts rendered once, the learner's filled in."""
        ...


_KINDS: dict[str, ActivityKind] = {}


def register_kind(kind: ActivityKind) -> None:
    """Make a directive kind known to content (registering the same name again replaces it)."""
    _KINDS[kind.name] = kind
    set_activity_kind(kind.name, is_activity=kind.is_activity)


def kind_named(name: str) -> ActivityKind | None:
    """The registered kind called ``name``, or None."""
    return _KINDS.get(name)


def kind_names() -> tuple[str, ...]:
    """Every registered directive name, in registration order."""
    return tuple(_KINDS)


def all_kinds() -> tuple[ActivityKind, ...]:
    """Every registered kind, in registration order."""
    return tuple(_KINDS.values())


def activity_kinds() -> tuple[ActivityKind, ...]:
    """The registered kinds whose blocks learners answer."""
    return tuple(k for k in _KINDS.values() if k.is_activity)


# --- datasets ---------------------------------------------------------------------------


class LoadedDataset(Protocol):
    """What content needs of a loaded dataset: the warnings to report at load."""

    @property
    def warnings(self) -> Sequence[Any]: ...


DatasetLoader = Callable[[str, Path, Path], LoadedDataset]
_dataset_loader: list[DatasetLoader] = []


def register_dataset_loader(loader: DatasetLoader) -> None:
    """Install the function that reads ``(name, csv_path, schema_path)`` into a dataset."""
    _dataset_loader[:] = [loader]


def dataset_loader() -> DatasetLoader | None:
    """The installed dataset loader (None: courses with datasets cannot load)."""
    return _dataset_loader[0] if _dataset_loader else None


# --- content changes ---------------------------------------------------------------------


class ContentListener(Protocol):
    """A higher layer that keeps learner data about courses (learning's progress)."""

    def course_changed(self, session: Session, *, course: Course, course_id: int) -> int:
        """Re-measure after a content change, in sync's transaction; rows changed."""
        ...

    def module_data_count(self, session: Session, *, course_id: int, module_id: str) -> int:
        """How many learner records refer to this module's stable id (for rename checks)."""
        ...


_listeners: dict[str, ContentListener] = {}


def register_content_listener(name: str, listener: ContentListener) -> None:
    """Tell content to call ``listener`` when a course changes (same name replaces)."""
    _listeners[name] = listener


def content_listeners() -> tuple[ContentListener, ...]:
    """Every registered content listener."""
    return tuple(_listeners.values())


# --- progress -------------------------------------------------------------------------------


class Enrolled(Protocol):
    """What an activity kind needs of a learner's enrollment (learning's ``Enrollment``)."""

    id: int | None
    user_id: int
    course_id: int


class ProgressKeeper(Protocol):
    """The layer that owns enrollments and progress (learning), as activity kinds see it."""

    def enrollment_of(self, session: Session, *, user_id: int, course_slug: str) -> Enrolled | None:
        """The learner's active enrollment in the course, or None."""
        ...

    def module_locked(
        self, session: Session, *, enrollment: Enrolled, course: Course, module_id: str
    ) -> bool:
        """True while the course's sequencing keeps the learner out of the module."""
        ...

    def activity_changed(
        self, session: Session, *, enrollment: Enrolled, course: Course, module_id: str
    ) -> None:
        """Re-measure progress after an activity changed, in the caller's transaction."""
        ...


_keeper: list[ProgressKeeper] = []


def register_progress_keeper(keeper: ProgressKeeper) -> None:
    """Install the keeper of enrollments and progress (learning registers itself)."""
    _keeper[:] = [keeper]


def progress_keeper() -> ProgressKeeper:
    """The installed keeper; activities cannot record anything without one."""
    if not _keeper:
        raise RuntimeError("no progress keeper is registered (import app.activities)")
    return _keeper[0]
