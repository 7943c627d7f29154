"""The learner's journal: every reflection by course and module, as a page, Markdown and PDF.

Reflections whose prompt was retired by a content change stay here, with the prompt as it
was when the learner last saved.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from markupsafe import Markup
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.content.course import Course
from app.content.models import ActivityRecord, CourseRecord
from app.content.plaintext import html_to_text
from app.db import id_of
from app.fonts import add_unicode_font
from app.reflections.models import LearnerReflection, ReflectionRevision, stored_prompt
from app.reflections.service import (
    FeedbackView,
    RevisionView,
    feedback_for,
    latest_revision_join,
    revisions,
)
from app.reflections.spec import Reflection as ReflectionBlock


@dataclass(frozen=True)
class JournalEntry:
    """One reflection in the journal."""

    reflection_id: int
    activity_id: str
    prompt_html: Markup
    prompt_retired: bool
    text: str  # latest submission, or the draft when never submitted
    submitted_at: datetime | None
    revision_count: int
    draft_text: str
    draft_saved_at: datetime | None
    shared: bool
    feedback: tuple[FeedbackView, ...]

    @property
    def has_draft(self) -> bool:
        """True when unsubmitted draft text exists."""
        return self.draft_saved_at is not None and bool(self.draft_text)


@dataclass
class JournalModule:
    """The reflections of one module."""

    module_id: str
    title: str
    position: int
    entries: list[JournalEntry] = field(default_factory=list)


@dataclass
class JournalCourse:
    """The reflections of one course, module by module."""

    slug: str
    title: str
    modules: list[JournalModule] = field(default_factory=list)


@dataclass(frozen=True)
class _Where:
    """Where a reflection's prompt is in the current course, or its saved snapshot."""

    activity_id: str
    module_id: str
    module_title: str
    module_position: int
    prompt_html: Markup
    retired: bool
    place: int


def _where(course: Course | None, stable_id: str, ref: LearnerReflection) -> _Where:
    # ``stable_id`` is the activity row's current id (renames update it; the snapshot lags).
    found = course.block_of(stable_id, ReflectionBlock) if course else None
    if found is None:
        return _Where(
            ref.activity_stable_id,
            ref.module_stable_id,
            ref.module_title,
            10_000,
            stored_prompt(ref),
            True,
            10_000_000,
        )
    module, block = found
    place = module.position * 1000 + module.blocks.index(block)
    return _Where(
        block.id, module.id, module.title, module.position, block.prompt_html, False, place
    )


def _entry(
    reflection: LearnerReflection,
    latest: ReflectionRevision | RevisionView | None,
    where: _Where,
    feedback: list[FeedbackView],
) -> JournalEntry:
    """The journal's view of a reflection: its latest submission (or draft) and feedback."""
    return JournalEntry(
        reflection_id=id_of(reflection),
        activity_id=where.activity_id,
        prompt_html=where.prompt_html,
        prompt_retired=where.retired,
        text=latest.text if latest else reflection.draft_text,
        submitted_at=latest.submitted_at if latest else None,
        revision_count=reflection.revision_count,
        draft_text=reflection.draft_text,
        draft_saved_at=reflection.draft_saved_at,
        shared=reflection.shared,
        feedback=tuple(feedback),
    )


def journal(session: Session, *, user: User, courses: Mapping[str, Course]) -> list[JournalCourse]:
    """Every reflection the user has written (drafts too), by course and module order."""
    rows = session.exec(
        select(  # type: ignore[call-overload]  # SQLModel types at most four columns
            LearnerReflection,
            ReflectionRevision,
            CourseRecord.slug,
            CourseRecord.title,
            ActivityRecord.stable_id,
        )
        .join(CourseRecord, col(CourseRecord.id) == col(LearnerReflection.course_id))
        .join(ActivityRecord, col(ActivityRecord.id) == col(LearnerReflection.activity_id))
        .outerjoin(ReflectionRevision, latest_revision_join())
        .where(LearnerReflection.user_id == user.id)
        .order_by(col(CourseRecord.title), col(LearnerReflection.id))
    ).all()
    feedback = feedback_for(session, reflection_ids=[r[0].id for r in rows if r[0].id])
    by_course: dict[str, JournalCourse] = {}
    order: dict[int, int] = {}
    for ref, rev, slug, title, stable_id in rows:
        if rev is None and not ref.draft_text:
            continue  # an empty draft row: nothing written
        course = courses.get(slug)
        jc = by_course.setdefault(slug, JournalCourse(slug, course.title if course else title))
        where = _where(course, stable_id, ref)
        jm = next((m for m in jc.modules if m.module_id == where.module_id), None)
        if jm is None:
            jm = JournalModule(where.module_id, where.module_title, where.module_position)
            jc.modules.append(jm)
        order[id_of(ref)] = where.place
        jm.entries.append(_entry(ref, rev, where, feedback.get(id_of(ref), [])))
    for jc in by_course.values():
        jc.modules.sort(key=lambda m: (m.position, m.title))
        for jm in jc.modules:
            jm.entries.sort(key=lambda e: order.get(e.reflection_id, 0))
    return list(by_course.values())


@dataclass(frozen=True)
class EntryDetail:
    """One reflection with its course and module, every revision and the feedback."""

    course_slug: str
    course_title: str
    module_id: str
    module_title: str
    entry: JournalEntry
    revisions: list[RevisionView]
    module_available: bool  # False when the prompt was retired


def entry(
    session: Session, *, reflection: LearnerReflection, courses: Mapping[str, Course]
) -> EntryDetail:
    """The detail page of one of the learner's own reflections."""
    record = session.get(CourseRecord, reflection.course_id)
    activity = session.get(ActivityRecord, reflection.activity_id)
    slug = record.slug if record else ""
    course = courses.get(slug)
    where = _where(course, activity.stable_id if activity else "", reflection)
    history = revisions(session, reflection=reflection)
    rid = id_of(reflection)
    feedback = feedback_for(session, reflection_ids=[rid]).get(rid, [])
    return EntryDetail(
        course_slug=slug,
        course_title=course.title if course else (record.title if record else ""),
        module_id=where.module_id,
        module_title=where.module_title,
        entry=_entry(reflection, history[0] if history else None, where, feedback),
        revisions=history,
        module_available=not where.retired,
    )


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC") if moment else ""


def _status(entry: JournalEntry) -> str:
    if entry.submitted_at is None:
        state = f"Draft, not submitted (saved {_when(entry.draft_saved_at)})"
    else:
        state = f"Submitted {_when(entry.submitted_at)}"
        if entry.revision_count > 1:
            state += f" (revision {entry.revision_count})"
    sharing = "shared with facilitators" if entry.shared else "private"
    return f"{state} · {sharing}"


def journal_markdown(user: User, courses: list[JournalCourse], *, now: datetime) -> str:
    """The journal as a Markdown document (the learner's text verbatim)."""
    lines = [
        f"# Reflection journal: {user.display_name}",
        "",
        f"Downloaded from Groundwork on {_when(now)}.",
        "",
    ]
    if not courses:
        lines += ["You have not written any reflections yet.", ""]
    for jc in courses:
        lines += [f"## {jc.title}", ""]
        for jm in jc.modules:
            lines += [f"### {jm.title}", ""]
            for entry in jm.entries:
                prompt = html_to_text(entry.prompt_html)
                lines += ["> " + line if line else ">" for line in prompt.split("\n")]
                if entry.prompt_retired:
                    lines += [">", "> (This prompt is no longer in the course.)"]
                lines += ["", f"*{_status(entry)}*", "", entry.text, ""]
                if entry.submitted_at is not None and entry.has_draft:
                    lines += ["Unsubmitted draft:", "", entry.draft_text, ""]
                for fb in entry.feedback:
                    lines += [f"**Feedback from {fb.author_name}** ({_when(fb.created_at)}):", ""]
                    lines += [fb.body, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def journal_pdf(user: User, courses: list[JournalCourse], *, now: datetime) -> bytes:
    """The journal as a PDF with a Unicode font (characters it lacks, e.g. emoji, are skipped)."""
    # fpdf loads on the first PDF, not in every web worker (docs/performance.md).
    from fpdf import FPDF

    class JournalPdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=8)
            self.cell(0, 6, f"Page {self.page_no()}/{{nb}}", align="C")

    pdf = JournalPdf(format="A4")
    pdf.set_title(f"Reflection journal: {user.display_name}")
    pdf.set_author("Groundwork")
    add_unicode_font(pdf)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 11, style: str = "", gap: float = 2) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    with warnings.catch_warnings():
        # fpdf2 warns once per character missing from the font (emoji); the PDF skips them.
        warnings.simplefilter("ignore", UserWarning)
        para(f"Reflection journal: {user.display_name}", 18, "B")
        para(f"Downloaded from Groundwork on {_when(now)}.", 9, gap=6)
        if not courses:
            para("You have not written any reflections yet.")
        for jc in courses:
            para(jc.title, 15, "B", gap=3)
            for jm in jc.modules:
                para(jm.title, 13, "B")
                for entry in jm.entries:
                    prompt = html_to_text(entry.prompt_html)
                    if entry.prompt_retired:
                        prompt += "\n(This prompt is no longer in the course.)"
                    para(prompt, 10, "B")
                    para(_status(entry), 9)
                    para(entry.text or " ", 11, gap=4)
                    if entry.submitted_at is not None and entry.has_draft:
                        para("Unsubmitted draft:", 9, "B")
                        para(entry.draft_text, 11, gap=4)
                    for fb in entry.feedback:
                        para(f"Feedback from {fb.author_name} ({_when(fb.created_at)}):", 9, "B")
                        para(fb.body, 10, gap=4)
    return bytes(pdf.output())
