"""Staff review: only shared reflections, only in scope; filters, unread, feedback, notices,
and the CSV export read back with Python's csv reader."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bs4 import BeautifulSoup
from sqlmodel import Session

from app.db import utcnow
from app.reflections import service as reflections
from app.spreadsheets import neutralise
from tests.factories import make_user
from tests.helpers import login, post_form
from tests.reflections.conftest import SLUG, enrolled_learner, make_org
from tests.reflections.helpers import reflection_row, write


def _as(client, user) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    login(client, user)


def _queue_names(client, query: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/reflections{query}")
    assert page.status_code == 200, page.text[:500]
    soup = BeautifulSoup(page.text, "html.parser")
    return sorted(p.find("strong").get_text() for p in soup.select(".queue-meta"))


def _csv(client, query: str = "") -> list[list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/staff/reflections.csv{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _world(client, session: Session, course):  # type: ignore[no-untyped-def]
    """Two organizations; in each, a learner who shares and one who keeps it private."""
    north = make_org(session, "North District")
    south = make_org(session, "South District")
    people = {}
    for name, org, shared in [
        ("Ana North", north, True),
        ("Priv North", north, False),
        ("Sol South", south, True),
        ("Priv South", south, False),
    ]:
        learner = enrolled_learner(session, course, display_name=name, organization_id=org.id)
        _as(client, learner)
        assert write(client, "r1", f"{name} writes about data", shared=shared).status_code == 303
        people[name] = learner
    return north, south, people


def test_private_reflections_never_reach_staff(client, session: Session, course):
    _, _, people = _world(client, session, course)
    staff = make_user(session, role="staff")
    _as(client, staff)
    assert _queue_names(client) == ["Ana North", "Sol South"]
    for name in ("Priv North", "Priv South"):
        row = reflection_row(session, people[name].id, "r1")
        assert client.get(f"/staff/reflections/{row.id}").status_code == 404
        response = post_form(client, f"/staff/reflections/{row.id}/feedback", {"body": "hi"})
        assert response.status_code == 404
    rows = _csv(client)
    body = "\n".join(",".join(r) for r in rows)
    assert "Priv North" not in body
    assert "Priv South" not in body
    assert sorted(r[3] for r in rows[1:]) == ["Ana North", "Sol South"]
    for url in ("/staff", "/staff/reflections", "/staff/reflections?unread=1"):
        assert "Priv " not in client.get(url).text


def test_unsharing_removes_it_from_staff_pages(client, session: Session, course):
    _, _, people = _world(client, session, course)
    ana = people["Ana North"]
    row = reflection_row(session, ana.id, "r1")
    _as(client, ana)
    post_form(client, f"/me/journal/{row.id}/sharing", {"shared": "0"})
    _as(client, make_user(session, role="staff"))
    assert _queue_names(client) == ["Sol South"]
    assert client.get(f"/staff/reflections/{row.id}").status_code == 404


def test_staff_scoped_to_one_organization_sees_only_it(client, session: Session, course):
    north, south, people = _world(client, session, course)
    scoped = make_user(session, role="staff", staff_organization_id=north.id)
    _as(client, scoped)
    assert _queue_names(client) == ["Ana North"]
    assert _queue_names(client, f"?organization={south.id}") == []
    sol = reflection_row(session, people["Sol South"].id, "r1")
    assert client.get(f"/staff/reflections/{sol.id}").status_code == 404
    response = post_form(client, f"/staff/reflections/{sol.id}/feedback", {"body": "hello"})
    assert response.status_code == 404
    names = [r[3] for r in _csv(client)[1:]]
    assert names == ["Ana North"]
    assert [r[3] for r in _csv(client, f"?organization={south.id}")[1:]] == []
    home = client.get("/staff")
    assert "North District" in home.text
    assert "all organizations" not in home.text
    queue = BeautifulSoup(client.get("/staff/reflections").text, "html.parser")
    options = [o.get_text() for o in queue.select("#f-org option")]
    assert options == ["North District"]

    # Staff for all organizations, and admins, see both.
    _as(client, make_user(session, role="staff"))
    assert _queue_names(client) == ["Ana North", "Sol South"]
    _as(client, make_user(session, role="admin", staff_organization_id=north.id))
    assert _queue_names(client) == ["Ana North", "Sol South"]


def test_filters_by_course_prompt_organization_date_and_unread(client, session: Session, course):
    north, south, people = _world(client, session, course)
    _as(client, people["Sol South"])
    write(client, "r2", "Sol on the second prompt", shared=True)
    staff = make_user(session, role="staff")
    _as(client, staff)
    assert _queue_names(client, "?prompt=r2") == ["Sol South"]
    assert _queue_names(client, "?prompt=r1") == ["Ana North", "Sol South"]
    assert _queue_names(client, f"?course={SLUG}&organization={north.id}") == ["Ana North"]
    assert _queue_names(client, "?course=another-course") == []
    today = utcnow().date()
    assert len(_queue_names(client, f"?date_from={today}&date_to={today}")) == 3
    tomorrow = today + timedelta(days=1)
    assert _queue_names(client, f"?date_from={tomorrow}") == []
    assert _queue_names(client, f"?date_to={today - timedelta(days=1)}") == []
    bad = client.get("/staff/reflections?date_from=yesterday&organization=abc")
    assert bad.status_code == 400
    assert "not a date" in bad.text

    assert len(_queue_names(client, "?unread=1")) == 3
    ana = reflection_row(session, people["Ana North"].id, "r1")
    opened = client.get(f"/staff/reflections/{ana.id}")
    assert opened.status_code == 200
    assert "What did you" in opened.text  # read beside its prompt
    assert _queue_names(client, "?unread=1") == ["Sol South", "Sol South"]
    # Another staff member has not read it.
    _as(client, make_user(session, role="staff"))
    assert len(_queue_names(client, "?unread=1")) == 3
    # A new revision is unread again.
    _as(client, people["Ana North"])
    write(client, "r1", "Ana revises her thinking here", shared=True)
    _as(client, staff)
    assert "Ana North" in _queue_names(client, "?unread=1")


def test_feedback_reaches_the_learner_as_a_notice_and_on_the_reflection(
    client, session: Session, course
):
    _, _, people = _world(client, session, course)
    ana = people["Ana North"]
    row = reflection_row(session, ana.id, "r1")
    staff = make_user(session, role="staff", display_name="Fran Facilitator")
    _as(client, staff)
    empty = post_form(client, f"/staff/reflections/{row.id}/feedback", {"body": "   "})
    assert empty.status_code == 400
    assert "Write a comment" in empty.text
    long = "x" * 2001
    refused = post_form(client, f"/staff/reflections/{row.id}/feedback", {"body": long})
    assert refused.status_code == 400
    assert long in refused.text
    comment = "Thank you — <b>strong</b> noticing. {{7*7}}"
    sent = post_form(client, f"/staff/reflections/{row.id}/feedback", {"body": comment})
    assert sent.status_code == 303

    notices = reflections.notices_for(session, user=ana)
    session.commit()
    assert len(notices) == 1
    assert "Fran Facilitator" in notices[0].message
    assert notices[0].url == f"/me/journal/{row.id}"
    _as(client, ana)
    page = client.get(f"/courses/{SLUG}/reflections/r1")
    feedback = BeautifulSoup(page.text, "html.parser").select(".feedback-item .learner-text")
    assert [f.get_text() for f in feedback] == [comment]
    assert client.get(f"/me/journal/{row.id}").status_code == 200
    session.commit()  # a fresh snapshot: see what the page view wrote
    assert reflections.notices_for(session, user=ana) == []
    # Nobody else gets the notice.
    assert reflections.notices_for(session, user=people["Sol South"]) == []


def test_export_neutralises_formulas_and_quotes_everything_correctly(
    client, session: Session, course
):
    org = make_org(session, "=Evil Org")
    texts = {
        "@Formula": '=HYPERLINK("http://x","click") then words',
        "+Plus": '+1+2 and, commas, "quotes"\nand a second line',
        "-Minus": "-3 شكرا 👩🏽‍🏫 שלום",
        "\tTab": "\ttabbed start words",
    }
    for name, text in texts.items():
        learner = enrolled_learner(session, course, display_name=name, organization_id=org.id)
        _as(client, learner)
        assert write(client, "r1", text, shared=True).status_code == 303
    _as(client, make_user(session, role="staff"))
    rows = _csv(client)
    assert rows[0] == [
        "course",
        "module",
        "prompt",
        "learner_name",
        "organization",
        "submitted_at",
        "revision",
        "text",
    ]
    by_name = {r[3]: r for r in rows[1:]}
    assert set(by_name) == {"'@Formula", "'+Plus", "'-Minus", "'\tTab"}
    for name, text in texts.items():
        row = by_name["'" + name]
        assert row[0] == "Reflecting on Data"
        assert row[1] == "Looking at data"
        assert row[2] == "What did you notice in your data?"
        assert row[4] == "'=Evil Org"
        assert row[7] == neutralise(text)
        assert row[6] == "1"
    assert by_name["'+Plus"][7] == '\'+1+2 and, commas, "quotes"\nand a second line'
    assert by_name["'-Minus"][7] == "'-3 شكرا 👩🏽‍🏫 שלום"
    for cell in (c for r in rows[1:] for c in r):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Plain text") == "Plain text"
    assert neutralise("") == ""
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(start + "x") == "'" + start + "x"


def test_staff_home_counts(client, session: Session, course):
    _world(client, session, course)
    _as(client, make_user(session, role="staff"))
    home = client.get("/staff")
    assert home.status_code == 200
    assert "2 reflections shared with facilitators" in home.text
    assert "<strong>2</strong> you have not read yet" in home.text
