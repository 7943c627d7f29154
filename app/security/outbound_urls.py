"""The one home of the outbound-URL rule: which addresses the server may call.

Webhook endpoints and district sign-in providers (``app/sso``) are URLs that staff type
and the server then fetches, so both go through ``check_url``. Never loopback,
link-local, private or otherwise non-public addresses, however the address is written
(IPv4-mapped, IPv4-compatible, 6to4, NAT64 and Teredo forms are checked as the IPv4
address they carry); only ports 80 and 443; and ``https`` only in production. A setting
for tests and development (``OutboundPolicy.allow_private``) lifts the address and port
rules, never the https rule of production.

Addresses that staff type for services (an OIDC provider, an LTI platform, an LRS) are
first read by ``address_problem``: https only, with plain http allowed on a loopback host
when that service's development setting is on. ``loopback_policy`` is the ``check_url``
policy that goes with it.

Webhooks check when an endpoint is registered and again at every delivery, and the
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
# The ports a public URL may name. A receiver on another port sits behind a proxy on 443.
ALLOWED_PORTS = frozenset({80, 443})
# NAT64 prefixes (RFC 6052 well-known, RFC 8215 local-use): the IPv4 address is the last 32 bits.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class OutboundPolicy:
    """What a caller allows: ``allow_private`` (tests, development) lifts the address and
    port rules; ``require_https`` (production) refuses plain http."""

    allow_private: bool
    require_https: bool


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


def _carried_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _plain_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_public(address: str) -> bool:
    """Whether ``address`` (IPv4 or IPv6 text) reaches the public internet only."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        carried = _carried_ipv4(ip)
        if carried:
            return all(_plain_public(v4) for v4 in carried)
    return _plain_public(ip)


def check_url(url: str, *, policy: OutboundPolicy) -> Target:
    """Resolve ``url``'s host and check its scheme, port and every address; raises UnsafeUrl."""
    scheme, host, port = _split(url)
    if policy.require_https and scheme != "https":
        raise UnsafeUrl("The URL must start with https:// (plain http is refused in production).")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"The host name {host!r} cannot be resolved.") from None
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise UnsafeUrl(f"The host name {host!r} has no address.")
    refused = [a for a in addresses if not is_public(a)]
    if refused and not policy.allow_private:
        raise UnsafeUrl(
            f"{host} resolves to {refused[0]}, a loopback, link-local or private address; "
            "the server only calls public addresses."
        )
    if not policy.allow_private and port not in ALLOWED_PORTS:
        raise UnsafeUrl(
            f"Port {port} is not allowed; use the standard port (443 for https, 80 for http)."
        )
    return Target(url=url.strip(), host=host, address=addresses[0], port=port, scheme=scheme)


# Host names that always mean this computer, besides the loopback IP addresses.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "localhost.localdomain"})


def is_loopback_host(host: str) -> bool:
    """``host`` names this computer: ``localhost`` or a loopback IP address."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_problem(
    url: str,
    *,
    noun: str,
    example: str,
    setting: str,
    allow_loopback_http: bool,
    allow_query: bool = True,
) -> str | None:
    """Why ``url`` cannot be the address of a service the server calls, or None: https
    only; plain http only on a loopback host, and only when ``setting`` is on (development
    and tests). ``noun`` names the service in the message ("the platform")."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "This is not a web address."
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        return f"Enter {noun}'s https:// address, like {example}."
    if parts.fragment or (parts.query and not allow_query):
        return (
            "The address cannot have a fragment (#…)."
            if allow_query
            else "The address cannot have a query (?…) or a fragment (#…)."
        )
    if parts.scheme == "http":
        must = f"{noun[0].upper()}{noun[1:]} must use https://."
        if not is_loopback_host(host):
            return must
        if not allow_loopback_http:
            return (
                f"{must} Plain http on this computer needs {setting} (development and tests only)."
            )
    return None


def loopback_policy(allow_loopback_http: bool) -> OutboundPolicy:
    """The ``check_url`` policy for a service address read by ``address_problem``: public
    addresses on standard ports, unless the service's loopback setting is on."""
    return OutboundPolicy(allow_private=allow_loopback_http, require_https=False)
