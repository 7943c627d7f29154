"""An independent LTI 1.3 platform (the ``lti1p3platform`` package from PyPI) served on a
loopback port in a thread, for the LTI tests and the browser test.

The platform side is the library's: its registration, its OIDC login initiation, its
message launch (id_token signing with its own key) and its deep-linking response check.
This module only wires it to HTTP routes and keeps what the test asks it to launch. The
platform gets the tool's JWKS inline (the library refuses a plain-http JWKS URL).

It serves on ``localhost`` while the tool serves on ``127.0.0.1``: two different sites, so
a tool page framed by the platform's page is a third-party frame.
"""

from __future__ import annotations

import html
import socket
import threading
import time
import typing as t
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration

CLIENT_ID = "groundwork-tool-client"
DEPLOYMENT_ID = "deployment-1"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _new_key() -> tuple[str, str, str]:
    """(kid, private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return uuid.uuid4().hex, private, public


class _Registration(Registration):
    """The library's registration, with a ``kid`` on the platform's keys (it has none by
    default) and the previous key still published after a rotation."""

    kid: str = ""
    published: list[dict[str, t.Any]]

    def get_kid(self) -> str | None:
        return self.kid

    def get_jwks(self) -> list[dict[str, t.Any]]:
        return self.published


@dataclass
class LaunchSpec:
    """What the platform puts in one launch (looked up by ``lti_message_hint``)."""

    sub: str = "learner-1"
    roles: list[str] = field(default_factory=lambda: [LEARNER])
    name: str = "Pat Learner"
    email: str | None = "pat@riverside.example.org"
    resource_link_id: str = "link-1"
    context_id: str = "course-101"
    context_title: str = "PD: Data Literacy, Spring"
    custom: dict[str, str] = field(default_factory=dict)
    deep_linking: bool = False
    lineitem: str | None = None
    lineitems: str | None = None  # the line items URL, when the services live elsewhere
    expiration: int = 300
    deployment_id: str | None = None  # another deployment than the registered one
    audience: str | None = None  # another client id than ours


class Platform:
    """The platform's state: registration, keys, launches to make, what it received."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.tool_url = ""
        self.tool_jwks: dict[str, t.Any] = {"keys": []}
        self.specs: dict[str, LaunchSpec] = {}
        self.received_items: list[dict[str, t.Any]] = []
        self.received_data: list[t.Any] = []
        self.redirect_uris: list[str] = []
        self.registration = _Registration()
        self.registration.published = []
        self.rotate_key()

    # --- set-up -----------------------------------------------------------------------

    def rotate_key(self) -> None:
        kid, private, public = _new_key()
        jwk = Registration.get_jwk(public)
        jwk["kid"] = kid
        reg = self.registration
        reg.kid = kid
        reg.published = [jwk, *reg.published][:2]
        reg.set_platform_private_key(private)
        reg.set_platform_public_key(public)

    def connect(self, tool_url: str, tool_jwks: dict[str, t.Any]) -> None:
        self.tool_url = tool_url.rstrip("/")
        self.tool_jwks = tool_jwks
        (
            self.registration.set_iss(self.url)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(f"{self.tool_url}/lti/login")
            .set_launch_url(f"{self.tool_url}/lti/launch")
            .set_deeplink_launch_url(f"{self.tool_url}/lti/launch")
            .set_tool_key_set(tool_jwks)  # type: ignore[arg-type]
        )

    @property
    def auth_url(self) -> str:
        return f"{self.url}/auth"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/jwks"

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def add_launch(self, spec: LaunchSpec) -> str:
        """Register a launch; its ``lti_message_hint``."""
        hint = uuid.uuid4().hex
        self.specs[hint] = spec
        return hint

    def login_initiation_url(self, hint: str) -> str:
        """The library's third-party login initiation URL for this launch."""
        login = _OidcLogin(None, _Config(self))
        login.set_lti_message_hint(hint=hint)
        if self.specs[hint].deep_linking:
            login.set_deeplinking_launch_url()
        return login.prepare_preflight_url(self.specs[hint].sub)


class _Config(LTI1P3PlatformConfAbstract):
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        super().__init__()

    def init_platform_config(self, **kwargs: t.Any) -> None:
        pass

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.platform.registration


class _OidcLogin(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> t.Any:
        return RedirectResponse(url)


class _MessageLaunch(LTIAdvantageMessageLaunchAbstract):
    def __init__(self, request: Request, platform: Platform) -> None:
        self.platform = platform
        self.query = dict(request.query_params)
        super().__init__(request, _Config(platform))  # type: ignore[arg-type]

    def get_preflight_response(self) -> dict[str, t.Any]:
        return self.query

    def prepare_launch(self, preflight_response: dict[str, t.Any]) -> None:
        spec = self.platform.specs[preflight_response["lti_message_hint"]]
        self.set_user_data(spec.sub, spec.roles, full_name=spec.name, email_address=spec.email)
        self.set_launch_context_claim(spec.context_id, context_title=spec.context_title)
        self.set_launch_presentation_claim(document_target="iframe")
        self.set_id_token_expiration(spec.expiration)
        if spec.deep_linking:
            self.set_dl(f"{self.platform.url}/deep-link-return", extra_data={"pick": "one"})
        else:
            self.set_resource_link_claim(spec.resource_link_id, title="Groundwork link")
            if spec.custom:
                self.set_custom_parameters_claim(spec.custom)
            if spec.lineitem:
                self.set_ags(spec.lineitems or f"{self.platform.url}/lineitems", spec.lineitem)
        if spec.deployment_id:
            self.set_extra_claims(
                {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": spec.deployment_id}
            )
        if spec.audience:
            self.set_extra_claims({"aud": spec.audience, "azp": spec.audience})

    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> HTMLResponse:
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(launch_data[name])}">'
            for name in ("id_token", "state")
        )
        return HTMLResponse(
            f"<!doctype html><html><head><title>Launching</title></head><body>"
            f'<form id="launch" method="post" action="{html.escape(launch_data["launch_url"])}">'
            f'{fields}<button type="submit">Launch</button></form>'
            f'<script>document.getElementById("launch").submit()</script></body></html>'
        )


def build_app(platform: Platform) -> FastAPI:
    app = FastAPI()

    @app.get("/jwks")
    def jwks() -> JSONResponse:
        return JSONResponse({"keys": platform.registration.get_jwks()})

    @app.get("/auth")
    def auth(request: Request) -> t.Any:
        redirect_uri = request.query_params.get("redirect_uri", "")
        platform.redirect_uris.append(redirect_uri)
        # The platform sends the id_token only to the launch URL it has registered.
        if redirect_uri != platform.registration.get_launch_url():
            return JSONResponse({"error": "invalid_request_object"}, status_code=400)
        if request.query_params.get("response_mode") != "form_post":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        return _MessageLaunch(request, platform).lti_launch()

    @app.get("/course/{hint}")
    def course_page(hint: str) -> HTMLResponse:
        """The LMS page that frames the tool, as Canvas or Moodle do."""
        src = html.escape(platform.login_initiation_url(hint))
        return HTMLResponse(
            "<!doctype html><html><head><title>LMS course</title></head><body>"
            f'<h1>LMS course</h1><iframe id="tool" title="Groundwork" src="{src}" '
            'width="1000" height="700"></iframe></body></html>'
        )

    @app.post("/deep-link-return")
    async def deep_link_return(request: Request) -> HTMLResponse:
        form = await request.form()
        config = _Config(platform)
        config.get_registration()
        items = config.validate_deeplinking_resp({"JWT": form["JWT"]})
        platform.received_items.extend(items)
        return HTMLResponse("<!doctype html><title>Added</title><p>Content added.</p>")

    @app.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        config = _Config(platform)
        config.get_registration()
        return JSONResponse(config.get_access_token(dict(form)))

    return app


@contextmanager
def serving(app: t.Any, host: str) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port; its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def running_platform() -> Iterator[Platform]:
    """A platform on ``http://localhost:<port>``; call ``connect`` before launching."""
    platform = Platform("")
    with serving(build_app(platform), "localhost") as url:
        platform.url = url
        yield platform


def form_of(page: str) -> tuple[str, dict[str, str]]:
    """(action, fields) of the platform's auto-posting launch form."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    form = soup.find("form")
    assert form is not None, page[:500]
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    return str(form["action"]), {str(k): str(v) for k, v in fields.items()}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
