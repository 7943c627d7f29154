"""Admin webhook pages: register, pause, deliveries with status and response code, replay;
and the admin:webhooks API listing (no secrets)."""

from __future__ import annotations

from sqlmodel import select

from app.webhooks.delivery import deliver_due
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.api.support import api_get, make_token
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.security.conftest import make_world


def test_admin_registers_sees_deliveries_and_replays(
    app, client, session, receiver, engine, settings
) -> None:
    admin = make_user(session, role="admin")
    login(client, admin)
    bad = post_form(client, "/admin/webhooks", {"url": "ftp://x", "events": []})
    assert bad.status_code == 400
    page = soup(bad)
    assert page.find(id="url-error")
    assert page.find(id="events-error")
    assert page.find("input", id="url")["value"] == "ftp://x"
    added = post_form(
        client, "/admin/webhooks", {"url": receiver.url, "events": ["enrollment.created"]}
    )
    assert added.status_code == 201  # the page itself, with the secret shown this once
    endpoint = session.exec(select(WebhookEndpoint)).one()
    secret = soup(added).find(id="new-secret").get_text()
    assert secret.startswith("whsec_")
    assert secret not in endpoint.secret_encrypted
    receiver.secret = secret
    listing = client.get("/admin/webhooks")
    assert receiver.url in listing.text
    assert secret not in listing.text
    receiver.respond = lambda _: 500
    session.rollback()  # the world is read through this session: start afresh
    make_world(app, session)
    deliver_due(engine, settings)
    deliveries = client.get("/admin/webhooks/deliveries?status=failed")
    assert deliveries.status_code == 200
    rows = soup(deliveries).find("tbody").find_all("tr")
    assert rows
    assert "500" in rows[0].get_text()
    assert "failed" in rows[0].get_text()
    session.rollback()
    failed = session.exec(select(WebhookDelivery).where(WebhookDelivery.status == "failed")).first()
    assert failed is not None
    receiver.respond = lambda _: 200
    before = len(receiver.received)
    replay = post_form(client, f"/admin/webhooks/deliveries/{failed.id}/replay")
    assert replay.status_code == 303
    deliver_due(engine, settings)
    assert len(receiver.received) == before + 1
    assert receiver.received[-1].verified
    assert receiver.received[-1].headers["webhook-id"] == f"msg_{failed.event_id}"
    assert post_form(client, "/admin/webhooks/deliveries/999999/replay").status_code == 404
    paused = post_form(client, f"/admin/webhooks/{endpoint.id}/active", {"active": ""})
    assert paused.status_code == 303
    session.rollback()
    assert session.get(WebhookEndpoint, endpoint.id).active is False  # type: ignore[union-attr]


def test_api_lists_endpoints_without_secrets(client, session, receiver) -> None:
    admin = make_user(session, role="admin")
    login(client, admin)
    post_form(client, "/admin/webhooks", {"url": receiver.url, "events": ["course.completed"]})
    token = make_token(session, admin, "admin:webhooks")
    body = api_get(client, "/webhooks", token).json()
    assert [e["url"] for e in body["data"]] == [receiver.url]
    assert "secret" not in body["data"][0]
    assert "whsec_" not in str(body)
    assert body["data"][0]["events"] == ["course.completed"]
