"""Verdict words: "the gap is small", "a large difference", "only 12%" tell the reader what
to conclude instead of giving them what they need to judge (docs/authoring.md, "Verdict
words").

Whether a difference matters depends on context the learner brings, so a clause that
passes a verdict on a quantity must carry a computed comparison (a ``{data}`` gap or risk
ratio, or two ``{data}`` values side by side) or be a question. "Only" or "just" in front
of a number is the verdict itself, so nothing but a question excuses it. The words are
caught where they judge a quantity, not everywhere they occur: "small groups are hidden",
"a small change to try" and "significant disproportionality" (a term of law) are not
verdicts.
"""

from __future__ import annotations

import re

from app.content.prose import Prose

_ADJECTIVES = (
    r"small|large|tiny|huge|big|modest|negligible|minor|trivial"
    r"|dramatic|substantial|significant|slight"
)
_QUANTITIES = (
    r"gaps?|differences?|disparit(?:y|ies)|effects?|increases?|decreases?|drops?|rises?"
    r"|improvements?|declines?|shares?|rates?|ratios?|percentages?"
)
# "These differences are small", "the change was relatively large".
_PREDICATE = re.compile(
    r"\b(?:is|are|was|were|be|been|looks?|seems?|remains?|stays?)\s+"
    r"(?:(?:very|quite|fairly|relatively|rather|too|so|still|also|pretty)\s+)?"
    rf"({_ADJECTIVES})\b(?!-|\s+(?:groups?|numbers?|schools?|enough|disproportionality)\b)",
    re.IGNORECASE,
)
# "a small gap", "a significant increase".
_ATTRIBUTE = re.compile(rf"\b({_ADJECTIVES})\s+(?:{_QUANTITIES})\b", re.IGNORECASE)
# "only 69 of them", "just 4%", "only {data}`...`" (roles are masked as digits).
_ONLY = re.compile(r"\b(only|just|merely)\s+(?:about\s+|around\s+|roughly\s+)?(?=\d)", re.I)
_CLAUSE_END = re.compile(r"[.;:!?](?=\s)|\n\s*\n|\n\s*[-|]|$")


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: cut at . ; : ! ? before a space, blank lines, list items
    and table rows. The end includes the punctuation, so a question ends with "?"."""
    out, start = [], 0
    for found in _CLAUSE_END.finditer(text):
        end = found.start() + (1 if found.group(0)[:1] in ".;:!?" else 0)
        if end > start:
            out.append((start, end))
        start = found.end()
    return out


def _quote(clause: str) -> str:
    words = " ".join(clause.split()).lstrip("|>- ")
    return words if len(words) <= 80 else words[:77] + "..."


def verdict_problems(prose: Prose) -> list[tuple[int, str]]:
    """``(line, message)`` for each verdict word without a computed comparison."""
    problems: list[tuple[int, str]] = []
    for start, end in _clauses(prose.text):
        clause = prose.text[start:end]
        if clause.rstrip().endswith("?"):
            continue
        roles = [r.value for r in prose.roles_between(start, end) if r.value is not None]
        compared = len(roles) >= 2 or any(v.comparison for v in roles)
        for pattern, needs_question in ((_ONLY, True), (_PREDICATE, False), (_ATTRIBUTE, False)):
            found = pattern.search(clause)
            if found is None or (compared and not needs_question):
                continue
            word = found.group(1).lower()
            advice = (
                "give the number and let the reader judge it, or ask a question"
                if needs_question
                else "give the computed comparison in the same clause (a {data} gap or risk "
                "ratio, or the two values), or ask the question instead"
            )
            problems.append(
                (
                    prose.line_at(start + found.start()),
                    f'verdict word {word!r} in "{_quote(prose.source[start:end])}": {advice} '
                    "(see docs/authoring.md, 'Verdict words')",
                )
            )
            break
    return problems
