"""Value labels: ``values: {raw: label}`` in the schema, Yes/No for booleans, used wherever a
dimension value is shown (table, chart, filters, captions, CSV, exercise choices), while
filters, answers and choice ids keep the raw value."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.config import ROOT
from app.content.loader import load_course
from app.content.problems import SpecError
from app.datasets.explore import build_explore, build_view, parse_form, result_csv
from app.datasets.loader import Dataset, load_dataset
from app.datasets.query import parse_query
from app.datasets.results import run_query
from app.exercises.grading import grade
from app.exercises.spec import build_exercise, public_view
from app.templating import env as app_env
from tests.exercises.helpers import md

SCHEMA = """
title: Labelled
source: synthetic
columns:
  school: {type: str, label: School}
  grade: {type: int, label: Grade}
  proficient: {type: bool, label: Proficient in math, nullable: true}
  absent: {type: bool, label: Chronically absent}
measures:
  students: {label: Students, agg: count}
  absence_rate: {label: Chronic absence rate, agg: rate, column: absent, format: percent}
dimensions:
  school: {label: School, column: school}
  grade:
    label: Grade
    column: grade
    values: {0: Kindergarten, 1: Grade 1}
  proficient:
    label: Proficient in math
    column: proficient
    values: {"true": Proficient, "false": Not yet proficient, "(missing)": Not tested}
  absent: {label: Chronically absent, column: absent}
"""


def _csv() -> str:
    """Two schools x two grades x proficiency; absence differs by proficiency (no ties)."""
    lines = ["school,grade,proficient,absent"]
    for school, extra in (("North", 0), ("South", 3)):
        for year_grade in (0, 1):
            for i in range(40):
                proficient = "" if i < 8 else ("true" if i % 2 else "false")
                absent = (
                    "true" if (i + extra) % (3 if proficient == "false" else 5) == 0 else "false"
                )
                lines.append(f"{school},{year_grade},{proficient},{absent}")
    return "\n".join(lines) + "\n"


def _write(folder: Path, schema: str = SCHEMA) -> tuple[Path, Path]:
    (folder / "d.csv").write_text(_csv())
    (folder / "d.yaml").write_text(schema)
    return folder / "d.csv", folder / "d.yaml"


@pytest.fixture
def ds(tmp_path: Path) -> Dataset:
    """The labelled dataset."""
    return load_dataset("d", *_write(tmp_path))


def test_labels_and_order_come_from_the_mapping(ds: Dataset) -> None:
    """Mapping keys are raw values (unquoted YAML numbers work); booleans default to Yes/No."""
    assert ds.dimension_values["proficient"] == ("true", "false", "(missing)")
    assert ds.value_label("proficient", "false") == "Not yet proficient"
    assert ds.value_label("grade", "0") == "Kindergarten"
    assert ds.dimension_values["absent"] == ("false", "true")
    assert [ds.value_label("absent", v) for v in ds.dimension_values["absent"]] == ["No", "Yes"]
    assert ds.value_label("school", "North") == "North"
    assert ds.warnings == ()


def test_a_label_for_a_value_not_in_the_data_is_a_warning(tmp_path: Path) -> None:
    """The dataset still loads; the warning names the dimension and the value."""
    schema = SCHEMA.replace("1: Grade 1}", "1: Grade 1, 2: Grade 2}")
    ds = load_dataset("d", *_write(tmp_path, schema))
    assert [w.message for w in ds.warnings] == [
        "dimensions.grade.values: '2' has a label but column 'grade' has no such value "
        '(values are written as in the CSV, e.g. "true")'
    ]
    assert ds.dimension_values["grade"] == ("0", "1")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"(missing)": Not tested}', "}", "the data has value(s) not listed: (missing)"),
        ("Not yet proficient", "Proficient", "'Proficient' is listed twice"),
        ("0: Kindergarten", "0: [K]", "the label of '0' must be text"),
    ],
)
def test_mapping_mistakes_are_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    """Every data value needs a place; two values may not share a label; labels are text."""
    with pytest.raises(SpecError) as info:
        load_dataset("d", *_write(tmp_path, SCHEMA.replace(old, new)))
    assert message in info.value.message


def test_content_check_reports_the_warning_at_the_dimension_line(tmp_path: Path) -> None:
    """`groundwork content check` shows it as `file:line: warning`, and the course loads."""
    course = tmp_path / "sample-course"
    shutil.copytree(ROOT / "tests/content/fixtures/good/sample-course", course)
    schema = course / "datasets" / "students.yaml"
    text = schema.read_text().replace(
        "  english_learner: {label: English learner status, column: english_learner}",
        "  english_learner:\n    label: English learner status\n    column: english_learner\n"
        '    values: {EL: English learner, "Not EL": Not an English learner, ELL: Old code}',
    )
    schema.write_text(text)
    result = load_course(course, content_root=tmp_path)
    assert result.course is not None
    assert result.errors == []
    line = (
        text.splitlines().index(
            '    values: {EL: English learner, "Not EL": Not an English learner, ELL: Old code}'
        )
        + 1
    )
    assert [(p.file, p.line, p.severity) for p in result.warnings] == [
        ("sample-course/datasets/students.yaml", line, "warning")
    ]
    assert "'ELL' has a label" in result.warnings[0].message


def _view(ds: Dataset, body: dict, params: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    spec = build_explore("x", {"dataset": "d", "measure": "absence_rate", **body}, {"d": ds})
    query, errors = parse_form(spec, ds, params or {})
    assert errors == ()
    return build_view(spec, ds, query)


def _render(view, ds: Dataset) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape(["html"])
    )
    env.globals["url_for"] = lambda name, **kw: f"/{name}"
    env.filters.update(app_env.filters)  # the app's formatting filters (number, date)
    html = env.get_template("datasets/_explore_result.html").render(
        state=view, block=view.explore, course=type("C", (), {"slug": "c"})
    )
    return BeautifulSoup(html, "html.parser")


def test_table_chart_caption_and_csv_show_labels(ds: Dataset) -> None:
    """Groups and filters read as words; the CSV carries the same labels as the table."""
    view = _view(ds, {"group_by": ["proficient"], "filters": {"grade": "0"}})
    names = ["Proficient", "Not yet proficient", "Not tested"]
    assert [r.names[0] for r in view.result.rows] == names
    assert [r.labels[0] for r in view.result.rows] == ["true", "false", "(missing)"]
    assert [v["g0"] for v in view.chart["data"]["values"]] == names
    assert view.chart["layer"][0]["encoding"]["y"]["sort"] == names
    page = _render(view, ds)
    assert [th.get_text() for th in page.select("tbody th")] == names
    caption = page.find(class_="explore-caption").get_text(" ", strip=True)
    assert "Grade: Kindergarten" in caption
    assert "Grade: 0" not in caption
    rows = list(csv.reader(io.StringIO(result_csv(view.result, dataset_title="t", source="s"))))
    assert [r[0] for r in rows[2:5]] == names


def test_filter_and_reference_options_keep_raw_values_and_show_labels(ds: Dataset) -> None:
    """The form sends raw values (so URLs and answers stay stable) and shows labels."""
    view = _view(ds, {"group_by": ["absent"]})
    grade = next(f for f in view.filters if f.name == "filter.grade")
    assert [(o.value, o.label) for o in grade.options] == [
        ("", "All"),
        ("0", "Kindergarten"),
        ("1", "Grade 1"),
    ]
    view = _view(
        ds,
        {"group_by": ["proficient"], "compare": "risk_ratio", "reference": "false"},
    )
    assert [(o.value, o.label) for o in view.reference_options][1:] == [
        ("true", "Proficient"),
        ("false", "Not yet proficient"),
        ("(missing)", "Not tested"),
    ]
    assert view.result.comparison_label == "Risk ratio vs Not yet proficient"
    absent = _view(ds, {"group_by": ["absent"]})
    assert [r.names[0] for r in absent.result.rows] == ["No", "Yes"]


def test_queries_still_take_raw_values(ds: Dataset) -> None:
    """A filter written with a label is refused with the raw values to use."""
    assert run_query(
        ds, parse_query(ds, {"measure": "students", "filters": {"proficient": "true"}})
    )
    with pytest.raises(SpecError) as info:
        parse_query(ds, {"measure": "students", "filters": {"proficient": "Proficient"}})
    assert "'Proficient' is not a value of 'proficient'" in info.value.message


def test_choices_from_groups_are_labelled_and_graded_by_raw_value(ds: Dataset) -> None:
    """Choice ids come from raw values, texts from labels; the key displays as a label."""
    spec = build_exercise(
        "most-absent",
        {
            "type": "choice",
            "prompt": "At {variant}, which group is most often chronically absent?",
            "dataset": "d",
            "answer": {
                "query": {"measure": "absence_rate", "group_by": ["proficient"]},
                "pick": "max",
            },
            "choices": {"from": "groups"},
            "variant_by": "grade",
        },
        {"d": ds},
        md,
    )
    assert [v.key for v in spec.variants] == ["0", "1"]
    assert [v.label for v in spec.variants] == ["Kindergarten", "Grade 1"]
    variant = spec.variants[0]
    assert [(c.id, c.text_html) for c in variant.choices] == [
        ("true", "<p>Proficient</p>"),
        ("false", "<p>Not yet proficient</p>"),
        ("missing", "<p>Not tested</p>"),
    ]
    assert variant.answer.choice_ids == frozenset({"false"})
    assert variant.answer.display == "Not yet proficient"
    assert grade(spec, "false", "0").score == 1
    assert grade(spec, "true", "0").score == 0
    public = public_view(spec, "0")
    assert "At Kindergarten," in public.prompt_html
    assert public.variant_label == "Kindergarten"


def test_an_answer_group_written_as_a_label_gets_a_hint(ds: Dataset) -> None:
    """``answer.group`` takes the raw value; a label gets a message saying which value."""
    body = {
        "type": "numeric",
        "prompt": "Rate?",
        "dataset": "d",
        "answer": {
            "query": {"measure": "absence_rate", "group_by": ["proficient"]},
            "pick": "value",
            "group": "Not yet proficient",
        },
    }
    with pytest.raises(SpecError) as info:
        build_exercise("x", body, {"d": ds}, md)
    assert "that is the label of 'false'" in info.value.message
    body["answer"]["group"] = "false"  # type: ignore[index]
    assert build_exercise("x", body, {"d": ds}, md).variants[0].answer.number is not None


def test_bundled_datasets_show_no_bare_true_or_false() -> None:
    """Every value learners see in the bundled courses reads as words, not true/false."""
    from app.content.registry import build_registry

    registry = build_registry(ROOT / "course_content")
    assert registry.courses
    for course in registry.courses.values():
        for dataset in course.datasets.values():
            for dim, values in dataset.dimension_values.items():
                shown = {dataset.value_label(dim, v) for v in values}
                assert not shown & {"true", "false"}, (course.slug, dataset.name, dim)
