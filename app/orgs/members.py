"""What staff see and do on an organization's members page: members, and who waits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.orgs import service as orgs
from app.orgs.models import MembershipRequest, Proof, RequestKind


@dataclass(frozen=True)
class MemberRow:
    user: User
    proof: Proof | None


@dataclass(frozen=True)
class PendingRow:
    user: User
    request: MembershipRequest

    @property
    def kind(self) -> RequestKind:
        return RequestKind(self.request.kind)


def members(session: Session, *, organization_id: int) -> list[MemberRow]:
    """Confirmed members, by name, with how each joined."""
    statement = (
        select(User)
        .where(User.organization_id == organization_id)
        .order_by(col(User.display_name), col(User.id))
    )
    return [
        MemberRow(user=u, proof=Proof(u.organization_proof) if u.organization_proof else None)
        for u in session.exec(statement)
    ]


def pending(session: Session, *, organization_id: int) -> list[PendingRow]:
    """Self-declared memberships and requests to join, oldest first."""
    statement = (
        select(User, MembershipRequest)
        .join(MembershipRequest, col(MembershipRequest.user_id) == col(User.id))
        .where(MembershipRequest.organization_id == organization_id)
        .order_by(col(MembershipRequest.created_at), col(MembershipRequest.id))
    )
    return [PendingRow(user=u, request=r) for u, r in session.exec(statement).all()]


def confirm(session: Session, *, organization_id: int, user_ids: list[int]) -> int:
    """Confirm these waiting people (all waiting ones when ``user_ids`` is empty); commits.

    Returns how many were confirmed. Ids that wait for another organization are ignored.
    """
    rows = pending(session, organization_id=organization_id)
    wanted = set(user_ids)
    chosen = [r for r in rows if not wanted or r.user.id in wanted]
    for row in chosen:
        orgs.join(session, user=row.user, organization_id=organization_id, proof=Proof.approval)
    session.commit()
    return len(chosen)


def decline(session: Session, *, organization_id: int, user_id: int) -> bool:
    """Decline a waiting request (the account stays). False: nobody waits with this id."""
    request = orgs.pending_request(session, user_id=user_id)
    if request is None or request.organization_id != organization_id:
        return False
    session.delete(request)
    session.commit()
    return True


def remove(session: Session, *, organization_id: int, user_id: int) -> User | None:
    """Remove a member (their own work stays theirs); commits. None: not a member here."""
    user = session.get(User, user_id)
    if user is None or user.organization_id != organization_id:
        return None
    orgs.leave(session, user=user)
    session.commit()
    return user
