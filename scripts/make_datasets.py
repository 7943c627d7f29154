"""Generate the synthetic datasets used by the two Groundwork courses.

Every number in these files is invented. The fictional "Riverside Unified School District"
does not exist and no row describes a real person. The generator is deterministic: the same
seed always gives byte-identical CSV files, so the answer keys that the courses derive from
the data never drift.

Run from the repository root:

    .venv/bin/python scripts/make_datasets.py            # write the CSV files
    .venv/bin/python scripts/make_datasets.py --check    # fail if the files on disk differ

The patterns built in on purpose are described in each dataset's YAML ``notes`` and checked
by ``tests/test_datasets_generated.py``.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

SEED = 20240917
ROOT = Path(__file__).resolve().parent.parent
COURSE1_DATA = ROOT / "course_content" / "data-for-liberation" / "datasets"
COURSE2_DATA = ROOT / "course_content" / "data-partnerships" / "datasets"

YEARS = ("2023-24", "2024-25", "2025-26")
SCHOOL_DAYS = 180
BASE_ABSENCE = 0.05
CUT_SCORE = 300

BLACK = "Black"
LATINO = "Hispanic or Latino"
WHITE = "White"
ASIAN = "Asian"
MULTI = "Multiracial"
AIAN = "American Indian or Alaska Native"
NHPI = "Native Hawaiian or Pacific Islander"
RACES = (BLACK, LATINO, WHITE, ASIAN, MULTI, AIAN, NHPI)

ALDER = "Alder ES"
BROOKSIDE = "Brookside ES"
CEDAR = "Cedar ES"
DELTA = "Delta MS"
EASTSIDE = "Eastside MS"
HIGH = "Riverside HS"
ELEMENTARY = (ALDER, BROOKSIDE, CEDAR)

# Neighbourhood (elementary attendance area) -> race/ethnicity mix and meal eligibility.
AREA_RACE_MIX: dict[str, tuple[float, ...]] = {
    ALDER: (0.10, 0.22, 0.42, 0.17, 0.07, 0.012, 0.008),
    BROOKSIDE: (0.12, 0.62, 0.12, 0.07, 0.05, 0.012, 0.008),
    CEDAR: (0.38, 0.34, 0.14, 0.05, 0.07, 0.012, 0.008),
}
AREA_FRL: dict[str, float] = {ALDER: 0.30, BROOKSIDE: 0.74, CEDAR: 0.64}

STUDENTS_PER_GRADE = 430

# Chronic absence calibration: a per-school, per-year scale on each student's absence
# propensity. The rest improve slowly; Brookside's students from across the highway lose
# their bus in 2024-25 and their absences rise (ROUTE_CUT multiplies their propensity).
ABSENCE_SCALE: dict[str, tuple[float, float, float]] = {
    ALDER: (0.64, 0.61, 0.58),
    BROOKSIDE: (0.60, 0.60, 0.60),
    CEDAR: (0.80, 0.75, 0.70),
    DELTA: (0.74, 0.70, 0.66),
    EASTSIDE: (0.80, 0.76, 0.72),
    HIGH: (0.90, 0.85, 0.80),
}

# Out-of-school suspension: base yearly risk of at least one suspension by school, and the
# multipliers each school's referral practice applies. Eastside sends classroom "defiance"
# referrals straight to out-of-school suspension; the others use a conference first.
SUSPENSION_BASE: dict[str, float] = {
    ALDER: 0.008,
    BROOKSIDE: 0.008,
    CEDAR: 0.010,
    DELTA: 0.040,
    EASTSIDE: 0.075,
    HIGH: 0.045,
}
SUSPENSION_MULT_EASTSIDE = {"black": 4.2, "iep": 2.8, "male": 1.4}
SUSPENSION_MULT_OTHER = {"black": 1.2, "iep": 1.2, "male": 1.3}

# Advanced-course placement (grades 6-12) among students proficient in math: by teacher
# recommendation plus a family request form, which produces unequal access at equal
# proficiency. Delta Middle switched to automatic enrollment of every proficient student
# in 2025-26.
ADVANCED_PROFICIENT: dict[str, float] = {
    WHITE: 0.62,
    ASIAN: 0.64,
    MULTI: 0.48,
    BLACK: 0.30,
    LATINO: 0.30,
    AIAN: 0.30,
    NHPI: 0.30,
}
ADVANCED_NOT_PROFICIENT = 0.06
ADVANCED_AUTOMATIC = 0.86

ROUTE_CUT = (1.0, 1.8, 2.2)

# Same proficiency rate, different distance below the cut: at Cedar the ELA scores of students
# below the cut sit closer to it (their distance is scaled by this factor), so Brookside and
# Cedar share an ELA proficiency rate while their students below the cut are in different
# places. No random draw depends on it, so every other column is unchanged.
NEAR_CUT_SCHOOL = CEDAR
NEAR_CUT_SHRINK = 0.5

SCHOOL_SCORE_EFFECT: dict[str, float] = {
    ALDER: 0.20,
    BROOKSIDE: -0.10,
    CEDAR: -0.15,
    DELTA: 0.05,
    EASTSIDE: -0.10,
    HIGH: 0.0,
}


@dataclass
class Student:
    """One fictional student, carried from year to year."""

    student_id: str
    area: str
    middle: str
    grade: int
    race: str
    gender: str
    english_learner: bool
    disability: bool
    frl: bool
    across_highway: bool
    absence_propensity: float
    ability: float
    history: list[dict[str, object]] = field(default_factory=list)


def school_for(student: Student) -> str:
    """Return the school a student attends, from grade and attendance area."""
    if student.grade <= 5:
        return student.area
    if student.grade <= 8:
        return student.middle
    return HIGH


def _binomial(rng: random.Random, n: int, p: float) -> int:
    """Draw from Binomial(n, p) with the standard library only."""
    p = min(max(p, 0.0), 1.0)
    return sum(1 for _ in range(n) if rng.random() < p)


def _poisson(rng: random.Random, lam: float) -> int:
    """Draw from Poisson(lam) by Knuth's method (small lam only)."""
    limit = math.exp(-lam)
    k, prod = 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def _pick(rng: random.Random, options: Sequence[str], weights: Sequence[float]) -> str:
    """Pick one option by weight."""
    return rng.choices(list(options), weights=list(weights), k=1)[0]


class District:
    """Builds the student population and its yearly records."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_id = 10001
        self.students: list[Student] = []

    def new_student(self, grade: int, area: str | None = None) -> Student:
        """Create a student in an attendance area (random if not given)."""
        rng = self.rng
        area = area or rng.choice(ELEMENTARY)
        race = _pick(rng, RACES, AREA_RACE_MIX[area])
        if area == ALDER:
            middle = DELTA
        elif area == CEDAR:
            middle = EASTSIDE
        else:
            middle = DELTA if rng.random() < 0.5 else EASTSIDE
        nonbinary = 0.004 if grade <= 5 else 0.014
        gender = _pick(rng, ("Female", "Male", "Nonbinary"), (0.493, 0.493, nonbinary))
        el_base = {LATINO: 0.42, ASIAN: 0.30, NHPI: 0.15}.get(race, 0.03)
        el = rng.random() < el_base * (1.0 - 0.055 * grade)
        frl = rng.random() < AREA_FRL[area]
        student = Student(
            student_id=f"R{self.next_id}",
            area=area,
            middle=middle,
            grade=grade,
            race=race,
            gender=gender,
            english_learner=el,
            disability=rng.random() < 0.13,
            frl=frl,
            across_highway=area == BROOKSIDE and rng.random() < (0.65 if frl else 0.25),
            absence_propensity=rng.lognormvariate(0.0, 0.62),
            ability=rng.gauss(0.0, 1.0),
        )
        self.next_id += 1
        self.students.append(student)
        return student

    def populate(self) -> list[Student]:
        """Create the 2023-24 population: grades K-12 in all three attendance areas."""
        current = []
        for grade in range(13):
            for _ in range(STUDENTS_PER_GRADE + self.rng.randint(-25, 25)):
                current.append(self.new_student(grade))
        return current

    def advance(self, current: list[Student]) -> list[Student]:
        """Promote students a grade, let some leave, and enrol newcomers."""
        rng = self.rng
        staying = []
        for student in current:
            if student.grade == 12 or rng.random() < 0.07:
                continue
            student.grade += 1
            if student.english_learner and rng.random() < 0.16:
                student.english_learner = False  # reclassified as fluent English proficient
            student.ability = 0.85 * student.ability + 0.53 * rng.gauss(0.0, 1.0)
            staying.append(student)
        for _ in range(STUDENTS_PER_GRADE + rng.randint(-25, 25)):
            staying.append(self.new_student(0))
        for _ in range(int(len(current) * 0.065)):
            staying.append(self.new_student(rng.randint(1, 12)))
        return staying


def _absence(
    rng: random.Random, student: Student, school: str, year_index: int, enrolled: int
) -> int:
    """Days absent for reasons other than suspension."""
    scale = ABSENCE_SCALE[school][year_index]
    mult = 1.0
    if student.frl:
        mult *= 1.30
    if student.disability:
        mult *= 1.45
    if student.grade == 0:
        mult *= 1.25
    if student.grade >= 9:
        mult *= 1.15
    if school == BROOKSIDE and student.across_highway:
        mult *= ROUTE_CUT[year_index]
    rate = BASE_ABSENCE * scale * mult * student.absence_propensity * rng.lognormvariate(0.0, 0.25)
    return _binomial(rng, enrolled, min(rate, 0.6))


def _suspensions(rng: random.Random, student: Student, school: str) -> int:
    """Number of out-of-school suspensions this year."""
    mults = SUSPENSION_MULT_EASTSIDE if school == EASTSIDE else SUSPENSION_MULT_OTHER
    risk = SUSPENSION_BASE[school]
    if student.race == BLACK:
        risk *= mults["black"]
    if student.disability:
        risk *= mults["iep"]
    if student.gender == "Male":
        risk *= mults["male"]
    if rng.random() >= min(risk, 0.9):
        return 0
    return 1 + _poisson(rng, 0.55)


def _score(rng: random.Random, student: Student, school: str, subject: str) -> int:
    """A spring scale score (200-400, proficient at 300 or above)."""
    effect = SCHOOL_SCORE_EFFECT[school] + 0.15
    if student.frl:
        effect -= 0.30
    if student.disability:
        effect -= 0.65
    if student.english_learner:
        effect -= 0.55 if subject == "ela" else 0.30
    z = 0.85 * student.ability + effect + rng.gauss(0.0, 0.45)
    return max(200, min(400, round(CUT_SCORE + 34 * z)))


def _advanced(
    rng: random.Random, student: Student, school: str, year: str, math_proficient: bool
) -> bool:
    """Whether the student is enrolled in an advanced math course this year."""
    if not math_proficient:
        return rng.random() < ADVANCED_NOT_PROFICIENT
    if school == DELTA and year == YEARS[2]:
        return rng.random() < ADVANCED_AUTOMATIC
    p = ADVANCED_PROFICIENT[student.race]
    if student.english_learner:
        p *= 0.6
    if student.disability:
        p *= 0.6
    return rng.random() < p


def build_students(seed: int = SEED) -> pl.DataFrame:
    """Return the Riverside Unified student-year table (all three years)."""
    # Separate random streams, so tuning one pattern leaves the others' draws unchanged.
    district = District(random.Random(seed))
    rng_enrol = random.Random(seed + 10)
    rng_absence = random.Random(seed + 11)
    rng_discipline = random.Random(seed + 12)
    rng_scores = random.Random(seed + 13)
    rng_courses = random.Random(seed + 14)
    current = district.populate()
    rows: list[dict[str, object]] = []
    for year_index, year in enumerate(YEARS):
        if year_index > 0:
            current = district.advance(current)
        for student in sorted(current, key=lambda s: s.student_id):
            school = school_for(student)
            full_year = rng_enrol.random() < 0.88
            enrolled = SCHOOL_DAYS if full_year else rng_enrol.randint(45, SCHOOL_DAYS - 1)
            suspensions = _suspensions(rng_discipline, student, school)
            suspension_days = sum(rng_discipline.randint(1, 3) for _ in range(suspensions))
            other_absence = _absence(rng_absence, student, school, year_index, enrolled)
            absent = min(enrolled, other_absence + suspension_days)
            tested = student.grade >= 3
            ela = _score(rng_scores, student, school, "ela") if tested else None
            if ela is not None and school == NEAR_CUT_SCHOOL and ela < CUT_SCORE:
                ela = CUT_SCORE - 1 - round((CUT_SCORE - 1 - ela) * NEAR_CUT_SHRINK)
            math_score = _score(rng_scores, student, school, "math") if tested else None
            math_prof = math_score is not None and math_score >= CUT_SCORE
            advanced = (
                _advanced(rng_courses, student, school, year, math_prof)
                if student.grade >= 6
                else None
            )
            rows.append(
                {
                    "school_year": year,
                    "school": school,
                    "grade": student.grade,
                    "grade_span": "K-5" if student.grade <= 5 else "6-12",
                    "race_ethnicity": student.race,
                    "gender": student.gender,
                    "english_learner": "EL" if student.english_learner else "Not EL",
                    "disability": "IEP" if student.disability else "No IEP",
                    "meal_eligible": "Eligible" if student.frl else "Not eligible",
                    "days_enrolled": enrolled,
                    "days_absent": absent,
                    "chronically_absent": absent * 10 >= enrolled,
                    "suspensions": suspensions,
                    "suspended": suspensions > 0,
                    "ela_score": ela,
                    "ela_proficient": None if ela is None else ela >= CUT_SCORE,
                    "math_score": math_score,
                    "math_proficient": None if math_score is None else math_prof,
                    "advanced_course": advanced,
                }
            )
    return pl.DataFrame(rows, schema=_STUDENT_SCHEMA)


_STUDENT_SCHEMA = {
    "school_year": pl.String,
    "school": pl.String,
    "grade": pl.Int64,
    "grade_span": pl.String,
    "race_ethnicity": pl.String,
    "gender": pl.String,
    "english_learner": pl.String,
    "disability": pl.String,
    "meal_eligible": pl.String,
    "days_enrolled": pl.Int64,
    "days_absent": pl.Int64,
    "chronically_absent": pl.Boolean,
    "suspensions": pl.Int64,
    "suspended": pl.Boolean,
    "ela_score": pl.Int64,
    "ela_proficient": pl.Boolean,
    "math_score": pl.Int64,
    "math_proficient": pl.Boolean,
    "advanced_course": pl.Boolean,
}


# --- Course 2: reading intervention monitoring -----------------------------------------

INTERVENTION_WEEKS = 9  # week 0 (baseline) to week 8
INTERVENTION_EL = {ALDER: 12, BROOKSIDE: 20, CEDAR: 13}
BENCHMARK = 60


def build_intervention(seed: int = SEED) -> pl.DataFrame:
    """Return weekly reading checks for intervention and comparison students."""
    rng = random.Random(seed + 1)
    rows: list[dict[str, object]] = []
    next_id = 5001
    for school in ELEMENTARY:
        for group in ("Intervention", "Comparison"):
            # A fixed number of English learners per group keeps every school-by-EL cell at 10
            # or more, so the Brookside scheduling pattern stays visible after suppression.
            learners = [True] * INTERVENTION_EL[school] + [False] * (42 - INTERVENTION_EL[school])
            rng.shuffle(learners)
            for el in learners:
                grade = rng.randint(3, 5)
                baseline = rng.gauss(44.0 if group == "Intervention" else 45.0, 5.0)
                slope_person = rng.gauss(0.0, 0.35)
                score = baseline
                sessions = 0
                first = 0
                student_id = f"N{next_id}"
                next_id += 1
                for week in range(INTERVENTION_WEEKS):
                    if week > 0:
                        if group == "Intervention":
                            # Brookside first scheduled the group during English language
                            # development, so English learners missed most sessions until
                            # the team moved it in week 5.
                            planned = 4
                            if school == BROOKSIDE and el and week <= 4:
                                attended = _binomial(rng, planned, 0.35)
                            else:
                                attended = _binomial(rng, planned, 0.9)
                            sessions += attended
                            gain = 0.2 + 0.6 * attended + slope_person
                        else:
                            gain = 0.75 + slope_person
                        score += gain + rng.gauss(0.0, 1.6)
                    value = max(0, min(100, round(score)))
                    if week == 0:
                        first = value
                    rows.append(
                        {
                            "student_id": student_id,
                            "school": school,
                            "grade": grade,
                            "english_learner": "EL" if el else "Not EL",
                            "group": group,
                            "week": week,
                            "score": value,
                            "gain": value - first,
                            "sessions_attended": sessions,
                            "at_benchmark": value >= BENCHMARK,
                        }
                    )
    return pl.DataFrame(
        rows,
        schema={
            "student_id": pl.String,
            "school": pl.String,
            "grade": pl.Int64,
            "english_learner": pl.String,
            "group": pl.String,
            "week": pl.Int64,
            "score": pl.Int64,
            "gain": pl.Int64,
            "sessions_attended": pl.Int64,
            "at_benchmark": pl.Boolean,
        },
    )


# --- Course 2: data-culture survey of partners ------------------------------------------

SURVEY_ITEMS = ("can_access", "understand", "time_together", "trust_use", "voice_heard")
ROLES = ("Teacher", "School leader", "Support staff", "Family partner", "Community partner")


def build_culture_survey(seed: int = SEED) -> pl.DataFrame:
    """Return a yearly data-culture survey of the people in the district's partnership."""
    rng = random.Random(seed + 2)
    counts = {
        "Teacher": 34,
        "School leader": 3,
        "Support staff": 6,
        "Family partner": 14,
        "Community partner": 4,
    }
    # Agreement probabilities by role for 2024-25; in 2025-26 the partnership agreement
    # added family data nights and shared dashboards, which raised access and voice.
    base = {
        "Teacher": (0.62, 0.58, 0.35, 0.55, 0.48),
        "School leader": (0.90, 0.80, 0.55, 0.70, 0.75),
        "Support staff": (0.55, 0.55, 0.30, 0.55, 0.40),
        "Family partner": (0.22, 0.40, 0.30, 0.45, 0.25),
        "Community partner": (0.30, 0.50, 0.35, 0.50, 0.35),
    }
    lift = {
        "Teacher": (0.06, 0.08, 0.20, 0.08, 0.10),
        "School leader": (0.02, 0.05, 0.15, 0.05, 0.05),
        "Support staff": (0.10, 0.10, 0.20, 0.08, 0.15),
        "Family partner": (0.40, 0.20, 0.10, 0.15, 0.35),
        "Community partner": (0.30, 0.15, 0.10, 0.10, 0.25),
    }
    rows: list[dict[str, object]] = []
    next_id = 1
    for year_index, year in enumerate(("2024-25", "2025-26")):
        for school in (ALDER, BROOKSIDE, CEDAR, DELTA, EASTSIDE, HIGH):
            for role, n in counts.items():
                size = n + rng.randint(-2, 2) if n > 5 else n
                for _ in range(size):
                    row: dict[str, object] = {
                        "respondent_id": f"P{next_id}",
                        "survey_year": year,
                        "school": school,
                        "role": role,
                    }
                    next_id += 1
                    for i, item in enumerate(SURVEY_ITEMS):
                        p = base[role][i] + (lift[role][i] if year_index == 1 else 0.0)
                        row[item] = rng.random() < min(p, 0.97)
                    rows.append(row)
    schema: dict[str, type[pl.DataType]] = {
        "respondent_id": pl.String,
        "survey_year": pl.String,
        "school": pl.String,
        "role": pl.String,
    }
    schema.update({item: pl.Boolean for item in SURVEY_ITEMS})
    return pl.DataFrame(rows, schema=schema)


def outputs(seed: int = SEED) -> dict[Path, pl.DataFrame]:
    """Every dataset this script writes, by path."""
    return {
        COURSE1_DATA / "riverside_students.csv": build_students(seed),
        COURSE2_DATA / "reading_intervention.csv": build_intervention(seed),
        COURSE2_DATA / "partnership_survey.csv": build_culture_survey(seed),
    }


def to_csv(frame: pl.DataFrame) -> str:
    """Serialise a frame the way the files on disk are written."""
    return frame.write_csv(line_terminator="\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the datasets, or with --check report whether the files are current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for path, frame in outputs().items():
        text = to_csv(frame)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}: {frame.height} rows, {len(text):,} bytes")
    if stale:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
