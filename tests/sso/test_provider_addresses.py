"""District sign-in fetches the provider's documents: the same outbound-URL rule as
webhooks (app/security/outbound_urls.py), so staff cannot point the server inside the
network with an https address."""

from __future__ import annotations

import pytest

from app.sso import oidc


@pytest.mark.parametrize(
    "issuer",
    [
        "https://127.0.0.1",
        "https://10.0.0.5",
        "https://169.254.169.254",
        "https://[2002:a9fe:a9fe::1]",  # 6to4 of the cloud metadata address
        "https://[64:ff9b::a00:5]",  # NAT64 of 10.0.0.5
        "https://[::ffff:127.0.0.1]",
        "https://93.184.216.34:8443",  # a public address, but not a standard port
    ],
)
def test_a_non_public_issuer_is_refused_before_any_request(issuer: str) -> None:
    with pytest.raises(oidc.ProviderUnreachable, match="address refused"):
        oidc.discover(issuer, allow_loopback_http=False)


def test_the_loopback_setting_lets_tests_reach_a_local_provider(oidc_provider) -> None:  # type: ignore[no-untyped-def]
    found = oidc.discover(oidc_provider.url, allow_loopback_http=True)
    assert found.token_endpoint.startswith(oidc_provider.url.rstrip("/"))
    with pytest.raises(oidc.ProviderUnreachable, match="issuer address refused"):
        oidc.discover(oidc_provider.url, allow_loopback_http=False)
