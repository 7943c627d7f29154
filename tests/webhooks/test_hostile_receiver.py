"""A receiver cannot hold a delivery worker: a total deadline per attempt, a capped read of
the answer, and a result recorded only while this worker still holds the claim."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import select

from app.config import Settings
from app.db import open_session
from app.security import secret_box
from app.security.outbound_urls import OutboundPolicy
from app.webhooks import delivery, service
from app.webhooks.delivery import Outcome, deliver_due
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.security.conftest import make_world
from tests.settings_support import TEST_SECRET_KEY
from tests.webhooks.receiver import Receiver


class RawServer:
    """Accepts one connection at a time and answers with ``behave(sock)`` until stopped."""

    def __init__(self, behave: Callable[[socket.socket, threading.Event], None]) -> None:
        self.behave = behave
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)  # the request (small: one JSON event)
                    self.behave(conn, self.stop)
                except OSError:
                    pass  # the client went away: what we wanted

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def _drip(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while not stop.is_set():  # one byte well inside the read timeout, forever
        conn.sendall(b"a")
        time.sleep(0.1)


def _endless(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    while not stop.is_set():  # a body that never ends
        conn.sendall(chunk)


@pytest.fixture
def quick(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_timeout_seconds": 0.5})  # a 1.5 s deadline


@pytest.fixture
def raw_server(request) -> Iterator[RawServer]:  # type: ignore[no-untyped-def]
    server = RawServer(request.param)
    yield server
    server.close()


def _endpoint(url: str) -> WebhookEndpoint:
    sealed = secret_box.encrypt(
        service.new_secret(), secret_key=TEST_SECRET_KEY, purpose=service.SECRET_PURPOSE
    )
    return WebhookEndpoint(id=1, url=url, secret_encrypted=sealed, events="x")


@pytest.mark.parametrize("raw_server", [_drip], indirect=True)
def test_a_drip_fed_answer_ends_at_the_deadline(quick, raw_server: RawServer) -> None:
    outcome = delivery._send(_endpoint(raw_server.url), "{}", {}, quick)
    assert not outcome.ok
    assert outcome.status is None
    assert outcome.error is not None
    assert "Timeout" in outcome.error


@pytest.mark.parametrize("raw_server", [_endless], indirect=True)
def test_an_endless_body_is_not_read_to_the_end(quick, raw_server: RawServer) -> None:
    outcome = delivery._send(_endpoint(raw_server.url), "{}", {}, quick)
    assert outcome.ok
    assert outcome.status == 200


def test_the_lease_outlasts_the_attempt(settings) -> None:
    deadline = delivery.attempt_deadline(settings.webhook_timeout_seconds)
    assert deadline > settings.webhook_timeout_seconds
    assert delivery._lease_seconds(settings.webhook_timeout_seconds) > deadline


def test_a_worker_that_lost_its_claim_records_nothing(
    app, session, receiver: Receiver, engine, monkeypatch, settings
) -> None:
    endpoint, secret = service.add_endpoint(
        session,
        url=receiver.url,
        events=["enrollment.created"],
        organization_id=None,
        created_by=None,
        policy=OutboundPolicy(allow_private=True, require_https=False),
        secret_key=TEST_SECRET_KEY,
    )
    receiver.secret = secret
    make_world(app, session)

    def slow_then_taken_over(*args, **kwargs) -> Outcome:  # type: ignore[no-untyped-def]
        # Meanwhile the lease ran out and another worker claimed the delivery.
        with open_session(write=True, engine=engine) as other:
            for row in other.exec(select(WebhookDelivery)):
                row.next_attempt_at = row.next_attempt_at.replace(year=2100)
                other.add(row)
            other.commit()
        return Outcome(500, "HTTP 500")

    monkeypatch.setattr(delivery, "_send", slow_then_taken_over)
    assert deliver_due(engine, settings) == 0
    session.rollback()
    rows = session.exec(select(WebhookDelivery)).all()
    assert rows
    assert all(r.attempts == 0 and r.last_error is None for r in rows)
    assert {r.status for r in rows} == {DeliveryStatus.pending.value}
