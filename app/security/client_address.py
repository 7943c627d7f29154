"""The client's address, as the throttles count it.

An IPv4 address is one client. An IPv6 client usually holds a whole /64 (RFC 4291: the
interface identifier is the host's to choose, and privacy addresses change it freely), so
counting per /128 would let one machine try 2**64 times; the throttles count per /64.
"""

from __future__ import annotations

import ipaddress

from fastapi import Request

IPV6_PREFIX = 64


def throttle_unit(address: str) -> str:
    """The unit a throttle counts ``address`` in: the IPv4 address, or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # "unknown", or a test client's name
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)


def client_ip(request: Request) -> str:
    """The peer address uvicorn reports (behind a proxy: what its forwarded headers say),
    as a throttle counts it (``throttle_unit``)."""
    return throttle_unit(request.client.host) if request.client else "unknown"
