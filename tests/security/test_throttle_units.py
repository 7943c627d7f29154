"""Throttles count an IPv6 client per /64 (one machine holds the whole /64), and the
failure table holds one window of rows at most (pruned on every write)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.accounts.models import LoginFailure
from app.db import utcnow
from app.security.client_address import throttle_unit
from tests.api.support import api_get
from tests.factories import make_user
from tests.helpers import post_form


@pytest.mark.parametrize(
    ("address", "unit"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::5", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::5", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # an IPv4 client on a dual-stack socket
        ("testclient", "testclient"),
    ],
)
def test_throttle_unit(address: str, unit: str) -> None:
    assert throttle_unit(address) == unit


def test_an_ipv6_client_cannot_dodge_the_api_throttle_by_changing_its_address(app, settings):  # type: ignore[no-untyped-def]
    for n in range(settings.login_max_failures):
        with TestClient(app, client=(f"2001:db8:1:2::{n + 1:x}", 5000)) as c:
            assert api_get(c, "/me/enrollments", "gw_wrong").status_code == 401
    with TestClient(app, client=("2001:db8:1:2:aaaa::1", 5000)) as same_64:
        assert api_get(same_64, "/me/enrollments", "gw_wrong").status_code == 429
    with TestClient(app, client=("2001:db8:1:3::1", 5000)) as next_64:
        assert api_get(next_64, "/me/enrollments", "gw_wrong").status_code == 401


def test_failures_older_than_the_window_are_pruned_on_write(app, session, settings):  # type: ignore[no-untyped-def]
    user = make_user(session, email="target@example.org")
    start = utcnow()
    with time_machine.travel(start, tick=False), TestClient(app) as c:
        post_form(c, "/login", {"email": user.email, "password": "wrong"})
        assert api_get(c, "/me/enrollments", "gw_wrong").status_code == 401
    session.commit()
    assert session.exec(select(func.count()).select_from(LoginFailure)).one() == 3
    later = start + timedelta(minutes=settings.login_window_minutes, seconds=1)
    with time_machine.travel(later, tick=False), TestClient(app) as c:
        assert api_get(c, "/me/enrollments", "gw_wrong-again").status_code == 401
    session.commit()
    keys = session.exec(select(LoginFailure.key)).all()
    assert keys == ["api-ip:testclient"]  # only the new one: the three old rows are gone
    with time_machine.travel(later, tick=False), TestClient(app) as c:
        post_form(c, "/login", {"email": user.email, "password": "wrong"})
    session.commit()
    assert sorted(session.exec(select(LoginFailure.key)).all()) == [
        "api-ip:testclient",
        "email:target@example.org",
        "ip:testclient",
    ]
