"""Data that makes every page show its full state, for the browser audit.

The staff reports get the hand-built enrollments of ``tests/reports/support.seed``; one
learner then works through the first modules over real HTTP, the way a person would:
enrolls, answers exercises wrong and right, opens a hint, submits a shared reflection and
keeps a draft of another, marks a module done and saves half a survey; staff answer the
reflection. Every role gets an account whose password is ``DEFAULT_PASSWORD``.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.db import id_of
from app.learning.models import Enrollment
from app.notifications.service import unsubscribe_token
from app.orgs import invites
from app.orgs import service as orgs
from app.orgs.models import Cohort
from app.reflections.models import LearnerReflection
from app.security.csrf import CSRF_COOKIE, token_for
from tests.e2e.audit_assignments import add_assignments
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.reports.support import seed

COURSE = "data-for-liberation"
OTHER_COURSE = "data-partnerships"
REFLECTION_TEXT = (
    "Our group kept the norm of curiosity without naming it. "
    + "We asked what the numbers could not tell us and who was missing from them. " * 4
    + "Next time I will ask us to describe before we interpret."
)


@dataclass(frozen=True)
class AuditData:
    """Who can log in, and the ids that some page addresses need."""

    # role -> email; "finisher" completed and has a certificate, "completer" completed without
    emails: dict[str, str]
    reflection_id: int
    certificate_code: str
    cohort_id: int  # the learner's cohort, with assignments due
    unsubscribe_token: str  # the learner's, for due-date reminders
    invite_code: str  # a working invitation link to Riverside's cohort
    spent_code: str  # a revoked one


@dataclass(frozen=True)
class AuditSite:
    """The running server, what ``fill`` made, and its database (for fresh accounts)."""

    url: str
    data: AuditData
    engine: Engine


class _Browser:
    """A tiny form-posting client with the app's CSRF token."""

    def __init__(self, base_url: str, secret: SecretStr) -> None:
        self.client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
        self.secret = secret
        self.client.get("/login")

    def __enter__(self) -> _Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def post(self, url: str, data: dict[str, str] | list[tuple[str, str]]) -> httpx.Response:
        token = token_for(self.client.cookies[CSRF_COOKIE], secret=self.secret)
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        response = self.client.post(url, data=dict([("csrf_token", token), *pairs]))
        assert response.status_code < 500, (url, response.status_code, response.text[:300])
        return response

    def log_in(self, email: str) -> None:
        response = self.post("/login", {"email": email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 303, response.text[:300]


def _attempt(browser: _Browser, activity: str, *answers: str) -> None:
    url = f"/courses/{COURSE}/exercises/{activity}/attempts"
    browser.post(url, [("answer", a) for a in answers])


def _inquiries(base_url: str, secret: SecretStr, *, admin_email: str) -> None:
    """Two district inquiries sent by a visitor; an admin marks the first one answered."""
    with _Browser(base_url, secret) as browser:
        for district, size in (
            ("Lakeview Unified", "10000_50000"),
            ("Hill Country ISD", "not_sure"),
        ):
            sent = browser.post(
                "/bring-groundwork",
                {
                    "name": "Rosa Alvarez",
                    "job_title": "Director of assessment",
                    "district": district,
                    "district_size": size,
                    "email": "rosa@example.org",
                    "message": "Our coaches would like to take the course together this spring.",
                },
            )
            assert sent.status_code == 303, sent.text[:300]
        browser.log_in(admin_email)
        browser.post("/admin/inquiries/1/answered", {})


def fill(session: Session, base_url: str, secret: SecretStr) -> AuditData:
    """Seed the reports' learners, then have one learner and one staff member use the site."""
    seed(session)
    learner = make_user(session, display_name="Lee Learner", email="lee@example.org")
    author = make_user(session, role="author", display_name="Ari Author")
    staff = make_user(session, role="staff", display_name="Sam Staff")
    admin = make_user(session, role="admin", display_name="Ada Admin")
    finisher_id = session.exec(
        select(Certificate.user_id).where(col(Certificate.revoked_at).is_(None))
    ).first()
    finisher = session.get(User, finisher_id)
    code = session.exec(select(Certificate.code).where(Certificate.user_id == finisher_id)).one()
    assert finisher is not None
    # Completed the course, no certificate yet: the certificate page shows its form.
    completer = session.exec(
        select(User)
        .join(Enrollment, col(Enrollment.user_id) == col(User.id))
        .outerjoin(Certificate, col(Certificate.enrollment_id) == col(Enrollment.id))
        .where(col(Enrollment.completed_at).is_not(None), col(Certificate.id).is_(None))
    ).first()
    assert completer is not None

    with _Browser(base_url, secret) as browser:
        browser.log_in(learner.email)
        browser.post(f"/courses/{COURSE}/enroll", {})
        _attempt(browser, "mirror-not-verdict", "a")
        browser.post(f"/courses/{COURSE}/exercises/mirror-not-verdict/hint", {})
        _attempt(browser, "mirror-not-verdict", "b")
        norms = f"/courses/{COURSE}/reflections/norms-reflection"
        browser.post(norms, {"text": REFLECTION_TEXT, "shared": "1", "action": "submit"})
        browser.post(f"/courses/{COURSE}/modules/why-data-for-liberation/done", {})
        _attempt(browser, "closest-to-the-cut", "a")
        browser.post(f"/courses/{COURSE}/exercises/closest-to-the-cut/hint", {})
        draft = f"/courses/{COURSE}/reflections/bias-reflection"
        browser.post(draft, {"text": "A first thought, to finish later.", "action": "draft"})
        browser.post(
            f"/courses/{COURSE}/survey", {"item-was_engaging": "4", "comment": "So far, good."}
        )

    with _Browser(base_url, secret) as browser:  # a discussion thread (id 1), then edited
        browser.log_in(learner.email)
        browser.post(
            f"/courses/{COURSE}/modules/why-data-for-liberation/discussion/new",
            {
                "title": "What do our Mondays tell us?",
                "body": "Attendance *dips* on Mondays.",
                "prompt": "norms-reflection",
                "agree": "1",
            },
        )
        browser.post(
            f"/courses/{COURSE}/discussion/posts/1/edit",
            {
                "title": "What do our Mondays tell us?",
                "body": "Attendance dips on Mondays, most of all in ninth grade.",
            },
        )

    session.commit()  # end the read transaction: see what the server wrote since
    reflection_id = session.exec(
        select(LearnerReflection.id).where(
            LearnerReflection.user_id == learner.id,
            LearnerReflection.activity_stable_id == "norms-reflection",
        )
    ).one()
    assert reflection_id is not None
    with _Browser(base_url, secret) as browser:
        browser.log_in(staff.email)
        browser.post(
            f"/staff/reflections/{reflection_id}/feedback",
            {"body": "Describe before interpret: a strong norm to bring to your team."},
        )
        browser.post(
            f"/courses/{COURSE}/discussion/threads/1/replies",
            {"body": "A strong noticing. What do the **schedules** on Mondays look like?"},
        )
    _inquiries(base_url, secret, admin_email=admin.email)
    session.commit()  # end the read transaction: the server has written since
    invite_code, spent_code = _organizations(session, learner)
    return AuditData(
        emails={
            "learner": learner.email,
            "finisher": finisher.email,
            "completer": completer.email,
            "author": author.email,
            "staff": staff.email,
            "admin": admin.email,
        },
        reflection_id=reflection_id,
        certificate_code=code,
        cohort_id=add_assignments(session, learner),
        unsubscribe_token=unsubscribe_token(secret, user_id=id_of(learner), kind="due_reminder"),
        invite_code=invite_code,
        spent_code=spent_code,
    )


def _organizations(session: Session, learner: User) -> tuple[str, str]:
    """Riverside (organization 1) gets a domain, links (one revoked) and a waiting request."""
    riverside = orgs.organization_named(session, name="Riverside")
    assert riverside is not None
    assert riverside.id == 1
    orgs.add_domain(session, organization_id=1, domain="riverside.example.org")
    cohort = session.exec(select(Cohort).where(Cohort.organization_id == 1)).first()
    assert cohort is not None
    assert cohort.id == 1
    link = invites.create_invite(session, organization_id=1, cohort_id=1, max_uses=40)
    spent = invites.create_invite(session, organization_id=1, expires_days=7)
    invites.revoke(session, organization_id=1, invite_id=id_of(spent))
    orgs.request_to_join(
        session, user=learner, organization_id=1, message="I coach 6th grade math teachers."
    )
    return link.code, spent.code
