"""Learner-controlled text renders inert everywhere: display name, organization, reflection
text, survey comment, certificate name, exercise answers, cohort codes and echoed query
values, on learner, staff, report, admin and certificate pages, in the PDF and in CSV files.
No template applies |safe to anything but author Markdown (sanitised by nh3)."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pypdf
import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session

from app.config import ROOT
from tests.helpers import post_form
from tests.security.conftest import DATA, JOURNEY, XSS, World, make_world

# Everything |safe may be applied to: HTML rendered from author Markdown and sanitised.
SAFE_FIELDS = {
    "prompt_html",
    "html",
    "summary_html",
    "description_html",
    "explanation_html",
    "feedback_html",
    "text_html",
    "hint",
}


@pytest.fixture
def xss_world(app, client, session: Session):  # type: ignore[no-untyped-def]
    """The world, with the hostile string in every field learner A controls."""
    built = make_world(app, session, text=XSS)
    yield built
    for c in built.clients.values():
        c.__exit__(None, None, None)


def assert_inert(html: str, where: str, *, must_show: bool = False) -> None:
    """No script, event handler or javascript: URL made from the payload; shown as text."""
    page = BeautifulSoup(html, "html.parser")
    for script in page.find_all("script"):
        assert "alert" not in script.get_text(), f"{where}: payload became a <script>"
    for tag in page.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.startswith("on"), f"{where}: <{tag.name} {attr}> from the payload"
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr in ("href", "src", "action", "formaction"):
                assert not text.strip().lower().startswith("javascript:"), f"{where}: {attr}"
        if tag.name == "img":
            assert tag.get("src") != "x", f"{where}: payload became an <img>"
    assert "<script>alert(1)" not in html, f"{where}: raw payload in the HTML"
    if must_show:
        assert "{{7*7}}" in page.get_text(), f"{where}: the payload is not shown as typed"


def test_learner_pages_show_the_payload_as_text(xss_world: World) -> None:
    """Dashboard, journal, entry, account, survey, reflection, certificate and public pages."""
    a = xss_world.client_for("learner_a")
    shown = [
        "/me",
        "/me/journal",
        f"/me/journal/{xss_world.reflection_id}",
        "/account",
        f"/courses/{JOURNEY}/survey",
        f"/courses/{JOURNEY}/reflections/what-i-notice",
        f"/courses/{JOURNEY}/certificate",
        f"/certificates/{xss_world.certificate_code}",
    ]
    for url in shown:
        response = a.get(url)
        assert response.status_code == 200, url
        assert_inert(response.text, url, must_show=True)
    for url in (f"/courses/{JOURNEY}/modules/practice", f"/courses/{DATA}/modules/gaps"):
        assert_inert(a.get(url).text, url)


def test_exercise_answers_are_echoed_inert(xss_world: World) -> None:
    """The no-JS format-error page and the htmx fragment show the typed answer as text."""
    a = xss_world.client_for("learner_a")
    url = f"/courses/{DATA}/exercises/el-gap/attempts"
    page = post_form(a, url, {"answer": XSS})
    assert page.status_code == 400
    assert_inert(page.text, "no-JS attempt page", must_show=True)
    fragment = post_form(a, url, {"answer": XSS}, headers={"HX-Request": "true"})
    assert_inert(fragment.text, "attempt fragment")
    choice = post_form(a, f"/courses/{DATA}/exercises/what-counts/attempts", {"answer": XSS})
    assert choice.status_code < 500
    assert_inert(choice.text, "choice attempt")


def test_staff_report_and_admin_pages_show_the_payload_as_text(xss_world: World) -> None:
    """Staff queue and reflection, reports with breakdowns and comments, admin lists."""
    staff = xss_world.client_for("staff_a")
    for url in (
        "/staff/reflections",
        f"/staff/reflections/{xss_world.reflection_id}",
        f"/staff/reports/feedback?course={JOURNEY}",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_inert(response.text, url, must_show=True)
    for url in ("/staff", "/staff/reports", f"/staff/reports?course={JOURNEY}"):
        assert_inert(staff.get(url).text, url)
    admin = xss_world.client_for("admin")
    for url in ("/admin/users", f"/admin/certificates?q={xss_world.certificate_code}"):
        response = admin.get(url)
        assert response.status_code == 200
        assert_inert(response.text, url, must_show=True)


def test_the_certificate_pdf_holds_the_name_as_plain_text(xss_world: World) -> None:
    """The PDF prints what the learner typed, and nothing was evaluated."""
    pdf = xss_world.client_for("learner_a").get(f"/certificates/{xss_world.certificate_code}/pdf")
    text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "{{7*7}}" in text.replace("\n", "")
    assert pdf.headers["content-disposition"].startswith("attachment")


def test_csv_and_markdown_downloads_are_attachments_with_the_text_as_typed(
    xss_world: World,
) -> None:
    """Downloads are never rendered by the browser as HTML; the text is kept as typed."""
    staff = xss_world.client_for("staff_a")
    a = xss_world.client_for("learner_a")
    for client, url in (
        (staff, "/staff/reflections.csv"),
        (staff, f"/staff/reports/feedback-comments.csv?course={JOURNEY}"),
        (staff, "/staff/reports/enrollments.csv"),
        (a, "/me/journal.md"),
        (a, f"/courses/{DATA}/explore/absence-explorer/view.csv"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-disposition"].startswith("attachment"), url
        assert not response.headers["content-type"].startswith("text/html"), url
        assert response.headers["x-content-type-options"] == "nosniff"
        if "explore" not in url:
            assert "{{7*7}}" in response.text, url


def test_the_inertness_checker_can_fail() -> None:
    """Unescaped payloads are caught; the escaped one passes."""
    from markupsafe import escape

    for raw in (XSS, '<a href="javascript:alert(1)">x</a>', '<b onclick="x()">b</b>'):
        with pytest.raises(AssertionError):
            assert_inert(f"<p>{raw}</p>", "raw")
    assert_inert(f"<p>{escape(XSS)}</p>", "escaped", must_show=True)


HOSTILE_QUERIES = [
    "/login?next=" + quote('"><script>alert(1)</script>'),
    "/login?next=javascript:alert(1)",
    "/signup?next=" + quote('javascript:alert(1)"><img src=x onerror=alert(1)>'),
    f"/courses/{JOURNEY}?cohort=" + quote("<script>alert(1)</script>"),
    f"/courses/{JOURNEY}/enroll?cohort=" + quote('"><img src=x onerror=alert(1)>'),
    "/staff/reflections?date_from=" + quote("<script>alert(1)</script>"),
    "/staff/reflections?course=" + quote('"><img src=x onerror=alert(1)>'),
    "/staff/reports?date_from=" + quote("<script>alert(1)</script>") + "&cohort=%3Cb%3E",
    "/staff/reports?organization=" + quote('"><img src=x onerror=alert(1)>'),
    "/admin/users?q=" + quote('"><img src=x onerror=alert(1)>') + "&role=%3Cscript%3E",
    "/admin/certificates?q=" + quote("<script>alert(1)</script>"),
    f"/certificates/{quote('<script>alert(1)</script>')}",
    f"/courses/{DATA}/explore/absence-explorer?measure=x&filter.school="
    + quote("<script>alert(1)</script>"),
    f"/courses/{DATA}/explore/absence-explorer?measure=" + quote('"><img src=x onerror=alert(1)>'),
]


@pytest.mark.parametrize("url", HOSTILE_QUERIES)
def test_echoed_query_values_are_inert(xss_world: World, url: str) -> None:
    """Values from the URL that pages echo (in messages, inputs, links) stay text."""
    who = "admin" if url.startswith(("/admin", "/staff")) else "learner_a"
    if url.startswith(("/login", "/signup")):
        who = "anonymous"
    response = xss_world.client_for(who).get(url)
    assert response.status_code < 500
    assert_inert(response.text, url)


def test_no_safe_filter_on_learner_controlled_values() -> None:
    """Grep the templates: |safe only on author Markdown fields sanitised by nh3."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for match in re.finditer(r"{{\s*([^}]*?)\|\s*safe\s*}}", path.read_text()):
            field = match.group(1).strip().split(".")[-1]
            if field not in SAFE_FIELDS:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        assert "{% autoescape false" not in path.read_text(), path
    assert not offenders, "\n".join(offenders)


# Where a computed string may become Markup, and why: the templating helpers (the CSRF field,
# rendered fragments), the course sanitiser (nh3's allow-listed output) and a stored prompt
# (that sanitiser's output, saved). Anywhere else Markup wraps only a literal, which escapes
# whatever is formatted into it.
MARKUP_HOMES = {"app/templating.py", "app/content/markdown.py", "app/reflections/models.py"}


def test_markup_is_built_only_in_the_templating_module() -> None:
    """Python code marks a computed string safe (Markup) only in the listed homes."""
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel.startswith("app/static") or rel in MARKUP_HOMES:
            continue
        for match in re.finditer(r"\bMarkup\(\s*(.)", path.read_text()):
            if match.group(1) not in "\"'":
                found.append(rel)
    assert found == [], found
