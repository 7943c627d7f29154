"""Inquiry emails through a real SMTP server (aiosmtpd on loopback), and an SMTP server
that is down: the inquiry is stored all the same and its emails wait in the outbox."""

from __future__ import annotations

from tests.accounts.smtp_server import MailServer, free_port
from tests.accounts.test_mail_smtp import certificate, mail_server, use_smtp  # noqa: F401
from tests.factories import make_user
from tests.inquiries.support import GOOD, outbox, send, stored


def test_admins_and_the_inquirer_get_their_emails_through_smtp(
    client,
    session,
    mail_server: MailServer,  # noqa: F811
    use_smtp,  # noqa: F811
):
    admins = [make_user(session, role="admin") for _ in range(2)]
    use_smtp(mail_server.url())
    assert send(client).status_code == 303

    by_address = {r.rcpt_tos[0]: r.message for r in mail_server.received}
    assert set(by_address) == {a.email for a in admins} | {GOOD["email"]}
    for admin in admins:
        body = by_address[admin.email].get_payload(decode=True).decode().replace("\r\n", "\n")
        assert GOOD["message"] in body
        assert "Lakeview Unified" in body
        assert by_address[admin.email]["Subject"] == "District inquiry: Lakeview Unified"
    assert "received your message" in by_address[GOOD["email"]]["Subject"]
    assert all(m.sent_at is not None for m in outbox(session))


def test_an_unreachable_smtp_server_loses_no_inquiry(
    client,
    session,
    use_smtp,  # noqa: F811
):
    make_user(session, role="admin")
    use_smtp(f"smtp+starttls://127.0.0.1:{free_port()}")  # nothing listens there
    response = send(client)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/bring-groundwork/thanks")
    assert len(stored(session)) == 1
    waiting = outbox(session)
    assert len(waiting) == 2
    assert all(m.sent_at is None for m in waiting)
