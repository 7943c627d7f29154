"""One exercise's learner state (shown after a hint) is read in one statement and says the
same as the attempts and state rows it comes from."""

from __future__ import annotations

import dataclasses

from sqlalchemy import event
from sqlmodel import Session, col, select

from app.content.sync import activity_record_id
from app.exercises import service
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.exercises.spec import variant_for
from app.exercises.state import ExerciseBlockState, build_state, variant_of
from app.learning.models import Enrollment
from tests.exercises.support import SLUG, attempt, enroll, key_for, spec_of
from tests.factories import make_user
from tests.helpers import login, post_form

EXERCISE = "el-gap"


def _shown(state: ExerciseBlockState) -> tuple[object, ...]:
    """Everything the page shows of a state (the submission key is new every time)."""
    return (
        state.public,
        state.attempts,
        state.attempts_left,
        state.status,
        state.hints_html,
        state.more_hints,
        state.revealed_answer,
        state.explanation_html,
    )


def _wrong(client, user) -> str:  # type: ignore[no-untyped-def]
    return str(float(key_for(client, user, EXERCISE)) + 40)


def test_learner_state_is_one_statement_and_matches_the_rows(client, session, engine) -> None:
    other = make_user(session)  # another learner's attempt and hint must not count
    login(client, other)
    enroll(client)
    assert attempt(client, EXERCISE, _wrong(client, other)).status_code == 303
    assert post_form(client, f"/courses/{SLUG}/exercises/{EXERCISE}/hint").status_code == 303
    assert len(session.exec(select(ExerciseAttempt)).all()) == 1
    client.cookies.clear()
    user = make_user(session)
    login(client, user)
    enroll(client)
    for _ in range(2):
        assert attempt(client, EXERCISE, _wrong(client, user)).status_code == 303
    assert post_form(client, f"/courses/{SLUG}/exercises/{EXERCISE}/hint").status_code == 303

    course = client.app.state.registry.get(SLUG)  # type: ignore[attr-defined]
    spec = spec_of(client, EXERCISE)
    session.expire_all()
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user.id)).one()
    pk = activity_record_id(session, course_slug=SLUG, activity_id=EXERCISE)
    rows = session.exec(
        select(ExerciseAttempt)
        .where(ExerciseAttempt.enrollment_id == enrollment.id, ExerciseAttempt.activity_id == pk)
        .order_by(col(ExerciseAttempt.number))
    ).all()
    row = session.exec(
        select(ExerciseState).where(
            ExerciseState.enrollment_id == enrollment.id, ExerciseState.activity_id == pk
        )
    ).one()
    assert [a.number for a in rows] == [1, 2]
    assert row.hints_revealed == 1
    expected = build_state(
        spec,
        variant=variant_of(spec, user.id, row),  # type: ignore[arg-type]
        attempts=rows,
        hints_revealed=row.hints_revealed,
    )

    sent: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    with Session(engine) as fresh:
        event.listen(engine, "before_cursor_execute", count)
        try:
            state = service.learner_state(
                fresh, user=user, enrollment=enrollment, course=course, spec=spec
            )
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in sent if not s.lstrip().upper().startswith("BEGIN")]) == 1, sent
    assert _shown(state) == _shown(expected)
    assert state.used == 2
    assert len(state.hints_html) == 1

    # An exercise whose course was never synced reads as untouched, in the learner's variant.
    unsynced = dataclasses.replace(course, slug="never-synced")
    blank = service.learner_state(
        session, user=user, enrollment=enrollment, course=unsynced, spec=spec
    )
    untouched = build_state(
        spec,
        variant=variant_for(spec, user.id),  # type: ignore[arg-type]
        attempts=(),
        hints_revealed=0,
    )
    assert _shown(blank) == _shown(untouched)
    assert blank.used == 0
