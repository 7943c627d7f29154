"""People racing for the last uses of an invitation link: exactly the cap gets in (PostgreSQL
runs their transactions side by side; the losers get the "used up" message, not a 500)."""

from __future__ import annotations

import threading

from sqlmodel import select

from app.accounts.models import User
from app.db import id_of, open_session
from app.orgs import invites
from app.orgs import service as orgs
from tests.factories import make_user


def test_six_people_racing_for_three_uses(engine, client) -> None:  # type: ignore[no-untyped-def]
    with open_session(write=True, engine=engine) as session:
        org = orgs.create_organization(session, name="Brand New School")
        link = invites.create_invite(session, organization_id=id_of(org), max_uses=3)
        people = [id_of(make_user(session)) for _ in range(6)]
    barrier = threading.Barrier(6)
    outcomes: list[object] = []
    errors: list[BaseException] = []

    def join(user_id: int) -> None:
        try:
            with open_session(write=True, engine=engine) as session:
                barrier.wait(timeout=10)
                user = session.get(User, user_id)
                assert user is not None
                outcomes.append(
                    invites.use_link(
                        session, user=user, code=link.code, registry=client.app.state.registry
                    )
                )
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=join, args=(n,)) for n in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    refused = [o for o in outcomes if isinstance(o, str)]
    assert len(refused) == 3
    assert all("used as many times" in r for r in refused)
    with open_session(engine=engine) as session:
        members = session.exec(select(User).where(User.organization_id == org.id)).all()
    assert len(members) == 3
