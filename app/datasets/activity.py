"""The ``{explore}`` kind, registered with content: an explorer's opening view is the same
for every learner, so its HTML is rendered once per content version and reused."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from sqlmodel import Session

from app.accounts.models import User
from app.content.course import Course
from app.content.kinds import (
    BlockContext,
    BlockTime,
    BuildContext,
    DirectiveBlock,
    LearnerStates,
    register_dataset_loader,
    register_kind,
)
from app.datasets import claims, inline  # noqa: F401  (register {data} and the claim checker)
from app.datasets.explore import EXPLORE_KEYS, ExploreSpec, build_explore, build_view
from app.datasets.loader import load_dataset
from app.templating import render_fragment

# (course version, explore id, root path) -> HTML. Content versions are immutable, so an
# entry never goes stale; a bound keeps edits in development from growing it for ever.
_RENDERED: dict[tuple[str, str, str], Markup] = {}
_MAX_RENDERED = 2048
EXPLORE_MINUTES = 4.0


class ExploreKind:
    """Data explorers: no learner state, HTML rendered once per content version."""

    name = "explore"
    is_activity = False
    # Setting the view, reading the table, trying the changes the text asks for.
    time_label = "explorers"
    time_basis = f"{EXPLORE_MINUTES:g} minutes for each data explorer"

    def time(self, block: DirectiveBlock) -> BlockTime:
        return BlockTime(minutes=EXPLORE_MINUTES)

    def known_keys(self) -> Sequence[str]:
        return sorted(EXPLORE_KEYS)

    def build(self, ctx: BuildContext) -> DirectiveBlock | None:
        return build_explore(ctx.block_id, ctx.body, ctx.datasets)

    def load_states(
        self,
        session: Session,
        *,
        user: User,
        enrollment_id: int | None,
        course: Course,
        blocks: Sequence[DirectiveBlock],
    ) -> LearnerStates:
        return LearnerStates({}, frozenset())

    def done_ids(
        self, session: Session, *, user_id: int, enrollment_id: int, course: Course
    ) -> set[str]:
        return set()

    def render(self, block: DirectiveBlock, ctx: BlockContext) -> Markup:
        assert isinstance(block, ExploreSpec)
        course = ctx.course
        key = (course.version, block.id, ctx.request.scope.get("root_path", ""))
        html = _RENDERED.get(key)
        if html is None:
            dataset = course.datasets.get(block.dataset)
            view = build_view(block, dataset, block.query) if dataset is not None else None
            html = render_fragment(
                ctx.request,
                "datasets/_explore.html",
                {"block": block, "state": view, "course": course, "module": ctx.module},
            )
            if len(_RENDERED) >= _MAX_RENDERED:
                _RENDERED.clear()
            _RENDERED[key] = html
        return html


register_kind(ExploreKind())
register_dataset_loader(load_dataset)
