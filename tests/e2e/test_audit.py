"""Every page a visitor, learner, author, staff member or admin can reach, in a real browser
with data filled in (tests/e2e/audit_data.py): axe-core with every rule finds nothing in the
light and the dark colour scheme, and at 390 px the page never scrolls sideways.

One server and one browser serve the whole run; each role keeps one logged-in page (the
``pages`` fixture in conftest.py). The light
scheme is checked at 1280 px and the dark one at 390 px, so each page loads twice.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.audit import problems_in_both_schemes
from tests.e2e.audit_data import COURSE, OTHER_COURSE, AuditSite

C = f"/courses/{COURSE}"
MODULES = [
    "why-data-for-liberation",
    "what-gets-in-the-way",
    "look-beneath-the-average",
    "stories-hiding-in-the-data",
    "seeing-the-system",
    "facilitating-conversations",
    "from-insight-to-action",
]

# (who, path): {reflection} and {code} are filled from the audit data.
PAGES: list[tuple[str, str]] = [
    ("visitor", "/"),
    ("visitor", "/login"),
    ("visitor", "/signup"),
    ("visitor", "/password/forgot"),
    ("visitor", "/password/reset/not-a-real-token"),
    ("visitor", "/courses"),
    ("visitor", C),
    ("visitor", "/certificates/{code}"),
    ("visitor", "/certificates/NOPE-NOPE-NOPE"),
    ("visitor", "/no-such-page"),
    ("visitor", "/bring-groundwork"),
    ("visitor", "/bring-groundwork/thanks"),
    ("visitor", "/join/{invite}"),
    ("visitor", "/join/{spent}"),
    ("learner", "/courses"),
    ("learner", C),
    ("learner", f"/courses/{OTHER_COURSE}"),
    ("learner", f"/courses/{OTHER_COURSE}/enroll"),
    *[("learner", f"{C}/modules/{m}") for m in MODULES],
    ("learner", f"{C}/explore/absence-by-group"),
    ("learner", f"{C}/explore/absence-by-group?group_by=school&compare=overall"),
    ("learner", f"{C}/reflections/norms-reflection"),
    ("learner", f"{C}/reflections/bias-reflection"),
    ("learner", f"{C}/survey"),
    ("learner", f"{C}/certificate"),
    ("learner", "/me"),
    ("learner", "/me/journal"),
    ("learner", "/me/journal/{reflection}"),
    ("learner", "/account"),
    ("learner", "/account/notifications"),
    ("visitor", "/unsubscribe/{unsubscribe}"),
    ("learner", "/account/organization"),
    ("learner", f"{C}/discussion/search?q=monday"),
    ("learner", "/join/{invite}"),
    ("learner", "/bring-groundwork"),
    ("finisher", C),
    ("finisher", f"{C}/certificate"),
    ("finisher", "/me"),
    ("completer", f"{C}/certificate"),
    ("author", "/author/content"),
    ("author", f"/author/preview/{COURSE}"),
    ("author", f"/author/preview/{COURSE}/look-beneath-the-average"),
    ("author", f"/author/preview/{OTHER_COURSE}/data-for-instruction"),
    ("author", f"{C}/explore/suspension-intersections"),
    ("visitor", f"{C}/discussion/guidelines"),
    ("learner", f"{C}/modules/why-data-for-liberation/discussion"),
    ("learner", f"{C}/prompts/norms-reflection/discussion"),
    ("learner", f"{C}/modules/why-data-for-liberation/discussion/new"),
    ("learner", f"{C}/discussion/threads/1"),
    ("learner", f"{C}/discussion/posts/1/edit"),
    ("learner", f"{C}/discussion/posts/1/history"),
    ("staff", f"{C}/discussion/threads/1"),
    ("staff", "/staff/community/settings"),
    ("staff", "/staff"),
    ("staff", "/staff/reflections"),
    ("staff", "/staff/reflections/{reflection}"),
    ("staff", "/staff/reports"),
    ("staff", "/staff/reports?organization=1&enrolled_from=tomorrow"),
    ("staff", "/staff/reports/exercises"),
    ("staff", "/staff/reports/feedback"),
    ("staff", "/staff/reports/discussion"),
    ("staff", "/staff/community/queue"),
    ("staff", "/staff/community/threads/1"),
    ("learner", "/community/notifications"),
    ("learner", f"{C}/discussion/posts/2/flag"),
    ("staff", f"{C}/discussion/search?q=data"),
    ("staff", "/staff/cohorts/{cohort}/assignments"),
    ("staff", "/staff/cohorts/{cohort}/assignments/report"),
    ("staff", "/staff/orgs"),
    ("staff", "/staff/orgs/1"),
    ("staff", "/staff/orgs/1/invites"),
    ("staff", "/staff/orgs/1/cohorts"),
    ("staff", "/staff/orgs/1/cohorts/1"),
    ("staff", "/staff/orgs/1/lti"),
    ("staff", "/staff/orgs/1/lms"),
    ("admin", "/admin/xapi"),
    ("admin", "/admin/organizations"),
    ("admin", "/admin/users"),
    ("admin", "/admin/certificates"),
    ("admin", "/admin/inquiries"),
    ("admin", "/staff/reports"),
]


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{w} {p}" for w, p in PAGES])
def test_page_passes_every_axe_rule_in_both_schemes_and_fits_a_phone(
    pages: dict[str, Page], audit_site: AuditSite, who: str, path: str
) -> None:
    data = audit_site.data
    url = path.format(
        reflection=data.reflection_id,
        code=data.certificate_code,
        cohort=data.cohort_id,
        unsubscribe=data.unsubscribe_token,
        invite=data.invite_code,
        spent=data.spent_code,
    )
    page = pages[who]
    page.console_errors.clear()  # type: ignore[attr-defined]
    problems = problems_in_both_schemes(page, url)
    # A 4xx page logs its own status; anything else in the console is a fault.
    errors = [e for e in page.console_errors if "the server responded with a status of 4" not in e]  # type: ignore[attr-defined]
    problems += [f"console: {e}" for e in errors]
    assert not problems, "\n".join(problems)
