"""Learners who reach a deployment through whichever instance the balancer picks: every
request goes to one of the instances at random, with one cookie jar (as behind a proxy).

Each write is then read back through another instance than the one that took it; what
was acknowledged is recorded so that the test can compare it with the database."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from bs4 import BeautifulSoup

PASSWORD = "two instances, one database"
JOURNEY = "journey-course"
DATA = "data-course"
REFLECTION = f"/courses/{JOURNEY}/reflections/what-i-notice"
EXERCISE = "what-counts"
RIGHT_ANSWER = ["excused", "suspension"]


@dataclass
class Acknowledged:
    """The writes the instances acknowledged, per learner's email."""

    enrolled: set[tuple[str, str]] = field(default_factory=set)
    attempts: dict[str, str] = field(default_factory=dict)  # email -> submission key
    drafts: dict[str, str] = field(default_factory=dict)  # email -> last draft text
    done: set[str] = field(default_factory=set)
    replies: list[str] = field(default_factory=list)  # bodies of the replies posted
    served_by: dict[str, int] = field(default_factory=dict)  # instance url -> requests
    problems: list[str] = field(default_factory=list)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not found:
        raise AssertionError("no CSRF token on the page")
    return found.group(1)


def browser() -> httpx.AsyncClient:
    """A client without keep-alive: uvicorn closes a connection idle for 5 s, and a busy
    machine can leave one idle that long just as the client sends on it (a proxy would
    retry that; this test has no proxy)."""
    return httpx.AsyncClient(
        timeout=30, follow_redirects=False, limits=httpx.Limits(max_keepalive_connections=0)
    )


class Learner:
    """One person's browser: a cookie jar and the balancer's random choice per request."""

    def __init__(self, email: str, instances: list[str], ack: Acknowledged, seed: int) -> None:
        self.email = email
        self.instances = instances
        self.ack = ack
        self.random = random.Random(seed)
        self.client = browser()
        self.token = ""
        self.last = ""  # the instance the last request went to

    async def close(self) -> None:
        await self.client.aclose()

    async def send(
        self, method: str, path: str, *, on: str | None = None, **kw: Any
    ) -> httpx.Response:
        """One request to ``on`` or to a random instance; any 5xx is a problem."""
        base = on or self.random.choice(self.instances)
        self.last = base
        self.ack.served_by[base] = self.ack.served_by.get(base, 0) + 1
        response = await self.client.request(method, base + path, **kw)
        if response.status_code >= 500:
            self.ack.problems.append(f"{response.status_code} {method} {base}{path}")
        return response

    def elsewhere(self) -> str:
        """An instance other than the one that served the last request."""
        return next(url for url in self.instances if url != self.last)

    async def post(
        self, path: str, data: dict[str, Any] | None = None, **kw: Any
    ) -> httpx.Response:
        return await self.send("POST", path, data={"csrf_token": self.token, **(data or {})}, **kw)

    async def sign_up(self) -> None:
        self.token = csrf_of((await self.send("GET", "/signup")).text)
        form = {"email": self.email, "password": PASSWORD, "display_name": self.email[:12]}
        response = await self.post("/signup", {**form, "job_role": "teacher"})
        assert response.status_code == 303, (self.email, response.status_code, response.text[:500])

    async def enroll(self, slug: str) -> None:
        response = await self.post(f"/courses/{slug}/enroll")
        assert response.status_code == 303, (self.email, slug, response.status_code)
        self.ack.enrolled.add((self.email, slug))
        # The other instance knows the login and the enrollment at once.
        mine = await self.send("GET", "/me", on=self.elsewhere())
        if mine.status_code != 200 or f"/courses/{slug}" not in mine.text:
            self.ack.problems.append(f"{self.email}: enrollment in {slug} not seen elsewhere")

    async def answer_exercise(self) -> None:
        page = await self.send("GET", f"/courses/{DATA}/modules/gaps")
        form = BeautifulSoup(page.text, "html.parser").find(
            "form", action=re.compile(rf"/exercises/{EXERCISE}/attempts$")
        )
        assert form is not None, f"no {EXERCISE} form on the module page"
        key = form.find("input", attrs={"name": "submission_key"})["value"]
        data = {"answer": RIGHT_ANSWER, "submission_key": key}
        response = await self.post(f"/courses/{DATA}/exercises/{EXERCISE}/attempts", data)
        assert response.status_code == 303, (self.email, response.status_code)
        self.ack.attempts[self.email] = key

    async def autosave(self, rounds: int) -> None:
        headers = {"HX-Request": "true", "X-CSRF-Token": self.token}
        for i in range(rounds):
            text = f"{self.email} draft {i}: what I notice before I infer anything"
            saved = await self.send(
                "POST", f"{REFLECTION}/autosave", data={"text": text}, headers=headers
            )
            assert saved.status_code == 200, saved.text[:300]
            assert "Draft saved" in saved.text, saved.text[:300]
            self.ack.drafts[self.email] = text
            # The very next read, on the other instance, shows this draft (no lost write).
            page = await self.send("GET", REFLECTION, on=self.elsewhere())
            if text not in page.text:
                self.ack.problems.append(f"{self.email}: draft {i} not seen on the other instance")

    async def mark_done(self, module_id: str) -> None:
        response = await self.post(f"/courses/{JOURNEY}/modules/{module_id}/done")
        assert response.status_code == 303, (self.email, response.status_code)
        assert f"/modules/{module_id}" not in response.headers["location"], "not marked done"
        self.ack.done.add(self.email)

    async def verify_email(self, link_path: str) -> None:
        form_page = await self.send("GET", link_path)
        assert form_page.status_code == 200, form_page.text[:300]
        response = await self.post(link_path)
        assert response.status_code == 303, response.status_code

    async def want_reply_emails(self) -> None:
        response = await self.post("/account/notifications", {"enabled": ["community_replies"]})
        assert response.status_code == 303, response.status_code

    async def start_thread(self, title: str) -> int:
        body = "What did you notice first in your school's attendance data by group?"
        response = await self.post(
            f"/courses/{JOURNEY}/modules/welcome/discussion/new",
            {"title": title, "body": body, "agree": "1"},
        )
        assert response.status_code == 303, response.text[:500]
        found = re.search(r"/threads/(\d+)", response.headers["location"])
        assert found is not None, response.headers["location"]
        return int(found.group(1))

    async def reply(self, thread_id: int) -> None:
        body = f"{self.email} noticed the gap between groups before the average."
        response = await self.post(
            f"/courses/{JOURNEY}/discussion/threads/{thread_id}/replies",
            {"body": body, "agree": "1"},
        )
        assert response.status_code == 303, response.text[:500]
        self.ack.replies.append(body)
