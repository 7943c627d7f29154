"""Outbound URL checks (webhooks, sign-in providers): only public addresses, whatever way
the address is written; standard ports; https in production."""

from __future__ import annotations

import pytest

from app.lti.platforms import fetch_problem
from app.security.outbound_urls import (
    OutboundPolicy,
    UnsafeUrl,
    address_problem,
    check_url,
    is_loopback_host,
    is_public,
)

PUBLIC = OutboundPolicy(allow_private=False, require_https=False)
PRIVATE_OK = OutboundPolicy(allow_private=True, require_https=False)
PRODUCTION = OutboundPolicy(allow_private=False, require_https=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/hook",
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://10.0.0.5/hook",
        "http://172.16.3.4/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/hook",
        "http://[fc00::1]/hook",
        "http://100.64.0.1/hook",
        "http://224.0.0.1/hook",
        # IPv6 forms that carry an IPv4 address: checked as that address.
        "http://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
        "http://[2002:a9fe:a9fe::1]/hook",  # 6to4 of 169.254.169.254 (cloud metadata)
        "http://[64:ff9b::7f00:1]/hook",  # NAT64 (RFC 6052) of 127.0.0.1
        "http://[64:ff9b::a00:5]/hook",  # NAT64 of 10.0.0.5
        "http://[64:ff9b:1::a9fe:a9fe]/hook",  # local-use NAT64 (RFC 8215)
        "http://[::ffff:10.0.0.5]/hook",  # IPv4-mapped
        "http://[::ffff:a9fe:a9fe]/hook",  # IPv4-mapped, written in hex
        "http://[::127.0.0.1]/hook",  # IPv4-compatible (deprecated)
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",  # Teredo of 127.0.0.1
    ],
)
def test_non_public_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl, match="public addresses"):
        check_url(url, policy=PUBLIC)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/x", "https://"),
        ("https:///nohost", "no host"),
        ("https://user:pw@93.184.216.34/x", "no user name"),
        ("https://93.184.216.34:99999/x", "port"),
        ("https://no-such-host.invalid/x", "cannot be resolved"),
        ("https://93.184.216.34/" + "a" * 2000, "at most"),
    ],
)
def test_malformed_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrl, match=reason):
        check_url(url, policy=PRIVATE_OK)


def test_a_public_address_passes_and_is_what_delivery_connects_to() -> None:
    target = check_url("https://93.184.216.34/hooks?x=1", policy=PUBLIC)
    assert (target.address, target.port, target.host) == ("93.184.216.34", 443, "93.184.216.34")
    assert check_url("http://93.184.216.34:80/x", policy=PUBLIC).port == 80


def test_public_addresses_written_as_ipv6_forms_pass() -> None:
    """The rule is about where the address leads, not how it is spelt."""
    assert is_public("2002:5db8:d822::")  # 6to4 of 93.184.216.34
    assert is_public("64:ff9b::5db8:d822")  # NAT64 of 93.184.216.34
    assert is_public("2606:4700:4700::1111")
    assert not is_public("2002:c0a8:101::")  # 6to4 of 192.168.1.1


@pytest.mark.parametrize("port", [22, 25, 6379, 8080, 8443, 9200])
def test_ports_other_than_80_and_443_are_refused(port: int) -> None:
    with pytest.raises(UnsafeUrl, match=f"Port {port} is not allowed"):
        check_url(f"https://93.184.216.34:{port}/hook", policy=PUBLIC)


def test_production_requires_https() -> None:
    with pytest.raises(UnsafeUrl, match="https://"):
        check_url("http://93.184.216.34/hook", policy=PRODUCTION)
    assert check_url("https://93.184.216.34/hook", policy=PRODUCTION).scheme == "https"


def test_webhook_policy_follows_the_settings() -> None:
    from app.webhooks.service import url_policy
    from tests.settings_support import make_production_settings, make_settings

    assert url_policy(make_production_settings()) == PRODUCTION
    assert url_policy(make_settings(webhook_allow_private_urls=True)) == PRIVATE_OK


def test_the_setting_allows_loopback() -> None:
    assert check_url("http://127.0.0.1:9/hook", policy=PRIVATE_OK).address == "127.0.0.1"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/a\x01b",
        "http://127.0.0.1:9/a\x7fb",
        "http://127.0.0.1:9/a b",
        "http://127.0.0.1:9/a\u2028b",
    ],
)
def test_control_characters_and_spaces_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl, match="control character"):
        check_url(url, policy=PRIVATE_OK)


def _problem(url: str, *, allowed: bool = False, allow_query: bool = True) -> str | None:
    return address_problem(
        url,
        noun="the platform",
        example="https://lms.example.org",
        setting="GROUNDWORK_LTI_ALLOW_LOOPBACK_HTTP",
        allow_loopback_http=allowed,
        allow_query=allow_query,
    )


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost.", "127.0.0.1", "::1"])
def test_loopback_hosts_are_named_in_one_place(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["example.org", "10.0.0.1", "localhost.example.org", ""])
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback_host(host)


def test_service_addresses_need_https_and_say_which_setting_allows_loopback_http() -> None:
    assert _problem("https://lms.example.org/auth") is None
    assert _problem("http://lms.example.org/auth") == "The platform must use https://."
    message = _problem("http://127.0.0.1:8000/auth") or ""
    assert "GROUNDWORK_LTI_ALLOW_LOOPBACK_HTTP" in message
    assert _problem("http://127.0.0.1:8000/auth", allowed=True) is None
    assert _problem("ftp://lms.example.org") == (
        "Enter the platform's https:// address, like https://lms.example.org."
    )
    assert _problem("https://user:pw@lms.example.org") is not None
    assert _problem("https://lms.example.org:99999") == "This is not a web address."
    assert _problem("https://lms.example.org/#x") is not None
    assert _problem("https://lms.example.org/?a=1") is None
    assert _problem("https://lms.example.org/?a=1", allow_query=False) is not None


def test_the_server_never_fetches_a_platform_endpoint_on_a_private_address() -> None:
    """Key sets and token endpoints follow the outbound-URL rule, not https alone."""
    refused = fetch_problem("https://169.254.169.254/jwks", allow_loopback_http=False)
    assert refused is not None
    assert "private address" in refused
    assert fetch_problem("https://10.1.2.3/token", allow_loopback_http=False) is not None
    assert fetch_problem("http://127.0.0.1:9/jwks", allow_loopback_http=True) is None
