"""Driving the discussion pages through a test client."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from tests.helpers import post_form
from tests.learning.support import JOURNEY

MODULE = "welcome"


def new_thread(
    client: TestClient,
    *,
    title: str = "What do you notice?",
    body: str = "Attendance dips on Mondays.",
    module: str = MODULE,
    agree: bool = True,
    **extra: str,
) -> httpx.Response:
    data = {"title": title, "body": body, **extra}
    if agree:
        data["agree"] = "1"
    return post_form(client, f"/courses/{JOURNEY}/modules/{module}/discussion/new", data)


def thread_id_of(response: httpx.Response) -> int:
    """The thread id a successful post redirected to."""
    assert response.status_code == 303, response.text[:2000]
    match = re.search(r"/discussion/threads/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def reply(client: TestClient, thread_id: int, body: str, **extra: str) -> httpx.Response:
    return post_form(
        client,
        f"/courses/{JOURNEY}/discussion/threads/{thread_id}/replies",
        {"body": body, "agree": "1", **extra},
    )


def thread_url(thread_id: int) -> str:
    return f"/courses/{JOURNEY}/discussion/threads/{thread_id}"
