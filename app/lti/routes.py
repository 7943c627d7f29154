"""LTI 1.3 tool pages: the tool's JWKS, login initiation, launch and deep linking."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.db import SessionDep
from app.deps import SettingsDep
from app.lti import keys

router = APIRouter()


@router.get("/lti/jwks.json", name="lti_jwks")
def jwks(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The tool's public keys (active and recently retired), for platforms to check us."""
    found = keys.public_jwks(session, secret_key=settings.secret_key)
    session.commit()  # the first request makes the key pair
    return JSONResponse(found, headers={"Cache-Control": "public, max-age=300"})
