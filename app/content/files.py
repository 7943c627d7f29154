"""Reading authors' files safely: size limit, UTF-8, BOM, CRLF, no escape from the content root."""

from __future__ import annotations

from pathlib import Path

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a module or YAML file; real ones are a few KB


class FileProblem(Exception):
    """A file that cannot be read as course text; ``line`` is 1-based, 0 for the whole file."""

    def __init__(self, message: str, *, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line


def is_inside(path: Path, root: Path) -> bool:
    """True when ``path`` (after following symlinks) lies inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def check_inside(path: Path, content_root: Path) -> None:
    """Refuse a path (usually a symlink) that leads outside the content root."""
    if not is_inside(path, content_root):
        raise FileProblem(
            "refused: this path is a symlink that points outside course_content/ "
            f"(to {path.resolve()}); copy the file into the course folder instead"
        )


def decode_text(data: bytes) -> str:
    """UTF-8 bytes -> text with the BOM dropped and CRLF/CR turned into LF."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file with UTF-8 encoding",
            line=line,
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path, content_root: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read an author's text file, raising FileProblem with a clear message on any issue."""
    check_inside(path, content_root)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise FileProblem(
            f"file is too large ({size / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes / 1024 / 1024:.0f} MB): split it into several modules"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        raise FileProblem("this is a binary file, not text")
    return decode_text(data)
