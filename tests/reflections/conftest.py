"""Fixtures for reflection tests: a small course with three reflection prompts, synced and
served by the app, and enrolled learners in two organizations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from app.accounts.models import Organization, User
from app.content.course import Course, MarkdownBlock, Module
from app.content.registry import Registry
from app.content.sync import sync_course
from app.learning import service as learning
from app.reflections.spec import Reflection
from tests.factories import make_user

SLUG = "reflect-course"


def build_course(*, extra_prompt: bool = True) -> Course:
    """A published course: module m1 has r1 (min 3 words) and r2; module m2 has r3."""
    m1_blocks = [
        MarkdownBlock(html="<p>Read this first.</p>"),
        Reflection(
            id="r1", prompt_html="<p>What did you <em>notice</em> in your data?</p>", min_words=3
        ),
    ]
    if extra_prompt:
        m1_blocks.append(Reflection(id="r2", prompt_html="<p>What will you try next?</p>"))
    m1 = Module(
        id="m1",
        title="Looking at data",
        minutes=20,
        objectives=(),
        previous_ids=(),
        blocks=tuple(m1_blocks),
        file=f"{SLUG}/modules/01.md",
        position=1,
        content_hash="h1" + ("x" if extra_prompt else "y"),
    )
    m2 = Module(
        id="m2",
        title="Talking about data",
        minutes=20,
        objectives=(),
        previous_ids=(),
        blocks=(Reflection(id="r3", prompt_html="<p>Which norm matters most?</p>", max_chars=50),),
        file=f"{SLUG}/modules/02.md",
        position=2,
        content_hash="h2",
    )
    return Course(
        slug=SLUG,
        title="Reflecting on Data",
        summary_html="<p>Summary</p>",
        description_html="<p>Description</p>",
        outcomes=(),
        status="published",
        hours=1.0,
        sequencing="free",
        modules=(m1, m2),
        survey=None,
        require_survey=False,
        version="v1" + ("x" if extra_prompt else "y"),
        datasets={},
        root=Path("."),
    )


def serve(app, session: Session, course: Course) -> Course:  # type: ignore[no-untyped-def]
    """Sync ``course`` to the database and make the app serve it (alone)."""
    sync_course(session, course=course)
    app.state.registry = Registry(content_root=Path("."), courses={course.slug: course})
    return course


def make_org(session: Session, name: str) -> Organization:
    """A saved organization."""
    org = Organization(name=name, name_key=name.casefold())
    session.add(org)
    session.commit()
    return org


def enrolled_learner(session: Session, course: Course, **overrides) -> User:  # type: ignore[no-untyped-def]
    """A learner enrolled in ``course``."""
    user = make_user(session, **overrides)
    learning.enroll(session, user=user, course=course)
    session.refresh(user)
    session.commit()  # loaded and no read transaction left open (it would block writes)
    return user


@pytest.fixture
def course(app, client, session: Session) -> Course:  # type: ignore[no-untyped-def]
    """The test course, synced and served (after the app's own start-up load)."""
    return serve(app, session, build_course())


def retire_r2(app, session: Session) -> Course:  # type: ignore[no-untyped-def]
    """A content change that removes prompt r2."""
    return serve(app, session, build_course(extra_prompt=False))
