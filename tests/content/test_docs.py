"""docs/authoring.md documents every key the content schema accepts, in the right section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from app.content.kinds import kind_names
from app.content.schema import CourseSchema, FrontMatterSchema, _unwrap
from app.reflections.spec import ReflectionSchema

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def _sections() -> dict[str, str]:
    """Guide text by heading (## and ###); a ## section includes its ### subsections."""
    text = GUIDE.read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for match in re.finditer(r"^(#{2,3}) (.+)$", text, re.MULTILINE):
        level = len(match.group(1))
        rest = text[match.end() :]
        stop = re.search(rf"^#{{2,{level}}} ", rest, re.MULTILINE)
        sections[match.group(2).strip()] = rest[: stop.start()] if stop else rest
    return sections


def _keys(model: type[BaseModel]) -> set[str]:
    """Every key a model accepts, nested models included (aliases as authors write them)."""
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(info.alias or name)
        for nested in _unwrap(info.annotation):
            keys |= _keys(nested)
    return keys


def _documented(key: str, text: str) -> bool:
    yaml_key = re.search(rf"(^\s*(#\s*)?(-\s+)?|[{{,]\s*){re.escape(key)}:", text, re.MULTILINE)
    code = re.search(rf"`([\w\[\].]*\.)?{re.escape(key)}`", text)
    return bool(yaml_key or code)


def _data_schemas() -> list[tuple[str, str, set[str]]]:
    from app.datasets.explore import EXPLORE_KEYS
    from app.datasets.schema import DatasetSchema
    from app.exercises.body import ExerciseBody

    return [
        # previous_ids, accepted by every directive, is documented once under "Ids".
        ("Explore (data explorer)", "{explore}", set(EXPLORE_KEYS)),
        ("Exercise (scored by the server)", "{exercise}", _keys(ExerciseBody)),
        ("Datasets", "dataset schema", _keys(DatasetSchema)),
    ]


SCHEMAS = [
    ("course.yaml", "course.yaml", _keys(CourseSchema)),
    ("Module files", "front matter", _keys(FrontMatterSchema)),
    ("Reflection", "{reflection}", _keys(ReflectionSchema) | {"previous_ids"}),
    *_data_schemas(),
]


@pytest.mark.parametrize(("section", "what", "keys"), SCHEMAS, ids=[s[1] for s in SCHEMAS])
def test_every_schema_key_is_in_the_guide(section: str, what: str, keys: set[str]) -> None:
    sections = _sections()
    assert section in sections, f"docs/authoring.md has no section '{section}'"
    missing = sorted(k for k in keys if not _documented(k, sections[section]))
    assert not missing, f"{what} keys missing from docs/authoring.md '{section}': {missing}"


def test_guide_names_every_directive_and_the_check_command() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for name in kind_names():
        assert f"```{{{name}}} " in text, name
    for needle in ("groundwork content check", "--format json", "--no-database", "previous_ids"):
        assert needle in text


def test_the_guide_examples_are_valid() -> None:
    """The course.yaml and front matter examples in the guide pass the schema."""
    import yaml

    sections = _sections()
    course_yaml = re.search(r"```yaml\n(.*?)```", sections["course.yaml"], re.DOTALL)
    assert course_yaml is not None
    CourseSchema.model_validate(yaml.safe_load(course_yaml.group(1)))
    front = re.search(r"```markdown\n---\n(.*?)---\n", sections["Module files"], re.DOTALL)
    assert front is not None
    FrontMatterSchema.model_validate(yaml.safe_load(front.group(1)))
    reflection = re.search(r"```\{reflection\} [\w-]+\n(.*?)```", sections["Reflection"], re.DOTALL)
    assert reflection is not None
    ReflectionSchema.model_validate(yaml.safe_load(reflection.group(1)))


DIRECTIVE_EXAMPLE = re.compile(
    r"```\{(explore|exercise|reflection)\} ([\w-]+)\n(.*?)```", re.DOTALL
)


def _bundled_datasets() -> dict[str, object]:
    """The datasets of the bundled courses, by name (the guide's examples use them)."""
    from app.datasets.loader import load_dataset

    root = GUIDE.parents[1] / "course_content"
    return {
        p.stem: load_dataset(p.stem, p, p.with_suffix(".yaml"))
        for p in sorted(root.glob("*/datasets/*.csv"))
    }


def test_every_directive_example_builds_against_the_bundled_data() -> None:
    """Each explore and exercise example in the guide is valid: it builds with the real
    builders over the bundled datasets, and each exercise passes its self-check."""
    import yaml

    from app.datasets.explore import build_explore
    from app.exercises.check import self_check
    from app.exercises.spec import build_exercise

    datasets = _bundled_datasets()
    found: dict[str, int] = {"explore": 0, "exercise": 0, "reflection": 0}
    for match in DIRECTIVE_EXAMPLE.finditer(GUIDE.read_text(encoding="utf-8")):
        name, block_id, body_text = match.groups()
        body = yaml.safe_load(body_text)
        assert isinstance(body, dict), block_id
        body.pop("previous_ids", None)
        found[name] += 1
        if name == "reflection":
            ReflectionSchema.model_validate(body)
        elif name == "explore":
            build_explore(block_id, body, datasets)  # type: ignore[arg-type]
        else:
            spec = build_exercise(block_id, body, datasets, lambda text: f"<p>{text}</p>")  # type: ignore[arg-type]
            assert self_check(spec) == [], block_id
    assert found["explore"] >= 1, found
    assert found["exercise"] >= 3, found


def test_the_dataset_schema_example_is_valid() -> None:
    """The datasets/<name>.yaml example passes the real schema, value labels included."""
    import yaml

    from app.datasets.schema import parse_schema

    example = re.search(r"```yaml\n(.*?)```", _sections()["Datasets"], re.DOTALL)
    assert example is not None
    schema = parse_schema(yaml.safe_load(example.group(1)))
    assert any(d.value_labels for d in schema.dimensions.values())
