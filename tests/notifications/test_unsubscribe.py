"""One-click unsubscribe: the signed token names a user and a kind; a GET shows a page with
a button and changes nothing (mail scanners fetch links); a POST without signing in or a
CSRF cookie unsubscribes and answers 200; forged tokens answer 404."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from pydantic import SecretStr
from sqlmodel import select

from app.accounts.models import User
from app.notifications import service
from app.notifications.models import NotificationSetting
from app.signing import Signer
from tests.factories import make_user
from tests.helpers import soup

ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}


def _settings_of(session, user_id: int) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    session.commit()
    user = session.get(User, user_id)
    assert user is not None
    return {c.kind.key: c.enabled for c in service.choices(session, user=user)}


def test_token_round_trip_and_refusals() -> None:
    key, other = SecretStr("secret"), SecretStr("other secret")
    token = service.unsubscribe_token(key, user_id=7, kind="due_reminder")
    assert service.read_unsubscribe_token(key, token) == (7, service.DUE_REMINDER)
    assert service.read_unsubscribe_token(other, token) is None
    assert service.read_unsubscribe_token(key, token[:-1] + "0") is None
    assert service.read_unsubscribe_token(key, "garbage") is None
    # Signed by the same key for another purpose, or naming an unknown kind: refused.
    flash = Signer(key, "flash").sign(b"7:due_reminder")
    assert service.read_unsubscribe_token(key, flash) is None
    unknown = Signer(key, "unsubscribe").sign(b"7:everything")
    assert service.read_unsubscribe_token(key, unknown) is None
    huge = Signer(key, "unsubscribe").sign(b"9" * 5000 + b":due_reminder")
    assert service.read_unsubscribe_token(key, huge) is None


def test_links_mailed_before_the_signer_still_work() -> None:
    """The format before the Signer, built by hand: base64 of the framed payload and the
    first 32 hex characters of its HMAC-SHA256."""
    framed = b"unsubscribe:7:due_reminder"
    mac = hmac.new(b"secret", framed, hashlib.sha256).hexdigest()[:32]
    old_link_token = base64.urlsafe_b64encode(framed).decode() + "." + mac
    found = service.read_unsubscribe_token(SecretStr("secret"), old_link_token)
    assert found == (7, service.DUE_REMINDER)


def test_get_shows_a_button_and_changes_nothing_post_unsubscribes(client, session, settings):
    user = make_user(session)
    token = service.unsubscribe_token(settings.secret_key, user_id=user.id, kind="overdue_notice")
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    form = soup(page).select_one("main form[method=post]")
    assert form["action"] == f"/unsubscribe/{token}"
    assert "Unsubscribe from overdue notices" in form.get_text()
    assert _settings_of(session, user.id) == {
        "due_reminder": True,
        "overdue_notice": True,
        "community_replies": False,
        "community_digest": True,
    }
    client.cookies.clear()
    done = client.post(
        f"/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
    )
    assert done.status_code == 200
    assert "no more overdue notices" in soup(done).get_text()
    assert _settings_of(session, user.id) == {
        "due_reminder": True,
        "overdue_notice": False,
        "community_replies": False,
        "community_digest": True,
    }
    again = client.post(
        f"/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
    )
    assert again.status_code == 200
    rows = session.exec(select(NotificationSetting).where(NotificationSetting.user_id == user.id))
    assert len(rows.all()) == 1


@pytest.mark.parametrize("token", ["forged", "a.b", "%00", "x" * 3000])
def test_bad_tokens_answer_404(client, token: str) -> None:
    assert client.get(f"/unsubscribe/{token}").status_code == 404
    response = client.post(
        f"/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
    )
    assert response.status_code == 404


def test_a_token_for_a_deleted_account_answers_404(client, settings) -> None:
    token = service.unsubscribe_token(settings.secret_key, user_id=424242, kind="due_reminder")
    response = client.post(
        f"/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
    )
    assert response.status_code == 404
