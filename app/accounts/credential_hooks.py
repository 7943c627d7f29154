"""What else ends when an account's password changes.

Accounts sits below the features that hand out other credentials (API tokens), so those
register a listener here and the password services call every listener inside their own
transaction: the new password and the revocations commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

# (session, user id) -> None; must not commit.
CredentialsListener = Callable[[Session, int], None]

_listeners: dict[str, CredentialsListener] = {}


def register_credentials_listener(name: str, listener: CredentialsListener) -> None:
    """Call ``listener`` whenever a user's password is reset or changed (idempotent by name)."""
    _listeners[name] = listener


def listener_names() -> tuple[str, ...]:
    """The names of the registered listeners (checked at start-up)."""
    return tuple(_listeners)


def credentials_changed(session: Session, *, user_id: int) -> None:
    """Tell every listener that ``user_id`` has a new password (not committed)."""
    for listener in _listeners.values():
        listener(session, user_id)
