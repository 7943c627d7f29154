"""No answer key reaches a learner who has not earned the reveal.

Every exercise of every bundled and fixture course is rendered as an enrolled learner who
has made no counted attempt: module pages, the hint and attempt htmx fragments, the no-JS
format-error page, the explorer pages, the OpenAPI document, JSON endpoints and error pages.
No response may contain a key value (full precision, or as displayed inside the exercise), a
piece of the answer spec, or a correct-choice marker. Only the author preview shows keys.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import ROOT
from tests.api.support import make_token
from tests.exercises.leak_checks import (  # noqa: F401
    ALLOWED_INPUT_ATTRS,
    ROOTS,
    SPEC_MARKERS,
    _check,
    _displayed,
    _exercises,
    _secrets,
)
from tests.factories import make_user
from tests.helpers import login, post_form
from tests.security.routes import app_routes


@pytest.fixture(params=ROOTS, ids=lambda p: str(p.relative_to(ROOT)))
def root(request: pytest.FixtureRequest) -> Path:
    """One folder of courses."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def settings_overrides(root: Path) -> dict[str, object]:
    """Serve the courses in ``root``."""
    return {"content_dir": root}


def test_no_answer_key_reaches_a_learner(client: TestClient, session, root: Path) -> None:
    """Pages, fragments, error pages and API documents carry no key, spec or marker."""
    exercises = _exercises(root)
    specs = [spec for _, _, spec in exercises]
    learner = make_user(session)
    login(client, learner)
    registry = client.app.state.registry  # type: ignore[attr-defined]
    checked = 0
    for slug in {slug for slug, _, _ in exercises}:
        course = registry.get(slug)
        if course is None or not course.is_published:
            continue
        post_form(client, f"/courses/{slug}/enroll")
        for module in course.modules:
            url = f"/courses/{slug}/modules/{module.id}"
            _check(client.get(url).text, specs, url)
            for block in module.blocks:
                kind = getattr(block, "kind", None)
                if kind == "explore":
                    explore_url = f"/courses/{slug}/explore/{block.id}"
                    _check(client.get(explore_url).text, specs, explore_url)
                    hx = client.get(explore_url, headers={"HX-Request": "true"})
                    _check(hx.text, specs, explore_url + " (htmx)")
                if kind != "exercise":
                    continue
                base = f"/courses/{slug}/exercises/{block.id}"
                for response in (
                    post_form(client, base + "/hint", headers={"HX-Request": "true"}),
                    post_form(client, base + "/hint", headers={"HX-Request": "true"}),
                    post_form(
                        client,
                        base + "/attempts",
                        {"answer": "not a number"},
                        headers={"HX-Request": "true"},
                    ),
                    post_form(client, base + "/attempts", {"answer": "not a number"}),
                    post_form(
                        client, base + "/attempts", {"answer": []}, headers={"HX-Request": "true"}
                    ),
                    client.post(base + "/attempts", data={"answer": "1"}),  # no CSRF: 403 page
                    client.get(base + "/attempts"),  # 405 page
                ):
                    _check(response.text, specs, f"{base} ({response.status_code})")
                    checked += 1
            _check(client.get(url).text, specs, url + " (after)")
    for url in (
        "/openapi.json",
        "/docs",
        "/api/v1/openapi.json",
        "/courses/nope/exercises/x/hint",
        "/no-such-page",
    ):
        _check(client.get(url).text, specs, url)
    # The JSON API, with a token of the learner (and none): every GET route, each course.
    auth = {"Authorization": f"Bearer {make_token(session, learner, 'read:me')}"}
    slugs = sorted({slug for slug, _, _ in exercises})
    for route in app_routes(client.app):  # type: ignore[arg-type]
        if not route.path.startswith("/api/") or "GET" not in route.methods:
            continue
        for slug in slugs:
            url = route.fill(slug=slug, code="AAAA-BBBB-CCCC", name="exercises", thread_id="1")
            for headers in (auth, {}):
                _check(client.get(url, headers=headers).text, specs, url)
                checked += 1
    if specs and any(registry.get(s) and registry.get(s).is_published for s, _, _ in exercises):
        assert checked > 0


def test_author_preview_is_the_only_place_keys_show(
    client: TestClient, session, root: Path
) -> None:
    """The same checker does find keys in the author preview (so it can fail)."""
    exercises = _exercises(root)
    if not exercises:
        pytest.skip("no exercises in this folder")
    author = make_user(session, role="author")
    login(client, author)
    slug, module_id, spec = exercises[0]
    response = client.get(f"/author/preview/{slug}/{module_id}")
    assert response.status_code == 200
    assert "preview-keys" in response.text
    with pytest.raises(AssertionError):
        _check(response.text, [spec], "preview")


def test_the_checker_finds_an_earned_reveal(client: TestClient, session, root: Path) -> None:
    """After a correct answer the key is shown, and the checker above does flag it."""
    if root.name != "courses" or root.parent.name != "fixtures" or "exercises" not in root.parts:
        pytest.skip("run once, on the data fixture course")
    from tests.exercises.support import attempt, enroll, key_for, spec_of

    user = make_user(session)
    login(client, user)
    enroll(client)
    response = attempt(client, "el-gap", key_for(client, user, "el-gap"), htmx=True)
    with pytest.raises(AssertionError):
        _check(response.text, [spec_of(client, "el-gap")], "revealed")
