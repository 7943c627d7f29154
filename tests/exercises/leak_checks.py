"""What the no-leak tests look for: every exercise of every bundled and fixture course, the
pieces of its answer key and spec, and a checker that fails when a page shows any of them.
Shared by tests/exercises and tests/security."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from app.config import ROOT
from app.content.registry import build_registry
from app.exercises.spec import ExerciseSpec

TESTS = Path(__file__).parents[1]
ROOTS = sorted(
    {ROOT / "course_content"}
    | {
        p.parent.parent for p in TESTS.glob("**/fixtures/**/course.yaml") if "broken" not in p.parts
    },
    key=str,
)
SPEC_MARKERS = (
    "pick:",
    '"pick"',
    "choice_ids",
    "AnswerKey",
    "answer_key",
    "preview-keys",
    "Answer key",
    "exercise-reveal",
    "data-correct",
    "relative_tolerance",
    "variant_by",
)
ALLOWED_INPUT_ATTRS = {"type", "id", "name", "value", "checked"}


def _exercises(root: Path) -> list[tuple[str, str, ExerciseSpec]]:
    registry = build_registry(root)
    found = []
    for course in registry.courses.values():
        for module in course.modules:
            for block in module.blocks:
                if getattr(block, "kind", None) == "exercise":
                    found.append((course.slug, module.id, block))
    return found


def _secrets(spec: ExerciseSpec) -> list[str]:
    """Full-precision renderings of every variant's numeric key."""
    out = []
    for variant in spec.variants:
        number = variant.answer.number
        if number is not None and number not in (0.0, 1.0) and not float(number).is_integer():
            out += [repr(number), f"{number:.6f}", f"{number:.4f}"]
    return out


def _displayed(spec: ExerciseSpec) -> list[re.Pattern[str]]:
    """How each variant's answer would read inside the exercise."""
    patterns = []
    for variant in spec.variants:
        if spec.type == "numeric" and variant.answer.number is not None:
            for text in {variant.answer.display, variant.answer.display.lstrip("+")}:
                core = text.removesuffix(" pp").removesuffix("%").removesuffix(spec.unit).strip()
                if core:
                    patterns.append(re.compile(rf"(?<![\d.]){re.escape(core)}(?![\d])"))
    return patterns


def _check(body: str, specs: list[ExerciseSpec], where: str) -> None:
    for marker in SPEC_MARKERS:
        assert marker not in body, f"{where}: answer-spec marker {marker!r} leaked"
    for spec in specs:
        for secret in _secrets(spec):
            assert secret not in body, f"{where}: key of {spec.id} leaked ({secret})"
    page = BeautifulSoup(body, "html.parser")
    for spec in specs:
        section = page.find("section", id=spec.id)
        if section is None:
            continue
        own = section.get_text(" ")
        prompt = section.find(class_="exercise-prompt")
        prompt_text = prompt.get_text(" ") if prompt else ""
        for pattern in _displayed(spec):
            if pattern.search(prompt_text):
                continue  # a number in the author's prompt is not something we made up
            assert not pattern.search(own), f"{where}: displayed key of {spec.id} leaked"
        for field in section.find_all("input"):
            extra = (
                set(field.attrs)
                - ALLOWED_INPUT_ATTRS
                - {"inputmode", "autocomplete", "maxlength", "aria-describedby", "aria-invalid"}
            )
            assert not extra, f"{where}: unexpected attributes {extra} on an answer field"
        for label in section.find_all("label"):
            assert set(label.attrs) <= {"for"}, f"{where}: choice label carries {label.attrs}"
