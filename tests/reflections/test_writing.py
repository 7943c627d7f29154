"""Learners write: drafts, autosave, submit, limits, revisions, double submits, hostile text,
an expired login, retired prompts and other learners' reflections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, select

from app.accounts.models import UserSession
from app.db import utcnow
from app.learning import service as learning
from app.learning.models import Enrollment
from app.reflections import parking
from app.reflections import service as reflections
from app.reflections.activity import ReflectionKind
from app.reflections.models import ParkedReflection
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login, post_form
from tests.reflections.conftest import SLUG, enrolled_learner, retire_r2
from tests.reflections.helpers import reflection_row, revision_texts, textarea_value, write

PAGE = f"/courses/{SLUG}/reflections"


def done_ids(session, course, learner, enrollment) -> set[str]:  # type: ignore[no-untyped-def]
    """What the reflection kind reports as done for progress."""
    return ReflectionKind().done_ids(
        session, user_id=learner.id, enrollment_id=enrollment.id, course=course
    )


def test_save_draft_without_javascript_keeps_text_private(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    response = write(client, "r1", "First thoughts, not done", action="draft", shared=True)
    assert response.status_code == 303
    assert response.headers["location"] == f"/courses/{SLUG}/modules/m1#reflection-r1"
    row = reflection_row(session, learner.id, "r1")
    assert row is not None
    assert row.draft_text == "First thoughts, not done"
    assert row.revision_count == 0
    assert row.draft_saved_at is not None
    page = client.get(f"{PAGE}/r1")
    assert textarea_value(page, "r1") == "First thoughts, not done"
    assert "Draft saved" in page.text
    # A draft counts for nothing yet.
    enrollment = learning.find_enrollment(session, user=learner, course_slug=SLUG)
    assert done_ids(session, course, learner, enrollment) == set()


def test_autosave_answers_htmx_with_a_status_line(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    response = post_form(
        client, f"{PAGE}/r1/autosave", {"text": "typed so far"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Draft saved automatically" in response.text
    assert "<html" not in response.text
    assert reflection_row(session, learner.id, "r1").draft_text == "typed so far"


def test_autosave_when_logged_out_says_so_and_saves_nothing(client, session: Session, course):
    response = post_form(client, f"{PAGE}/r1/autosave", {"text": "lost?"})
    assert response.status_code == 200
    assert "logged out" in response.text
    assert "Save draft" in response.text


def test_submit_then_revise_keeps_every_revision(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    assert write(client, "r1", "one two three four").status_code == 303
    assert write(client, "r1", "one two three four five").status_code == 303
    row = reflection_row(session, learner.id, "r1")
    assert row.revision_count == 2
    assert row.draft_text == ""
    assert revision_texts(session, row.id) == ["one two three four", "one two three four five"]
    page = client.get(f"{PAGE}/r1")
    assert textarea_value(page, "r1") == "one two three four five"
    assert "revision 2" in page.text
    history = client.get(f"/me/journal/{row.id}")
    assert history.status_code == 200
    soup = BeautifulSoup(history.text, "html.parser")
    shown = [div.get_text() for div in soup.select(".revision .learner-text")]
    assert shown == ["one two three four five", "one two three four"]
    enrollment = learning.find_enrollment(session, user=learner, course_slug=SLUG)
    assert done_ids(session, course, learner, enrollment) == {"r1"}
    session.expire_all()
    assert session.get(Enrollment, enrollment.id).last_activity_at is not None


def test_submitting_every_required_prompt_updates_progress(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    for activity in ("r1", "r2", "r3"):
        assert write(client, activity, "one two three").status_code == 303
    session.expire_all()
    enrollment = learning.find_enrollment(session, user=learner, course_slug=SLUG)
    assert enrollment.percent == 100
    assert enrollment.completed_at is not None


def test_double_submit_makes_one_submission(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    first = write(client, "r1", "the same words twice")
    second = write(client, "r1", "the same words twice")
    assert first.status_code == second.status_code == 303
    row = reflection_row(session, learner.id, "r1")
    assert revision_texts(session, row.id) == ["the same words twice"]
    # The flash says so on the next page the browser renders.
    assert "already submitted with the same text" in client.get(f"{PAGE}/r1").text


def test_too_few_words_is_refused_and_keeps_the_text(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    response = write(client, "r1", "only two", shared=True)
    assert response.status_code == 400
    assert "at least 3 words" in response.text
    assert "you have written 2" in response.text
    assert textarea_value(response, "r1") == "only two"
    checkbox = BeautifulSoup(response.text, "html.parser").find("input", attrs={"name": "shared"})
    assert checkbox.has_attr("checked")
    row = reflection_row(session, learner.id, "r1")
    assert row.draft_text == "only two"
    assert row.revision_count == 0


def test_empty_submission_is_refused(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    response = write(client, "r2", "   \n  ")
    assert response.status_code == 400
    assert "Write your reflection before submitting it" in response.text


def test_exactly_the_limit_is_accepted_and_one_more_is_refused_intact(
    client, session: Session, course
):
    learner = enrolled_learner(session, course)
    login(client, learner)
    exact = ("word " * 2000)[:10_000]
    assert len(exact) == 10_000
    assert write(client, "r1", exact).status_code == 303
    row = reflection_row(session, learner.id, "r1")
    assert revision_texts(session, row.id) == [exact]

    over = ("wörd " * 2001)[:10_001]
    response = write(client, "r1", over)
    assert response.status_code == 400
    assert "10,001 characters; the limit is 10,000" in response.text
    assert textarea_value(response, "r1") == over
    row = reflection_row(session, learner.id, "r1")
    assert row.draft_text == over
    assert row.revision_count == 1


HOSTILE = {
    "script": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "template": "{{7*7}} {% raw %} ${7*7} #{7*7}",
    "rtl": "مرحبا بالعالم — שלום עולם — mixed ‏RTL‏ text",
    "emoji": "👩🏽‍🏫 🌱✊🏾 family: 👨‍👩‍👧‍👦",
    "crlf_and_quotes": 'Line one\r\nLine "two", with, commas\r\n\r\n  indented',
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_is_stored_intact_and_shown_inert(client, session: Session, course, name):
    text = HOSTILE[name] + " padding words here"
    learner = enrolled_learner(session, course)
    login(client, learner)
    assert write(client, "r1", text).status_code == 303
    stored = text.replace("\r\n", "\n")
    row = reflection_row(session, learner.id, "r1")
    assert revision_texts(session, row.id) == [stored]
    for url in (f"{PAGE}/r1", f"/me/journal/{row.id}", "/me/journal"):
        page = client.get(url)
        assert page.status_code == 200
        soup = BeautifulSoup(page.text, "html.parser")
        scripts = [s for s in soup.find_all("script") if not s.get("src")]
        assert scripts == [], url  # nothing the learner wrote became a script
        assert not soup.find("img", src="x")
        texts = [d.get_text() for d in soup.select(".learner-text")]
        if url.startswith(PAGE):
            assert textarea_value(page, "r1") == stored
        else:
            assert stored in texts, url
    markdown = client.get("/me/journal.md")
    assert markdown.status_code == 200
    assert stored in markdown.text


def test_nul_byte_is_removed_and_everything_else_kept(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    assert write(client, "r1", "before\x00after and more words").status_code == 303
    row = reflection_row(session, learner.id, "r1")
    assert revision_texts(session, row.id) == ["beforeafter and more words"]


def test_a_drafts_leading_newline_survives_the_textarea(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    write(client, "r2", "\n\nstarts with blank lines", action="draft")
    assert textarea_value(client.get(f"{PAGE}/r2"), "r2") == "\n\nstarts with blank lines"


def test_another_learners_reflection_answers_404(client, session: Session, course):
    owner = enrolled_learner(session, course)
    login(client, owner)
    write(client, "r1", "mine and only mine", shared=False)
    row = reflection_row(session, owner.id, "r1")
    client.post("/logout", data={"csrf_token": ""})
    client.cookies.clear()
    other = enrolled_learner(session, course)
    login(client, other)
    assert client.get(f"/me/journal/{row.id}").status_code == 404
    response = post_form(client, f"/me/journal/{row.id}/sharing", {"shared": "1"})
    assert response.status_code == 404
    assert reflection_row(session, owner.id, "r1").shared is False
    assert client.get("/me/journal/999999").status_code == 404
    assert "mine and only mine" not in client.get("/me/journal").text


def test_not_enrolled_is_sent_to_the_course_page(client, session: Session, course):
    stranger = make_user(session)
    login(client, stranger)
    response = write(client, "r1", "one two three")
    assert response.status_code == 303
    assert response.headers["location"] == f"/courses/{SLUG}"
    assert reflection_row(session, stranger.id, "r1") is None


def test_unknown_prompt_or_course_answers_404(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    assert write(client, "nope", "one two three").status_code == 404
    assert post_form(client, "/courses/nope/reflections/r1", {"text": "x"}).status_code == 404
    assert client.get(f"{PAGE}/nope").status_code == 404


def test_sharing_can_be_turned_on_and_off(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    write(client, "r2", "private at first")
    row = reflection_row(session, learner.id, "r2")
    assert row.shared is False
    page = client.get(f"/me/journal/{row.id}")
    assert "facilitators of your own organization" in page.text
    post_form(client, f"/me/journal/{row.id}/sharing", {"shared": "1"})
    assert reflection_row(session, learner.id, "r2").shared is True
    post_form(client, f"/me/journal/{row.id}/sharing", {"shared": "0"})
    assert reflection_row(session, learner.id, "r2").shared is False


def _expire_logins(session: Session, user_id: int) -> None:
    for login_row in session.exec(select(UserSession).where(UserSession.user_id == user_id)):
        login_row.expires_at = utcnow() - timedelta(minutes=1)
        session.add(login_row)
    session.commit()


def test_expired_login_parks_the_text_and_restores_it_after_login(client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    client.get(f"{PAGE}/r1")
    _expire_logins(session, learner.id)
    text = "Written over an hour 🌱 — <b>and</b> {{ not lost }}"
    response = write(client, "r1", text, shared=True)
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/login?next=")
    assert "%2Freflections%2Frestore" in response.headers["location"]
    assert parking.PARK_COOKIE in client.cookies
    assert reflection_row(session, learner.id, "r1") is None  # nothing submitted yet

    back = post_form(
        client,
        "/login",
        {
            "email": learner.email,
            "password": "correct horse battery",
            "next": "/reflections/restore",
        },
    )
    assert back.status_code == 303
    assert back.headers["location"] == "/reflections/restore"
    restored = client.get("/reflections/restore")
    assert restored.status_code == 303
    assert restored.headers["location"] == f"/courses/{SLUG}/modules/m1#reflection-r1"
    page = client.get(f"{PAGE}/r1")
    assert textarea_value(page, "r1") == text
    assert (
        BeautifulSoup(page.text, "html.parser")
        .find("input", attrs={"name": "shared"})
        .has_attr("checked")
    )
    row = reflection_row(session, learner.id, "r1")
    assert row.draft_text == text
    assert row.revision_count == 0
    assert session.exec(select(ParkedReflection)).all() == []
    assert parking.PARK_COOKIE not in client.cookies


def test_parked_text_of_one_account_is_not_given_to_another(client, session: Session, course):
    owner = enrolled_learner(session, course)
    login(client, owner)
    _expire_logins(session, owner.id)
    write(client, "r1", "owner's private words")
    other = enrolled_learner(session, course)
    post_form(client, "/login", {"email": other.email, "password": DEFAULT_PASSWORD})
    response = client.get("/reflections/restore")
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    assert reflection_row(session, other.id, "r1") is None
    assert len(session.exec(select(ParkedReflection)).all()) == 1


def test_retired_prompt_keeps_the_text_in_the_journal(app, client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    write(client, "r2", "Words about a prompt that will go away", shared=True)
    retire_r2(app, session)
    journal = client.get("/me/journal")
    assert journal.status_code == 200
    assert "Words about a prompt that will go away" in journal.text
    assert "What will you try next?" in journal.text  # the prompt as it was
    assert "no longer in the course" in journal.text
    markdown = client.get("/me/journal.md").text
    assert "Words about a prompt that will go away" in markdown
    assert "What will you try next?" in markdown
    # Writing to the retired prompt is no longer possible, and says so with a 404.
    assert write(client, "r2", "more words here").status_code == 404


def test_parked_text_for_a_retired_prompt_is_shown_to_copy(app, client, session: Session, course):
    learner = enrolled_learner(session, course)
    login(client, learner)
    _expire_logins(session, learner.id)
    write(client, "r2", "words for a prompt about to vanish")
    retire_r2(app, session)
    post_form(client, "/login", {"email": learner.email, "password": DEFAULT_PASSWORD})
    response = client.get("/reflections/restore")
    assert response.status_code == 409
    assert textarea_value_by_id(response, "parked-text") == "words for a prompt about to vanish"


def textarea_value_by_id(response, element_id: str) -> str:  # type: ignore[no-untyped-def]
    area = BeautifulSoup(response.text, "html.parser").find("textarea", id=element_id)
    value = area.get_text()
    return value[1:] if value.startswith("\n") else value


def test_simultaneous_double_submit_makes_one_submission(engine, app, client, session, course):
    from concurrent.futures import ThreadPoolExecutor

    from app.db import open_session

    learner = enrolled_learner(session, course)

    def submit_once() -> bool:
        with open_session(write=True, engine=engine) as db:
            result = reflections.submit(
                db, user=learner, course=course, activity_id="r1", text="one two three", shared=True
            )
            return result.duplicate

    with ThreadPoolExecutor(max_workers=4) as pool:
        duplicates = list(pool.map(lambda _: submit_once(), range(4)))
    assert sorted(duplicates) == [False, True, True, True]
    row = reflection_row(session, learner.id, "r1")
    assert revision_texts(session, row.id) == ["one two three"]
