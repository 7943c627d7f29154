"""Every activity kind, imported once so each registers itself with content.

Like ``app/models.py`` for tables: the entry points (``app.main``, ``app.cli``) import this
module; content itself never imports the kinds (docs/architecture.md).
"""

from app.datasets import activity as explore_kind  # noqa: F401
from app.exercises import activity as exercise_kind  # noqa: F401

# Learning keeps enrollments and progress for them (content.kinds.register_progress_keeper),
# and the surveys package tells learning when a course's feedback survey is in.
from app.learning import progress as progress_keeper  # noqa: F401
from app.reflections import activity as reflection_kind  # noqa: F401

# The report summaries observe every enrollment change (app.events.changing).
from app.reports import summary_tracking  # noqa: F401
from app.surveys import service as survey_condition  # noqa: F401
