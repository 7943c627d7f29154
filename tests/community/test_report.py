"""The discussion report: participation per module and per cohort, and the prompts that
draw discussion; suppressed like every report; the page and the CSV share the numbers."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session

from app.community import moderation
from app.community.models import CommunityPost
from app.db import id_of, utcnow
from app.reports import service
from app.reports.filters import ReportFilters
from app.reports.tables import Hidden
from tests.community.mod_support import Community, add_reply, build
from tests.helpers import login, soup
from tests.learning.support import JOURNEY


@pytest.fixture
def world(client, session: Session) -> Community:  # type: ignore[no-untyped-def]
    community = build(session)
    thread = community.threads["a1"]
    thread.prompt_id = "what-i-notice"
    session.add(thread)
    session.commit()
    add_reply(session, thread=thread, author=community.a1_peer, body="One")
    add_reply(session, thread=thread, author=community.a1_third, body="Two")
    hidden = add_reply(session, thread=thread, author=community.a1_fourth, body="Hidden")
    moderation.hide_post(session, staff=community.admin, post_id=id_of(hidden), reason="Reword")
    deleted = add_reply(session, thread=thread, author=community.a1_fourth, body="Gone")
    post = session.get(CommunityPost, id_of(deleted))
    assert post is not None
    post.deleted_at = utcnow()
    session.add(post)
    session.commit()
    return community


def _rows(app, session: Session, staff, name: str, min_n: int, **filters: str):  # type: ignore[no-untyped-def]
    table = service.report_table(
        session,
        staff=staff,
        name=name,
        filters=ReportFilters(course=JOURNEY, **filters),  # type: ignore[arg-type]
        courses=app.state.registry.courses,
        min_n=min_n,
    )
    return table.rows


def test_by_module_counts_visible_posts_of_described_learners(  # type: ignore[no-untyped-def]
    app, session: Session, world: Community
) -> None:
    rows = _rows(app, session, world.admin, "discussion-by-module", 3)
    by_module = {row[1]: row[2:] for row in rows}
    welcome = app.state.registry.get(JOURNEY).module("welcome").title
    # Six threads (one per scope), two visible replies; hidden and deleted ones left out.
    assert by_module[welcome] == (6, 2, 8)
    assert all(figures == (0, 0, 0) for title, figures in by_module.items() if title != welcome)


def test_one_organization_staff_see_their_learners_and_small_groups_hidden(  # type: ignore[no-untyped-def]
    app, session: Session, world: Community
) -> None:
    welcome = app.state.registry.get(JOURNEY).module("welcome").title
    rows = {r[1]: r[2:] for r in _rows(app, session, world.staff_a, "discussion-by-module", 3)}
    assert rows[welcome] == (3, 2, 5)  # a1, a2, a_org threads; B's and the loner's not counted
    hidden = {r[1]: r[2:] for r in _rows(app, session, world.staff_a, "discussion-by-module", 10)}
    assert all(isinstance(v, Hidden) for v in hidden[welcome])
    assert hidden[welcome][0].text == "fewer than 10 learners"  # type: ignore[union-attr]


def test_by_cohort_suppresses_small_cohorts_with_a_complement(  # type: ignore[no-untyped-def]
    app, session: Session, world: Community
) -> None:
    rows = {r[1]: r[2:] for r in _rows(app, session, world.admin, "discussion-by-cohort", 3)}
    assert rows[world.cohort_a1.name] == (4, 1, 2, 3)
    assert rows["No cohort"] == (3, 3, 0, 3)
    for small in (world.cohort_a2.name, world.cohort_b1.name):
        assert all(isinstance(v, Hidden) for v in rows[small]), small


def test_prompts_most_discussed_first(app, session: Session, world: Community) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(app, session, world.admin, "discussion-prompts", 3)
    assert rows[0][2].startswith("what-i-notice: ")
    assert rows[0][3:6] == (1, 2, 3)
    assert rows[0][6] is not None
    assert all(row[3:6] == (0, 0, 0) for row in rows[1:])


def test_page_and_csv(client, session: Session, world: Community) -> None:  # type: ignore[no-untyped-def]
    login(client, world.admin)
    overview = client.get("/staff/reports")
    assert soup(overview).find("a", string="Discussion") is not None
    page = client.get("/staff/reports/discussion", params={"course": JOURNEY})
    assert page.status_code == 200
    assert soup(page).find("table", attrs={"data-report": "discussion-by-module"}) is not None
    response = client.get("/staff/reports/discussion-by-module.csv", params={"course": JOURNEY})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert lines[0] == ["Course", "Module", "Threads started", "Replies", "Distinct posters"]
    assert any(line[2:] == ["6", "2", "8"] for line in lines[1:])
    login(client, world.a1)
    assert client.get("/staff/reports/discussion").status_code == 403
