"""A course folder -> a validated Course, or the list of problems that stop it loading.

One course's mistakes never stop the others: ``load_all`` loads each folder on its own.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from app.content.claims import check_claim
from app.content.collector import Collector
from app.content.course import Block, Course, MarkdownBlock, Module, Survey, SurveyItem
from app.content.course_file import read_course_file
from app.content.datafiles import load_course_datasets
from app.content.directives import build_directive
from app.content.markdown import (
    Directive,
    LinkContext,
    Rendered,
    render_inline,
    render_markdown,
    split_module_body,
)
from app.content.module_files import ModuleSource, read_modules
from app.content.problems import Problem
from app.content.prose import read_prose
from app.content.schema import CourseSchema
from app.content.suppression_notes import suppression_note_problems
from app.content.time_estimate import hours_problem, minutes_warning, stated_hours_problems
from app.content.verdicts import verdict_problems
from app.content.yamltext import YamlDoc

log = logging.getLogger("groundwork.content")


@dataclass
class CourseLoad:
    """The outcome of loading one course folder."""

    slug: str
    folder: Path
    course: Course | None = None
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop the course from loading."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth fixing that do not stop the course."""
        return [p for p in self.problems if p.severity == "warning"]


def _course_version(course_dir: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(course_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    assets = course_dir / "assets"
    if assets.is_dir():
        for path in sorted(p for p in assets.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(f"{path.relative_to(course_dir).as_posix()}:{stat.st_size}".encode())
    return digest.hexdigest()


def _build_module(
    source: ModuleSource,
    ctx: LinkContext,
    datasets: dict[str, Any],
    seen_ids: dict[str, str],
    out: Collector,
    hashes: dict[str, str],
    previous: dict[str, tuple[str, ...]],
) -> Module:
    rendered = Rendered()
    blocks: list[Block] = []
    directive_views: list[tuple[int, str, tuple[str, ...]]] = []
    segments = split_module_body(
        source.body, ctx, rendered, offset=source.body_offset, datasets=datasets
    )
    for segment in segments:
        if not isinstance(segment, Directive):
            blocks.append(MarkdownBlock(html=segment))
            continue
        built = build_directive(segment, ctx=ctx, datasets=datasets, out=rendered)
        if built is None:
            continue
        block, body_hash, previous_ids = built
        where = f"{out.rel(source.path)}:{segment.line}"
        if block.id in seen_ids:
            rendered.add(
                segment.line, f"duplicate id '{block.id}' (also used at {seen_ids[block.id]})"
            )
            continue
        seen_ids[block.id] = where
        hashes[block.id] = body_hash
        if previous_ids:
            previous[block.id] = previous_ids
        blocks.append(block)
        # Content knows a block by its kind only; kinds that read a data view list the
        # groups it hides as ``hidden_groups`` (the exercise kind does).
        hidden = tuple(getattr(block, "hidden_groups", ()))
        directive_views.append((segment.line, f"{{{segment.name}}} {block.id}", hidden))
    out.add_rendered(source.path, rendered)
    _check_claims(source, datasets, out)
    _check_prose(source, datasets, directive_views, out)
    front = source.front
    module = Module(
        id=front.id,
        title=front.title,
        minutes=front.minutes,
        objectives=tuple(front.objectives),
        previous_ids=tuple(front.previous_ids),
        blocks=tuple(blocks),
        file=out.rel(source.path),
        position=source.position,
        content_hash=hashlib.sha256(source.text.encode()).hexdigest(),
        retired_ids=tuple(front.retired_ids),
    )
    warning = minutes_warning(module)
    if warning:
        out.add(source.path, source.doc.line_of("minutes"), warning, "warning")
    return module


def _check_claims(source: ModuleSource, datasets: dict[str, Any], out: Collector) -> None:
    """Evaluate the front matter's claims; each failure at the claim's line."""
    for index, claim in enumerate(source.front.claims):
        for problem in check_claim(claim, datasets):
            key = f"claims.{index}" + (f".{problem.key}" if problem.key else "")
            line = source.doc.line_of(key)
            out.add(source.path, line, f"claims: {problem.message}")


def _check_prose(
    source: ModuleSource,
    datasets: dict[str, Any],
    directive_views: list[tuple[int, str, tuple[str, ...]]],
    out: Collector,
) -> None:
    """The checks that read the module's words: suppression notes (an error: a reader would
    not know a group is missing) and verdict words (a warning; CI fails on warnings)."""
    prose = read_prose(source.body, source.body_offset, datasets)
    for line, message in suppression_note_problems(prose, directive_views):
        out.add(source.path, line, message)
    for line, message in verdict_problems(prose):
        out.add(source.path, line, message, "warning")


def _check_previous_ids(
    modules: list[Module], previous: dict[str, tuple[str, ...]], out: Collector
) -> None:
    module_ids = {m.id for m in modules}
    for module in modules:
        for old in module.previous_ids:
            if old in module_ids:
                out.add(
                    out.course_dir / module.file.split("/", 1)[1],
                    0,
                    f"previous_ids: '{old}' is still the id of a module in this course",
                )
    activity_ids = {b.id for m in modules for b in m.blocks if not isinstance(b, MarkdownBlock)}
    for module in modules:
        for retired in module.retired_ids:
            if retired in activity_ids:
                out.add(
                    out.course_dir / module.file.split("/", 1)[1],
                    0,
                    f"retired_ids: '{retired}' is still the id of a directive in this course",
                )
    for block_id, olds in previous.items():
        for old in olds:
            if old in activity_ids:
                out.add(
                    out.course_dir,
                    0,
                    f"{block_id}: previous_ids '{old}' is still the id of another directive",
                )


def _check_hours(
    schema: CourseSchema,
    doc: YamlDoc,
    course_yaml: Path,
    sources: list[ModuleSource],
    modules: list[Module],
    out: Collector,
) -> None:
    """Hours stated in the text must be the course's; the course may not certify more time
    than its modules declare."""
    for line, message in stated_hours_problems(schema.hours, schema.description):
        out.add(course_yaml, doc.line_of("description") + 1 + line, message)
    for source in sources:
        for line, message in stated_hours_problems(schema.hours, source.body):
            out.add(source.path, source.body_offset + 1 + line, message)
    # Only a course whose modules all loaded has a total worth comparing.
    too_many_hours = None if out.has_errors else hours_problem(schema.hours, modules)
    if too_many_hours:
        out.add(course_yaml, doc.line_of("hours"), too_many_hours)


def _survey(schema: CourseSchema) -> Survey | None:
    if not schema.survey:
        return None
    return Survey(
        items=tuple(SurveyItem(id=i.id, text=i.text) for i in schema.survey.items),
        comment_prompt=schema.survey.comment_prompt,
    )


def _course_texts(
    schema: CourseSchema,
    doc: YamlDoc,
    ctx: LinkContext,
    datasets: dict[str, Any],
    out: Collector,
) -> tuple[Markup, Markup]:
    """The course's summary and description as HTML; problems in them are reported at the
    key's line of course.yaml."""
    summary_out, description_out = Rendered(), Rendered()
    summary_html = render_inline(schema.summary, ctx, summary_out)
    description_html = render_markdown(schema.description, ctx, description_out, datasets=datasets)
    course_yaml = ctx.course_root / "course.yaml"
    for key, rendered in (("summary", summary_out), ("description", description_out)):
        for _line, message, severity in rendered.issues:
            out.add(course_yaml, doc.line_of(key), f"{key}: {message}", severity)
    return summary_html, description_html


@dataclass
class _Modules:
    """The course's modules, with each activity's content hash and previous ids."""

    modules: list[Module]
    hashes: dict[str, str]
    previous: dict[str, tuple[str, ...]]


def _build_modules(
    sources: list[ModuleSource], ctx: LinkContext, datasets: dict[str, Any], out: Collector
) -> _Modules:
    """Every module of the course, with activity ids checked across modules."""
    seen_ids: dict[str, str] = {}
    built = _Modules([], {}, {})
    for source in sources:
        module = _build_module(source, ctx, datasets, seen_ids, out, built.hashes, built.previous)
        built.modules.append(module)
    _check_previous_ids(built.modules, built.previous, out)
    return built


def _course_files(course_dir: Path, sources: list[ModuleSource]) -> list[Path]:
    """The files the course's version is computed from: course.yaml, modules, datasets."""
    files = [course_dir / "course.yaml"] + [s.path for s in sources]
    data_dir = course_dir / "datasets"
    if data_dir.is_dir():
        files += sorted(p for p in data_dir.iterdir() if p.is_file())
    return files


def _load(course_dir: Path, content_root: Path, out: Collector) -> Course | None:
    """The course in ``course_dir``, or None when it has errors (reported to ``out``)."""
    found = read_course_file(course_dir, content_root, out)
    if found is None:
        return None
    schema, doc = found
    sources, module_ids = read_modules(course_dir, schema, doc, out)
    datasets = load_course_datasets(course_dir, out)

    def links(base_dir: str) -> LinkContext:
        return LinkContext(
            slug=schema.slug,
            course_root=course_dir,
            content_root=content_root,
            base_dir=base_dir,
            module_ids=module_ids,
        )

    summary_html, description_html = _course_texts(schema, doc, links("."), datasets, out)
    built = _build_modules(sources, links("modules"), datasets, out)
    _check_hours(schema, doc, course_dir / "course.yaml", sources, built.modules, out)
    if out.has_errors:
        return None
    return Course(
        slug=schema.slug,
        title=schema.title,
        summary_html=summary_html,
        description_html=description_html,
        outcomes=tuple(schema.outcomes),
        status=schema.status,
        hours=schema.hours,
        sequencing=schema.sequencing,
        modules=tuple(built.modules),
        survey=_survey(schema),
        require_survey=schema.completion.require_survey,
        version=_course_version(course_dir, _course_files(course_dir, sources)),
        datasets=MappingProxyType(datasets),
        root=course_dir,
        activity_hashes=MappingProxyType(built.hashes),
        activity_previous_ids=MappingProxyType(built.previous),
    )


def load_course(course_dir: Path, *, content_root: Path) -> CourseLoad:
    """Load one course folder; never raises for anything an author can get wrong."""
    started = time.perf_counter()
    out = Collector(content_root, course_dir)
    result = CourseLoad(slug=course_dir.name, folder=course_dir)
    try:
        result.course = _load(course_dir, content_root, out)
    except Exception as exc:  # one broken course (or builder bug) never hides the others
        log.exception("Unexpected error while loading %s", course_dir)
        out.add(course_dir, 0, f"internal error while loading this course: {exc!r}")
        result.course = None
    result.problems = sorted(out.problems, key=lambda p: (p.file, p.line))
    result.seconds = time.perf_counter() - started
    return result


def course_folders(content_root: Path) -> list[Path]:
    """The course folders under the content root (hidden and ``_`` folders skipped)."""
    if not content_root.is_dir():
        return []
    return sorted(
        p for p in content_root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def load_all(content_root: Path) -> list[CourseLoad]:
    """Load every course folder under the content root, each on its own."""
    return [
        load_course(folder, content_root=content_root) for folder in course_folders(content_root)
    ]
