"""The synthetic course datasets: deterministic, current on disk, with their planted patterns."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_datasets.py"


def _load_generator() -> ModuleType:
    """Import scripts/make_datasets.py as a module."""
    spec = importlib.util.spec_from_file_location("make_datasets", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_datasets"] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def outputs() -> dict[Path, pl.DataFrame]:
    """Every generated frame, by output path (built once for the module)."""
    return gen.outputs()


@pytest.fixture(scope="module")
def students(outputs: dict[Path, pl.DataFrame]) -> pl.DataFrame:
    """The Riverside Unified student-year table."""
    return outputs[gen.COURSE1_DATA / "riverside_students.csv"]


@pytest.fixture(scope="module")
def intervention(outputs: dict[Path, pl.DataFrame]) -> pl.DataFrame:
    """The reading-intervention weekly table."""
    return outputs[gen.COURSE2_DATA / "reading_intervention.csv"]


def _rate(frame: pl.DataFrame, column: str) -> float:
    """Share of true values in a boolean column, ignoring nulls."""
    value = frame[column].mean()
    assert isinstance(value, float)
    return value


def test_generator_is_deterministic(outputs: dict[Path, pl.DataFrame]) -> None:
    """Two runs with the same seed give byte-identical CSV text; another seed does not."""
    again = gen.outputs()
    for path, frame in outputs.items():
        assert gen.to_csv(frame) == gen.to_csv(again[path]), path
    other = gen.build_students(gen.SEED + 1)
    assert gen.to_csv(other) != gen.to_csv(outputs[gen.COURSE1_DATA / "riverside_students.csv"])


def test_files_on_disk_are_current(outputs: dict[Path, pl.DataFrame]) -> None:
    """The committed CSVs are exactly what the script writes, and stay well under 2 MB."""
    for path, frame in outputs.items():
        text = path.read_text(encoding="utf-8")
        assert text == gen.to_csv(frame), f"{path} is stale: run scripts/make_datasets.py"
        assert len(text.encode()) < 1_900_000


def test_schemas_match_the_csv_columns(outputs: dict[Path, pl.DataFrame]) -> None:
    """Each CSV has a YAML schema naming exactly its columns, labelled synthetic."""
    for path, frame in outputs.items():
        schema = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        assert schema["source"] == "synthetic"
        assert "synthetic" in schema["title"].lower()
        assert schema["min_group_size"] == 10
        assert list(schema["columns"]) == frame.columns
        for measure in schema["measures"].values():
            assert measure["column"] in frame.columns
        for dimension in schema["dimensions"].values():
            assert dimension["column"] in frame.columns


def test_district_shape(students: pl.DataFrame) -> None:
    """About 5,500 students a year in six schools over three school years."""
    per_year = students.group_by("school_year").len()
    assert sorted(per_year["school_year"].to_list()) == list(gen.YEARS)
    assert all(5_000 <= n <= 6_500 for n in per_year["len"].to_list())
    assert students["school"].n_unique() == 6
    assert (
        students.filter(pl.col("grade") < 3)["ela_score"].null_count()
        == students.filter(pl.col("grade") < 3).height
    )
    assert students.filter(pl.col("grade") < 6)["advanced_course"].null_count() > 0
    assert students.filter(pl.col("grade") >= 6)["advanced_course"].null_count() == 0
    chronic = students["days_absent"] * 10 >= students["days_enrolled"]
    assert (chronic == students["chronically_absent"]).all()
    assert ((students["suspensions"] > 0) == students["suspended"]).all()


def test_suspensions_concentrate_at_eastside(students: pl.DataFrame) -> None:
    """Eastside MS: about an eighth of students, over 40% of suspensions, high risk ratios."""
    for year in gen.YEARS:
        one_year = students.filter(pl.col("school_year") == year)
        east = one_year.filter(pl.col("school") == gen.EASTSIDE)
        assert east.height / one_year.height < 0.15
        assert east["suspensions"].sum() / one_year["suspensions"].sum() > 0.40
    latest = students.filter(pl.col("school_year") == gen.YEARS[2])

    def risk_ratio(frame: pl.DataFrame, mask: pl.Expr) -> float:
        return _rate(frame.filter(mask), "suspended") / _rate(frame.filter(~mask), "suspended")

    east = latest.filter(pl.col("school") == gen.EASTSIDE)
    delta = latest.filter(pl.col("school") == gen.DELTA)
    black = pl.col("race_ethnicity") == gen.BLACK
    assert risk_ratio(east, black) > 3.0
    assert risk_ratio(delta, black) < 2.0
    assert risk_ratio(east, pl.col("disability") == "IEP") > 2.0


def test_advanced_courses_unequal_at_equal_proficiency(students: pl.DataFrame) -> None:
    """At equal (math) proficiency, White/Asian placement far exceeds Black/Latino placement."""
    proficient = students.filter(pl.col("grade") >= 6, pl.col("math_proficient"))
    for year in gen.YEARS[:2]:
        frame = proficient.filter(pl.col("school_year") == year)
        high = _rate(
            frame.filter(pl.col("race_ethnicity").is_in([gen.WHITE, gen.ASIAN])), "advanced_course"
        )
        low = _rate(
            frame.filter(pl.col("race_ethnicity").is_in([gen.BLACK, gen.LATINO])), "advanced_course"
        )
        assert high - low > 0.20
    delta = proficient.filter(pl.col("school") == gen.DELTA, pl.col("school_year") == gen.YEARS[2])
    white = _rate(delta.filter(pl.col("race_ethnicity") == gen.WHITE), "advanced_course")
    latino = _rate(delta.filter(pl.col("race_ethnicity") == gen.LATINO), "advanced_course")
    assert abs(white - latino) < 0.12
    not_proficient = students.filter(pl.col("grade") >= 6, ~pl.col("math_proficient"))
    assert _rate(not_proficient, "advanced_course") < 0.10


def test_district_average_hides_brookside(students: pl.DataFrame) -> None:
    """District chronic absence is flat while Brookside ES more than doubles."""
    district = [
        _rate(students.filter(pl.col("school_year") == y), "chronically_absent") for y in gen.YEARS
    ]
    assert max(district) - min(district) < 0.015
    brookside = [
        _rate(
            students.filter(pl.col("school_year") == y, pl.col("school") == gen.BROOKSIDE),
            "chronically_absent",
        )
        for y in gen.YEARS
    ]
    assert brookside[0] < brookside[1] < brookside[2]
    assert brookside[2] > 2 * brookside[0]
    for school in (gen.ALDER, gen.CEDAR, gen.DELTA, gen.EASTSIDE, gen.HIGH):
        frame = students.filter(pl.col("school") == school)
        first = _rate(frame.filter(pl.col("school_year") == gen.YEARS[0]), "chronically_absent")
        last = _rate(frame.filter(pl.col("school_year") == gen.YEARS[2]), "chronically_absent")
        assert last < first, school


def test_same_ela_rate_different_distance_below_the_cut(students: pl.DataFrame) -> None:
    """Brookside ES and Cedar ES share an ELA proficiency rate; Cedar's students below the
    cut are much closer to it."""
    latest = students.filter(pl.col("school_year") == gen.YEARS[2])
    brookside = latest.filter(pl.col("school") == gen.BROOKSIDE)
    cedar = latest.filter(pl.col("school") == gen.CEDAR)
    assert abs(_rate(brookside, "ela_proficient") - _rate(cedar, "ela_proficient")) < 0.01

    def below(frame: pl.DataFrame) -> float:
        value = frame.filter(~pl.col("ela_proficient"))["ela_score"].mean()
        assert isinstance(value, float)
        return value

    assert below(cedar) - below(brookside) > 10
    assert cedar.filter(~pl.col("ela_proficient"))["ela_score"].max() == gen.CUT_SCORE - 1


def test_chronic_absence_gaps_by_group(students: pl.DataFrame) -> None:
    """Students with an IEP and meal-eligible students are chronically absent more often."""
    latest = students.filter(pl.col("school_year") == gen.YEARS[2])
    iep = _rate(latest.filter(pl.col("disability") == "IEP"), "chronically_absent")
    assert iep - _rate(latest, "chronically_absent") > 0.10
    el = _rate(latest.filter(pl.col("english_learner") == "EL"), "chronically_absent")
    assert el > _rate(latest.filter(pl.col("english_learner") == "Not EL"), "chronically_absent")


def test_small_groups_exist_for_suppression(students: pl.DataFrame) -> None:
    """Each year has school-level race and gender cells under 10; district-wide groups reach 10."""
    for year in gen.YEARS:
        frame = students.filter(pl.col("school_year") == year)
        cells = frame.group_by("school", "race_ethnicity").len()
        assert cells.filter(pl.col("len") < 10).height >= 3
        assert frame.group_by("school", "gender").len().filter(pl.col("len") < 10).height >= 1
        district = frame.group_by("race_ethnicity").len()
        assert district.height == len(gen.RACES)
        assert district["len"].min() >= 10  # type: ignore[operator]


def test_intervention_patterns(intervention: pl.DataFrame) -> None:
    """Intervention students gain far more than comparison; Brookside's EL dosage dips early."""
    assert intervention.group_by("student_id").len()["len"].unique().to_list() == [
        gen.INTERVENTION_WEEKS
    ]
    final = intervention.filter(pl.col("week") == gen.INTERVENTION_WEEKS - 1)
    treated = final.filter(pl.col("group") == "Intervention")["gain"].mean()
    compared = final.filter(pl.col("group") == "Comparison")["gain"].mean()
    assert isinstance(treated, float)
    assert isinstance(compared, float)
    assert treated > 2.5 * compared > 0
    baseline = intervention.filter(pl.col("week") == 0)
    assert (baseline["gain"] == 0).all()
    assert not baseline["at_benchmark"].any()
    brookside = intervention.filter(
        pl.col("school") == gen.BROOKSIDE, pl.col("group") == "Intervention", pl.col("week") == 4
    )
    el = brookside.filter(pl.col("english_learner") == "EL")["sessions_attended"].mean()
    other = brookside.filter(pl.col("english_learner") == "Not EL")["sessions_attended"].mean()
    assert isinstance(el, float)
    assert isinstance(other, float)
    assert el < 0.6 * other


def test_survey_patterns(outputs: dict[Path, pl.DataFrame]) -> None:
    """Family partners' access rises most between the two survey years; small role cells exist."""
    survey = outputs[gen.COURSE2_DATA / "partnership_survey.csv"]

    def access(year: str, role: str) -> float:
        frame = survey.filter(pl.col("survey_year") == year, pl.col("role") == role)
        return _rate(frame, "can_access")

    family_rise = access("2025-26", "Family partner") - access("2024-25", "Family partner")
    leader_rise = access("2025-26", "School leader") - access("2024-25", "School leader")
    assert family_rise > 0.20
    assert family_rise > leader_rise
    cells = survey.group_by("survey_year", "school", "role").len()
    assert cells.filter(pl.col("len") < 10).height > 0
