"""Fixtures for the security tests: fixture courses with every kind of learner data, and a
small "world" of users (two learners in two organizations, scoped staff, an admin) whose
work covers reflections, exercises, the survey and a certificate.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Organization, User
from app.certificates.models import Certificate
from app.db import id_of
from app.orgs import cohorts, invites
from app.orgs import service as orgs
from app.reflections.models import LearnerReflection
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login, post_form
from tests.learning.support import JOURNEY, SURVEY_ANSWERS

# The private reflection text the isolation tests look for everywhere it must not be.
SECRET = "Aardvark observations 7731"

TESTS = Path(__file__).resolve().parents[1]
JOURNEY_DIR = TESTS / "learning" / "fixtures" / "courses" / JOURNEY
DATA_DIR = TESTS / "exercises" / "fixtures" / "courses" / "data-course"
DATA = "data-course"

# Learner-controlled text that must render inert wherever it appears.
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}javascript:alert(1)'


def security_content(tmp_path: Path) -> dict[str, object]:
    """Settings overrides serving a copy of the journey course (reflections, survey,
    certificate) and the data course."""
    content = tmp_path / "content"
    shutil.copytree(JOURNEY_DIR, content / JOURNEY)
    shutil.copytree(DATA_DIR, content / DATA)
    return {"content_dir": content}


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, object]:
    return security_content(tmp_path)


@dataclass
class World:
    """Users and the ids of learner A's work."""

    app: object
    learner_a: User
    learner_b: User
    staff_a: User  # scoped to learner A's organization
    staff_b: User  # scoped to learner B's organization
    admin: User
    reflection_id: int  # learner A's shared reflection
    private_reflection_id: int  # learner A's private reflection
    certificate_code: str  # learner A's certificate
    clients: dict[str, TestClient] = field(default_factory=dict)

    def client_for(self, who: str) -> TestClient:
        """A logged-in client for ``who`` (a field name), made once."""
        if who not in self.clients:
            client = TestClient(self.app, follow_redirects=False)  # type: ignore[arg-type]
            client.__enter__()
            if who != "anonymous":
                login(client, getattr(self, who))
            self.clients[who] = client
        return self.clients[who]


def sign_up(client: TestClient, *, email: str, name: str, invite: str) -> None:
    """Sign up through the form with an invitation link (so the learner's own text goes the
    way it does in life, and they join their organization and cohort)."""
    response = post_form(
        client,
        "/signup",
        {
            "email": email,
            "password": DEFAULT_PASSWORD,
            "display_name": name,
            "job_role": "teacher",
            "invite": invite,
        },
    )
    assert response.status_code == 303, response.text[:500]


def _invitations(session: Session, *, text: str) -> tuple[str, str]:
    """Organization A (named ``text``) with a cohort of the journey course (also named
    ``text``), and Other School: the join link of A's cohort and an invitation to B."""
    name = " ".join(text.split())[:120] or "Organization A"
    org_a = orgs.create_organization(session, name=name)
    cohort = cohorts.create_cohort(
        session,
        organization_id=id_of(org_a),
        form=cohorts.CohortForm(name=name, course_slug=JOURNEY),
        course_slugs=[JOURNEY],
    )
    link_a = invites.invites_of(session, organization_id=id_of(org_a))[0].invite
    assert link_a.cohort_id == cohort.id
    org_b = orgs.create_organization(session, name="Other School")
    link_b = invites.create_invite(session, organization_id=id_of(org_b))
    return link_a.code, link_b.code


def learner_work(client: TestClient, *, text: str, comment: str = "") -> None:
    """Enroll, do the whole journey course with ``text`` everywhere, attempt an exercise."""
    enroll = post_form(client, f"/courses/{JOURNEY}/enroll")
    assert enroll.status_code == 303
    assert post_form(client, f"/courses/{JOURNEY}/modules/welcome/done").status_code == 303
    for activity, shared in (("what-i-notice", "1"), ("anything-else", "")):
        response = post_form(
            client,
            f"/courses/{JOURNEY}/reflections/{activity}",
            {"text": f"{text} and some more words", "action": "submit", "shared": shared},
        )
        assert response.status_code == 303, response.text[:500]
    assert post_form(client, f"/courses/{JOURNEY}/modules/next-steps/done").status_code == 303
    survey = {**SURVEY_ANSWERS, "comment": comment or text, "action": "submit"}
    assert post_form(client, f"/courses/{JOURNEY}/survey", survey).status_code == 303
    issued = post_form(
        client, f"/courses/{JOURNEY}/certificate", {"name": text[:150], "confirmed": "yes"}
    )
    assert issued.status_code == 303, issued.text[:500]
    assert post_form(client, f"/courses/{DATA}/enroll").status_code == 303
    attempt = post_form(
        client, f"/courses/{DATA}/exercises/el-gap/attempts", {"answer": text[:100]}
    )
    assert attempt.status_code in (303, 400), attempt.text[:500]


def make_world(app, session: Session, *, text: str = "I noticed a pattern") -> World:  # type: ignore[no-untyped-def]
    """Two learners (A with ``text`` in every field), scoped staff and an admin."""
    with TestClient(app, follow_redirects=False) as a:  # starting the app syncs the courses
        invite_a, invite_b = _invitations(session, text=text)
        sign_up(a, email="a@example.org", name=text[:200], invite=invite_a)
        learner_work(a, text=text)
    with TestClient(app, follow_redirects=False) as b:
        sign_up(b, email="b@example.org", name="Learner Bee", invite=invite_b)
        learner_work(b, text="B wrote this reflection about Mondays")
    session.expire_all()
    learner_a = session.exec(select(User).where(User.email == "a@example.org")).one()
    learner_b = session.exec(select(User).where(User.email == "b@example.org")).one()
    known = {o.id: o for o in session.exec(select(Organization)).all()}
    assert learner_a.organization_id in known
    assert learner_b.organization_id in known
    staff_a = make_user(session, role="staff", staff_organization_id=learner_a.organization_id)
    staff_b = make_user(session, role="staff", staff_organization_id=learner_b.organization_id)
    admin = make_user(session, role="admin")
    reflections = session.exec(
        select(LearnerReflection).where(LearnerReflection.user_id == learner_a.id)
    ).all()
    shared = [r for r in reflections if r.shared]
    private = [r for r in reflections if not r.shared]
    assert shared
    assert private
    certificate = session.exec(select(Certificate).where(Certificate.user_id == learner_a.id)).one()
    session.commit()
    return World(
        app=app,
        learner_a=learner_a,
        learner_b=learner_b,
        staff_a=staff_a,
        staff_b=staff_b,
        admin=admin,
        reflection_id=shared[0].id or 0,
        private_reflection_id=private[0].id or 0,
        certificate_code=certificate.code,
    )


@pytest.fixture
def world(app, client, session: Session) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """The world with plain text; clients are closed afterwards."""
    built = make_world(app, session)
    yield built
    for c in built.clients.values():
        c.__exit__(None, None, None)
