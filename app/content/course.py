"""The immutable objects a loaded course is made of: Course -> Module -> blocks.

Everything here is built once at content load (HTML already rendered and sanitised) and then
only read, so requests can share these objects without locks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from markupsafe import Markup

from app.content.blocktypes import DirectiveBlock, is_activity


@dataclass(frozen=True)
class MarkdownBlock:
    """A run of rendered, sanitised Markdown between directives."""

    html: Markup
    kind: Literal["markdown"] = "markdown"


B = TypeVar("B")

# A directive block of any registered kind; activities are the ones learners answer.
ActivityBlock = DirectiveBlock
Block = MarkdownBlock | DirectiveBlock


@dataclass(frozen=True)
class SurveyItem:
    """One agree/disagree statement of the end-of-course survey."""

    id: str
    text: str


@dataclass(frozen=True)
class Survey:
    """The end-of-course feedback survey."""

    items: tuple[SurveyItem, ...]
    comment_prompt: str


@dataclass(frozen=True)
class Module:
    """One module page: front matter plus its blocks in reading order."""

    id: str
    title: str
    minutes: int
    objectives: tuple[str, ...]
    previous_ids: tuple[str, ...]
    blocks: tuple[Block, ...]
    file: str  # relative to the content root, e.g. "data-for-liberation/modules/01-why.md"
    position: int  # 1-based place in the course's module order
    content_hash: str
    # Activity ids removed on purpose; their learner data stays, retired (not a lost rename).
    retired_ids: tuple[str, ...] = ()

    @property
    def activities(self) -> tuple[ActivityBlock, ...]:
        """The blocks a learner answers (reflections and exercises), in order."""
        return tuple(b for b in self.blocks if not isinstance(b, MarkdownBlock) and is_activity(b))

    @property
    def required_activities(self) -> tuple[ActivityBlock, ...]:
        """The activities that count towards completing the module."""
        return tuple(b for b in self.activities if getattr(b, "required", True))


@dataclass(frozen=True)
class Course:
    """A validated, rendered course as learners see it."""

    slug: str
    title: str
    summary_html: Markup
    description_html: Markup
    outcomes: tuple[str, ...]
    status: Literal["draft", "published"]
    hours: float
    sequencing: Literal["free", "sequential"]
    modules: tuple[Module, ...]
    survey: Survey | None
    require_survey: bool
    version: str  # sha256 of every file the course was built from
    datasets: Mapping[str, Any]  # name -> the datasets package's loaded dataset
    root: Path
    # Beyond the shared contract: per-directive body hashes and renamed ids, for sync.
    activity_hashes: Mapping[str, str] = field(default_factory=dict)
    activity_previous_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _modules_by_id: Mapping[str, Module] = field(default_factory=dict, repr=False, compare=False)
    _blocks_by_id: Mapping[str, tuple[Module, DirectiveBlock]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        modules = {m.id: m for m in self.modules}
        blocks = {
            b.id: (m, b) for m in self.modules for b in m.blocks if not isinstance(b, MarkdownBlock)
        }
        object.__setattr__(self, "_modules_by_id", modules)
        object.__setattr__(self, "_blocks_by_id", blocks)

    @property
    def is_published(self) -> bool:
        """True when learners may see and enrol in the course."""
        return self.status == "published"

    @property
    def minutes(self) -> int:
        """Estimated minutes for the whole course (the modules' declared minutes)."""
        return sum(m.minutes for m in self.modules)

    @property
    def short_version(self) -> str:
        """The first 12 characters of the content hash, for display."""
        return self.version[:12]

    def module(self, module_id: str) -> Module | None:
        """The module with this stable id, or None."""
        return self._modules_by_id.get(module_id)

    def activity(self, activity_id: str) -> tuple[Module, ActivityBlock] | None:
        """The (module, block) of a reflection or exercise with this id, or None."""
        found = self._blocks_by_id.get(activity_id)
        if found is None or not is_activity(found[1]):
            return None
        return found

    def block_of(self, block_id: str, kind: type[B]) -> tuple[Module, B] | None:
        """The (module, block) with this id if it is of type ``kind``, or None: the one way
        to find an exercise, a reflection or an explorer by id."""
        found = self._blocks_by_id.get(block_id)
        if found is None or not isinstance(found[1], kind):
            return None
        return found[0], found[1]

    def block(self, block_id: str) -> tuple[Module, DirectiveBlock] | None:
        """The (module, block) of any directive block (explore too) with this id, or None."""
        return self._blocks_by_id.get(block_id)

    def next_module(self, module_id: str) -> Module | None:
        """The module after this one in course order, or None at the end."""
        ids = [m.id for m in self.modules]
        if module_id not in ids:
            return None
        index = ids.index(module_id) + 1
        return self.modules[index] if index < len(self.modules) else None

    def previous_module(self, module_id: str) -> Module | None:
        """The module before this one in course order, or None at the start."""
        ids = [m.id for m in self.modules]
        if module_id not in ids:
            return None
        index = ids.index(module_id) - 1
        return self.modules[index] if index >= 0 else None
