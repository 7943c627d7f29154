"""The charts' data equals the table on the page and the CSV; hidden figures are left out of
the charts and the page says so; learner free text is escaped."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.content.course import Course
from tests.factories import make_user
from tests.helpers import login, soup
from tests.reports.activity import COURSE, Activity, make_activity
from tests.reports.pages import as_csv_text, comparable, html_table, read_csv
from tests.reports.wrong_answers import add_wrong_answers

# table -> (its page, the chart's value fields -> the CSV column each comes from)
CHARTED = {
    "funnel": (
        "/staff/reports",
        {"Opened": "Learners who opened", "Completed": "Learners who completed"},
    ),
    "trend": ("/staff/reports", {"Enrollments": "Enrollments", "Completions": "Completions"}),
    "item-analysis": (
        "/staff/reports/exercises",
        {"first_correct": "Correct on first attempt (%)"},
    ),
}


@pytest.fixture
def activity(client: TestClient, session: Session, courses: Mapping[str, Course]) -> Activity:
    return make_activity(session, courses)


def _charts(page: BeautifulSoup, table: str) -> list[dict[str, Any]]:
    """The chart specs of ``table``, each checked to sit in a labelled, hidden image box."""
    specs = []
    for island in page.select(f'script[type="application/json"][data-table="{table}"]'):
        box = page.find(attrs={"data-report-chart": island["id"]})
        assert box is not None
        assert box.get("role") == "img"
        assert box.has_attr("hidden")
        assert "The same numbers are in the table below." in box["aria-label"]
        specs.append(json.loads(island.get_text()))
    return specs


def _chart_cells(table: str, specs: list[dict[str, Any]]) -> dict[tuple[str, str, str], str]:
    """{(course, row key, CSV column): the figure as the CSV writes it} from the charts."""
    fields = CHARTED[table][1]
    cells: dict[tuple[str, str, str], str] = {}
    for spec in specs:
        course = spec["usermeta"]["course"]
        for value in spec["data"]["values"]:
            if table == "funnel":
                key, field, number = value["module"], value["measure"], value["learners"]
            elif table == "trend":
                key, field, number = value["week"], value["series"], value["count"]
            else:
                key, field, number = value["exercise"], "first_correct", value["first_correct"]
            if number is None:
                continue
            text = f"{number:.1f}" if isinstance(number, float) else str(number)
            cells[(course, key, fields[field])] = text
    return cells


def _csv_cells(table: str, rows: list[list[str]]) -> dict[tuple[str, str, str], str]:
    """The same cells from the CSV (or the page), hidden ones left out."""
    header, body = rows[0], rows[1:]
    key_column = 2 if table == "item-analysis" else 1
    cells = {}
    for row in body:
        for column in CHARTED[table][1].values():
            value = row[header.index(column)]
            if value and value[0].isdigit():
                cells[(row[0], row[key_column], column)] = value
    return cells


@pytest.mark.parametrize("table", list(CHARTED))
@pytest.mark.parametrize("who", ["admin", "Northside", "Tiny"])
def test_screen_csv_and_chart_agree(
    client: TestClient, session: Session, activity: Activity, table: str, who: str
) -> None:
    staff = make_user(
        session,
        role="admin" if who == "admin" else "staff",
        staff_organization_id=None if who == "admin" else activity.orgs[who].id,
    )
    login(client, staff)
    query = f"?course={COURSE}"
    page = soup(client.get(CHARTED[table][0] + query))
    on_screen = html_table(page, table)
    in_csv = comparable(read_csv(client.get(f"/staff/reports/{table}.csv{query}")))
    screen_as_csv = [on_screen[0], *[[as_csv_text(c) for c in row] for row in on_screen[1:]]]
    assert screen_as_csv == in_csv
    specs = _charts(page, table)
    from_chart = _chart_cells(table, specs)
    assert from_chart == _csv_cells(table, in_csv)
    charted = [in_csv[0].index(column) for column in CHARTED[table][1].values()]
    hidden = sum(
        row[i].startswith(("fewer than", "hidden to")) for row in in_csv[1:] for i in charted
    )
    if who == "Tiny" and table != "trend":
        assert hidden
        assert not specs
    if who == "admin":
        assert hidden == 0
        assert from_chart
    if hidden:
        assert f"{hidden} figure" in page.get_text()  # "N figures hidden ... left out"


def test_a_trend_hidden_whole_draws_no_chart(client, session, activity) -> None:
    staff = make_user(session, role="staff", staff_organization_id=activity.orgs["Northside"].id)
    login(client, staff)
    page = soup(client.get(f"/staff/reports?course={COURSE}"))
    # Both series have a small week, so each is hidden whole (the overview's total on the
    # same page would let hidden weeks be solved): nothing is left to draw.
    assert _charts(page, "trend") == []
    rows = html_table(page, "trend")
    assert all(cell == "fewer than 10 learners" for row in rows[1:] for cell in row[2:])


def test_pages_without_data_draw_no_chart(client, admin) -> None:
    login(client, admin)
    page = soup(client.get("/staff/reports"))
    assert page.select("[data-report-chart]") == []
    assert page.select('script[src$="report-charts.js"]') == []


def test_wrong_answers_are_escaped_and_counted_once_per_learner(
    client, session, activity, admin
) -> None:
    add_wrong_answers(session, activity, answers={"<img src=x onerror=alert(1)>": 10})
    login(client, admin)
    response = client.get(f"/staff/reports/exercises?course={COURSE}")
    assert "<img src=x onerror" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
    rows = html_table(soup(response), "wrong-answers")
    assert [row[2:] for row in rows[1:]] == [["<img src=x onerror=alert(1)>", "10"]]
    in_csv = read_csv(client.get(f"/staff/reports/wrong-answers.csv?course={COURSE}"))
    assert in_csv == rows
    assert "less common answers are hidden to protect the learners" in response.text
