"""Revision 0006 on a database from the free-text days: typed organizations become
self-declared requests that wait for staff, cohort codes become cohorts of their
organization and course (clashes get a suffix), and the reports are recounted."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlmodel import Session

from app.reports import summary_store
from tests.migration_support import _config, _empty

_USER = (
    "INSERT INTO user_account (id, email, display_name, password_hash, role, job_role,"
    " organization_id, created_at, password_changed_at) VALUES (:id, :email, :name, 'x',"
    " 'learner', 'teacher', :org, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
_ENROLLMENT = (
    "INSERT INTO enrollment (id, user_id, course_id, cohort, active, enrolled_at, percent,"
    " updated_at) VALUES (:id, :user, :course, :cohort, true, CURRENT_TIMESTAMP, 0,"
    " CURRENT_TIMESTAMP)"
)


def test_0006_turns_typed_memberships_and_codes_into_records(engine) -> None:  # type: ignore[no-untyped-def]
    _empty(engine)
    config = _config(engine)
    command.upgrade(config, "0005")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, name_key, created_at) VALUES"
                " (1, 'Riverside', 'riverside', CURRENT_TIMESTAMP),"
                " (2, 'Hillcrest', 'hillcrest', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO course (id, slug, title, status, content_hash, synced_at) VALUES"
                " (1, 'c-one', 'Course One', 'published', 'h', CURRENT_TIMESTAMP),"
                " (2, 'c-two', 'Course Two', 'published', 'h', CURRENT_TIMESTAMP)"
            )
        )
        people = [(1, 1), (2, 1), (3, 2), (4, None)]
        for uid, org in people:
            conn.execute(
                text(_USER), {"id": uid, "email": f"u{uid}@x.org", "name": f"U{uid}", "org": org}
            )
        # "spring" is typed in both organizations, and in two courses of Riverside.
        for eid, (user, course, cohort) in enumerate(
            [
                (1, 1, "spring"),
                (2, 1, "spring"),
                (1, 2, "spring"),
                (3, 1, "spring"),
                (4, 1, "solo"),
                (2, 2, None),
            ],  # fmt: skip
            start=1,
        ):
            conn.execute(
                text(_ENROLLMENT), {"id": eid, "user": user, "course": course, "cohort": cohort}
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        users = conn.execute(text("SELECT id, organization_id FROM user_account ORDER BY id"))
        waiting = conn.execute(
            text("SELECT user_id, organization_id, kind FROM membership_request ORDER BY user_id")
        ).all()
        cohorts = conn.execute(
            text("SELECT organization_id, course_id, name, code FROM cohort ORDER BY code")
        ).all()
        codes = dict(conn.execute(text("SELECT id, cohort FROM enrollment")).all())
        assert [tuple(u) for u in users] == [(1, None), (2, None), (3, None), (4, None)]
    assert [tuple(w) for w in waiting] == [
        (1, 1, "self_declared"), (2, 1, "self_declared"), (3, 2, "self_declared")
    ]  # fmt: skip
    by_key = {(org, course): code for org, course, _, code in cohorts}
    assert {name for _, _, name, _ in cohorts} == {"spring", "solo"}
    assert len(cohorts) == 4
    assert len({code for *_, code in cohorts}) == 4
    assert by_key[(1, 1)] == "spring"  # the first keeps its code; the others get a suffix
    assert {by_key[(1, 2)], by_key[(2, 1)]} == {"spring-2", "spring-3"}
    assert by_key[(None, 1)] == "solo"
    assert codes == {
        1: by_key[(1, 1)], 2: by_key[(1, 1)], 3: by_key[(1, 2)], 4: by_key[(2, 1)],
        5: "solo", 6: None,
    }  # fmt: skip

    # The reports were recounted: nobody counts for an organization until confirmed, and
    # each cohort counts its own learners.
    with Session(engine) as session:
        assert summary_store.drift(session) == {}
        enrolled = session.execute(
            text(
                "SELECT cohort, organization_id, n FROM report_summary WHERE measure = 'enrolled'"
                " AND level = :level AND course_id = 1 ORDER BY cohort"
            ),
            {"level": summary_store.level(["organization_id", "cohort"])},
        ).all()
    assert sorted(tuple(r) for r in enrolled) == sorted(
        [("solo", 0, 1), ("spring", 0, 2), (by_key[(2, 1)], 0, 1)]
    )
