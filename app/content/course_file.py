"""A course folder's ``course.yaml``: found, parsed and checked (docs/authoring.md)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from app.content.collector import Collector
from app.content.datafiles import read_yaml_file
from app.content.files import FileProblem, check_inside
from app.content.schema import CourseSchema, schema_messages
from app.content.yamltext import YamlDoc


def read_course_file(
    course_dir: Path, content_root: Path, out: Collector
) -> tuple[CourseSchema, YamlDoc] | None:
    """``course.yaml`` read and checked against the schema, with its survey's ids; None
    (problems reported to ``out``) when the course cannot load."""
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
    return schema, doc
