"""The LTI Advantage services of an independent platform (``lti1p3platform`` 0.1.8) on a
loopback port: the client-credentials token endpoint, Assignment and Grade Services (line
items, scores) and Names and Role Provisioning (memberships, paged).

The checks are the library's: ``get_access_token`` verifies the tool's client assertion
against the tool's JWKS (given inline: the library refuses a plain-http JWKS URL), and its
``AssignmentsGradesService`` / ``NamesRoleProvisioningService`` check each bearer token's
signature, issuer, expiry and scopes. This module stores what the services are handed and
maps them to HTTP routes. The library puts the next page's URL in the membership body; the
route moves it to a ``Link: <…>; rel="next"`` header, as NRPS 2.0 says platforms send it.

``down = True`` makes every route answer 503, as a platform under maintenance would.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import typing as t
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from lti1p3platform.exceptions import LineItemNotFoundException
from lti1p3platform.lineitem import TLineItem
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as LibraryRequest
from lti1p3platform.request import TRequest
from lti1p3platform.score import TScore, UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
    TPage,
)

CLIENT_ID = "groundwork-services-client"
CONTEXT_ID = "course-101"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class ServicePlatform:
    """What the platform holds: its registration, line items, scores, the roster."""

    def __init__(self) -> None:
        self.url = ""
        self.registration = Registration()
        private, public = _key_pair()
        self.registration.set_platform_private_key(private)
        self.registration.set_platform_public_key(public)
        self.registration.set_client_id(CLIENT_ID)
        self.lineitems: dict[str, dict[str, t.Any]] = {}
        self.scores: dict[str, list[dict[str, t.Any]]] = {}
        self.members: list[dict[str, t.Any]] = []
        self.page_size = 2  # the most members one page holds, whatever the tool asks
        self.token_requests: list[dict[str, str]] = []
        self.membership_requests: list[str] = []
        self.down = False

    def connect(self, tool_jwks: dict[str, t.Any]) -> None:
        self.registration.set_iss(self.url).set_tool_key_set(tool_jwks)  # type: ignore[arg-type]

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def lineitems_url(self, context_id: str = CONTEXT_ID) -> str:
        return f"{self.url}/contexts/{context_id}/lineitems"

    def memberships_url(self, context_id: str = CONTEXT_ID) -> str:
        return f"{self.url}/contexts/{context_id}/memberships"

    def add_member(
        self, sub: str, name: str, email: str | None, roles: list[str], status: str = "Active"
    ) -> None:
        member: dict[str, t.Any] = {"user_id": sub, "name": name, "roles": roles, "status": status}
        if email:
            member["email"] = email
        self.members.append(member)


class _Config(LTI1P3PlatformConfAbstract):
    def __init__(self, platform: ServicePlatform) -> None:
        self.platform = platform
        super().__init__()
        self.get_registration()

    def init_platform_config(self, **kwargs: t.Any) -> None:
        pass

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.platform.registration


class _Request(LibraryRequest):
    def build_metadata(self, request: t.Any) -> TRequest:
        return t.cast(TRequest, request)


async def _library_request(request: Request) -> _Request:
    body = await request.body()
    query = {
        k: int(v) if v.isdecimal() and k in ("page", "limit") else v
        for k, v in request.query_params.items()
    }

    return _Request(
        {
            "method": request.method,
            "form_data": {},
            "get_data": query,
            "headers": request.headers,  # case-insensitive, as the library's lookups need
            "content_type": request.headers.get("content-type"),
            "path": request.url.path,
            "json": json.loads(body) if body else None,
        }
    )


class _Grades(AssignmentsGradesService):
    def __init__(self, request: _Request, platform: ServicePlatform, context_id: str) -> None:
        self.platform = platform
        super().__init__(request, _Config(platform), platform.lineitems_url(context_id))

    def find_lineitems(
        self,
        page: int = 1,
        limit: int | None = None,
        line_item_id: str | None = None,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        **kwargs: t.Any,
    ) -> TPage:
        items = [
            item
            for item in self.platform.lineitems.values()
            if (resource_link_id is None or item.get("resourceLinkId") == resource_link_id)
            and (resource_id is None or item.get("resourceId") == resource_id)
            and (tag is None or item.get("tag") == tag)
        ]
        return {"content": items, "has_next": False}

    def find_lineitem(self, line_item_id: str) -> TLineItem:
        if line_item_id not in self.platform.lineitems:
            raise LineItemNotFoundException()
        return t.cast(TLineItem, self.platform.lineitems[line_item_id])

    def create_lineitem(self, creation_data: TLineItem) -> TLineItem:
        item = dict(creation_data)
        item["id"] = f"{self.ags.lineitems_url}/{uuid.uuid4().hex[:8]}"
        self.platform.lineitems[item["id"]] = item
        return t.cast(TLineItem, item)

    def update_lineitem(self, update_data: TLineItem) -> TLineItem:
        raise NotImplementedError

    def delete_lineitem(self, line_item_id: str) -> None:
        raise NotImplementedError

    def update_score(self, line_item_id: str, score: TScore) -> UpdateScoreStatus:
        if line_item_id not in self.platform.lineitems:
            raise LineItemNotFoundException()
        received = self.platform.scores.setdefault(line_item_id, [])
        mine = [s for s in received if s["userId"] == score["userId"]]
        if mine and str(mine[-1]["timestamp"]) > str(score["timestamp"]):
            return UpdateScoreStatus.OLD_TIMESTAMP
        received.append(dict(score))
        return UpdateScoreStatus.SUCCESS if mine else UpdateScoreStatus.CREATED

    def get_results(
        self, line_item_id: str, page: int = 1, limit: int | None = None, user_id: str | None = None
    ) -> TPage:
        raise NotImplementedError


class _Roster(NamesRoleProvisioningService):
    def __init__(self, request: _Request, platform: ServicePlatform, context_id: str) -> None:
        self.platform = platform
        self.context_id = context_id
        super().__init__(request, _Config(platform), platform.memberships_url(context_id))

    def get_member_data_page(
        self,
        page: int = 1,
        limit: int | None = None,
        role: str | None = None,
        since: str | None = None,
        **kwargs: t.Any,
    ) -> TPage:
        size = min(limit or self.platform.page_size, self.platform.page_size)
        start = (page - 1) * size
        members = [dict(m) for m in self.platform.members]
        return {
            "content": members[start : start + size],
            "has_next": start + size < len(members),
        }

    def get_context_by_id(self) -> Context:
        return Context(id=self.context_id, label="PD 101", title="PD: Data Literacy, Spring")


def _answer(resp: t.Any, headers: dict[str, str] | None = None) -> Response:
    if resp.code == 204 or resp.result is None:
        return JSONResponse({"message": resp.message}, status_code=resp.code, headers=headers)
    return JSONResponse(
        resp.result, status_code=resp.code, media_type=resp.media_type, headers=headers
    )


def _guarded(call: t.Callable[[], t.Any]) -> Response:
    """The library raises on a bad token (bad signature, expired): that is a 401."""
    try:
        return t.cast(Response, call())
    except Exception as exc:  # noqa: BLE001
        return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=401)


def build_app(platform: ServicePlatform) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def maintenance(request: Request, call_next: t.Any) -> Response:
        if platform.down:
            return JSONResponse({"error": "maintenance"}, status_code=503)
        return t.cast(Response, await call_next(request))

    @app.post("/token")
    async def token(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        platform.token_requests.append(form)
        try:
            return JSONResponse(dict(_Config(platform).get_access_token(form)))
        except Exception as exc:  # noqa: BLE001  (a refused grant)
            return JSONResponse({"error": "invalid_grant", "detail": str(exc)}, status_code=400)

    @app.api_route("/contexts/{context_id}/lineitems", methods=["GET", "POST"])
    async def lineitems(context_id: str, request: Request) -> Response:
        service = _Grades(await _library_request(request), platform, context_id)
        handler = (
            service.handle_get_lineitems
            if request.method == "GET"
            else service.handle_create_lineitem
        )
        return _guarded(lambda: _answer(service.handle_resp(handler)))

    @app.post("/contexts/{context_id}/lineitems/{item}/scores")
    async def scores(context_id: str, item: str, request: Request) -> Response:
        service = _Grades(await _library_request(request), platform, context_id)
        line_item_id = f"{platform.lineitems_url(context_id)}/{item}"
        return _guarded(
            lambda: _answer(
                service.handle_resp(service.handle_update_score, line_item_id=line_item_id)
            )
        )

    @app.get("/contexts/{context_id}/memberships")
    async def memberships(context_id: str, request: Request) -> Response:
        platform.membership_requests.append(str(request.url))
        service = _Roster(await _library_request(request), platform, context_id)

        def call() -> Response:
            resp = service.handle_resp(service.handle_get_members)
            headers = None
            if isinstance(resp.result, dict) and resp.result.get("next"):
                headers = {"Link": f'<{resp.result.pop("next")}>; rel="next"'}
            return _answer(resp, headers)

        return _guarded(call)

    return app


@contextmanager
def running_service_platform() -> Iterator[ServicePlatform]:
    """The platform on ``http://localhost:<port>``; call ``connect`` with the tool's JWKS."""
    platform = ServicePlatform()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(build_app(platform), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    platform.url = f"http://localhost:{port}"
    try:
        yield platform
    finally:
        server.should_exit = True
        thread.join(timeout=10)
