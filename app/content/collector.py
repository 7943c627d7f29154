"""The problems found while loading one course, with paths relative to the content root."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from app.content.markdown import Rendered
from app.content.problems import Problem


class Collector:
    """Problems for one course, with paths relative to the content root."""

    def __init__(self, content_root: Path, course_dir: Path):
        self.content_root = content_root
        self.course_dir = course_dir
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.content_root).as_posix()
        except ValueError:
            return path.as_posix()

    def add(
        self,
        path: Path,
        line: int,
        message: str,
        severity: Literal["error", "warning"] = "error",
    ) -> None:
        self.problems.append(Problem(self.rel(path), line, message, severity))

    def add_rendered(self, path: Path, rendered: Rendered) -> None:
        for line, message, severity in rendered.issues:
            self.add(path, line, message, severity)
        rendered.issues.clear()

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)
