"""GET /api/v1/reports/{name} gives the CSV's figures and suppression; certificates verify."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlmodel import select

from app.certificates.models import Certificate
from app.certificates.service import new_code
from app.privacy import Coded
from app.reports import service
from app.reports.tables import Hidden, csv_text
from tests.api.support import api_get, make_token
from tests.helpers import login
from tests.reports.support import COURSE, Seed


def _as_csv(body: dict) -> list[list[str]]:  # type: ignore[type-arg]
    """The API's report written as the CSV export writes its cells."""
    kinds = [c["kind"] for c in body["columns"]]
    rows = [[c["label"] for c in body["columns"]]]
    for row in body["rows"]:
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            if isinstance(value, dict) and "coded" in value:
                coded = Coded(value["bound"], value["percent"])
                assert coded.text == value["coded"]
                value = coded
            elif isinstance(value, dict):
                value = Hidden(value["hidden"])
            elif kind == "datetime" and isinstance(value, str):
                value = datetime.fromisoformat(value)
            cells.append(csv_text(value, kind))
        rows.append(cells)
    return rows


@pytest.mark.parametrize("name", service.REPORTS)
@pytest.mark.parametrize("who", ["admin", "river_staff", "lake_staff"])
def test_report_equals_the_csv(client, session, data: Seed, request, name, who) -> None:  # type: ignore[no-untyped-def]
    staff = request.getfixturevalue(who)
    token = make_token(session, staff, "read:reports")
    response = api_get(client, f"/reports/{name}", token, course=COURSE)
    assert response.status_code == 200, response.text
    login(client, staff)
    exported = client.get(f"/staff/reports/{name}.csv?course={COURSE}")
    in_csv = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"), newline="")))
    assert _as_csv(response.json()) == [[_plain(c) for c in row] for row in in_csv]


def _plain(cell: str) -> str:
    # The CSV guards cells that a spreadsheet would run as formulas; JSON needs no guard.
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def test_small_groups_are_withheld_with_the_reason(client, session, data: Seed, lake_staff) -> None:
    token = make_token(session, lake_staff, "read:reports")
    body = api_get(client, "/reports/overview", token).json()
    hidden = [c for row in body["rows"] for c in row if isinstance(c, dict)]
    assert hidden
    assert all("fewer than 10" in c["hidden"] for c in hidden)


def test_report_errors(client, session, data: Seed, river_staff) -> None:
    token = make_token(session, river_staff, "read:reports")
    other = data.orgs["Hillcrest"].id
    assert api_get(client, "/reports/overview", token, organization=other).status_code == 404
    unknown = api_get(client, "/reports/nope", token)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "name"
    bad_date = api_get(client, "/reports/overview", token, enrolled_from="2026-13-01")
    assert bad_date.status_code == 422
    assert bad_date.json()["errors"][0]["field"] == "enrolled_from"
    for edge in ("9999-12-31", "9999-01-01"):  # the day after must still be a date: no 500
        far = api_get(client, "/reports/overview", token, enrolled_to=edge)
        assert far.status_code == 422, far.text
        assert far.json()["errors"][0]["field"] == "enrolled_to"
    assert api_get(client, "/reports/overview", token, enrolled_to="9998-12-31").status_code == 200


def test_certificate_verification_shows_revocation(client, session, data: Seed) -> None:
    certificates = session.exec(select(Certificate)).all()
    for certificate in certificates:  # the seed's codes are not in the real alphabet
        certificate.code = new_code()
        session.add(certificate)
    session.commit()
    revoked = [c for c in certificates if c.revoked_at is not None]
    standing = [c for c in certificates if c.revoked_at is None]
    assert revoked
    assert standing
    body = api_get(client, f"/certificates/{standing[0].code.lower()}").json()
    assert body["valid"] is True
    assert body["code"] == standing[0].code
    body = api_get(client, f"/certificates/{revoked[0].code}").json()
    assert body["valid"] is False
    assert body["revoked"] is True
    assert "revoked_reason" not in body
    assert api_get(client, "/certificates/ZZZZ-ZZZZ").status_code == 404


@pytest.mark.parametrize("value", ["0", "2024", "1700000000", "20260301", "2026-3-1"])
@pytest.mark.parametrize("field", ["enrolled_from", "enrolled_to"])
def test_report_dates_are_iso_dates_never_timestamps(
    client, session, data: Seed, river_staff, field: str, value: str
) -> None:
    """Lax parsing read ``enrolled_to=0`` as 1970-01-01 and answered 200."""
    token = make_token(session, river_staff, "read:reports")
    response = api_get(client, "/reports/overview", token, **{field: value})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
