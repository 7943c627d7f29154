"""The sign-up link through a real SMTP server (aiosmtpd on loopback, STARTTLS and login),
read from the delivered message and followed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.accounts.mail import NOT_STORED
from app.accounts.models import OutboxEmail
from app.cli import app as cli_app
from app.config import Settings
from app.identity.service import is_verified
from tests.accounts.smtp_server import MailServer, free_port, make_certificate, start
from tests.helpers import post_form
from tests.identity.support import fresh_user, link_in, sign_up
from tests.settings_support import export_to_environment


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("smtp"))


@pytest.fixture
def mail_server(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> Iterator[MailServer]:
    """A running server that the app sends through; the process trusts its certificate."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = MailServer(port=free_port(), cert=cert)
    controller = start(server, key)
    settings.smtp_url = server.url()
    yield server
    controller.stop()


def test_sign_up_link_is_delivered_by_smtp_and_verifies(client, session, mail_server):
    sign_up(client, "smtp.reader@example.org")
    [delivered] = mail_server.received
    assert delivered.tls
    assert delivered.login == "mailer@example.org"
    assert delivered.rcpt_tos == ["smtp.reader@example.org"]
    assert delivered.message["Subject"] == "Confirm your email address for Groundwork"
    link = link_in(delivered.message.get_payload(decode=True).decode())

    session.rollback()
    stored = session.exec(select(OutboxEmail)).one()
    assert stored.sent_at is not None  # delivered, so the link is not kept
    assert link not in stored.body
    assert NOT_STORED in stored.body
    session.rollback()

    assert client.get(link).status_code == 200
    assert post_form(client, link).status_code == 303
    assert is_verified(fresh_user(session, "smtp.reader@example.org"))


def test_a_link_kept_while_smtp_was_down_is_blanked_once_retry_sends_it(
    client, session, mail_server, settings, engine, monkeypatch
):
    settings.smtp_url = f"smtp+starttls://127.0.0.1:{free_port()}"  # nothing listens there
    sign_up(client, "patient@example.org")
    session.rollback()
    pending = session.exec(select(OutboxEmail)).one()
    link = link_in(pending.body)  # the only copy until SMTP takes it
    session.rollback()

    settings.smtp_url = mail_server.url()
    url = engine.url.render_as_string(hide_password=False)
    export_to_environment(monkeypatch, settings, database_url=url)
    result = CliRunner().invoke(cli_app, ["mail", "retry"])
    assert result.exit_code == 0, result.output
    [delivered] = mail_server.received
    assert link_in(delivered.message.get_payload(decode=True).decode()) == link
    session.rollback()
    stored = session.exec(select(OutboxEmail)).one()
    assert stored.sent_at is not None
    assert link not in stored.body
    assert NOT_STORED in stored.body
    session.rollback()
    assert post_form(client, link).status_code == 303
    assert is_verified(fresh_user(session, "patient@example.org"))
