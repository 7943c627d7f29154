"""A course folder -> a validated Course, or the list of problems that stop it loading.

One course's mistakes never stop the others: ``load_all`` loads each folder on its own.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from app.content.claims import check_claim
from app.content.collector import Collector
from app.content.course import Block, Course, MarkdownBlock, Module, Survey, SurveyItem
from app.content.datafiles import load_course_datasets, read_yaml_file
from app.content.directives import build_directive
from app.content.files import FileProblem, check_inside, read_text
from app.content.markdown import (
    Directive,
    LinkContext,
    Rendered,
    render_inline,
    render_markdown,
    split_module_body,
)
from app.content.problems import Problem
from app.content.prose import read_prose
from app.content.schema import CourseSchema, FrontMatterSchema, schema_messages
from app.content.suppression_notes import suppression_note_problems
from app.content.time_estimate import hours_problem, minutes_warning, stated_hours_problems
from app.content.verdicts import verdict_problems
from app.content.yamltext import YamlDoc, YamlProblem, parse_yaml

log = logging.getLogger("groundwork.content")

_FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.MULTILINE)
_MODULE_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.md$")


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


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """``(front_matter, body, body_offset)``, or None when the file has no front matter."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return None
    end = _FRONT_MATTER_END.search(text, 4)
    if end is None:
        return None
    front = text[4 : end.start()]
    body_start = end.end() + 1 if end.end() < len(text) else end.end()
    offset = text[:body_start].count("\n")
    return front, text[body_start:], offset


@dataclass
class _ModuleSource:
    name: str  # "01-why.md"
    path: Path
    text: str
    front: FrontMatterSchema
    body: str
    body_offset: int
    position: int
    id_line: int
    doc: YamlDoc


def _read_module(path: Path, name: str, position: int, out: Collector) -> _ModuleSource | None:
    try:
        text = read_text(path, out.content_root)
    except FileProblem as exc:
        out.add(path, exc.line, exc.message)
        return None
    parts = _split_front_matter(text)
    if parts is None:
        out.add(
            path,
            1,
            "missing front matter: a module starts with a '---' line, then 'id:', 'title:' "
            "and 'minutes:' lines, then another '---' line",
        )
        return None
    front_text, body, offset = parts
    try:
        doc = parse_yaml(front_text, offset=1)
    except YamlProblem as exc:
        out.add(path, exc.line, f"front matter: {exc.message}")
        return None
    if not isinstance(doc.data, dict):
        out.add(path, 1, "front matter must be 'key: value' lines (id, title, minutes)")
        return None
    try:
        front = FrontMatterSchema.model_validate(doc.data)
    except ValidationError as exc:
        for line, message in sorted(schema_messages(exc, FrontMatterSchema, doc)):
            out.add(path, line, f"front matter: {message}")
        return None
    return _ModuleSource(name, path, text, front, body, offset, position, doc.line_of("id"), doc)


def _check_module_files(
    course_dir: Path, schema: CourseSchema, doc: YamlDoc, out: Collector
) -> list[tuple[str, Path, int]]:
    course_yaml = course_dir / "course.yaml"
    listed: list[tuple[str, Path, int]] = []
    seen: set[str] = set()
    for index, name in enumerate(schema.modules):
        line = doc.line_of(f"modules.{index}")
        if not _MODULE_FILE.match(name):
            out.add(
                course_yaml,
                line,
                f"module '{name}' must be a file name under modules/ ending in .md, "
                "e.g. 01-welcome.md",
            )
            continue
        if name in seen:
            out.add(course_yaml, line, f"module '{name}' is listed twice")
            continue
        seen.add(name)
        path = course_dir / "modules" / name
        if not path.is_file():
            out.add(course_yaml, line, f"module file modules/{name} does not exist")
            continue
        listed.append((name, path, line))
    modules_dir = course_dir / "modules"
    if modules_dir.is_dir():
        for path in sorted(modules_dir.glob("*.md")):
            if path.name not in seen:
                out.add(
                    course_yaml,
                    doc.line_of("modules"),
                    f"modules/{path.name} is not listed under 'modules:'; add it to the order "
                    "(or move it out of modules/)",
                )
    return listed


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
    source: _ModuleSource,
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


def _check_claims(source: _ModuleSource, datasets: dict[str, Any], out: Collector) -> None:
    """Evaluate the front matter's claims; each failure at the claim's line."""
    for index, claim in enumerate(source.front.claims):
        for problem in check_claim(claim, datasets):
            key = f"claims.{index}" + (f".{problem.key}" if problem.key else "")
            line = source.doc.line_of(key)
            out.add(source.path, line, f"claims: {problem.message}")


def _check_prose(
    source: _ModuleSource,
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


def _load(course_dir: Path, content_root: Path, out: Collector) -> Course | None:
    course_yaml = course_dir / "course.yaml"
    try:
        check_inside(course_dir, content_root)
    except FileProblem as exc:
        out.add(course_dir, 0, exc.message)
        return None
    if not course_yaml.is_file():
        empty = not any(course_dir.iterdir())
        out.add(
            course_yaml,
            0,
            ("the course folder is empty: " if empty else "")
            + "course.yaml is missing; every course folder needs one (see docs/authoring.md)",
        )
        return None
    doc = read_yaml_file(course_yaml, out)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        out.add(course_yaml, 1, "course.yaml must be 'key: value' lines (slug, title, modules...)")
        return None
    try:
        schema = CourseSchema.model_validate(doc.data)
    except ValidationError as exc:
        for line, message in sorted(schema_messages(exc, CourseSchema, doc)):
            out.add(course_yaml, line, message)
        return None
    if schema.slug != course_dir.name:
        out.add(
            course_yaml,
            doc.line_of("slug"),
            f"slug '{schema.slug}' must equal the folder name '{course_dir.name}'",
        )
    if schema.completion.require_survey and schema.survey is None:
        out.add(
            course_yaml,
            doc.line_of("completion.require_survey"),
            "completion.require_survey is true but there is no 'survey:'",
        )
    if schema.survey:
        seen_items: set[str] = set()
        for index, item in enumerate(schema.survey.items):
            if item.id in seen_items:
                out.add(
                    course_yaml,
                    doc.line_of(f"survey.items.{index}.id"),
                    f"duplicate survey item id '{item.id}'",
                )
            seen_items.add(item.id)

    listed = _check_module_files(course_dir, schema, doc, out)
    sources: list[_ModuleSource] = []
    module_ids: dict[str, str] = {}
    id_where: dict[str, str] = {}
    for position, (name, path, _line) in enumerate(listed, start=1):
        source = _read_module(path, name, position, out)
        if source is None:
            continue
        module_id = source.front.id
        if module_id in id_where:
            message = f"duplicate module id '{module_id}' (also used in {id_where[module_id]})"
            out.add(path, source.id_line, message)
            continue
        id_where[module_id] = f"{out.rel(path)}:{source.id_line}"
        module_ids[f"modules/{name}"] = source.front.id
        sources.append(source)

    datasets = load_course_datasets(course_dir, out)
    root_ctx = LinkContext(
        slug=schema.slug,
        course_root=course_dir,
        content_root=content_root,
        base_dir=".",
        module_ids=module_ids,
    )
    # Problems inside summary/description are reported at the key's line.
    summary_out, description_out = Rendered(), Rendered()
    summary_html = render_inline(schema.summary, root_ctx, summary_out)
    description_html = render_markdown(
        schema.description, root_ctx, description_out, datasets=datasets
    )
    for key, rendered in (("summary", summary_out), ("description", description_out)):
        for _line, message, severity in rendered.issues:
            out.add(course_yaml, doc.line_of(key), f"{key}: {message}", severity)

    ctx = LinkContext(
        slug=schema.slug,
        course_root=course_dir,
        content_root=content_root,
        base_dir="modules",
        module_ids=module_ids,
    )
    seen_ids: dict[str, str] = {}
    hashes: dict[str, str] = {}
    previous: dict[str, tuple[str, ...]] = {}
    modules = [
        _build_module(source, ctx, datasets, seen_ids, out, hashes, previous) for source in sources
    ]
    _check_previous_ids(modules, previous, out)
    for line, message in stated_hours_problems(schema.hours, schema.description):
        out.add(course_yaml, doc.line_of("description") + 1 + line, message)
    for source in sources:
        for line, message in stated_hours_problems(schema.hours, source.body):
            out.add(source.path, source.body_offset + 1 + line, message)
    # Only a course whose modules all loaded has a total worth comparing.
    too_many_hours = None if out.has_errors else hours_problem(schema.hours, modules)
    if too_many_hours:
        out.add(course_yaml, doc.line_of("hours"), too_many_hours)
    if out.has_errors:
        return None
    files = [course_yaml] + [s.path for s in sources]
    data_dir = course_dir / "datasets"
    if data_dir.is_dir():
        files += sorted(p for p in data_dir.iterdir() if p.is_file())
    survey = None
    if schema.survey:
        survey = Survey(
            items=tuple(SurveyItem(id=i.id, text=i.text) for i in schema.survey.items),
            comment_prompt=schema.survey.comment_prompt,
        )
    return Course(
        slug=schema.slug,
        title=schema.title,
        summary_html=summary_html,
        description_html=description_html,
        outcomes=tuple(schema.outcomes),
        status=schema.status,
        hours=schema.hours,
        sequencing=schema.sequencing,
        modules=tuple(modules),
        survey=survey,
        require_survey=schema.completion.require_survey,
        version=_course_version(course_dir, files),
        datasets=MappingProxyType(datasets),
        root=course_dir,
        activity_hashes=MappingProxyType(hashes),
        activity_previous_ids=MappingProxyType(previous),
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
