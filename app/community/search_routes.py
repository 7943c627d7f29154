"""The discussion search page of a course (issue 22)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.community import search as discussion_search
from app.community.scopes import viewer_for
from app.db import SessionDep, id_of
from app.deps import CurrentUser, VisibleCourse
from app.templating import render

router = APIRouter()


@router.get("/courses/{slug}/discussion/search", name="community_search")
def search_page(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse, q: str = ""
) -> Response:
    """Threads of the course whose title or posts hold every word, in the reader's view."""
    viewer = viewer_for(session, user=user, course_slug=course.slug)
    words = discussion_search.words_of(q)
    hits = discussion_search.search(session, viewer=viewer, query=q)
    return render(
        request,
        "community/search.html",
        {
            "course": course,
            "viewer": viewer,
            "q": q[: discussion_search.QUERY_MAX],
            "words": words,
            "hits": [
                (
                    hit,
                    request.url_for(
                        "community_thread", slug=course.slug, thread_id=id_of(hit.thread)
                    ).path,
                )
                for hit in hits
            ],
            "max_threads": discussion_search.MAX_THREADS,
            "query_max": discussion_search.QUERY_MAX,
        },
    )
