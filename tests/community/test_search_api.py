"""Discussion search and the read-only discussions API: only the reader's scopes, hidden and
deleted posts left out for peers, another scope's thread a 404."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.community import moderation
from app.community.models import CommunityPost
from app.community.scopes import viewer_for
from app.community.search import search
from app.db import id_of, utcnow
from tests.api.support import make_token
from tests.community.mod_support import Community, add_reply, build
from tests.helpers import login, soup
from tests.learning.support import JOURNEY

THREADS = ("a1", "a2", "a_org", "b1", "b_org", "course")


@pytest.fixture
def world(client, session: Session) -> Community:  # type: ignore[no-untyped-def]
    return build(session)


def _found(session: Session, user, query: str = "attendance") -> set[str]:  # type: ignore[no-untyped-def]
    viewer = viewer_for(session, user=user, course_slug=JOURNEY)
    return {hit.thread.title.split()[2] for hit in search(session, viewer=viewer, query=query)}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("a1", {"a1"}),  # cohort to cohort: not a2
        ("a2", {"a2"}),
        ("a_org", {"a_org"}),  # organization to organization: not b_org
        ("b_org", {"b_org"}),
        ("loner", {"course"}),  # community to organization: nothing of A or B
        ("staff_a", {"a1", "a2", "a_org"}),
        ("staff_b", {"b1", "b_org"}),
        ("admin", set(THREADS)),
    ],
)
def test_search_finds_only_the_readers_scopes(
    session: Session, world: Community, who: str, sees: set[str]
) -> None:
    assert _found(session, getattr(world, who)) == sees


def test_search_matches_titles_and_bodies_with_every_word(
    session: Session, world: Community
) -> None:
    add_reply(
        session, thread=world.threads["a1"], author=world.a1_peer, body="Chronic ABSENCE 100%"
    )
    assert _found(session, world.a1, "chronic absence") == {"a1"}
    assert _found(session, world.a1, "chronic nothing-like-this") == set()
    assert _found(session, world.a1, "100%") == {"a1"}
    assert _found(session, world.a1, "%") == {"a1"}  # literal, not a wildcard
    assert _found(session, world.a1, "_") == set()
    assert _found(session, world.a1, "   ") == set()


def test_hidden_and_deleted_posts_are_not_found_by_peers(
    session: Session, world: Community
) -> None:
    hidden = add_reply(session, thread=world.threads["a1"], author=world.a1_peer, body="zebra one")
    deleted = add_reply(session, thread=world.threads["a1"], author=world.a1_peer, body="yak two")
    moderation.hide_post(session, staff=world.staff_a, post_id=id_of(hidden), reason="Reword")
    post = session.get(CommunityPost, id_of(deleted))
    assert post is not None
    post.deleted_at = utcnow()
    session.add(post)
    session.commit()
    assert _found(session, world.a1_third, "zebra") == set()
    assert _found(session, world.a1_third, "yak") == set()
    assert _found(session, world.staff_a, "zebra") == {"a1"}  # staff review hidden posts
    assert _found(session, world.staff_a, "yak") == set()
    assert _found(session, world.staff_b, "zebra") == set()


def test_search_page_escapes_and_hides_anonymous_authors(  # type: ignore[no-untyped-def]
    client, session: Session, world: Community
) -> None:
    reply = add_reply(
        session, thread=world.threads["a1"], author=world.a1_peer, body="<script>okapi()</script>"
    )
    reply.anonymous = True
    session.add(reply)
    session.commit()
    login(client, world.a1)
    page = client.get(f"/courses/{JOURNEY}/discussion/search", params={"q": "okapi"})
    assert page.status_code == 200
    assert "<script>okapi" not in page.text
    assert "&lt;script&gt;okapi()" in page.text
    results = soup(page).select("ol.search-results li")
    assert len(results) == 1
    assert "Anonymous educator" in results[0].get_text()
    assert "Ada Peer" not in page.text
    assert soup(page).find("input", attrs={"name": "q"})["value"] == "okapi"
    empty = client.get(f"/courses/{JOURNEY}/discussion/search", params={"q": "attendance b1"})
    assert "No thread matches" in empty.text


def _api(client, session: Session, owner, path: str):  # type: ignore[no-untyped-def]
    token = make_token(session, owner, "read:discussions")
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("staff_a", {"a1", "a2", "a_org"}),  # org A: never B's nor the course community's
        ("staff_b", {"b1", "b_org"}),
        ("admin", set(THREADS)),
    ],
)
def test_api_lists_threads_in_reach_and_404s_the_rest(  # type: ignore[no-untyped-def]
    client, session: Session, world: Community, who: str, sees: set[str]
) -> None:
    owner = getattr(world, who)
    listing = _api(client, session, owner, "/discussions/threads")
    assert listing.status_code == 200, listing.text
    titles = {t["title"].split()[2] for t in listing.json()["data"]}
    assert titles == sees
    for key, thread in world.threads.items():
        detail = _api(client, session, owner, f"/discussions/threads/{thread.id}")
        assert detail.status_code == (200 if key in sees else 404), (key, detail.text)
        if key not in sees:
            assert detail.headers["content-type"] == "application/problem+json"


def test_api_thread_detail_and_paging(client, session: Session, world: Community) -> None:  # type: ignore[no-untyped-def]
    thread = world.threads["a1"]
    reply = add_reply(session, thread=thread, author=world.a1_peer, body="Reply text")
    reply.anonymous = True
    session.add(reply)
    session.commit()
    body = _api(client, session, world.staff_a, f"/discussions/threads/{thread.id}").json()
    assert [p["body"] for p in body["posts"]] == [
        "Opening words of a1: Mondays look different.",
        "Reply text",
    ]
    assert body["posts"][1]["author"] == "Ada Peer"
    assert body["posts"][1]["anonymous"] is True
    assert body["replies"] == 1
    assert body["scope_kind"] == "cohort"
    first = _api(client, session, world.admin, "/discussions/threads?limit=4").json()
    assert len(first["data"]) == 4
    assert first["next_after"] == first["data"][-1]["id"]
    rest = _api(client, session, world.admin, f"/discussions/threads?after={first['next_after']}")
    assert len(rest.json()["data"]) == 2
    assert rest.json()["next_after"] is None


def test_api_refuses_learners_tokens_scope(client, session: Session, world: Community) -> None:  # type: ignore[no-untyped-def]
    token = make_token(session, world.a1)  # every scope a learner may hold
    response = client.get(
        "/api/v1/discussions/threads", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
