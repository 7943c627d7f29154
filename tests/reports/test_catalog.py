"""A report declared in the catalog is on its page, in the CSV export and in the API with
no other change: the pages, the export and the API all read the one registry."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import privacy
from app.reports import catalog
from app.reports.catalog import ReportSpec
from app.reports.scope import COURSE_COLUMN, ReportScope
from app.reports.tables import Column, Table
from tests.helpers import login, soup
from tests.reports.pages import html_table, read_csv
from tests.reports.support import Seed


def _modules_table(session: Session, scope: ReportScope) -> Table:
    table = MODULES.table()
    for _course_id, course in scope.courses:
        table.rows.append((course.title, len(course.modules)))
    return table


MODULES = ReportSpec(
    "module-count",
    "Modules per course",
    (COURSE_COLUMN, Column("modules", "Modules", "count")),
    (privacy.Suppression.VIEW,),
    build=_modules_table,
    page="exercises",
    position=9,
)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> ReportSpec:
    monkeypatch.setitem(catalog.REGISTRY, MODULES.name, MODULES)
    return MODULES


def test_the_registered_reports_are_declared_completely() -> None:
    assert catalog.problems() == []
    assert [spec.name for spec in catalog.page_reports("overview")] == [
        "overview",
        "funnel",
        "trend",
        "by-organization",
        "by-job-role",
        "by-cohort",
    ]


def test_a_registered_report_is_on_its_page_and_in_the_csv(
    client: TestClient, data: Seed, admin, registered: ReportSpec
) -> None:
    login(client, admin)
    query = "?course=data-for-liberation"
    page = soup(client.get("/staff/reports/exercises" + query))
    on_screen = html_table(page, registered.name)
    assert on_screen[0] == ["Course", "Modules"]
    assert len(on_screen) == 2
    csv = read_csv(client.get(f"/staff/reports/{registered.name}.csv{query}"))
    assert csv[0] == ["Course", "Modules"]
    assert csv[1][1] == on_screen[1][1]


def test_a_report_without_a_page_is_not_on_any_page(
    client: TestClient, data: Seed, admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = MODULES.__class__(**{**MODULES.__dict__, "page": None})
    monkeypatch.setitem(catalog.REGISTRY, hidden.name, hidden)
    login(client, admin)
    page = client.get("/staff/reports/exercises").text
    assert 'data-report="module-count"' not in page
    assert client.get("/staff/reports/module-count.csv").status_code == 200
