"""Statement budgets for the learner pages: a page that starts reading more fails here.

Counts every SQL statement the app sends while serving one page to a logged-in, enrolled
learner who has answered, written and opened things (transaction control is not counted).
The first request to a page warms caches; the budget is for the second, as learners see it.
Speed itself is measured by `make bench-http`, never asserted in tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event

from tests.factories import make_user
from tests.helpers import login, post_form

COURSE = "data-for-liberation"
MODULE = "look-beneath-the-average"
EXPLORE = "absence-by-group"
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

# page -> the most statements it may send (session lookup included, and the header's one
# indexed COUNT of unread discussion notifications, issue 22)
BUDGETS = {
    "/courses": 2,
    f"/courses/{COURSE}": 6,
    f"/courses/{COURSE}/modules/{MODULE}": 5,
    "/me": 9,
    "/me/journal": 6,
    f"/courses/{COURSE}/explore/{EXPLORE}": 3,
}


class StatementLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(_CONTROL):
            self.statements.append(statement)


@pytest.fixture
def statements(engine: Engine) -> Iterator[StatementLog]:
    log = StatementLog()
    event.listen(engine, "before_cursor_execute", log)
    yield log
    event.remove(engine, "before_cursor_execute", log)


@pytest.fixture
def learner_client(client, session):  # type: ignore[no-untyped-def]
    """A learner enrolled in the bundled course, with an attempt and a draft reflection."""
    user = make_user(session)
    login(client, user)
    assert post_form(client, f"/courses/{COURSE}/enroll").status_code == 303
    page = client.get(f"/courses/{COURSE}/modules/{MODULE}")
    assert page.status_code == 200
    return client


@pytest.mark.parametrize("path", list(BUDGETS))
def test_learner_page_stays_within_its_statement_budget(learner_client, statements, path):
    assert learner_client.get(path).status_code == 200  # warm: visit recorded, caches filled
    statements.statements.clear()
    response = learner_client.get(path)
    assert response.status_code == 200
    sent = statements.statements
    assert len(sent) <= BUDGETS[path], "\n\n".join(sent)


@pytest.fixture
def transactions(engine: Engine) -> Iterator[list[str]]:
    begun: list[str] = []

    def on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        begun.append("BEGIN")

    event.listen(engine, "begin", on_begin)
    yield begun
    event.remove(engine, "begin", on_begin)


def test_module_page_runs_in_one_transaction_on_sqlite(learner_client, transactions, engine):
    """The login lookup and the page's reads share one transaction where reads run on the
    event loop (SQLite); on PostgreSQL the lookup commits in its threadpool trip first."""
    path = f"/courses/{COURSE}/modules/{MODULE}"
    assert learner_client.get(path).status_code == 200  # warm: visit recorded
    transactions.clear()
    assert learner_client.get(path).status_code == 200
    assert len(transactions) <= (1 if engine.dialect.name == "sqlite" else 2)
