"""Attempts, hints, reveal and access through the HTTP routes."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.exercises.models import ExerciseAttempt
from app.learning.models import Enrollment
from tests.exercises.support import MODULE, SLUG, attempt, enroll, key_for, spec_of, submission_key
from tests.factories import make_user
from tests.helpers import login, post_form, soup


def _attempts(session: Session) -> list[ExerciseAttempt]:
    """Every attempt, in the order made (PostgreSQL returns rows in no set order)."""
    session.commit()  # a fresh snapshot: see what the app wrote since
    return list(session.exec(select(ExerciseAttempt).order_by(col(ExerciseAttempt.id))).all())


def test_correct_numeric_answer_with_htmx_is_stored_and_revealed(client, session) -> None:
    """A correct answer returns the fragment with feedback and the answer."""
    user = make_user(session)
    login(client, user)
    enroll(client)
    response = attempt(client, "el-gap", key_for(client, user, "el-gap") + " pp", htmx=True)
    assert response.status_code == 200
    page = soup(response)
    # The parts that changed, each for htmx to swap into the part already on the page (the
    # exercise box and its live regions stay); the new feedback is the one to take focus.
    parts = {tag["id"]: tag for tag in page.find_all(attrs={"hx-swap-oob": True})}
    assert set(parts) == {"ex-el-gap-answer", "ex-el-gap-feedback", "ex-el-gap-record"}
    assert {tag["hx-swap-oob"] for tag in parts.values()} == {"innerHTML"}
    focus = page.select("[data-focus-after-swap]")
    assert len(focus) == 1
    assert parts["ex-el-gap-feedback"] in focus[0].parents
    assert "Correct." in page.text
    assert "Right, that is the gap." in page.text
    assert "Answer:" in page.text
    rows = _attempts(session)
    assert len(rows) == 1
    assert rows[0].correct
    assert rows[0].final
    assert rows[0].score == 1
    assert rows[0].variant == spec_of(client, "el-gap").variant(rows[0].variant).key
    enrollment = session.exec(select(Enrollment)).one()
    session.refresh(enrollment)
    assert enrollment.last_activity_at is not None


def test_format_error_costs_nothing_and_keeps_the_text(client, session) -> None:
    """Unparseable input: a message, no attempt stored, the text stays in the box."""
    user = make_user(session)
    login(client, user)
    enroll(client)
    response = attempt(client, "el-gap", "about <b>ten</b>", htmx=True)
    assert response.status_code == 200
    box = soup(response).find("input", attrs={"name": "answer"})
    assert box["value"] == "about <b>ten</b>"
    assert box.get("aria-invalid") == "true"
    assert "<b>ten</b>" not in response.text  # escaped
    assert _attempts(session) == []
    no_js = attempt(client, "el-gap", "nan")
    assert no_js.status_code == 400
    assert "not a number" in no_js.text
    assert _attempts(session) == []


def test_double_submit_records_one_attempt(client, session) -> None:
    """The same submission key twice stores one attempt."""
    user = make_user(session)
    login(client, user)
    enroll(client)
    key = submission_key(client, "el-gap")
    first = attempt(client, "el-gap", "999", key=key)
    second = attempt(client, "el-gap", "999", key=key)
    assert first.status_code == second.status_code == 303
    assert len(_attempts(session)) == 1


def test_no_reveal_before_reveal_after_then_reveal_and_limit(client, session) -> None:
    """Wrong answers: no answer shown until reveal_after; no attempts after the limit."""
    user = make_user(session)
    login(client, user)
    enroll(client)
    spec = spec_of(client, "el-gap")
    first = attempt(client, "el-gap", "999", htmx=True)
    assert "Answer:" not in soup(first).text
    assert "2 of 3 attempts left" in " ".join(soup(first).text.split())
    second = attempt(client, "el-gap", "998", htmx=True)
    assert "Answer:" in soup(second).text  # reveal_after: 2
    assert spec.explanation_html
    assert "The gap is the English learner rate" in second.text
    attempt(client, "el-gap", "997", htmx=True)
    closed = attempt(client, "el-gap", key_for(client, user, "el-gap"), key="late-key", htmx=True)
    assert "all 3 attempts used" in soup(closed).text
    assert len(_attempts(session)) == 3
    assert _attempts(session)[-1].final


def test_hints_open_one_at_a_time(client, session) -> None:
    """Each hint POST opens one more hint."""
    user = make_user(session)
    login(client, user)
    enroll(client)
    url = f"/courses/{SLUG}/exercises/el-gap/hint"
    assert "Filter the explorer" not in client.get(MODULE).text
    one = post_form(client, url, headers={"HX-Request": "true"})
    assert "Filter the explorer" in one.text
    assert "Read the gap column" not in one.text
    two = post_form(client, url)
    assert two.status_code == 303
    page = client.get(MODULE).text
    assert "Read the gap column in the English learner row" in page
    post_form(client, url)  # past the last hint: nothing breaks
    assert client.get(MODULE).status_code == 200


def test_a_hint_with_htmx_appends_only_the_new_hint(client, session) -> None:
    """The hints region stays on the page (a live region): an htmx hint answer appends the
    new hint alone, marked to take focus, and leaves the feedback part alone."""
    login(client, make_user(session))
    enroll(client)
    url = f"/courses/{SLUG}/exercises/el-gap/hint"
    post_form(client, url)
    second = soup(post_form(client, url, headers={"HX-Request": "true"}))
    parts = {tag["id"]: tag["hx-swap-oob"] for tag in second.find_all(attrs={"hx-swap-oob": True})}
    assert parts == {
        "ex-el-gap-hints": "beforeend",
        "ex-el-gap-answer": "innerHTML",
        "ex-el-gap-record": "innerHTML",
    }
    hints = second.find(id="ex-el-gap-hints").select(".exercise-hint")
    assert [h["id"] for h in hints] == ["ex-el-gap-hint-2"]
    assert hints[0].has_attr("data-focus-after-swap")
    assert "Filter the explorer" not in second.text  # hint 1 is already on the page
    page = soup(client.get(MODULE)).find(id="ex-el-gap-hints")
    assert page["aria-live"] == "polite"
    assert len(page.select(".exercise-hint")) == 2
    assert not page.select("[data-focus-after-swap]")  # a full page moves no focus


def test_choice_and_multi_partial_credit(client, session) -> None:
    """Choice from groups and multi with partial credit."""
    user = make_user(session)
    login(client, user)
    enroll(client)
    right = attempt(client, "top-school", key_for(client, user, "top-school"), htmx=True)
    assert "Correct." in right.text
    partial = attempt(client, "what-counts", ["excused", "tardy", "suspension"], htmx=True)
    assert "Partly right" in partial.text
    assert "A late arrival is not an absence." in partial.text
    rows = {r.normalized_answer: r for r in _attempts(session)}
    assert rows["excused,suspension,tardy"].score == 0.5


def test_not_enrolled_and_unknown_get_404(client, session) -> None:
    """Other users cannot post attempts; unknown exercises are 404."""
    user = make_user(session)
    login(client, user)
    response = post_form(client, f"/courses/{SLUG}/exercises/el-gap/attempts", {"answer": "1"})
    assert response.status_code == 404
    enroll(client)
    response = post_form(client, f"/courses/{SLUG}/exercises/nope/attempts", {"answer": "1"})
    assert response.status_code == 404
    response = post_form(client, "/courses/nope/exercises/el-gap/attempts", {"answer": "1"})
    assert response.status_code == 404


def test_exercise_done_counts_for_progress(client, session) -> None:
    """Required exercises done (correct or out of attempts) complete the module."""
    user = make_user(session)
    login(client, user)
    enroll(client)
    attempt(client, "el-gap", key_for(client, user, "el-gap"))
    attempt(client, "top-school", "nope-not-a-choice")  # format error: nothing
    for _ in range(2):
        attempt(client, "top-school", _wrong_choice(client, user))
    enrollment = session.exec(select(Enrollment)).one()
    session.refresh(enrollment)
    assert enrollment.percent == 100


def _wrong_choice(client, user) -> str:
    from app.exercises.spec import variant_for

    spec = spec_of(client, "top-school")
    variant = spec.variant(variant_for(spec, user.id))
    return next(c.id for c in variant.choices if c.id not in variant.answer.choice_ids)


def test_locked_module_refuses_answers_until_opened(client, session) -> None:
    """In a sequential course an exercise of a locked module answers 403."""
    login(client, make_user(session))
    assert post_form(client, "/courses/ordered-course/enroll").status_code == 303
    url = "/courses/ordered-course/exercises/share-of-days/attempts"
    refused = post_form(client, url, {"answer": "10", "submission_key": "k1"})
    assert refused.status_code == 403
    assert "earlier modules" in refused.text
    assert post_form(client, "/courses/ordered-course/modules/intro/done").status_code == 303
    response = post_form(client, url, {"answer": "10%", "submission_key": "k2"})
    assert response.status_code == 303
    assert len(_attempts(session)) == 1
    assert _attempts(session)[0].correct
