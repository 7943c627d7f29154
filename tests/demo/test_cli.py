"""``groundwork demo seed`` as a person runs it: refusal, password rules, printed logins,
and the staff reports it fills."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import select
from typer.testing import CliRunner

from app.accounts.models import User
from app.cli import app as cli
from app.db import open_session
from app.demo.catalog import DEMO_DOMAIN
from app.learning.models import Enrollment
from tests.demo.support import PASSWORD, seed_small
from tests.factories import make_user
from tests.helpers import post_form

runner = CliRunner()


@pytest.fixture
def database(engine: Engine, cli_environment: None, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The CLI pointed at this test's database, with this test's settings."""
    monkeypatch.delenv("GROUNDWORK_DEMO_PASSWORD", raising=False)
    return engine


def _count(engine: Engine, model: type) -> int:
    with open_session(engine=engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_refuses_a_database_with_real_accounts(database: Engine) -> None:
    with open_session(engine=database) as session:
        make_user(session, email="real.person@school.org")
    result = runner.invoke(cli, ["demo", "seed", "--learners", "5", "--password", PASSWORD])
    assert result.exit_code == 1
    assert "1 account(s) that are not demo accounts" in result.output
    assert "--force" in result.output
    assert _count(database, User) == 1
    assert _count(database, Enrollment) == 0


def test_force_adds_the_district_beside_real_accounts(database: Engine) -> None:
    with open_session(engine=database) as session:
        make_user(session, email="real.person@school.org")
    args = ["demo", "seed", "--learners", "5", "--password", PASSWORD, "--force"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert _count(database, User) == 1 + 5 + 4
    again = runner.invoke(cli, args)  # a second district would collide: refused, clearly
    assert again.exit_code == 1
    assert "already holds a demo district" in again.output


def test_prompts_for_the_password_and_prints_the_logins(database: Engine) -> None:
    result = runner.invoke(
        cli,
        ["demo", "seed", "--learners", "8", "--organizations", "3", "--until", "2026-05-01"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert f"admin@{DEMO_DOMAIN}" in result.output
    assert f"staff@{DEMO_DOMAIN}" in result.output
    assert "Made 8 learners" in result.output
    assert PASSWORD not in result.output.replace(f"{PASSWORD}\n{PASSWORD}\n", "")


def test_weak_password_is_refused_before_writing(database: Engine) -> None:
    result = runner.invoke(cli, ["demo", "seed", "--learners", "5", "--password", "short"])
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
    assert _count(database, User) == 0


def test_bad_date_is_refused(database: Engine) -> None:
    args = ["demo", "seed", "--learners", "5", "--password", PASSWORD, "--until", "junk"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "2026-06-30" in result.output
    assert _count(database, User) == 0


def _login(client: TestClient, email: str, password: str) -> int:
    return post_form(client, "/login", {"email": email, "password": password}).status_code


def test_staff_reports_are_populated(client: TestClient, engine: Engine) -> None:
    seed_small(engine, learners=150)
    assert _login(client, f"admin@{DEMO_DOMAIN}", PASSWORD) == 303
    with open_session(engine=engine) as session:
        active = session.exec(
            select(func.count()).select_from(Enrollment).where(Enrollment.active)
        ).one()
    page = BeautifulSoup(client.get("/staff/reports").text, "html.parser")
    table = page.find("table", attrs={"data-report": "overview"})
    assert table is not None
    cells = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        for tr in table.find_all("tr")
    ]
    enrolled = sum(int(row[1].replace(",", "")) for row in cells[1:])
    assert enrolled == active
    assert all(int(row[3].replace(",", "")) > 0 for row in cells[1:])  # completions
    for url in ("/staff/reports/exercises", "/staff/reports/feedback"):
        response = client.get(url)
        assert response.status_code == 200
        assert "No enrollments match these filters." not in response.text
        assert BeautifulSoup(response.text, "html.parser").find("table") is not None


def test_demo_learners_cannot_log_in_with_a_blank_password(
    client: TestClient, engine: Engine
) -> None:
    seed_small(engine, learners=5)
    with open_session(engine=engine) as session:
        learner = session.exec(select(User).where(User.role == "learner")).first()
    assert learner is not None
    assert _login(client, learner.email, "") != 303
    assert _login(client, learner.email, PASSWORD) != 303  # the staff password is not theirs
    assert _login(client, f"staff@{DEMO_DOMAIN}", PASSWORD) == 303
