"""A real SMTP server for tests (aiosmtpd on loopback): STARTTLS with a throwaway
self-signed certificate, and LOGIN/PLAIN authentication against one account."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "mailer@example.org"
PASSWORD = "s3cret: with spaces & symbols"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (openssl, a day long)."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class Received:
    """One delivered message, and how the client reached the server."""

    message: Message
    rcpt_tos: list[str]
    tls: bool
    login: str | None


@dataclass
class MailServer:
    port: int
    cert: Path
    received: list[Received] = field(default_factory=list)
    refused_logins: int = 0

    def url(self, *, user: str = USER, password: str = PASSWORD) -> str:
        credentials = f"{quote(user, safe='')}:{quote(password, safe='')}@"
        return f"smtp+starttls://{credentials}127.0.0.1:{self.port}"

    # aiosmtpd hooks
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.login.decode() if session.auth_data else None
        self.received.append(
            Received(
                email.message_from_bytes(envelope.content),
                list(envelope.rcpt_tos),
                session.ssl is not None,
                login,
            )
        )
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == USER
            and data.password.decode() == PASSWORD
        )
        if not ok:
            self.refused_logins += 1
        # handled=False: aiosmtpd answers 535 itself (True would leave the client waiting).
        return AuthResult(success=ok, auth_data=data if ok else None, handled=False)


def start(server: MailServer, key: Path) -> Controller:
    """Serve on server.port; STARTTLS offered, AUTH only after it, mail only after AUTH."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(server.cert, key)
    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=server.authenticate,
    )
    controller.start()
    return controller
