"""The whole learner journey through the test client, and the rules along the way."""

from __future__ import annotations

import io

import pypdf
from sqlmodel import select

from app.learning.models import Enrollment
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import csrf, login, post_form, soup
from tests.learning.support import JOURNEY, SURVEY_ANSWERS, enroll, submit_reflection


def _enrollments(session) -> list[Enrollment]:  # type: ignore[no-untyped-def]
    session.commit()  # end the read transaction: see what the app wrote since
    session.expire_all()
    return list(session.exec(select(Enrollment)))


def test_whole_journey_from_visitor_to_certificate(client, session):
    # A visitor finds the course in the catalog.
    catalog = soup(client.get("/courses"))
    titles = [a.get_text(strip=True) for a in catalog.select(".course-card h2 a")]
    assert "Journey Course: Reading Data Together" in titles
    assert "Draft Course" not in titles
    page = client.get(f"/courses/{JOURNEY}?cohort=RIVERSIDE-2026")
    assert page.status_code == 200
    form = soup(page).select_one("#enroll form")
    assert form.select_one("button").get_text(strip=True) == "Enroll — free"
    # Learners no longer invent cohorts: only a cohort's join link puts them in one.
    assert form.select_one("input[name=cohort]") is None

    # Not logged in: Enroll sends them to sign up, and sign-up brings them back enrolled.
    response = post_form(client, f"/courses/{JOURNEY}/enroll", {"cohort": "RIVERSIDE-2026"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/signup?next=")
    signup_page = client.get(response.headers["location"])
    next_path = soup(signup_page).select_one("input[name=next]")["value"]
    assert next_path.startswith(f"/courses/{JOURNEY}/enroll?confirm=")
    response = post_form(
        client,
        "/signup",
        {
            "email": "ana@example.org",
            "password": DEFAULT_PASSWORD,
            "display_name": "Ana",
            "job_role": "teacher",
            "next": next_path,
        },
    )
    assert response.status_code == 303, response.text[:800]
    response = client.get(response.headers["location"])
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/courses/{JOURNEY}"
    [enrollment] = _enrollments(session)
    assert enrollment.cohort is None
    assert enrollment.active
    course_page = soup(client.get(f"/courses/{JOURNEY}"))
    assert "You are enrolled" in course_page.select_one(".flashes").get_text()
    start = course_page.select_one("#enroll a.button")
    assert start.get_text(strip=True) == "Start the course: Welcome"

    # Module 1: no required activity, so it is marked as done; module 2 was locked till then.
    module = soup(client.get(start["href"]))
    assert module.select_one("h1").get_text(strip=True) == "Welcome"
    states = [s.get_text(strip=True) for s in module.select(".outline-modules .state")]
    assert states[0] == "In progress"
    assert states[1].startswith("Locked")
    assert client.get(f"/courses/{JOURNEY}/modules/practice").status_code == 403
    response = post_form(client, f"/courses/{JOURNEY}/modules/welcome/done")
    assert response.headers["location"].endswith(f"/courses/{JOURNEY}/modules/practice")

    # Module 2: the required reflection completes it (the optional one does not matter).
    practice = soup(client.get(f"/courses/{JOURNEY}/modules/practice"))
    assert "0 of 1" in practice.select_one(".module-done").get_text()
    assert practice.select_one("form[action$='/modules/practice/done']") is None
    response = submit_reflection(
        client, "what-i-notice", "Absences cluster on Mondays in grade nine."
    )
    assert response.status_code == 303, response.text[:500]
    practice = soup(client.get(f"/courses/{JOURNEY}/modules/practice"))
    assert "You completed this module" in practice.select_one(".module-done").get_text()
    assert "1 of 3 modules complete" not in practice.get_text()
    assert _enrollments(session)[0].percent == 50  # 2 of 3 modules + the survey = 4 steps

    # Resume: "My learning" continues at the next module.
    me = soup(client.get("/me"))
    resume = me.select_one(".enrollment-card a.button")
    assert "Continue where you left off" in resume.get_text()
    assert resume["href"].endswith("/modules/next-steps")
    assert client.get(resume["href"]).status_code == 200
    post_form(client, f"/courses/{JOURNEY}/modules/next-steps/done")

    # Every module is done, but this course also asks for the feedback survey.
    assert _enrollments(session)[0].completed_at is None
    refused = post_form(
        client, f"/courses/{JOURNEY}/certificate", {"name": "Ana", "confirmed": "yes"}
    )
    assert refused.status_code == 400
    assert "feedback survey" in soup(refused).select_one(".refusal").get_text()
    saved = post_form(
        client, f"/courses/{JOURNEY}/survey", {"item-engaging": "5", "action": "save"}
    )
    assert saved.status_code == 303
    form = soup(client.get(f"/courses/{JOURNEY}/survey"))
    assert form.select_one("#item-engaging-5").has_attr("checked")
    submitted = post_form(
        client,
        f"/courses/{JOURNEY}/survey",
        {**SURVEY_ANSWERS, "comment": "Loved the <b>data</b> walk.", "action": "submit"},
    )
    assert submitted.status_code == 303
    [enrollment] = _enrollments(session)
    assert enrollment.completed_at is not None
    assert enrollment.percent == 100

    # The certificate: the learner confirms the name first.
    confirm = soup(client.get(f"/courses/{JOURNEY}/certificate"))
    assert confirm.select_one("input[name=name]")["value"] == "Ana"
    issued = post_form(
        client, f"/courses/{JOURNEY}/certificate", {"name": "Ana María Ruiz", "confirmed": "yes"}
    )
    assert issued.status_code == 303
    cert_page = soup(client.get(f"/courses/{JOURNEY}/certificate"))
    code = cert_page.select_one("code").get_text(strip=True)
    pdf = client.get(f"/certificates/{code}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Ana María Ruiz" in text
    assert "2.5 professional-development hours" in text
    assert f"/certificates/{code}" in text
    me = soup(client.get("/me"))
    assert me.select_one(f"a[href$='/certificates/{code}/pdf']") is not None

    # Anyone can verify it, and sees nothing else about the learner.
    client.cookies.clear()
    public = client.get(f"/certificates/{code}")
    assert public.status_code == 200
    body = soup(public).select_one("main").get_text(" ", strip=True)
    assert "Ana María Ruiz" in body
    assert "valid" in body
    assert "Journey Course" in body
    assert "ana@example.org" not in public.text
    assert "Riverside" not in body


def test_enrolling_twice_makes_one_enrollment(client, session):
    user = make_user(session)
    login(client, user)
    enroll(client)
    response = enroll(client, cohort="second-click")
    assert (
        "already enrolled"
        in soup(client.get(response.headers["location"])).select_one(".flashes").get_text()
    )
    [enrollment] = _enrollments(session)
    assert enrollment.user_id == user.id
    assert enrollment.cohort is None


def test_unenroll_keeps_progress_and_reenroll_restores_it(client, session):
    login(client, make_user(session))
    enroll(client)
    post_form(client, f"/courses/{JOURNEY}/modules/welcome/done")
    assert post_form(client, f"/courses/{JOURNEY}/unenroll").status_code == 303
    [enrollment] = _enrollments(session)
    assert not enrollment.active
    assert enrollment.percent == 25
    me = soup(client.get("/me"))
    assert me.select(".enrollment-card") == []
    assert client.get(f"/courses/{JOURNEY}/modules/welcome").status_code == 303
    enroll(client)
    [enrollment] = _enrollments(session)
    assert enrollment.active
    assert enrollment.unenrolled_at is None
    assert enrollment.percent == 25
    module = soup(client.get(f"/courses/{JOURNEY}/modules/welcome"))
    assert "You completed this module" in module.get_text()


def test_module_of_a_course_you_are_not_enrolled_in_sends_you_to_enroll(client, session):
    login(client, make_user(session))
    response = client.get(f"/courses/{JOURNEY}/modules/welcome")
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/courses/{JOURNEY}"
    page = soup(client.get(response.headers["location"]))
    assert "Enroll" in page.select_one(".flashes").get_text()
    assert page.select_one("#enroll form button").get_text(strip=True) == "Enroll — free"


def test_locked_module_by_url_says_why(client, session):
    login(client, make_user(session))
    enroll(client)
    response = client.get(f"/courses/{JOURNEY}/modules/next-steps")
    assert response.status_code == 403
    page = soup(response)
    assert page.select_one("h1").get_text(strip=True) == "“Next steps” is locked"
    assert "complete “Welcome” (module 1)" in page.select_one(".lead").get_text()
    assert page.select_one("a.button")["href"].endswith("/modules/welcome")
    # Marking a locked module as done is refused too.
    post_form(client, f"/courses/{JOURNEY}/modules/next-steps/done")
    assert _enrollments(session)[0].percent == 0


def test_free_order_course_opens_any_module(client, session):
    login(client, make_user(session))
    enroll(client, "free-course")
    assert client.get("/courses/free-course/modules/two").status_code == 200
    post_form(client, "/courses/free-course/modules/two/done")
    [enrollment] = _enrollments(session)
    assert enrollment.percent == 50
    assert enrollment.last_module_id == "two"


def test_draft_course_is_404_for_learners(client, session):
    assert client.get("/courses/draft-course").status_code == 404
    login(client, make_user(session))
    assert client.get("/courses/draft-course").status_code == 404
    assert client.get("/courses/draft-course/modules/only").status_code == 404
    assert post_form(client, "/courses/draft-course/enroll").status_code == 404
    assert client.get("/courses/no-such-course").status_code == 404


def test_unknown_module_is_404_and_renamed_module_redirects(client, session):
    login(client, make_user(session))
    enroll(client)
    assert client.get(f"/courses/{JOURNEY}/modules/nope").status_code == 404
    response = client.get(f"/courses/{JOURNEY}/modules/noticing")
    assert response.status_code == 301
    assert response.headers["location"].endswith(f"/courses/{JOURNEY}/modules/practice")


def test_a_typed_cohort_code_is_ignored(client, session):
    """Cohorts are made by staff; a code sent with Enroll records nothing."""
    login(client, make_user(session))
    enroll(client, cohort="invented-by-me")
    assert _enrollments(session)[0].cohort is None


def test_enroll_link_from_elsewhere_asks_before_enrolling(client, session):
    login(client, make_user(session))
    response = client.get(f"/courses/{JOURNEY}/enroll?confirm=forged&cohort=X1")
    assert response.status_code == 200
    form = soup(response).select_one("main form")
    assert form["method"] == "post"
    assert form.select_one("input[name=cohort]") is None
    assert _enrollments(session) == []
    assert csrf(client)


def test_authors_and_admins_see_draft_course_pages_marked_as_draft(client, session):
    login(client, make_user(session, role="author"))
    page = soup(client.get("/courses/draft-course"))
    assert "draft" in page.select_one("main .flash-info").get_text()
    assert "Draft Course" not in [a.get_text() for a in soup(client.get("/courses")).select("h2 a")]


def test_my_learning_is_where_login_lands_and_lists_only_active_enrollments(client, session):
    user = make_user(session)
    response = login(client, user)
    assert response.headers["location"].endswith("/me")
    empty = soup(client.get("/me"))
    assert "not enrolled in a course yet" in empty.select_one("main").get_text()
    enroll(client, "free-course")
    enroll(client)
    client.get("/courses/free-course/modules/two")
    cards = soup(client.get("/me")).select(".enrollment-card")
    titles = [c.select_one("h2").get_text(strip=True) for c in cards]
    assert titles == ["Free-Order Course", "Journey Course: Reading Data Together"]
    resume = cards[0].select_one("a.button")
    assert resume["href"].endswith("/courses/free-course/modules/two")
