"""A course's module files: listed in ``course.yaml``, read, and their front matter checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from app.content.collector import Collector
from app.content.files import FileProblem, read_text
from app.content.schema import CourseSchema, FrontMatterSchema, schema_messages
from app.content.yamltext import YamlDoc, YamlProblem, parse_yaml

_FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.MULTILINE)
_MODULE_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.md$")


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
class ModuleSource:
    """One module file: its front matter checked, its body still Markdown."""

    name: str  # "01-why.md"
    path: Path
    text: str
    front: FrontMatterSchema
    body: str
    body_offset: int
    position: int
    id_line: int
    doc: YamlDoc


def read_module(path: Path, name: str, position: int, out: Collector) -> ModuleSource | None:
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
    return ModuleSource(name, path, text, front, body, offset, position, doc.line_of("id"), doc)


def check_module_files(
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


def read_modules(
    course_dir: Path, schema: CourseSchema, doc: YamlDoc, out: Collector
) -> tuple[list[ModuleSource], dict[str, str]]:
    """The listed module files that parse, in course order, and each file's module id
    (``modules/<file>`` -> id, for links between modules); duplicates are reported."""
    listed = check_module_files(course_dir, schema, doc, out)
    sources: list[ModuleSource] = []
    module_ids: dict[str, str] = {}
    id_where: dict[str, str] = {}
    for position, (name, path, _line) in enumerate(listed, start=1):
        source = read_module(path, name, position, out)
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
    return sources, module_ids
