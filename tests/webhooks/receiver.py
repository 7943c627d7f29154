"""A real HTTP receiver on loopback that verifies Standard Webhooks signatures."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every request; ``respond`` picks the status for each (default 200)."""

    secret: str = ""
    respond: Callable[[Received], int] = lambda _: 200
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    # Serve https with this context (a production sender refuses plain http).
    tls: ssl.SSLContext | None = None
    # Seconds each answer waits: widens the window in which two senders could overlap.
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host}:{port}/hooks/groundwork?x=1"

    @property
    def accepted(self) -> list[Received]:
        """Requests answered 2xx (what the receiver processed)."""
        return [r for r in self.received if getattr(r, "status", 200) < 300]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except (WebhookVerificationError, ValueError):
                    verified = False
                item = Received(headers, body, verified)
                time.sleep(receiver.delay)
                status = receiver.respond(item)
                item.status = status  # type: ignore[attr-defined]
                with receiver.lock:
                    receiver.received.append(item)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if self.tls is not None:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
