"""Where learners read a thread: the path of the ``community_thread`` route, built without a
request so that emails and digests (sent by the worker) link the same way as pages do.
``tests/community/test_paths.py`` checks it against the route table."""

from __future__ import annotations


def thread_path(course_slug: str, thread_id: int, *, post_id: int | None = None) -> str:
    """The learners' page of a thread, at one post when ``post_id`` is given."""
    path = f"/courses/{course_slug}/discussion/threads/{thread_id}"
    return path if post_id is None else f"{path}#post-{post_id}"
