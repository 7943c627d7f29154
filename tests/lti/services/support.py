"""Rows a launch would have left: links in the LMS course, learners with a platform ``sub``."""

from __future__ import annotations

from sqlmodel import Session

from app.accounts.models import User
from app.lti.models import LtiContext, LtiPlatform, LtiPlatformUser, LtiResourceLink, ScoreMode
from tests.factories import make_user
from tests.learning.support import JOURNEY
from tests.lti.platform_fixture import ServicePlatform


def add_link(
    session: Session,
    context: LtiContext,
    lms: ServicePlatform,
    *,
    resource_link_id: str,
    module_slug: str | None = None,
    lineitem_url: str | None = None,
    score_mode: ScoreMode = ScoreMode.progress,
    grades: bool = True,
) -> LtiResourceLink:
    """A placement of the journey course (or one module) in the LMS course."""
    row = LtiResourceLink(
        platform_id=context.platform_id,
        deployment_id="deployment-1",
        resource_link_id=resource_link_id,
        context_id=context.id,
        title=f"Groundwork: {module_slug or JOURNEY}",
        course_slug=JOURNEY,
        module_slug=module_slug,
        lineitem_url=lineitem_url,
        lineitems_url=lms.lineitems_url() if grades else None,
        score_mode=score_mode.value,
    )
    session.add(row)
    session.commit()
    return row


def platform_learner(session: Session, platform: LtiPlatform, sub: str, **fields: object) -> User:
    """A learner who launched from ``platform`` as ``sub``."""
    user = make_user(session, **fields)
    assert platform.id is not None
    assert user.id is not None
    session.add(LtiPlatformUser(platform_id=platform.id, subject=sub, user_id=user.id))
    session.commit()
    return user
