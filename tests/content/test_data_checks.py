"""Text that cannot drift from its data: {data} numbers, checked claims, near misses of
exercise keys, and honest minutes and hours. One fixture course per check proves it fires."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.content.course import MarkdownBlock
from app.content.inline_roles import InlineRoleError, resolve
from app.content.loader import CourseLoad, load_course
from app.content.time_estimate import estimate

CHECKS = Path(__file__).parent / "fixtures" / "data-checks"


def _load(folder: str, root: Path = CHECKS) -> CourseLoad:
    return load_course(root / folder, content_root=root)


def _copy(tmp_path: Path, folder: str = "honest-course") -> Path:
    shutil.copytree(CHECKS / folder, tmp_path / folder)
    return tmp_path / folder


def _module(course: Path) -> Path:
    return next((course / "modules").glob("*.md"))


def test_the_honest_course_loads_clean_and_shows_the_explorers_numbers() -> None:
    result = _load("honest-course")
    assert result.problems == []
    assert result.course is not None
    html = result.course.modules[0].blocks[0]
    assert isinstance(html, MarkdownBlock)
    assert "In 2025-26, 25.0%\nof group A students at North" in html.html
    assert "against\n20.0% at South" in html.html
    assert "North enrolled 60 students." in html.html
    assert "group B's rate was 5.0 percentage points below" in html.html
    assert "{data}" not in html.html
    assert "<code>" not in html.html


def test_a_value_hidden_by_suppression_is_an_error_at_its_line() -> None:
    result = _load("hidden-value")
    assert result.course is None
    assert [str(p) for p in result.errors] == [
        "hidden-value/modules/01-a.md:7: {data}`clubs: join_rate for club=Drama`: this value "
        "is hidden in the explorer (hidden to protect a small group); the text must not reveal "
        "it. Combine years or groups, or describe the view without the number",
        "hidden-value/modules/01-a.md:7: {data}`clubs: join_rate where club=Robotics`: this "
        "value is hidden in the explorer (fewer than 10 students); the text must not reveal "
        "it. Combine years or groups, or describe the view without the number",
    ]


def test_a_claim_the_data_does_not_support_is_an_error() -> None:
    result = _load("false-claim")
    assert result.course is None
    assert [str(p) for p in result.errors] == [
        'false-claim/modules/01-a.md:6: claims: the data no longer supports "South suspends '
        'group A more often than North": 20 vs 25: the first is not greater'
    ]


def test_another_year_showing_the_key_is_a_coincidence_warning() -> None:
    # North's group A: 25.0% in 2025-26 and in 2024-25.
    result = _load("near-miss")
    assert result.course is not None
    assert result.errors == []
    assert [str(p) for p in result.warnings] == [
        "near-miss/modules/01-a.md:6: {exercise} north-a: coincidence: School year = 2024-25 "
        "shows the same number as the key 25.0% (25.0), so a learner who read it would be "
        "marked right for the wrong reason; ask about a value no other reading gives "
        "(another group, year or measure), or change the data"
    ]


def test_declared_minutes_far_from_the_estimate_are_a_warning() -> None:
    result = _load("minutes-far")
    assert result.course is not None
    assert [str(p) for p in result.warnings] == [
        "minutes-far/modules/01-a.md:4: minutes: 30 declared, but the module takes about 4 "
        "(reading 16 words 0, explorers 0, exercises 0, reflections 4; see docs/authoring.md, "
        "'Minutes and hours'); declare between 3 and 5, or add the practice the minutes promise"
    ]


def test_hours_above_the_modules_minutes_are_an_error() -> None:
    result = _load("too-many-hours")
    assert result.course is None
    assert [str(p) for p in result.errors] == [
        "too-many-hours/course.yaml:5: hours: 2 professional-learning hours, but the modules "
        "declare 4 minutes (0.1 hours); a certificate may not award more time than the course "
        "takes"
    ]


def test_the_estimate_follows_the_documented_rule() -> None:
    result = _load("honest-course")
    assert result.course is not None
    found = estimate(result.course.modules[0].blocks)
    # one explorer (4) and one data exercise (3); the words are read at 200 a minute
    assert dict(found.activities) == {"explorers": 4.0, "exercises": 3.0, "reflections": 0.0}
    assert found.reading == pytest.approx(found.words / 200)
    assert 40 < found.words < 80


def test_optional_activities_count_nothing(tmp_path: Path) -> None:
    course = _copy(tmp_path, "minutes-far")
    module = _module(course)
    module.write_text(module.read_text().replace("min_words: 40", "min_words: 40\nrequired: false"))
    result = load_course(course, content_root=tmp_path)
    assert result.course is not None
    assert estimate(result.course.modules[0].blocks).activities["reflections"] == 0


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        (
            "about: [{a}, {b}]\n    within: 4",
            '"c": 25 vs 20 differ by 5.00, more than 4',
        ),
        ("above: [{a}, {b}]\n    by: 6", '"c": 25 vs 20 differ by 5.00, less than 6'),
        ("above: [{a}, {b}]\n    times: 1.5", '"c": 25 vs 20 is 1.25 times, less than 1.5'),
        ("below: [{a}, 20]", '"c": 25 vs 20: the first is not smaller'),
    ],
)
def test_each_relation_fails_when_the_data_does_not_hold_it(
    tmp_path: Path, claim: str, message: str
) -> None:
    course = _copy(tmp_path, "false-claim")
    module = _module(course)
    a = '"schools: suspension_rate where school=North, group=A, school_year=2025-26"'
    b = '"schools: suspension_rate where school=South, group=A, school_year=2025-26"'
    front = f"claims:\n  - says: c\n    {claim.format(a=a, b=b)}\n---"
    text = module.read_text()
    module.write_text(text[: text.index("claims:")] + front + text[text.index("\n---", 4) + 4 :])
    result = load_course(course, content_root=tmp_path)
    assert [p.message for p in result.errors] == [f"claims: the data no longer supports {message}"]


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ("about: [1, 2]", "'about' needs 'within' (and takes no 'by' or 'times')"),
        ("above: [1]", "'above' takes a list of two values: [A, B]"),
        ("above: [2, 1]\n    sayz: x", "unknown key 'sayz' (allowed: about, above, below, by, "),
        ("above: [2, 1]\n    within: 1", "'within' goes with 'about', not 'above'"),
        (
            'above: ["schools: rate where school=North", 1]',
            "dataset 'schools' has no measure 'rate'",
        ),
        (
            'above: ["schools: suspension_rate where school=Nort", 1]',
            "'Nort' is not a value of 'school'",
        ),
    ],
)
def test_a_malformed_claim_says_what_is_wrong(tmp_path: Path, claim: str, message: str) -> None:
    course = _copy(tmp_path, "false-claim")
    module = _module(course)
    text = module.read_text()
    front = f"claims:\n  - says: c\n    {claim}\n---"
    module.write_text(text[: text.index("claims:")] + front + text[text.index("\n---", 4) + 4 :])
    result = load_course(course, content_root=tmp_path)
    assert len(result.errors) == 1
    assert message in result.errors[0].message


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("{data}`nope: students`", "no dataset 'nope' (datasets: schools)"),
        ("{data}`schools students`", "write it as 'dataset: measure where dimension=value, ...'"),
        ("{data}`schools: students where school=West`", "'West' is not a value of 'school'"),
        ("{data}`schools: students where school`", "'school' must be dimension=value"),
        ("{data}`schools: students gap`", "'gap' needs 'for dimension=value'"),
        ("{dta}`schools: students`", "unknown inline role '{dta}' (known roles: {data})"),
    ],
)
def test_a_wrong_inline_role_is_an_error_at_its_line(
    tmp_path: Path, role: str, message: str
) -> None:
    course = _copy(tmp_path)
    module = _module(course)
    module.write_text(module.read_text() + f"\nOne more\nline: {role}.\n")
    result = load_course(course, content_root=tmp_path)
    lines = module.read_text().splitlines()
    assert [p.line for p in result.errors] == [len(lines)]
    assert message in result.errors[0].message.split("`: ", 1)[1]


def test_a_role_with_no_resolver_is_reported() -> None:
    with pytest.raises(InlineRoleError, match="unknown inline role"):
        resolve("not-registered", "x", {})


def test_roles_in_exercise_feedback_are_computed(tmp_path: Path) -> None:
    course = _copy(tmp_path)
    module = _module(course)
    module.write_text(
        module.read_text().replace(
            "  group: B\n",
            "  group: B\nfeedback:\n  correct: |\n"
            "    A year before it was {data}`schools: suspension_rate where school=South,\n"
            "    group=B, school_year=2024-25`.\n",
        )
    )
    result = load_course(course, content_root=tmp_path)
    assert result.problems == []
    assert result.course is not None
    exercise = result.course.activity("south-b")
    assert exercise is not None
    assert "A year before it was 13.3%." in exercise[1].feedback.correct_html  # type: ignore[union-attr]
