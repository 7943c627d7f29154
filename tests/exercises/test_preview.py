"""Author preview: authors and admins see every exercise's answer key; nobody else does."""

from __future__ import annotations

import pytest

from tests.exercises.support import SLUG, enroll, spec_of
from tests.factories import make_user
from tests.helpers import login, soup

PREVIEW = f"/author/preview/{SLUG}/gaps"


@pytest.mark.parametrize("role", ["author", "admin"])
def test_preview_shows_every_variant_key(client, session, role: str) -> None:
    """Each exercise shows an answer-key box listing each variant with its key, as displayed."""
    login(client, make_user(session, role=role))
    response = client.get(PREVIEW)
    assert response.status_code == 200
    page = soup(response)
    for activity_id in ("el-gap", "top-school", "what-counts"):
        section = page.find("section", id=activity_id)
        assert section is not None, activity_id
        box = section.find(class_="preview-keys")
        assert box is not None, activity_id
        items = [li.get_text(" ", strip=True) for li in box.find_all("li")]
        spec = spec_of(client, activity_id)
        expected = [
            f"{v.label}: {v.answer.display}" if v.key else v.answer.display for v in spec.variants
        ]
        assert items == expected, activity_id
        assert section.find("form") is None  # nothing to submit in preview


def test_learners_get_no_preview_and_no_key_on_the_module_page(client, session) -> None:
    """A learner is refused the preview, and the module page carries no key box."""
    login(client, make_user(session))
    assert client.get(PREVIEW).status_code in (403, 404)
    enroll(client)
    page = client.get(f"/courses/{SLUG}/modules/gaps")
    assert page.status_code == 200
    assert "preview-keys" not in page.text
    assert "Answer key" not in page.text
