"""Which webhook URLs may be called: never loopback, link-local, private or otherwise
non-public addresses (unless a setting allows them, for tests and development).

The check runs when an endpoint is registered and again at every delivery, and the
delivery connects to the very address that was checked, so a name that later resolves
somewhere else (DNS rebinding) cannot steer a delivery inside the network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

MAX_URL = 2000


class UnsafeUrl(Exception):
    """The URL cannot be used for webhooks; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    url: str
    host: str
    address: str  # the IP address that was checked
    port: int
    scheme: str


def _split(url: str) -> tuple[str, str, int]:
    url = url.strip()
    if len(url) > MAX_URL:
        raise UnsafeUrl(f"Use a URL of at most {MAX_URL} characters.")
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        raise UnsafeUrl("The URL holds a space or a control character; remove it.")
    try:
        httpx.URL(url)  # what delivery will send must parse there too
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise UnsafeUrl(f"The URL cannot be sent to: {exc}"[:300]) from None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("The URL must start with https:// (or http://).")
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeUrl("Put no user name or password in the URL; deliveries are signed.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl("The URL's port is not a number from 1 to 65535.") from None
    return parts.scheme, parts.hostname, port


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_url(url: str, *, allow_private: bool) -> Target:
    """Resolve ``url``'s host and check every address; raises UnsafeUrl."""
    scheme, host, port = _split(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"The host name {host!r} cannot be resolved.") from None
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise UnsafeUrl(f"The host name {host!r} has no address.")
    refused = [a for a in addresses if not _public(a)]
    if refused and not allow_private:
        raise UnsafeUrl(
            f"{host} resolves to {refused[0]}, a loopback, link-local or private address; "
            "webhooks are only sent to public addresses."
        )
    return Target(url=url.strip(), host=host, address=addresses[0], port=port, scheme=scheme)
