"""Load proof over real HTTP: `groundwork serve --workers N`, many concurrent learners, then
the database is checked against every write the server acknowledged.

Each learner signs up, enrolls, answers an exercise (the form sent twice at once), autosaves
a reflection until the time is up, submits it (twice at once) and marks a module as done.
Passes when no answer was 5xx, the server never logged "database is locked", every
acknowledged write is in the database and each double-submitted form was stored once.

Run: .venv/bin/python bench/load_proof.py [--learners 200] [--seconds 20] [--workers 2]
     [--database-url URL]   (default: a new SQLite file; the database must be empty)
     [--content-dir DIR]    (default: the project's courses, where no module can be
                             marked done: every one has a required reflection)
Prints throughput and latency percentiles; exits 1 when a check fails. Over loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "load proof password"
WORDS = " ".join(f"word{i}" for i in range(60))  # past any min_words


@dataclass
class Journey:
    """The forms a learner uses, found by a probe learner on the live pages."""

    courses: list[str]  # slugs to enroll in
    exercise_page: str  # the module page that holds the exercise (and its submission key)
    attempt_action: str
    answer: str
    reflection_action: str
    done_action: str | None  # None when no module of the content can be marked done


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    signed_up: set[str] = field(default_factory=set)
    enrolled: set[str] = field(default_factory=set)
    attempts: dict[str, str] = field(default_factory=dict)  # email -> submission key
    autosaves: int = 0
    submitted: dict[str, str] = field(default_factory=dict)  # email -> text
    done: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _send(client: httpx.AsyncClient, tally: Tally, method: str, url: str, **kw):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    response = await client.request(method, url, **kw)
    tally.latencies.append(time.perf_counter() - start)
    tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
    if response.status_code >= 500:
        tally.failures.append(f"{response.status_code} {method} {url}")
    return response


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def _form(page: BeautifulSoup, pattern: str):  # type: ignore[no-untyped-def]
    return page.find("form", action=re.compile(pattern))


async def _sign_up(client: httpx.AsyncClient, tally: Tally, email: str) -> str:
    token = _csrf((await _send(client, tally, "GET", "/signup")).text)
    form = {
        "csrf_token": token,
        "email": email,
        "password": PASSWORD,
        "display_name": email.split("@")[0],
        "organization": f"School {hash(email) % 7}",
        "job_role": "teacher",
    }
    response = await _send(client, tally, "POST", "/signup", data=form)
    if response.status_code != 303:
        raise RuntimeError(f"sign-up answered {response.status_code}")
    tally.signed_up.add(email)
    return token


async def _probe(client: httpx.AsyncClient, tally: Tally) -> Journey:
    """Walk the published courses for an exercise, a reflection and a module to mark done."""
    token = await _sign_up(client, tally, "probe@example.org")
    catalog = BeautifulSoup((await _send(client, tally, "GET", "/courses")).text, "html.parser")
    slugs = list(
        dict.fromkeys(
            a["href"].rstrip("/").split("/")[-1]
            for a in catalog.find_all("a", href=re.compile(r"/courses/[^/#?]+/?$"))
        )
    )
    found: dict[str, tuple[str, ...]] = {}
    for slug in slugs:
        await _send(client, tally, "POST", f"/courses/{slug}/enroll", data={"csrf_token": token})
        course = BeautifulSoup(
            (await _send(client, tally, "GET", f"/courses/{slug}")).text, "html.parser"
        )
        pattern = re.compile(rf"/courses/{re.escape(slug)}/modules/[^/#?]+$")
        queue = list(dict.fromkeys(a["href"] for a in course.find_all("a", href=pattern)))
        seen = set(queue)
        while queue:  # module pages link on to the next ones
            url = queue.pop(0)
            page = BeautifulSoup((await _send(client, tally, "GET", url)).text, "html.parser")
            for link in page.find_all("a", href=pattern):
                if link["href"] not in seen:
                    seen.add(link["href"])
                    queue.append(link["href"])
            attempt = _form(page, r"/exercises/[^/]+/attempts$")
            if "attempt" not in found and attempt is not None:
                field = attempt.find("input", attrs={"name": "answer"})
                if field is not None:
                    answer = field.get("value") if field.get("type") == "radio" else "5"
                    found["attempt"] = (slug, url, attempt["action"], answer or "5")
            reflection = _form(page, r"/reflections/[^/]+$")
            if "reflection" not in found and reflection is not None:
                found["reflection"] = (slug, reflection["action"])
            done = _form(page, r"/done$")
            if "done" not in found and done is not None:
                found["done"] = (slug, done["action"])
                # Marking it done may unlock the next modules: look at the outline again.
                await _send(client, tally, "POST", done["action"], data={"csrf_token": token})
                course_page = await _send(client, tally, "GET", f"/courses/{slug}")
                outline = BeautifulSoup(course_page.text, "html.parser")
                for link in outline.find_all("a", href=pattern):
                    if link["href"] not in seen:
                        seen.add(link["href"])
                        queue.append(link["href"])
    if "attempt" not in found or "reflection" not in found:
        raise RuntimeError("the content has no exercise or no reflection to drive")
    done_slug, done_action = found.get("done", (None, None))
    courses = {found["attempt"][0], found["reflection"][0]} | ({done_slug} if done_slug else set())
    return Journey(
        courses=sorted(courses),
        exercise_page=found["attempt"][1],
        attempt_action=found["attempt"][2],
        answer=found["attempt"][3],
        reflection_action=found["reflection"][1],
        done_action=done_action,
    )


async def _learner(base: str, n: int, journey: Journey, tally: Tally, deadline: float) -> None:
    email = f"learner{n}@example.org"
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        try:
            token = await _sign_up(client, tally, email)
            for slug in journey.courses:
                enroll = await _send(
                    client, tally, "POST", f"/courses/{slug}/enroll", data={"csrf_token": token}
                )
                if enroll.status_code == 303:
                    tally.enrolled.add(f"{email} {slug}")
            if journey.done_action is not None:  # first: it may unlock the other modules
                done = await _send(
                    client, tally, "POST", journey.done_action, data={"csrf_token": token}
                )
                # Refused (required activities left) sends back to the module: not a write.
                location = done.headers.get("location", "")
                if done.status_code == 303 and not location.endswith(journey.done_action[:-5]):
                    tally.done.add(email)
            page = BeautifulSoup(
                (await _send(client, tally, "GET", journey.exercise_page)).text, "html.parser"
            )
            form = _form(page, re.escape(journey.attempt_action) + "$")
            if form is None:
                raise RuntimeError(f"no exercise form on {journey.exercise_page}")
            key = form.find("input", attrs={"name": "submission_key"})["value"]
            answer = {"csrf_token": token, "answer": journey.answer, "submission_key": key}
            both = await asyncio.gather(
                *(_send(client, tally, "POST", journey.attempt_action, data=answer) for _ in "12")
            )
            if all(r.status_code in (200, 303) for r in both):
                tally.attempts[email] = key
            headers = {"HX-Request": "true", "X-CSRF-Token": token}
            i = 0
            while time.monotonic() < deadline or i == 0:
                saved = await _send(
                    client,
                    tally,
                    "POST",
                    journey.reflection_action + "/autosave",
                    data={"text": f"draft {i} {WORDS}"},
                    headers=headers,
                )
                if saved.status_code == 200 and "Draft saved" in saved.text:
                    tally.autosaves += 1
                i += 1
                await asyncio.sleep(0.5)
            final = f"{email} wrote this reflection: {WORDS}"
            submit = {"csrf_token": token, "text": final, "action": "submit"}
            action = journey.reflection_action
            both = await asyncio.gather(
                *(_send(client, tally, "POST", action, data=submit) for _ in "12")
            )
            if all(r.status_code == 303 for r in both):
                tally.submitted[email] = final
        except (httpx.HTTPError, RuntimeError, TypeError, KeyError) as exc:
            tally.failures.append(f"{email}: {type(exc).__name__}: {exc}")


def _check_database(url: str, tally: Tally, journey: Journey) -> list[str]:
    """Every acknowledged write is there; each double submit was stored once."""
    problems = []
    engine = create_engine(url)
    module_id = (journey.done_action or "/-/").rstrip("/").split("/")[-2]
    with engine.connect() as conn:
        users = set(conn.execute(text("SELECT email FROM user_account")).scalars())
        enrolled = {
            f"{email} {slug}"
            for email, slug in conn.execute(
                text(
                    "SELECT u.email, c.slug FROM enrollment e"
                    " JOIN user_account u ON u.id = e.user_id JOIN course c ON c.id = e.course_id"
                )
            )
        }
        attempts: dict[str, int] = {}
        for key, count in conn.execute(
            text("SELECT submission_key, count(*) FROM exercise_attempt GROUP BY submission_key")
        ):
            attempts[key] = count
        revisions: dict[str, list[str]] = {}
        for email, body in conn.execute(
            text(
                "SELECT u.email, v.text FROM reflection_revision v"
                " JOIN reflection r ON r.id = v.reflection_id"
                " JOIN user_account u ON u.id = r.user_id"
            )
        ):
            revisions.setdefault(email, []).append(body)
        done = set(
            conn.execute(
                text(
                    "SELECT u.email FROM module_progress p"
                    " JOIN enrollment e ON e.id = p.enrollment_id"
                    " JOIN user_account u ON u.id = e.user_id"
                    " WHERE p.module_id = :m AND p.marked_done_at IS NOT NULL"
                ),
                {"m": module_id},
            ).scalars()
        )
    engine.dispose()
    problems += [f"sign-up of {e} acknowledged, not stored" for e in tally.signed_up - users]
    problems += [f"enrollment of {e} acknowledged, not stored" for e in tally.enrolled - enrolled]
    for email, key in tally.attempts.items():
        if attempts.get(key) != 1:
            problems.append(f"{email}'s double-submitted answer stored {attempts.get(key, 0)}x")
    for email, final in tally.submitted.items():
        if revisions.get(email) != [final]:
            stored = revisions.get(email)
            problems.append(f"{email}'s double-submitted reflection stored as {stored}")
    problems += [f"'done' of {e} acknowledged, not stored" for e in tally.done - done]
    return problems


def _server(url: str, workers: int, port: int, log: Path, content: str) -> subprocess.Popen[bytes]:
    env = {
        **({"GROUNDWORK_CONTENT_DIR": content} if content else {}),
        **{k: v for k, v in os.environ.items() if not k.startswith("GROUNDWORK_ARGON2")},
        "GROUNDWORK_DATABASE_URL": url,
        "GROUNDWORK_SECRET_KEY": os.urandom(48).hex(),  # production refuses a weak key
        "GROUNDWORK_ENVIRONMENT": "production",
        "GROUNDWORK_BASE_URL": f"http://127.0.0.1:{port}",
    }
    subprocess.run([BIN / "groundwork", "db", "upgrade"], env=env, check=True, capture_output=True)
    command = [BIN / "groundwork", "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


async def _drive(base: str, learners: int, seconds: float) -> tuple[Tally, Journey, float]:
    tally = Tally()
    async with httpx.AsyncClient(base_url=base, timeout=60) as probe:
        # Up to two minutes for the server to start: a busy machine (a CI run beside other
        # work) can take far longer than the usual second or two.
        ready_by = time.monotonic() + 120
        while True:
            try:
                if (await probe.get("/healthz")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > ready_by:
                raise SystemExit("the server did not answer /healthz within two minutes")
            await asyncio.sleep(0.1)
        journey = await _probe(probe, tally)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(_learner(base, n, journey, tally, deadline) for n in range(learners)))
    return tally, journey, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--content-dir", default="", help="courses to serve (default: the project's)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gw-load-"))
    url = args.database_url or f"sqlite:///{folder / 'load.db'}"
    port = _free_port()
    log = folder / "server.log"
    server = _server(url, args.workers, port, log, args.content_dir)
    try:
        tally, journey, elapsed = asyncio.run(
            _drive(f"http://127.0.0.1:{port}", args.learners, args.seconds)
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # requests still queued: stop waiting for them
            server.kill()
            server.wait(timeout=30)
    server_log = log.read_text(errors="replace")
    db_url = make_url(url)
    if db_url.drivername == "postgresql":
        db_url = db_url.set(drivername="postgresql+psycopg")
    problems = _check_database(db_url.render_as_string(hide_password=False), tally, journey)
    problems += tally.failures
    locked = [line for line in server_log.splitlines() if "database is locked" in line]
    problems += [f"server log: {line}" for line in locked]
    if any(status >= 500 for status in tally.statuses):
        problems.append(f"5xx answers: {tally.statuses}")
    _report(tally, journey, args, elapsed, make_url(url).get_backend_name())
    for problem in problems[:40]:
        print("PROBLEM:", problem)
    print("load proof:", "FAILED" if problems else "passed")
    return 1 if problems else 0


def _report(
    tally: Tally, journey: Journey, args: argparse.Namespace, elapsed: float, db: str
) -> None:
    lat = sorted(tally.latencies)
    print(
        f"{db}, {args.workers} workers, {args.learners} learners, {elapsed:.1f} s: "
        f"{len(lat)} requests, {len(lat) / elapsed:.0f} requests/s, "
        f"p50 {lat[len(lat) // 2] * 1000:.0f} ms, p99 {lat[int(len(lat) * 0.99)] * 1000:.0f} ms"
    )
    done = f"{len(tally.done)} marked done" if journey.done_action else "no module to mark done"
    print(
        f"acknowledged: {len(tally.signed_up)} sign-ups, {len(tally.enrolled)} enrollments, "
        f"{len(tally.attempts)} double-submitted answers, {tally.autosaves} autosaves, "
        f"{len(tally.submitted)} double-submitted reflections, {done}; "
        f"statuses {dict(sorted(tally.statuses.items()))}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
