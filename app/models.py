"""Imports every domain's tables so that SQLModel.metadata (and Alembic) sees them all."""

from app.accounts import models as accounts  # noqa: F401
from app.api import models as api  # noqa: F401
from app.assignments import models as assignments  # noqa: F401
from app.certificates import models as certificates  # noqa: F401
from app.community import models as community  # noqa: F401
from app.content import models as content  # noqa: F401
from app.events import models as events  # noqa: F401
from app.exercises import models as exercises  # noqa: F401
from app.identity import models as identity  # noqa: F401
from app.inquiries import models as inquiries  # noqa: F401
from app.learning import models as learning  # noqa: F401
from app.lti import models as lti  # noqa: F401
from app.lti import roster_models as lti_services  # noqa: F401
from app.notifications import models as notifications  # noqa: F401
from app.orgs import models as orgs  # noqa: F401
from app.reflections import models as reflections  # noqa: F401
from app.reports import summary_models as reports  # noqa: F401
from app.sso import models as sso  # noqa: F401
from app.surveys import models as surveys  # noqa: F401
from app.webhooks import models as webhooks  # noqa: F401
from app.xapi import models as xapi  # noqa: F401
