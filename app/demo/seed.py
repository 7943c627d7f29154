"""``seed``: fill a database with a deterministic demo district for the given courses.

The same options (seed, learner count, organizations, anchor time) give the same rows,
ids included, on an empty database. Accounts are recognised as demo accounts by their
email domain; the seed refuses a database that holds other accounts unless forced.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from app.content.course import Course
from app.demo import writer
from app.demo.activity import DAY, ActivityMaker
from app.demo.people import (
    LearnerMaker,
    Login,
    cohort_code,
    cohort_rows,
    learner_email,
    make_organizations,
    organization_rows,
    staff_rows,
)
from app.demo.plan import CoursePlan, build_plan

HISTORY_DAYS = 548  # about eighteen months of enrollments
BATCH_LEARNERS = 5_000


class SeedRefused(Exception):
    """The database is not one the seed may fill; the message says why and what to do."""


@dataclass(frozen=True)
class SeedOptions:
    learners: int
    organizations: int = 12
    seed: int = 1
    anchor: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    force: bool = False
    batch_learners: int = BATCH_LEARNERS


@dataclass
class SeedReport:
    logins: list[Login]
    rows: dict[str, int]
    learners: int
    enrollments: int
    seconds: float


def check_database(engine: Engine, *, force: bool) -> None:
    """Raise SeedRefused when the database holds real accounts (unless ``force``) or an
    earlier demo district."""
    with engine.connect() as connection:
        others, demo = writer.account_counts(connection)
    if demo:
        raise SeedRefused(
            f"This database already holds a demo district ({demo:,} demo accounts). "
            "Seed an empty database instead (a new GROUNDWORK_DATABASE_URL, then "
            "`groundwork db upgrade`)."
        )
    if others and not force:
        raise SeedRefused(
            f"This database holds {others:,} account(s) that are not demo accounts. The demo "
            "seed adds thousands of made-up learners to every report; run it on an empty "
            "database, or pass --force to add them anyway."
        )


def _plans(engine: Engine, courses: list[Course], seed: int) -> list[CoursePlan]:
    with Session(engine) as session:
        return [build_plan(session, c, seed=seed) for c in sorted(courses, key=lambda c: c.slug)]


def _course_choice(rng: random.Random, plans: list[CoursePlan]) -> list[CoursePlan]:
    """Most learners take the first course, some the second, some both."""
    if len(plans) == 1:
        return plans
    r = rng.random()
    if r < 0.62:
        return [plans[0]]
    if r < 0.82:
        return [plans[1]]
    return plans[:2]


def seed(
    engine: Engine,
    courses: list[Course],
    *,
    options: SeedOptions,
    staff_password_hash: str,
    learner_password_hash: str,
    on_batch: Callable[[int], None] | None = None,
) -> SeedReport:
    """Write the demo district; ``on_batch(learners_made)`` as each batch goes to the writer."""
    started = time.perf_counter()
    if not courses:
        raise SeedRefused("No published course is loaded: there is nothing to enroll in.")
    check_database(engine, force=options.force)
    plans = _plans(engine, courses, options.seed)
    rng = random.Random(options.seed)
    anchor = int(options.anchor.timestamp())
    stamp = writer.stamper(engine.dialect.name)
    rows = writer.Rows()
    connection = writer.connect(engine)
    batches = writer.BatchWriter(connection)
    dropped = []
    try:
        ids = writer.next_ids(connection)
        writer.prepare(connection)
        dropped = writer.drop_secondary_indexes(connection)
        history_start = anchor - HISTORY_DAYS * DAY
        organizations = make_organizations(rng, options.organizations, first_id=ids["organization"])
        organization_rows(rows, organizations, stamp(history_start - 2 * DAY))
        cohort_rows(rows, organizations, plans, stamp(history_start - 2 * DAY))
        logins = staff_rows(
            rows,
            organizations,
            first_id=ids["user_account"],
            password_hash=staff_password_hash,
            created=stamp(history_start - DAY),
        )
        user_id = ids["user_account"] + len(logins)
        enrollment_id = ids["enrollment"]
        people = LearnerMaker(rng, organizations)
        maker = ActivityMaker(
            rng,
            rows,
            stamp,
            anchor=anchor,
            first_reflection_id=ids["reflection"],
            first_response_id=ids["survey_response"],
        )
        for number in range(1, options.learners + 1):
            org = people.organization()
            name = people.name()
            job_role = people.job_role()
            # Growth: more learners joined recently (density rises towards the anchor).
            start = anchor - int(HISTORY_DAYS * DAY * (1 - rng.random() ** 0.6)) - DAY
            created = stamp(start - rng.randint(60, 3600))
            org_id = org.id if org is not None else None
            proof = "invite" if org is not None else None
            rows.by_table["user_account"].append(
                (user_id, learner_email(number), name, learner_password_hash, "learner",
                 job_role, org_id, None, created, created, proof, created if org else None)
            )  # fmt: skip
            for index, plan in enumerate(_course_choice(rng, plans)):
                begins = start if index == 0 else start + rng.randint(DAY, 120 * DAY)
                if begins >= anchor:  # the second course would start after today: not yet
                    break
                maker.enrollment(
                    plan,
                    enrollment_id=enrollment_id,
                    user_id=user_id,
                    name=name,
                    cohort=cohort_code(base, plan.course_id)
                    if (base := people.cohort(org))
                    else None,
                    start=begins,
                )
                enrollment_id += 1
            user_id += 1
            if number % options.batch_learners == 0 or number == options.learners:
                batches.submit(rows)
                rows = maker.rows = writer.Rows()
                if on_batch is not None:
                    on_batch(number)
        batches.submit(rows)
    finally:
        try:
            batches.close()  # the batch in flight is committed (or its error raised) first
        finally:
            try:
                writer.restore_indexes(connection, dropped)
                writer.finish(connection)
            finally:
                connection.close()
    return SeedReport(
        logins=logins,
        rows=dict(batches.written),
        learners=options.learners,
        enrollments=enrollment_id - ids["enrollment"],
        seconds=time.perf_counter() - started,
    )
