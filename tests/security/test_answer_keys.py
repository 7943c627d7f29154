"""Answer keys stay on the server beyond the pages tests/exercises/test_no_leak.py walks: the
explorer's CSV in every grouping and comparison, the explorer and exercise htmx fragments
after answers that do not count (non-numbers, NaN, overflow, nothing), the reflection
autosave fragment, and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.exercises.spec import ExerciseSpec
from tests.exercises.leak_checks import ROOTS, SPEC_MARKERS, _check, _exercises, _secrets
from tests.factories import make_user
from tests.helpers import login, post_form


@pytest.fixture(params=ROOTS, ids=lambda p: p.name if p.name != "courses" else p.parent.name)
def root(request: pytest.FixtureRequest) -> Path:
    """One folder of courses (the bundled ones and every test fixture folder)."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def settings_overrides(root: Path) -> dict[str, object]:
    """Serve the courses in ``root``."""
    return {"content_dir": root}


def _check_text(body: str, specs: list[ExerciseSpec], where: str) -> None:
    """Plain-text surfaces (CSV): no answer-spec marker and no full-precision key."""
    for marker in SPEC_MARKERS:
        assert marker not in body, f"{where}: answer-spec marker {marker!r}"
    for spec in specs:
        for secret in _secrets(spec):
            assert secret not in body, f"{where}: key of {spec.id} ({secret})"


def _explore_queries(explore) -> list[str]:  # type: ignore[no-untyped-def]
    """The default view, each grouping, and each grouping with each comparison."""
    queries = [""]
    for dim in explore.dimensions:
        queries.append(f"?measure={explore.query.measure}&group_by={dim}")
        for compare in ("overall", "risk_ratio"):
            queries.append(f"?measure={explore.query.measure}&group_by={dim}&compare={compare}")
    for measure in explore.measures:
        queries.append(f"?measure={measure}")
    return queries


def test_explorer_csv_and_fragments_carry_no_key(client: TestClient, session, root: Path) -> None:
    """Every explorer's CSV and htmx result in every view; fragments after wrong answers."""
    specs = [spec for _, _, spec in _exercises(root)]
    registry = client.app.state.registry  # type: ignore[attr-defined]
    published = [c for c in registry.courses.values() if c.is_published]
    if not published:
        pytest.skip("no published course in this folder")
    login(client, make_user(session))
    checked = 0
    for course in published:
        post_form(client, f"/courses/{course.slug}/enroll")
        for module in course.modules:
            for block in module.blocks:
                kind = getattr(block, "kind", None)
                if kind == "explore":
                    base = f"/courses/{course.slug}/explore/{block.id}"
                    for query in _explore_queries(block):
                        csv = client.get(f"{base}/view.csv{query}")
                        assert csv.status_code == 200, base + query
                        _check_text(csv.text, specs, f"{base}/view.csv{query}")
                        hx = client.get(base + query, headers={"HX-Request": "true"})
                        _check(hx.text, specs, f"{base}{query} (htmx)")
                        checked += 1
                elif kind == "exercise":
                    base = f"/courses/{course.slug}/exercises/{block.id}"
                    # Answers that do not count as attempts: wrong ones would earn the reveal.
                    for answer in (["nope"], [], ["1e999"], ["NaN"], ["x" * 5000]):
                        fragment = post_form(
                            client,
                            base + "/attempts",
                            {"answer": answer},
                            headers={"HX-Request": "true"},
                        )
                        _check(fragment.text, specs, f"{base} {answer} (htmx)")
                        checked += 1
                elif kind == "reflection":
                    saved = post_form(
                        client,
                        f"/courses/{course.slug}/reflections/{block.id}/autosave",
                        {"text": "a draft"},
                        headers={"HX-Request": "true"},
                    )
                    _check(saved.text, specs, "autosave fragment")
    _check_text(client.get("/openapi.json").text, specs, "/openapi.json")
    if specs:
        assert checked > 0
