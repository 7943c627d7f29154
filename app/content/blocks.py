"""A module's blocks on a page: every kind's learner state in one query per kind, and the
HTML, with each kind filling in only what belongs to the learner."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlmodel import Session
from starlette.requests import Request

from app.accounts.models import User
from app.content.course import Course, MarkdownBlock, Module
from app.content.kinds import BlockContext, activity_kinds, kind_named
from app.templating import join_html


@dataclass(frozen=True)
class ModuleStates:
    """One learner's state of a module's blocks, and every activity they have done in the
    course (progress needs those, so they come from the same queries)."""

    states: dict[str, object]
    done: frozenset[str]


def module_states(
    session: Session, *, user: User, enrollment_id: int | None, course: Course, module: Module
) -> ModuleStates:
    """States for the module's blocks: one query per activity kind, none for the others.

    ``enrollment_id`` None is the author preview: no learner data is read."""
    states: dict[str, object] = {}
    done: set[str] = set()
    for kind in activity_kinds():
        blocks = [
            b for b in module.blocks if not isinstance(b, MarkdownBlock) and b.kind == kind.name
        ]
        found = kind.load_states(
            session, user=user, enrollment_id=enrollment_id, course=course, blocks=blocks
        )
        states.update(found.states)
        done |= found.done
    return ModuleStates(states, frozenset(done))


def done_activity_ids(
    session: Session, *, user_id: int, enrollment_id: int, course: Course
) -> set[str]:
    """Stable ids of every activity this enrollment has done, across kinds."""
    done: set[str] = set()
    for kind in activity_kinds():
        done |= kind.done_ids(session, user_id=user_id, enrollment_id=enrollment_id, course=course)
    return done


def render_blocks(
    request: Request,
    *,
    course: Course,
    module: Module,
    states: dict[str, object],
    preview: bool,
) -> Markup:
    """The module's blocks in reading order as HTML."""
    parts: list[str] = ['<div class="module-blocks">']
    for block in module.blocks:
        if isinstance(block, MarkdownBlock):
            parts.append(f'<div class="prose">{block.html}</div>')
            continue
        kind = kind_named(block.kind)
        if kind is None:  # a kind unregistered since load: say so rather than fail the page
            parts.append(f"<p><code>{escape(block.id)}</code> is not available.</p>")
            continue
        context = BlockContext(request, course, module, states.get(block.id), preview)
        parts.append(kind.render(block, context))
    parts.append("</div>")
    return join_html(parts)
