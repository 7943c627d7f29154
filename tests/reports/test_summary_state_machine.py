"""The report summaries kept as learners act always equal a rebuild from the raw rows.

A Hypothesis state machine drives random sequences through the real services: sign-ups in
different groups, enroll, open and finish modules, right and wrong exercise answers, hints
(before and after a wrong answer), the feedback survey, certificates issued and revoked,
unenroll and re-enroll, a cohort move on an active enrollment, a learner's organization and
job role changing, and a content change that re-measures everyone's progress. After every
step the kept summary table must equal ``measure_rows`` computed afresh, row for row:
``summaries.drift`` is empty, so a row whose count fell to 0 and was kept is a failure.
Runs on SQLite and, with ``--postgres``, on PostgreSQL; ``make test-deep`` runs the machine
with many more examples (``GROUNDWORK_DEEP=1``).
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule
from sqlmodel import Session, select

from app.accounts.models import JobRole, Organization, User
from app.certificates import service as certificates
from app.certificates.models import Certificate
from app.content.course import Course
from app.content.sync import course_record_id
from app.exercises import service as exercises
from app.exercises.spec import ExerciseSpec, variant_for
from app.learning import service as learning
from app.learning.models import Enrollment, ModuleProgress
from app.learning.progress import recompute_course
from app.orgs import service as orgs
from app.orgs.models import Cohort, Proof
from app.reflections import service as reflections
from app.reports import summary_store as summaries
from app.surveys import service as surveys
from tests.factories import make_cohort, make_user

COURSE = "data-for-liberation"
_names = itertools.count(1)
_keys = itertools.count(1)
FAILURES = (
    learning.LearningError,
    exercises.ExerciseLocked,
    exercises.ExerciseNotFound,
    certificates.CertificateError,
    surveys.SurveyNotAvailable,
    reflections.ReflectionRefused,
    reflections.NotEnrolledForReflection,
)
# Few enough activities that random sequences complete modules, and the course: module one's
# two exercises and reflection, and two numeric exercises of module three.
EXERCISES = ("mirror-not-verdict", "sort-or-widen", "rate-by-hand", "absence-iep-rate")
REFLECTION = "norms-reflection"
NORM = (
    "In our next data meeting I will ask us to read the numbers as a mirror of our own "
    "systems and practices, to name the student groups the average hides, to look for "
    "what our schools control, and to bring the voices of students and families into how "
    "we interpret what we see before we decide anything at all."
)


def _answer(spec: ExerciseSpec, variant_key: str, *, right: bool) -> str | list[str]:
    variant = spec.variant(variant_key)
    assert variant is not None
    key = variant.answer
    if key.number is not None:
        return str(key.number if right else key.number + 7.5)
    chosen = sorted(key.choice_ids)
    if not right:
        others = sorted({c.id for c in variant.choices} - key.choice_ids)
        chosen = others[:1] or []
    return chosen if spec.type == "multi" else (chosen[0] if chosen else "")


def _machine(session: Session, course: Course) -> type[RuleBasedStateMachine]:
    organizations = [None, *(_organization(session, f"District {next(_names)}") for _ in range(2))]
    exercise_specs = [
        b
        for m in course.modules
        for b in m.blocks
        if isinstance(b, ExerciseSpec) and b.id in EXERCISES
    ]
    course_id = course_record_id(session, course_slug=course.slug)
    for code in ("spring", "fall"):
        if session.exec(select(Cohort).where(Cohort.code == code)).first() is None:
            make_cohort(session, code=code, course_id=course_id, organization_id=organizations[1])
    admin = make_user(session, role="admin")
    # A content change: the course shrinks to its first module (so learners can finish it),
    # and grows back.
    versions = [course, dataclasses.replace(course, modules=course.modules[:1])]

    class Summaries(RuleBasedStateMachine):
        learners = Bundle("learners")

        def __init__(self) -> None:
            super().__init__()
            self.current = versions[1]

        def _enrollment(self, learner: User) -> Enrollment | None:
            return learning.find_enrollment(session, user=learner, course_slug=COURSE)

        def _try(self, action: object) -> None:
            try:
                action()  # type: ignore[operator]
            except FAILURES:
                session.rollback()

        @rule(
            target=learners,
            org=st.sampled_from(organizations),
            job_role=st.sampled_from([JobRole.teacher, JobRole.principal]),
        )
        def sign_up(self, org: int | None, job_role: JobRole) -> User:
            return make_user(session, organization_id=org, job_role=job_role.value)

        @rule(learner=learners, cohort=st.sampled_from([None, "spring", "fall"]))
        def enroll(self, learner: User, cohort: str | None) -> None:
            self._try(
                lambda: learning.enroll(session, user=learner, course=self.current, cohort=cohort)
            )

        @rule(learner=learners, org=st.sampled_from(organizations[1:]))
        def join_organization(self, learner: User, org: int) -> None:
            """Joining (or moving to) an organization, with a proof, recounts at once."""
            orgs.join(session, user=learner, organization_id=org, proof=Proof.invite)
            session.commit()

        @rule(learner=learners)
        def leave_organization(self, learner: User) -> None:
            """Leaving (or being removed) takes the learner out of its cohorts too."""
            orgs.leave(session, user=learner)
            session.commit()

        @rule(learner=learners, job_role=st.sampled_from(list(JobRole)))
        def change_job_role(self, learner: User, job_role: JobRole) -> None:
            """A learner's job role changes (the account page, an admin): every enrollment
            of theirs moves to the other group."""
            learner.job_role = job_role.value
            session.add(learner)
            session.commit()

        @rule(learner=learners, cohort=st.sampled_from(["spring", "fall"]))
        def move_cohort(self, learner: User, cohort: str) -> None:
            """An active enrollment joins another cohort (its link, followed while enrolled)."""
            if self._enrollment(learner) is None:
                return
            self.enroll(learner, cohort=cohort)

        @rule(learner=learners, index=st.integers(0, 20))
        def hint_after_wrong_answer(self, learner: User, index: int) -> None:
            """A wrong answer, then the hint: the hint changes only the exercise state."""
            self.answer(learner, index, right=False)
            self.hint(learner, index)

        @rule(learner=learners)
        def unenroll(self, learner: User) -> None:
            learning.unenroll(session, user=learner, course_slug=COURSE)

        @rule(learner=learners, index=st.integers(0, 20))
        def open_module(self, learner: User, index: int) -> None:
            enrollment = self._enrollment(learner)
            if enrollment is None:
                return
            module = self.current.modules[index % len(self.current.modules)]
            rows = {
                r.module_id: r
                for r in session.exec(
                    select(ModuleProgress).where(ModuleProgress.enrollment_id == enrollment.id)
                )
            }
            learning.record_visit(session, enrollment=enrollment, module=module, rows=rows)

        @rule(learner=learners, index=st.integers(0, 20))
        def mark_done(self, learner: User, index: int) -> None:
            enrollment = self._enrollment(learner)
            if enrollment is None:
                return
            module = self.current.modules[index % len(self.current.modules)]
            self._try(
                lambda: learning.mark_done(
                    session, enrollment=enrollment, course=self.current, module=module
                )
            )

        @rule(learner=learners, shared=st.booleans())
        def reflect(self, learner: User, shared: bool) -> None:
            self._try(
                lambda: reflections.submit(
                    session,
                    user=learner,
                    course=self.current,
                    activity_id=REFLECTION,
                    text=f"Take {next(_keys)}. {NORM}",
                    shared=shared,
                )
            )

        @rule(learner=learners, index=st.integers(0, 20), right=st.booleans())
        def answer(self, learner: User, index: int, right: bool) -> None:
            enrollment = self._enrollment(learner)
            if enrollment is None or not exercise_specs:
                return
            spec = exercise_specs[index % len(exercise_specs)]
            given = _answer(spec, variant_for(spec, learner.id or 0), right=right)
            self._try(
                lambda: exercises.submit_attempt(
                    session,
                    user=learner,
                    enrollment=enrollment,
                    course=self.current,
                    activity_id=spec.id,
                    answer=given,
                    submission_key=f"k{next(_keys)}",
                )
            )

        @rule(learner=learners)
        def do_module_one(self, learner: User) -> None:
            """Everything module one asks, done right (so courses get completed)."""
            for index in range(2):
                self.answer(learner, index, right=True)
            self.reflect(learner, shared=False)

        @rule(learner=learners, index=st.integers(0, 20))
        def hint(self, learner: User, index: int) -> None:
            enrollment = self._enrollment(learner)
            if enrollment is None or not exercise_specs:
                return
            spec = exercise_specs[index % len(exercise_specs)]
            self._try(
                lambda: exercises.reveal_hint(
                    session,
                    user=learner,
                    enrollment=enrollment,
                    course=self.current,
                    activity_id=spec.id,
                )
            )

        @rule(learner=learners, rating=st.integers(1, 5), submit=st.booleans())
        def survey(self, learner: User, rating: int, submit: bool) -> None:
            enrollment = self._enrollment(learner)
            if enrollment is None or course.survey is None:
                return
            answers = {item.id: str(rating) for item in course.survey.items}
            self._try(
                lambda: surveys.save_survey(
                    session,
                    enrollment=enrollment,
                    course=self.current,
                    answers=answers,
                    comment="",
                    submit=submit,
                )
            )

        @rule(learner=learners)
        def certificate(self, learner: User) -> None:
            enrollment = self._enrollment(learner)
            if enrollment is None:
                return
            self._try(
                lambda: certificates.issue(
                    session,
                    user=learner,
                    enrollment=enrollment,
                    course=self.current,
                    name="A Learner",
                )
            )

        @rule(learner=learners)
        def revoke(self, learner: User) -> None:
            found = session.exec(select(Certificate).where(Certificate.user_id == learner.id))
            certificate = found.first()
            if certificate is not None:
                self._try(
                    lambda: certificates.revoke(
                        session, admin=admin, code=certificate.code, reason="Test"
                    )
                )

        @rule(version=st.sampled_from([0, 1]))
        def content_change(self, version: int) -> None:
            self.current = versions[version]
            recompute_course(session, course=self.current, course_id=course_id)
            session.commit()

        @invariant()
        def summaries_equal_a_rebuild(self) -> None:
            session.rollback()  # read what is committed, as a report would
            assert summaries.drift(session) == {}

    return Summaries


def _organization(session: Session, name: str) -> int:
    org = Organization(name=name, name_key=name.lower())
    session.add(org)
    session.commit()
    assert org.id is not None
    return org.id


DEEP = os.environ.get("GROUNDWORK_DEEP") == "1"


def test_kept_summaries_equal_a_rebuild(client, session: Session) -> None:
    courses: Mapping[str, Course] = client.app.state.registry.courses
    machine = _machine(session, courses[COURSE])
    machine.TestCase.settings = settings(
        max_examples=200 if DEEP else 15,
        stateful_step_count=60 if DEEP else 40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    machine.TestCase().runTest()


@pytest.mark.parametrize("hint_first", [True, False], ids=["hint-then-wrong", "wrong-then-hint"])
def test_one_whole_journey_keeps_the_summaries_exact(
    client, session: Session, hint_first: bool
) -> None:
    """The machine's steps in the order that reaches completion, a certificate and back,
    through every write path: the hint before and after a wrong answer, a cohort move on
    the active enrollment, a new organization and job role, and counts falling to 0."""
    courses: Mapping[str, Course] = client.app.state.registry.courses
    machine = _machine(session, courses[COURSE])()
    learner = machine.sign_up(org=None, job_role=JobRole.teacher)
    other_org = session.exec(select(Organization.id).order_by(Organization.id.desc())).first()  # type: ignore[union-attr]
    assert other_org is not None
    hint_and_wrong = [
        lambda: machine.hint(learner, 0),
        lambda: machine.answer(learner, 0, right=False),
    ]
    steps = [
        lambda: machine.enroll(learner, cohort="spring"),
        lambda: machine.open_module(learner, 0),
        *(hint_and_wrong if hint_first else hint_and_wrong[::-1]),
        lambda: machine.move_cohort(learner, cohort="fall"),
        lambda: machine.join_organization(learner, org=other_org),
        lambda: machine.change_job_role(learner, JobRole.principal),
        lambda: machine.do_module_one(learner),
        lambda: machine.survey(learner, rating=4, submit=True),
        lambda: machine.certificate(learner),
        lambda: machine.revoke(learner),
        lambda: machine.content_change(0),
        lambda: machine.unenroll(learner),
        lambda: machine.enroll(learner, cohort="fall"),
        lambda: machine.content_change(1),
    ]
    seen: set[str] = set()
    for step in steps:
        step()
        machine.summaries_equal_a_rebuild()
        seen |= {key[0] for key in summaries.stored(session)}
    assert {"completed", "certified", "module_completed", "hinted", "wrong_answer"} <= seen


def test_rebuild_recomputes_what_was_kept(client, session: Session) -> None:
    courses: Mapping[str, Course] = client.app.state.registry.courses
    learner = make_user(session)
    make_cohort(session, code="spring", course_id=course_record_id(session, course_slug=COURSE))
    learning.enroll(session, user=learner, course=courses[COURSE], cohort="spring")
    kept = summaries.stored(session)
    assert (
        kept[
            (
                "enrolled",
                course_record_id(session, course_slug=COURSE),
                0,
                "teacher",
                "spring",
                "",
                0,
            )
        ]
        == 1
    )
    assert summaries.rebuild(session) == len(kept)
    session.commit()
    assert summaries.stored(session) == kept
