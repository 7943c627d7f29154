"""YAML with line numbers: safe_load semantics plus a map from dotted key paths to lines.

Duplicate keys (which PyYAML silently accepts, keeping the last) and tab indentation are
reported as errors with the line, because both are easy to make and hard to see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml's parser (when PyYAML was built with it) is about ten times faster; same nodes.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(Exception):
    """YAML that cannot be used; ``line`` is 1-based within the text given."""

    def __init__(self, message: str, *, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML data with the line (1-based, offset applied) of every key and item."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 1

    def line_of(self, key: str | None) -> int:
        """The line of a dotted key (``"answer.query.measure"``, ``"choices.0"``), or its
        nearest parent that has one."""
        if not key:
            return self.first_line
        parts = key.split(".")
        while parts:
            found = self.lines.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return self.first_line


def _check_tabs(text: str, offset: int) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise YamlProblem(
                "tab character used for indentation; YAML needs spaces (set your editor to "
                "insert spaces)",
                line=number + offset,
            )


def _walk(node: Node, path: str, lines: dict[str, int], offset: int, seen_nodes: set[int]) -> None:
    # An alias is the same node object again: walk it once, or "billion laughs" YAML explodes.
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    if isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1 + offset
            if key == "<<":
                raise YamlProblem("YAML merge keys ('<<') are not supported here", line=line)
            if key in seen:
                raise YamlProblem(
                    f"duplicate key '{key}' (first given on line {seen[key]})", line=line
                )
            seen[key] = line
            child = f"{path}.{key}" if path else str(key)
            lines[child] = line
            _walk(value_node, child, lines, offset, seen_nodes)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}.{index}" if path else str(index)
            lines[child] = item.start_mark.line + 1 + offset
            _walk(item, child, lines, offset, seen_nodes)


def parse_yaml(text: str, *, offset: int = 0) -> YamlDoc:
    """Parse one YAML document; ``offset`` is added to every line (for front matter / bodies)."""
    _check_tabs(text, offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(data=None, first_line=offset + 1)
        lines: dict[str, int] = {}
        _walk(node, "", lines, offset, set())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            what += f" (the construct began on line {exc.context_mark.line + 1 + offset})"
        raise YamlProblem(f"YAML syntax error: {what}", line=line) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax error: {exc}", line=offset + 1) from exc
    except RecursionError as exc:
        raise YamlProblem("YAML nested too deeply", line=offset + 1) from exc
    finally:
        loader.dispose()
    return YamlDoc(data=data, lines=lines, first_line=offset + 1)
