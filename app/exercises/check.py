"""The content check of an exercise: every variant's key computes and scores 1, and a
planted wrong answer (or a wrong choice) scores 0."""

from __future__ import annotations

from app.exercises.grading import grade
from app.exercises.spec import ExerciseSpec


def self_check(spec: ExerciseSpec) -> list[str]:
    """Problems `groundwork content check` reports: keys compute, wrong answers score 0."""
    problems: list[str] = []
    for variant in spec.variants:
        where = f"variant {variant.key!r}: " if variant.key else ""
        key = variant.answer
        if spec.type == "numeric":
            if key.number is None:
                problems.append(f"{where}the answer did not compute")
                continue
            right = grade(spec, f"{key.number:.10f}", variant.key)
            if right.score != 1:
                problems.append(f"{where}the correct answer {key.display} does not score 1")
            wrong = planted_wrong_number(spec, key.number)
            if grade(spec, f"{wrong:.10f}", variant.key).score != 0:
                problems.append(
                    f"{where}a planted wrong answer ({wrong:g}) scores more than 0; "
                    "is the tolerance too wide?"
                )
        else:
            ids = {c.id for c in variant.choices}
            wrong_ids = sorted(ids - key.choice_ids)
            if not key.choice_ids:
                problems.append(f"{where}the answer did not compute")
                continue
            if not wrong_ids:
                problems.append(f"{where}every choice is correct; add a wrong choice")
                continue
            right_pick: str | list[str] = (
                sorted(key.choice_ids) if spec.type == "multi" else next(iter(key.choice_ids))
            )
            if grade(spec, right_pick, variant.key).score != 1:
                problems.append(f"{where}the correct choice does not score 1")
            wrong_pick: str | list[str] = wrong_ids if spec.type == "multi" else wrong_ids[0]
            if grade(spec, wrong_pick, variant.key).score != 0:
                problems.append(f"{where}a wrong choice scores more than 0")
    return problems


def planted_wrong_number(spec: ExerciseSpec, number: float) -> float:
    """A plausible wrong answer: a quarter of the key (at least 1) away from it."""
    return number + max(1.0, 0.25 * abs(number))
