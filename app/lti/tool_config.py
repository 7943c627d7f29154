"""What a platform administrator enters about Groundwork, built from GROUNDWORK_BASE_URL:
the addresses `groundwork lti show` prints and the tool configuration document serves."""

from __future__ import annotations

from typing import Any

from app.config import Settings

TITLE = "Groundwork"
DESCRIPTION = "Self-paced professional learning courses on equity-focused use of data."
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


def _base(settings: Settings) -> str:
    return settings.base_url.rstrip("/")


def login_url(settings: Settings) -> str:
    return _base(settings) + "/lti/login"


def launch_url(settings: Settings) -> str:
    """The launch (redirect) URL; deep linking launches there too."""
    return _base(settings) + "/lti/launch"


def jwks_url(settings: Settings) -> str:
    return _base(settings) + "/lti/jwks.json"


def config_url(settings: Settings) -> str:
    return _base(settings) + "/lti/config.json"


def addresses(settings: Settings) -> dict[str, str]:
    """Label -> address, in the order a platform's registration form asks for them."""
    return {
        "Login (OIDC initiation) URL": login_url(settings),
        "Launch (redirect) URL": launch_url(settings),
        "Deep linking URL": launch_url(settings),
        "Public key set (JWKS) URL": jwks_url(settings),
        "Tool configuration (JSON) URL": config_url(settings),
    }


def document(settings: Settings) -> dict[str, Any]:
    """The tool configuration (LTI Dynamic Registration's ``openid-configuration`` shape,
    which Canvas's JSON configuration and Moodle's registration also read)."""
    base = _base(settings)
    domain = base.split("://", 1)[-1].split("/", 1)[0]
    return {
        "application_type": "web",
        "client_name": TITLE,
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": login_url(settings),
        "redirect_uris": [launch_url(settings)],
        "jwks_uri": jwks_url(settings),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": domain,
            "description": DESCRIPTION,
            "target_link_uri": launch_url(settings),
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch_url(settings)},
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": launch_url(settings),
                    "label": "Add a Groundwork course or module",
                    "placements": ["link_selection", "assignment_selection"],
                },
            ],
            "custom_parameters": {},
        },
    }
