"""People of a new school signing up at the same moment share one organization (PostgreSQL
runs their transactions side by side; the loser of the unique-key race must not get a 500)."""

from __future__ import annotations

import threading

from sqlmodel import select

from app.accounts import service as accounts
from app.accounts.models import Organization, User
from app.db import open_session


def test_simultaneous_sign_ups_of_a_new_organization_share_it(engine, settings) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def sign_up(n: int) -> None:
        try:
            with open_session(write=True, engine=engine) as session:
                barrier.wait(timeout=10)
                accounts.sign_up(
                    session,
                    settings=settings,
                    form=accounts.SignUp(
                        email=f"teacher{n}@example.org",
                        password="a good long password",
                        display_name=f"Teacher {n}",
                        organization="  Brand New   School ",
                        job_role="teacher",
                    ),
                )
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    with open_session(engine=engine) as session:
        [org] = session.exec(select(Organization)).all()
        users = session.exec(select(User)).all()
    assert org.name == "Brand New School"
    assert len(users) == 6 and {u.organization_id for u in users} == {org.id}
