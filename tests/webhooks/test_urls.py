"""Webhook URL checks: only public addresses, whatever way the address is written."""

from __future__ import annotations

import pytest

from app.webhooks.urls import UnsafeUrl, check_url


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
    ],
)
def test_non_public_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl, match="public addresses"):
        check_url(url, allow_private=False)


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
        check_url(url, allow_private=True)


def test_a_public_address_passes_and_is_what_delivery_connects_to() -> None:
    target = check_url("https://93.184.216.34:8443/hooks?x=1", allow_private=False)
    assert (target.address, target.port, target.host) == ("93.184.216.34", 8443, "93.184.216.34")


def test_the_setting_allows_loopback() -> None:
    assert check_url("http://127.0.0.1:9/hook", allow_private=True).address == "127.0.0.1"


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
        check_url(url, allow_private=True)
