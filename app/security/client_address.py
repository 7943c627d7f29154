"""The client's address, as the throttles count it."""

from __future__ import annotations

from fastapi import Request


def client_ip(request: Request) -> str:
    """The peer address uvicorn reports (behind a proxy: what its forwarded headers say)."""
    return request.client.host if request.client else "unknown"
