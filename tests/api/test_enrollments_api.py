"""GET /api/v1/enrollments and /me/enrollments: scope, filters, 422s, cursor paging."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from app.learning.models import Enrollment
from app.signing import Signer
from tests.api.support import api_get, make_token
from tests.factories import make_user
from tests.reports.support import COURSE, Seed
from tests.settings_support import make_settings


def _all_pages(client, token: str, **params) -> list[dict]:  # type: ignore[no-untyped-def]
    rows, cursor, pages = [], None, 0
    while True:
        extra = {"cursor": cursor} if cursor else {}
        response = api_get(client, "/enrollments", token, **params, **extra)
        assert response.status_code == 200, response.text
        body = response.json()
        rows += body["data"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return rows


def test_admin_pages_through_every_enrollment_once(client, session, data: Seed, admin) -> None:
    token = make_token(session, admin, "read:enrollments")
    rows = _all_pages(client, token, limit=7)
    ids = [r["id"] for r in rows]
    expected = session.exec(select(Enrollment.id)).all()
    assert sorted(ids) == sorted(expected)
    assert len(ids) == len(set(ids)) == 26
    keys = [(r["updated_at"], r["id"]) for r in rows]
    assert keys == sorted(keys)


def test_one_organization_staff_read_their_organization_only(
    client, session, data: Seed, river_staff
) -> None:
    token = make_token(session, river_staff, "read:enrollments")
    rows = _all_pages(client, token)
    riverside = data.orgs["Riverside"].id
    assert len(rows) == 13
    assert {r["organization_id"] for r in rows} == {riverside}
    mine = api_get(client, "/enrollments", token, organization=riverside)
    assert len(mine.json()["data"]) == 13
    other = api_get(client, "/enrollments", token, organization=data.orgs["Hillcrest"].id)
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"
    assert api_get(client, "/enrollments", token, organization=999999).status_code == 404


def test_filters(client, session, data: Seed, admin) -> None:
    token = make_token(session, admin, "read:enrollments")
    spring = api_get(client, "/enrollments", token, cohort="spring").json()["data"]
    assert len(spring) == 6
    assert {r["cohort"] for r in spring} == {"spring"}
    assert len(api_get(client, "/enrollments", token, course=COURSE).json()["data"]) == 26
    later = datetime(2030, 1, 1, tzinfo=UTC).isoformat()
    assert api_get(client, "/enrollments", token, updated_since=later).json()["data"] == []


def test_bad_parameters_are_422_naming_the_field(client, session, data: Seed, admin) -> None:
    token = make_token(session, admin, "read:enrollments")
    cases = {
        "limit": {"limit": 0},
        "cursor": {"cursor": "not-a-cursor"},
        "cohort": {"cohort": "bad cohort!"},
        "updated_since": {"updated_since": "yesterday"},
        "organization": {"organization": "abc"},
    }
    for field, params in cases.items():
        response = api_get(client, "/enrollments", token, **params)
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert [e["field"] for e in body["errors"]] == [field], body
    unknown = api_get(client, "/enrollments", token, course="no-such-course")
    assert unknown.status_code == 404
    assert "course" in unknown.json()["detail"]
    # PostgreSQL refuses NUL characters outright: still a plain "no such course".
    assert api_get(client, "/enrollments", token, course="a\x00b").status_code == 404
    assert api_get(client, "/certificates/AB%00CD").status_code == 404
    naive = api_get(client, "/enrollments", token, updated_since="2026-01-01T00:00:00")
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "updated_since"


def test_paging_is_stable_while_rows_change(client, session, data: Seed, admin) -> None:
    """A row changed mid-way moves behind the cursor: read again later, nothing skipped."""
    token = make_token(session, admin, "read:enrollments")
    first = api_get(client, "/enrollments", token, limit=10).json()
    seen = [r["id"] for r in first["data"]]
    touched = session.get(Enrollment, seen[0])  # already read: moves to the end
    ahead = session.exec(select(Enrollment).where(Enrollment.id.not_in(seen))).first()  # type: ignore[union-attr]
    assert touched is not None
    assert ahead is not None
    touched.percent = 55
    ahead.percent = 66
    session.add_all([touched, ahead])
    session.commit()
    newcomer = make_user(session, organization_id=data.orgs["Hillcrest"].id)
    session.add(Enrollment(user_id=newcomer.id, course_id=touched.course_id))  # type: ignore[arg-type]
    session.commit()
    cursor, rest = first["next_cursor"], []
    while cursor:
        page = api_get(client, "/enrollments", token, limit=10, cursor=cursor).json()
        rest += page["data"]
        cursor = page["next_cursor"]
    ids = seen + [r["id"] for r in rest]
    assert set(ids) == set(session.exec(select(Enrollment.id)).all())
    assert ids.count(touched.id) == 2
    assert ids.count(ahead.id) == 1
    assert [r["percent"] for r in rest if r["id"] == touched.id] == [55]


def test_me_enrollments_shows_own_progress_per_module(client, session, data: Seed) -> None:
    learner = data.learners["Riverside"][9] if "Riverside" in data.learners else None
    assert learner is not None
    token = make_token(session, learner, "read:me")
    body = api_get(client, "/me/enrollments", token).json()["data"]
    assert len(body) == 1
    assert body[0]["course"] == COURSE
    assert body[0]["percent"] == 100
    assert body[0]["modules"]
    assert {"module_id", "state"} <= set(body[0]["modules"][0])
    other = make_user(session)
    empty = api_get(client, "/me/enrollments", make_token(session, other, "read:me")).json()
    assert empty == {"data": []}


def _cursor(stamp: object, row_id: object, *, signed: bool = True) -> str:
    """A cursor as the API makes them, signed with the suite's key (or not)."""
    raw = json.dumps([stamp, row_id]).encode()
    mac = Signer(make_settings().secret_key, "api-cursor").mac(raw)[:32] if signed else ""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + mac


def test_a_cursor_the_api_did_not_sign_is_422(client, session, data: Seed, admin) -> None:
    """Cursors are signed: an edited or home-made one cannot start a page elsewhere."""
    token = make_token(session, admin, "read:enrollments")
    first = api_get(client, "/enrollments", token, limit=5).json()
    cursor = first["next_cursor"]
    assert api_get(client, "/enrollments", token, limit=5, cursor=cursor).status_code == 200
    data_part, mac = cursor[:-32], cursor[-32:]
    raw = base64.urlsafe_b64decode(data_part + "=" * (-len(data_part) % 4))
    stamp, _ = json.loads(raw)
    forged = [
        _cursor(stamp, 0, signed=False),  # home-made, no MAC
        base64.urlsafe_b64encode(json.dumps([stamp, 0]).encode()).decode().rstrip("=") + mac,
        data_part + ("0" if mac[0] != "0" else "1") + mac[1:],  # MAC edited
        mac,  # MAC alone
    ]
    for value in forged:
        response = api_get(client, "/enrollments", token, cursor=value)
        assert response.status_code == 422, (value, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


@pytest.mark.parametrize(
    "value", ["2024", "0", "1700000000", "1700000000.5", "2026-13-01T00:00:00Z", "2026-03-01"]
)
def test_updated_since_is_an_iso_time_never_a_timestamp(client, session, admin, value) -> None:
    """Lax parsing read a number as Unix time: ``2024`` meant 1970 and answered 200."""
    token = make_token(session, admin, "read:enrollments")
    response = api_get(client, "/enrollments", token, updated_since=value)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["updated_since"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cursor", _cursor("2026-01-01T00:00:00+00:00", True)),
        ("cursor", _cursor("2026-01-01T00:00:00+00:00", 2**63)),
        ("cursor", _cursor("2026-01-01T00:00:00+00:00", 2**31)),
        ("cursor", _cursor("2026-01-01T00:00:00+00:00", 10**40)),
        ("cursor", _cursor("0001-01-01T00:00:00+05:00", 1)),
        ("cursor", _cursor("9999-12-31T23:59:59-05:00", 1)),
        ("cursor", _cursor(17, 1)),
        ("updated_since", "0001-01-01T00:00:00+05:00"),
        ("updated_since", "9999-12-31T23:59:59-05:00"),
        ("updated_since", "9999-06-01T00:00:00Z"),
    ],
)
def test_extreme_cursors_and_times_are_422_not_500(
    client, session, admin, field: str, value: str
) -> None:
    token = make_token(session, admin, "read:enrollments")
    response = api_get(client, "/enrollments", token, **{field: value})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_largest_id_and_earliest_time_are_still_accepted(client, session, admin) -> None:
    token = make_token(session, admin, "read:enrollments")
    edge = _cursor("0001-01-01T05:00:00+05:00", 2**31 - 1)
    assert api_get(client, "/enrollments", token, cursor=edge).status_code == 200
    since = "0001-01-01T00:00:00Z"
    assert api_get(client, "/enrollments", token, updated_since=since).status_code == 200
