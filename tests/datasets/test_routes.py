"""The explorer page, its htmx fragment, CSV export and access rules."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.factories import make_user
from tests.helpers import login, post_form, soup

COURSES = Path(__file__).parents[1] / "exercises" / "fixtures" / "courses"
URL = "/courses/data-course/explore/absence-explorer"


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Serve the data fixture course."""
    return {"content_dir": COURSES}


def _learner(client, session) -> None:
    login(client, make_user(session))
    assert post_form(client, "/courses/data-course/enroll").status_code == 303


def test_explorer_page_works_without_js(client, session) -> None:
    """GET with form fields renders the whole page: form, chart spec, table, notes, CSV link."""
    _learner(client, session)
    response = client.get(
        URL, params={"measure": "students", "group_by": "school", "compare": "none"}
    )
    assert response.status_code == 200
    page = soup(response)
    assert page.find("form", attrs={"method": "get"}) is not None
    table = page.find("table", class_="explore-table")
    rows = [tr.find("th").text for tr in table.find("tbody").find_all("tr")]
    assert rows == ["Cedar High", "Oak Elementary", "Pine Middle"]
    spec = json.loads(page.find("script", attrs={"type": "application/json"}).string)
    assert [v["g0"] for v in spec["data"]["values"]] == rows
    assert "Synthetic data" in page.text or "synthetic data" in page.text
    assert page.find("a", string="Download this view as CSV") is not None
    assert not page.find_all("script", src=False, attrs={"type": None})  # no inline script


def test_htmx_gets_only_the_result_region(client, session) -> None:
    """With HX-Request the response is the result fragment."""
    _learner(client, session)
    response = client.get(
        URL,
        params={
            "measure": "chronic_absence_rate",
            "group_by": "race_ethnicity",
            "compare": "overall",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="explore-absence-explorer-result"')
    assert "fewer than 10 students" in response.text
    assert "<html" not in response.text


def test_bad_form_values_get_a_message_not_a_500(client, session) -> None:
    """Nonsense in the query string falls back with messages."""
    _learner(client, session)
    response = client.get(
        URL,
        params={
            "measure": "<x>",
            "group_by": "nope",
            "filter.school": "<script>",
            "compare": "zzz",
        },
    )
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert soup(response).find(class_="explore-errors") is not None


def test_csv_matches_the_table(client, session) -> None:
    """The CSV has the same numbers as the table of the same view."""
    _learner(client, session)
    params = {"measure": "chronic_absence_rate", "group_by": "race_ethnicity", "compare": "overall"}
    page = soup(client.get(URL, params=params))
    shown = {
        tr.find("th").text: [td.text for td in tr.find_all("td")]
        for tr in page.find("tbody").find_all("tr")
    }
    response = client.get(URL + "/view.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = {r[0]: r for r in csv.reader(io.StringIO(response.text)) if r and r[0] in shown}
    for label, cells in shown.items():
        assert rows[label][2] == cells[1]


def test_access_enrolled_or_author_else_404(client, session) -> None:
    """Not enrolled: 404; authors preview; anonymous users go to login."""
    assert client.get(URL).status_code == 303
    login(client, make_user(session))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "/view.csv").status_code == 404
    client.cookies.clear()
    login(client, make_user(session, role="author"))
    assert client.get(URL).status_code == 200
    assert client.get("/courses/data-course/explore/el-gap").status_code == 404
