"""District sign-in use cases: start an attempt, finish it at the callback.

State, nonce and PKCE verifier live in ``sso_login_attempt`` (server-side, single use, ten
minutes). Every refusal raises ``SignInFailed`` with a plain-language message, the status
to answer with, and a reason for the log (never a secret). Network calls to the provider
happen outside any write transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete, select, update

from app import tokens
from app.accounts import service as accounts
from app.accounts.models import Organization, User
from app.accounts.permissions import Permission, can
from app.config import Settings
from app.db import id_of, utcnow
from app.identity import service as identity
from app.orgs import service as orgs
from app.orgs.models import Proof
from app.security.redirects import safe_next
from app.security.secret_box import SecretUnreadable
from app.signing import matches
from app.sso import oidc, providers
from app.sso.models import ProviderKind, SsoIdentity, SsoLoginAttempt, SsoProvider

log = logging.getLogger("groundwork.sso")

ATTEMPT_LIFETIME = timedelta(minutes=10)
BROWSER_COOKIE = "gw_sso"

UNREACHABLE = (
    "We could not reach your district's sign-in service. It may be down for a moment: "
    "please try again in a few minutes. If it keeps happening, tell your district's "
    "technology team."
)
START_AGAIN = (
    "This sign-in link has expired, was already used, or was opened in another browser. "
    "Please start signing in again."
)


class SignInFailed(Exception):
    """District sign-in refused; ``message`` is for the person, ``reason`` for the log."""

    def __init__(self, reason: str, message: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    organization: Organization
    created: bool
    next_path: str


def start(
    session: Session,
    *,
    settings: Settings,
    provider: SsoProvider,
    browser_token: str,
    next_path: str,
    login_hint: str = "",
) -> str:
    """Record a new attempt and return the provider's authorization URL.

    ``browser_token`` is the random value of this browser's sign-in cookie. Raises
    SignInFailed (502) when the provider cannot be reached.
    """
    issuer, client_id, provider_id = provider.issuer, provider.client_id, id_of(provider)
    session.commit()  # no lock held while the provider answers
    try:
        discovery = oidc.discover(issuer, allow_loopback_http=settings.oidc_allow_loopback_http)
    except oidc.ProviderUnreachable as exc:
        raise SignInFailed(f"discovery failed: {exc}", UNREACHABLE, 502) from None
    state, state_hash = tokens.new_token()
    attempt = SsoLoginAttempt(
        state_hash=state_hash,
        nonce=tokens.random_token(),
        code_verifier=tokens.random_token(64),  # 86 characters (RFC 7636: 43 to 128)
        browser_hash=tokens.digest(browser_token),
        provider_id=provider_id,
        next_path=safe_next(next_path)[:500],
    )
    # Attempts nobody finished are kept a day for the log trail, then removed.
    session.exec(
        delete(SsoLoginAttempt).where(
            col(SsoLoginAttempt.created_at) < utcnow() - timedelta(days=1)
        )
    )
    session.add(attempt)
    session.commit()
    return oidc.authorization_url(
        discovery,
        client_id=client_id,
        redirect_uri=providers.redirect_uri(settings),
        state=state,
        nonce=attempt.nonce,
        code_verifier=attempt.code_verifier,
        login_hint=login_hint,
    )


def _claim_attempt(session: Session, *, state: str, browser_token: str) -> SsoLoginAttempt:
    """Use up the attempt that ``state`` names, committed before anything else happens, so
    a replayed callback (the same state and code) finds it used."""
    if not state or len(state) > 200:
        raise SignInFailed("missing or malformed state", START_AGAIN)
    attempt = session.exec(
        select(SsoLoginAttempt).where(SsoLoginAttempt.state_hash == tokens.digest(state))
    ).first()
    if attempt is None:
        raise SignInFailed("unknown state", START_AGAIN)
    if attempt.used_at is not None:
        raise SignInFailed("state already used (replayed callback)", START_AGAIN)
    if attempt.created_at < utcnow() - ATTEMPT_LIFETIME:
        raise SignInFailed("state expired", START_AGAIN)
    if not matches(attempt.browser_hash, tokens.digest(browser_token)):
        raise SignInFailed("state started in another browser", START_AGAIN)
    claimed = session.execute(
        update(SsoLoginAttempt)
        .where(col(SsoLoginAttempt.id) == attempt.id, col(SsoLoginAttempt.used_at).is_(None))
        .values(used_at=utcnow())
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise SignInFailed("state used at the same moment (replayed callback)", START_AGAIN)
    return attempt


def _checked_claims(
    session: Session,
    *,
    settings: Settings,
    provider: SsoProvider,
    attempt: SsoLoginAttempt,
    code: str,
) -> dict[str, Any]:
    """The ID token's claims after the code exchange and every token check."""
    try:
        secret = providers.client_secret(provider, settings=settings)
    except SecretUnreadable:
        raise SignInFailed(
            "client secret unreadable (GROUNDWORK_SECRET_KEY changed?)",
            "District sign-in is not set up correctly right now. Please tell your district's "
            "Groundwork administrator: the client secret must be entered again.",
            502,
        ) from None
    try:
        discovery = oidc.discover(
            provider.issuer, allow_loopback_http=settings.oidc_allow_loopback_http
        )
        id_token = oidc.exchange_code(
            discovery,
            client_id=provider.client_id,
            client_secret=secret,
            redirect_uri=providers.redirect_uri(settings),
            code=code,
            code_verifier=attempt.code_verifier,
        )
        return oidc.verify_id_token(
            id_token, discovery=discovery, client_id=provider.client_id, nonce=attempt.nonce
        )
    except oidc.ProviderUnreachable as exc:
        raise SignInFailed(f"provider unreachable: {exc}", UNREACHABLE, 502) from None
    except oidc.TokenRefused as exc:
        raise SignInFailed(f"token endpoint refused the code: {exc}", START_AGAIN) from None
    except oidc.BadIdToken as exc:
        raise SignInFailed(
            f"ID token rejected: {exc}",
            "Your district's sign-in answer could not be trusted, so we did not sign you in. "
            "Please start signing in again.",
        ) from None


NOT_YOURS = (
    "An account with this email address already exists, and your district's sign-in did not "
    "confirm that the address is yours. Log in with your password instead, or ask your "
    "district to verify your email address."
)


def _account_for(
    session: Session,
    *,
    settings: Settings,
    provider: SsoProvider,
    claims: dict[str, Any],
    email: str,
    subject: str,
) -> tuple[User, bool]:
    """The account this provider's person signs in to, matched on ``sub`` once linked;
    (account, created). Raises SignInFailed for accounts district sign-in may not open."""
    linked = session.exec(
        select(SsoIdentity).where(
            SsoIdentity.provider_id == id_of(provider), SsoIdentity.subject == subject
        )
    ).first()
    if linked is not None:
        user = session.get(User, linked.user_id)
        if user is None:  # pragma: no cover - a foreign key
            raise SignInFailed("linked account missing", START_AGAIN)
        _refuse_protected(user, provider)
        return user, False
    verified = claims.get("email_verified") in (True, "true")
    user = accounts.user_by_email(session, email=email)
    created = user is None
    if user is None:
        name = claims.get("name")
        user = accounts.create_passwordless_user(
            session,
            settings=settings,
            email=email,
            display_name=name if isinstance(name, str) else "",
        )
        session.flush()
    else:
        _refuse_protected(user, provider)
        if not verified:
            raise SignInFailed("email_verified is not true for an existing account", NOT_YOURS, 403)
        if not identity.is_verified(user):
            # Someone may have registered this address before its owner: the provider has now
            # proven whose it is, so the password that person chose stops working.
            accounts.lock_out_password(session, settings=settings, user=user)
    if verified:
        identity.vouched_for(user)
    session.add(SsoIdentity(provider_id=id_of(provider), subject=subject, user_id=id_of(user)))
    return user, created


def protected_account(user: User, *, organization_id: int) -> str | None:
    """Why a sign-in vouched for by an organization's system (district sign-in, an LMS
    launch) may not open ``user``: ``"role"`` for administrators, authors and staff of
    other organizations, ``"member"`` for members of another organization (who would be
    moved silently); None when it may."""
    # Admins and authors keep their password login; staff only for their own district.
    privileged = can(user, Permission.admin) or can(user, Permission.author_preview)
    if privileged or (
        can(user, Permission.manage_org) and user.staff_organization_id != organization_id
    ):
        return "role"
    if user.organization_id not in (None, organization_id):
        return "member"
    return None


def _refuse_protected(user: User, provider: SsoProvider) -> None:
    """Accounts that district sign-in never opens (``protected_account``)."""
    problem = protected_account(user, organization_id=provider.organization_id)
    if problem == "role":
        raise SignInFailed(
            f"{user.role} account",
            "This account cannot use district sign-in. Log in with your password.",
            403,
        )
    if problem == "member":
        raise SignInFailed(
            "member of another organization",
            "Your account belongs to another organization. Log in with your password; to "
            "move, ask this district's staff for an invitation link.",
            403,
        )


def _refuse_outsiders(provider: SsoProvider, claims: dict[str, Any]) -> str:
    """The signed-in email, once it belongs to this district; raises SignInFailed (403)."""
    email = claims.get("email")
    if not isinstance(email, str) or not accounts.EMAIL_RE.match(email.strip().lower()):
        raise SignInFailed(
            "no email claim",
            "Your district's sign-in did not tell us your email address, so we cannot sign "
            "you in. Please tell your district's technology team.",
            403,
        )
    email = accounts.normalize_email(email)
    domain = orgs.email_domain(email)
    if provider.kind == ProviderKind.google.value and claims.get("hd") not in provider.domain_list:
        raise SignInFailed(
            f"hd {str(claims.get('hd'))[:100]!r} not allowed",
            "This Google account is not one of your district's Google Workspace accounts. "
            "Sign in with your district account, not a personal one.",
            403,
        )
    if provider.kind == ProviderKind.entra.value and claims.get("tid") not in provider.tenant_list:
        raise SignInFailed(
            f"tid {str(claims.get('tid'))[:100]!r} not allowed",
            "This Microsoft account belongs to another organization than your district. "
            "Sign in with your district account.",
            403,
        )
    if domain not in provider.domain_list:
        raise SignInFailed(
            f"email domain {domain[:100]!r} not allowed",
            f"Addresses at {domain} cannot use this district's sign-in. Sign in with your "
            "district email address, or log in with your password.",
            403,
        )
    return email


def finish(
    session: Session,
    *,
    settings: Settings,
    state: str,
    code: str,
    error: str,
    browser_token: str,
) -> SignedIn:
    """Check the provider's answer and sign the person in: a new account, or an existing
    one when the provider says the email is verified. Raises SignInFailed."""
    attempt = _claim_attempt(session, state=state, browser_token=browser_token)
    if error:
        raise SignInFailed(
            f"provider answered error={error[:60]!r}",
            "Your district's sign-in page did not let you in"
            + (" (you chose not to continue)." if error == "access_denied" else ".")
            + " You can try again, or log in with your password.",
        )
    if not code or len(code) > 2000:
        raise SignInFailed("no code in the callback", START_AGAIN)
    provider = session.get(SsoProvider, attempt.provider_id)
    if provider is None:
        raise SignInFailed("provider removed during sign-in", START_AGAIN)
    session.commit()  # no transaction open while the provider answers
    claims = _checked_claims(
        session, settings=settings, provider=provider, attempt=attempt, code=code
    )
    email = _refuse_outsiders(provider, claims)
    organization = providers.organization_of(session, provider)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInFailed("no usable sub claim", START_AGAIN)
    user, created = _account_for(
        session, settings=settings, provider=provider, claims=claims, email=email, subject=subject
    )
    if user.organization_id != provider.organization_id:
        orgs.join(session, user=user, organization_id=id_of(organization), proof=Proof.sso)
    token = accounts.start_login(session, settings=settings, user=user)
    log.info(
        "District sign-in: user %s (%s) into organization %s",
        id_of(user),
        "new" if created else "existing",
        id_of(organization),
    )
    return SignedIn(user, token, organization, created, attempt.next_path)
