"""The role table: every route that needs a login or a role, and who may use it.

Add a row for each new route that needs a login or a role. Paths must work on an empty
database with the bundled courses loaded (use a bundled course slug where one is needed).
Shared by tests/test_role_access.py and tests/security/test_route_table.py.
"""

from __future__ import annotations

EVERYONE = {"learner", "author", "staff", "admin"}
AUTHORS = {"author", "admin"}
STAFF = {"staff", "admin"}
ADMINS = {"admin"}

# (method, path, roles allowed). Anonymous visitors are always sent to log in (303).
ROUTES: list[tuple[str, str, set[str]]] = [
    ("GET", "/account", EVERYONE),
    ("GET", "/me", EVERYONE),
    ("POST", "/courses/data-for-liberation/unenroll", EVERYONE),
    ("GET", "/courses/data-for-liberation/modules/why-data-for-liberation", EVERYONE),
    ("POST", "/courses/data-for-liberation/modules/why-data-for-liberation/done", EVERYONE),
    ("GET", "/courses/data-for-liberation/enroll", EVERYONE),
    ("GET", "/courses/data-for-liberation/survey", EVERYONE),
    ("POST", "/courses/data-for-liberation/survey", EVERYONE),
    ("GET", "/courses/data-for-liberation/certificate", EVERYONE),
    ("POST", "/courses/data-for-liberation/certificate", EVERYONE),
    ("GET", "/admin/certificates", ADMINS),
    ("POST", "/admin/certificates/AAAA-BBBB-CCCC/revoke", ADMINS),
    # Reflections (learner, staff review) and admin user management.
    ("GET", "/me/journal", EVERYONE),
    ("GET", "/me/journal.md", EVERYONE),
    ("GET", "/me/journal.pdf", EVERYONE),
    ("GET", "/reflections/restore", EVERYONE),
    ("GET", "/courses/data-for-liberation/reflections/norms-reflection", EVERYONE),
    ("POST", "/courses/data-for-liberation/reflections/norms-reflection", EVERYONE),
    ("GET", "/staff", STAFF),
    ("GET", "/staff/reflections", STAFF),
    ("GET", "/staff/reflections.csv", STAFF),
    ("GET", "/admin/users", ADMINS),
    ("POST", "/admin/users/1", ADMINS),
    # Data explorer (enrolled learners, or authors/admins in preview) and exercises (enrolled
    # learners only; nobody is enrolled here, so every role gets 404).
    ("GET", "/courses/data-for-liberation/explore/first-look", AUTHORS),
    ("GET", "/courses/data-for-liberation/explore/first-look/view.csv", AUTHORS),
    ("POST", "/courses/data-for-liberation/exercises/mirror-not-verdict/attempts", set()),
    ("POST", "/courses/data-for-liberation/exercises/mirror-not-verdict/hint", set()),
    # Staff reports and their CSV exports.
    ("GET", "/staff/reports", STAFF),
    ("GET", "/staff/reports/exercises", STAFF),
    ("GET", "/staff/reports/feedback", STAFF),
    ("GET", "/staff/reports/overview.csv", STAFF),
    ("GET", "/staff/reports/by-organization.csv", STAFF),
    ("GET", "/staff/reports/by-job-role.csv", STAFF),
    ("GET", "/staff/reports/by-cohort.csv", STAFF),
    ("GET", "/staff/reports/funnel.csv", STAFF),
    ("GET", "/staff/reports/trend.csv", STAFF),
    ("GET", "/staff/reports/exercises.csv", STAFF),
    ("GET", "/staff/reports/item-analysis.csv", STAFF),
    ("GET", "/staff/reports/wrong-answers.csv", STAFF),
    ("GET", "/staff/reports/feedback.csv", STAFF),
    ("GET", "/staff/reports/feedback-comments.csv", STAFF),
    ("GET", "/staff/reports/enrollments.csv", STAFF),
    ("GET", "/staff/reports/discussion", STAFF),
    ("GET", "/staff/reports/discussion-by-module.csv", STAFF),
    ("GET", "/staff/reports/discussion-by-cohort.csv", STAFF),
    ("GET", "/staff/reports/discussion-prompts.csv", STAFF),
    # Authoring, the account, and routes naming one row by id (none exist here: 403 or 404).
    ("GET", "/author/content", AUTHORS),
    ("GET", "/author/preview/data-for-liberation", AUTHORS),
    ("GET", "/author/preview/data-for-liberation/why-data-for-liberation", AUTHORS),
    ("POST", "/account/password", EVERYONE),
    ("POST", "/account/email", EVERYONE),
    ("POST", "/account/verify-email/resend", EVERYONE),
    ("GET", "/me/journal/1", set()),
    ("POST", "/me/journal/1/sharing", set()),
    ("GET", "/staff/reflections/1", set()),
    ("POST", "/staff/reflections/1/feedback", set()),
    ("GET", "/certificates/AAAA-BBBB-CCCC/pdf", set()),
    # API tokens (the JSON API itself is covered by tests/api/test_api_routes.py).
    ("GET", "/account/tokens", EVERYONE),  # see and revoke your own; making one is staff
    ("POST", "/account/tokens", STAFF),
    ("POST", "/account/tokens/999/revoke", set()),
    ("GET", "/admin/users/1/tokens", ADMINS),
    ("POST", "/admin/users/1/tokens", ADMINS),
    # Webhooks (ids that do not exist: 404 for everyone).
    ("GET", "/admin/webhooks", ADMINS),
    ("POST", "/admin/webhooks", ADMINS),
    ("POST", "/admin/webhooks/999/active", set()),
    ("GET", "/admin/webhooks/deliveries", ADMINS),
    ("POST", "/admin/webhooks/deliveries/999/replay", set()),
    ("GET", "/admin/xapi", ADMINS),
    ("POST", "/admin/xapi", ADMINS),
    ("POST", "/admin/xapi/999/active", set()),
    ("GET", "/admin/xapi/statements", ADMINS),
    ("POST", "/admin/xapi/statements/999/retry", set()),
    # Email settings; cohorts' assignments (no cohort exists here: 404 for everyone).
    ("GET", "/account/notifications", EVERYONE),
    ("POST", "/account/notifications", EVERYONE),
    ("GET", "/staff/cohorts/999/assignments", set()),
    ("POST", "/staff/cohorts/999/assignments", set()),
    ("POST", "/staff/cohorts/999/assignments/999/due", set()),
    ("POST", "/staff/cohorts/999/assignments/999/delete", set()),
    ("GET", "/staff/cohorts/999/assignments/report", set()),
    ("GET", "/staff/cohorts/999/assignments/report.csv", set()),
    # Organizations: admins create them; staff manage theirs (none exist here: 404).
    ("GET", "/admin/organizations", ADMINS),
    ("POST", "/admin/organizations", ADMINS),
    ("POST", "/admin/organizations/999/domains", set()),
    ("POST", "/admin/organizations/999/domains/1/delete", set()),
    ("GET", "/staff/orgs", STAFF),
    ("GET", "/staff/orgs/999", set()),
    ("POST", "/staff/orgs/999/confirm", set()),
    ("POST", "/staff/orgs/999/pending/1/decline", set()),
    ("POST", "/staff/orgs/999/members/1/remove", set()),
    ("GET", "/staff/orgs/999/invites", set()),
    ("POST", "/staff/orgs/999/invites", set()),
    ("POST", "/staff/orgs/999/invites/1/revoke", set()),
    ("GET", "/staff/orgs/999/cohorts", set()),
    ("POST", "/staff/orgs/999/cohorts", set()),
    ("GET", "/staff/orgs/999/cohorts/1", set()),
    # A learner's own organization: the page, joining and leaving.
    ("GET", "/account/organization", EVERYONE),
    ("POST", "/account/organization/domain", EVERYONE),
    ("POST", "/account/organization/request", EVERYONE),
    ("POST", "/account/organization/request/withdraw", EVERYONE),
    ("POST", "/account/organization/leave", EVERYONE),
    ("POST", "/join/no-such-link", set()),
    # District inquiries (the public form is in tests/security/test_route_table.py).
    ("GET", "/admin/inquiries", ADMINS),
    ("POST", "/admin/inquiries/999/answered", set()),
    # District sign-in settings: admins and staff who manage the organization (none exists
    # here: 404; tests/sso/test_settings.py covers the allowed and the scoped cases).
    ("GET", "/staff/orgs/999/sign-in", set()),
    ("POST", "/staff/orgs/999/sign-in", set()),
    ("POST", "/staff/orgs/999/sign-in/test", set()),
    # Community discussions (issue 22): every signed-in member reads their scope's threads;
    # posting needs an enrollment (nobody is enrolled here: a redirect or a 400, not a 403);
    # rows named by id do not exist here (404 for everyone).
    ("GET", "/courses/data-for-liberation/modules/why-data-for-liberation/discussion", EVERYONE),
    (
        "GET",
        "/courses/data-for-liberation/modules/why-data-for-liberation/discussion/new",
        EVERYONE,
    ),
    (
        "POST",
        "/courses/data-for-liberation/modules/why-data-for-liberation/discussion/new",
        EVERYONE,
    ),
    ("GET", "/courses/data-for-liberation/prompts/norms-reflection/discussion", EVERYONE),
    ("GET", "/courses/data-for-liberation/discussion/threads/999", set()),
    ("POST", "/courses/data-for-liberation/discussion/threads/999/replies", set()),
    ("GET", "/courses/data-for-liberation/discussion/posts/999/edit", set()),
    ("POST", "/courses/data-for-liberation/discussion/posts/999/edit", set()),
    ("POST", "/courses/data-for-liberation/discussion/posts/999/delete", set()),
    ("GET", "/courses/data-for-liberation/discussion/posts/999/history", set()),
    ("GET", "/staff/community/settings", STAFF),
    # Discussion notifications: every signed-in member has their own list; no notice 999.
    ("GET", "/community/notifications", EVERYONE),
    ("GET", "/community/notifications/999", set()),
    ("POST", "/community/notifications/read", EVERYONE),
    ("POST", "/community/notifications/email", EVERYONE),
    ("POST", "/staff/community/settings/999", set()),
    # Community moderation, flags and search (no thread or post exists here: 404;
    # tests/community/test_moderation.py and test_flags.py cover the allowed and scoped cases).
    ("GET", "/staff/community/queue", STAFF),
    ("GET", "/staff/community/threads/999", set()),
    ("POST", "/staff/community/threads/999/pin", set()),
    ("POST", "/staff/community/threads/999/lock", set()),
    ("POST", "/staff/community/threads/999/move", set()),
    ("POST", "/staff/community/posts/999/hide", set()),
    ("POST", "/staff/community/posts/999/restore", set()),
    ("POST", "/staff/community/posts/999/keep", set()),
    ("POST", "/staff/community/posts/999/endorse", set()),
    ("GET", "/courses/data-for-liberation/discussion/posts/999/flag", set()),
    ("POST", "/courses/data-for-liberation/discussion/posts/999/flag", set()),
    ("GET", "/courses/data-for-liberation/discussion/search", EVERYONE),
    # LMS platforms (LTI): the same rule (tests/lti/test_platforms_page.py covers the
    # allowed and the scoped cases).
    ("GET", "/staff/orgs/999/lms", set()),
    ("POST", "/staff/orgs/999/lms", set()),
    ("POST", "/staff/orgs/999/lms/1/remove", set()),
    # LMS rosters and gradebook scores of an organization (none here: 404;
    # tests/lti/test_nrps.py and test_ags.py cover the allowed and the scoped cases).
    ("GET", "/staff/orgs/999/lti", set()),
    ("POST", "/staff/orgs/999/lti/contexts/1/sync", set()),
    ("POST", "/staff/orgs/999/lti/scores/1/retry", set()),
]
