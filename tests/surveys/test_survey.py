"""The feedback survey: save and edit until submitted, submit once, counts for completion."""

from __future__ import annotations

from sqlmodel import select

from app.learning.models import Enrollment
from app.surveys.models import SurveyAnswer, SurveyResponse
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.learning.support import JOURNEY, SURVEY_ANSWERS, complete_journey_modules, enroll

URL = f"/courses/{JOURNEY}/survey"


def _fresh(session):  # type: ignore[no-untyped-def]
    session.commit()
    session.expire_all()
    return session


def test_survey_shows_five_point_items_and_an_optional_comment(client, session):
    login(client, make_user(session))
    enroll(client)
    page = soup(client.get(URL))
    legends = [f.select_one("legend").get_text(strip=True) for f in page.select("fieldset.likert")]
    assert legends[0] == "1. The experience was engaging and thought-provoking."
    assert len(legends) == 4
    labels = [lab.get_text(strip=True) for lab in page.select("fieldset.likert")[0].select("label")]
    assert labels == [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]
    assert page.select_one("label[for=comment]").get_text(" ", strip=True).endswith("(optional)")


def test_answers_are_editable_until_submitted_then_read_only(client, session):
    login(client, make_user(session))
    enroll(client)
    assert post_form(client, URL, {"item-engaging": "2", "action": "save"}).status_code == 303
    assert (
        post_form(
            client, URL, {"item-engaging": "4", "comment": "So far so good", "action": "save"}
        ).status_code
        == 303
    )
    page = soup(client.get(URL))
    assert page.select_one("#item-engaging-4").has_attr("checked")
    assert page.select_one("#comment").get_text() == "So far so good"
    # Submitting needs every item; what was typed stays on the form.
    response = post_form(client, URL, {"item-engaging": "5", "comment": "Kept", "action": "submit"})
    assert response.status_code == 400
    page = soup(response)
    assert "Choose how much you agree" in page.select_one(".error-summary").get_text()
    assert page.select_one("#item-engaging-5").has_attr("checked")
    assert page.select_one("#comment").get_text() == "Kept"
    assert post_form(client, URL, {**SURVEY_ANSWERS, "action": "submit"}).status_code == 303
    page = soup(client.get(URL))
    assert page.select_one("form[action$='/survey']") is None
    assert "You submitted your feedback" in page.get_text()
    response = post_form(client, URL, {**SURVEY_ANSWERS, "item-engaging": "1", "action": "submit"})
    assert response.status_code == 400
    _fresh(session)
    [survey] = session.exec(select(SurveyResponse)).all()
    assert survey.submitted_at is not None
    assert survey.comment is None
    answers = {a.item_id: a.value for a in session.exec(select(SurveyAnswer))}
    assert answers == {"engaging": 5, "affect_work": 4, "share": 4, "use_now": 3}


def test_bad_values_and_long_comments_get_clear_messages(client, session):
    login(client, make_user(session))
    enroll(client)
    response = post_form(client, URL, {"item-engaging": "9", "action": "save"})
    assert response.status_code == 400
    assert "one of the five answers" in soup(response).select_one(".error-summary").get_text()
    long = "x" * 5001
    response = post_form(client, URL, {**SURVEY_ANSWERS, "comment": long, "action": "submit"})
    assert response.status_code == 400
    assert "5,001 characters" in soup(response).select_one(".error-summary").get_text()
    assert soup(response).select_one("#comment").get_text() == long
    assert _fresh(session).exec(select(SurveyResponse)).first() is None


def test_comment_is_escaped(client, session):
    login(client, make_user(session))
    enroll(client)
    comment = "<script>alert(1)</script>"
    post_form(client, URL, {**SURVEY_ANSWERS, "comment": comment, "action": "submit"})
    response = client.get(URL)
    assert comment not in response.text
    assert "&lt;script&gt;" in response.text


def test_submitting_the_survey_completes_a_finished_course(client, session):
    login(client, make_user(session))
    enroll(client)
    complete_journey_modules(client)
    enrollment = _fresh(session).exec(select(Enrollment)).one()
    assert enrollment.percent == 75
    assert enrollment.completed_at is None
    course_page = soup(client.get(f"/courses/{JOURNEY}"))
    assert course_page.select_one("#enroll a.button")["href"].endswith("/survey")
    post_form(client, URL, {**SURVEY_ANSWERS, "action": "submit"})
    enrollment = _fresh(session).exec(select(Enrollment)).one()
    assert enrollment.percent == 100
    assert enrollment.completed_at is not None


def test_not_enrolled_is_sent_to_enroll_and_courses_without_survey_404(client, session):
    login(client, make_user(session))
    response = client.get(URL)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/courses/{JOURNEY}")
    assert post_form(client, URL, {**SURVEY_ANSWERS, "action": "submit"}).status_code == 303
    assert _fresh(session).exec(select(SurveyResponse)).first() is None
    enroll(client, "free-course")
    assert client.get("/courses/free-course/survey").status_code == 404
