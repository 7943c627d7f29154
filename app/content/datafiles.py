"""A course's datasets: CSV + YAML schema pairs, loaded through the datasets domain."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.content.collector import Collector
from app.content.files import FileProblem, check_inside, read_text
from app.content.kinds import dataset_loader
from app.content.problems import SpecError
from app.content.yamltext import YamlDoc, YamlProblem, parse_yaml


def read_yaml_file(path: Path, out: Collector) -> YamlDoc | None:
    """Parse an author's YAML file, or report why it cannot be read and return None."""
    try:
        return parse_yaml(read_text(path, out.content_root))
    except (FileProblem, YamlProblem) as exc:
        out.add(path, exc.line, exc.message)
    return None


_SPEC_PREFIX = re.compile(r"^[\w.-]+\.(csv|ya?ml):\s*(line \d+:\s*)?")


def load_course_datasets(course_dir: Path, out: Collector) -> dict[str, Any]:
    """Every ``datasets/<name>.csv`` + ``.yaml`` pair of a course, problems reported to ``out``."""
    folder = course_dir / "datasets"
    if not folder.is_dir():
        return {}
    load_dataset = dataset_loader()
    datasets: dict[str, Any] = {}
    schemas = {p.stem: p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")}
    csvs = {p.stem: p for p in folder.iterdir() if p.suffix == ".csv"}
    for stem in sorted(set(csvs) - set(schemas)):
        out.add(csvs[stem], 0, f"dataset '{stem}' has no schema: add datasets/{stem}.yaml")
    for stem, schema_path in sorted(schemas.items()):
        csv_path = csvs.get(stem)
        if csv_path is None:
            out.add(schema_path, 0, f"dataset '{stem}' has no data: add datasets/{stem}.csv")
            continue
        try:
            check_inside(csv_path, out.content_root)
        except FileProblem as exc:
            out.add(csv_path, 0, exc.message)
            continue
        doc = read_yaml_file(schema_path, out)
        if doc is None:
            continue
        if load_dataset is None:
            out.add(schema_path, 0, "no dataset loader is installed (start through groundwork)")
            continue
        try:
            datasets[stem] = load_dataset(stem, csv_path, schema_path)
            for warning in datasets[stem].warnings:
                out.add(schema_path, doc.line_of(warning.key), warning.message, "warning")
        except SpecError as exc:
            message = _SPEC_PREFIX.sub("", exc.message)
            key = exc.key or _key_in_message(message, doc)
            if key:
                out.add(schema_path, doc.line_of(key), message)
            elif exc.line and csv_path.name in exc.message:
                out.add(csv_path, exc.line, message)
            else:
                out.add(schema_path, exc.line or 0, message)
    return datasets


def _key_in_message(message: str, doc: YamlDoc) -> str | None:
    """A dotted key that a message starts with (``"measures.rate: ..."``), if the file has it."""
    found = re.match(r"^([\w.-]+):", message)
    if found and found.group(1) in doc.lines:
        return found.group(1)
    return None
