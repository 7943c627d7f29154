"""Every verification form refuses a POST without this browser's CSRF token."""

from __future__ import annotations

import pytest

from app.identity.service import is_verified
from tests.factories import DEFAULT_PASSWORD
from tests.identity.support import fresh_user, latest_link, mail_to, sign_up


@pytest.mark.parametrize("token", [None, "forged"])
def test_each_form_refuses_a_missing_or_forged_token(client, session, token):
    sign_up(client, "careful@example.org")
    link = latest_link(session, "careful@example.org")
    extra = {} if token is None else {"csrf_token": token}
    forms = [
        (link, {}),
        ("/account/verify-email/resend", {}),
        ("/account/email", {"new_email": "other@example.org", "password": DEFAULT_PASSWORD}),
    ]
    for url, data in forms:
        response = client.post(url, data={**data, **extra})
        assert response.status_code == 403, url
        assert "This form has expired" in response.text
    assert not is_verified(fresh_user(session, "careful@example.org"))
    assert len(mail_to(session, "careful@example.org")) == 1
    assert mail_to(session, "other@example.org") == []
