"""Markdown -> sanitised HTML for course pages.

CommonMark (markdown-it-py) plus tables, footnotes, heading anchors and image attributes.
Relative links are resolved against the module's file: ``02-next.md`` becomes the module's
site URL, ``../assets/x.png`` becomes the course's asset URL; anything leaving the course
folder is refused. Authors' raw HTML passes only through nh3's allow-list.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

from app.content.files import is_inside
from app.content.inline_roles import apply_inline_roles

DIRECTIVE_INFO = re.compile(r"^\{([^}]*)\}\s*(.*)$")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_TAGS = """a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em
    figcaption figure h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp section small
    span strong sub summary sup table tbody td tfoot th thead tr u ul"""
ALLOWED_TAGS = frozenset(_TAGS.split())
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "abbr": {"title"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
_REMOVED_HTML = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|input|button|link|meta|base|svg|math)\b"
    r"|\son[a-z]+\s*="
    r"|(javascript|vbscript|data)\s*:",
    re.IGNORECASE,
)

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class LinkContext:
    """Where a piece of Markdown lives, so relative links can be resolved."""

    slug: str
    course_root: Path  # course_content/<slug>
    content_root: Path  # course_content
    base_dir: str = "modules"  # the file's folder, relative to course_root (posix)
    module_ids: Mapping[str, str] = field(default_factory=dict)  # "modules/x.md" -> module id


@dataclass
class Rendered:
    """The output of one render: HTML pieces and the problems found on the way."""

    issues: list[tuple[int, str, Severity]] = field(default_factory=list)

    def add(self, line: int, message: str, severity: Severity = "error") -> None:
        """Record a problem at a 1-based line."""
        self.issues.append((line, message, severity))


@dataclass(frozen=True)
class Directive:
    """A fenced ``{name} id`` block found in a module body."""

    name: str
    arg: str
    body: str
    line: int  # line of the opening fence
    body_line: int  # line of the body's first line


Segment = Markup | Directive


def _new_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable("table")
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4)
    md.use(attrs_plugin, after=("image",), allowed=["width", "height", "class", "id", "loading"])
    return md


_MD = _new_parser()


def sanitize(html: str) -> Markup:
    """Keep only allow-listed tags, attributes and URL schemes: the one place where HTML
    becomes trusted (``Markup``), so templates never need ``|safe``."""
    return Markup(  # noqa: S704  (nh3's allow-listed output)
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(SAFE_SCHEMES),
            link_rel=None,
            strip_comments=True,
        )
    )


def _line_of(inline: Token, needle: str, offset: int) -> int:
    start = (inline.map[0] if inline.map else 0) + offset + 1
    for index, text in enumerate(inline.content.split("\n")):
        if needle and needle in text:
            return start + index
    return start


def resolve_url(
    url: str, ctx: LinkContext, *, image: bool
) -> tuple[str | None, str | None, Severity]:
    """``(new_url, problem, severity)``: a site URL for a course-relative link, or a reason
    why the link cannot be used."""
    if not url or url.startswith("#"):
        return url, None, "error"
    parts = urlsplit(url)
    if parts.scheme:
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return None, f"link scheme '{parts.scheme}:' is not allowed in '{url}'", "error"
        if image:
            return (
                url,
                f"image '{url}' is loaded from another site; copy it into assets/ so it "
                "always loads",
                "warning",
            )
        return url, None, "error"
    if parts.netloc:
        return url, None, "error"
    if url.startswith("/"):
        return url, None, "error"
    target = posixpath.normpath(posixpath.join(ctx.base_dir, unquote(parts.path)))
    suffix = ("?" + parts.query if parts.query else "") + (
        "#" + parts.fragment if parts.fragment else ""
    )
    if target == ".." or target.startswith("../") or target.startswith("/"):
        return None, f"refused: '{url}' leads outside the course folder", "error"
    if target.startswith("modules/") and target.endswith(".md"):
        module_id = ctx.module_ids.get(target)
        if module_id is None:
            if (ctx.course_root / target).is_file():
                problem = f"broken link: '{url}' ({target}) is not listed in course.yaml modules"
            else:
                problem = f"broken link: '{url}' ({target}) does not exist"
            return None, problem, "error"
        return f"/courses/{ctx.slug}/modules/{module_id}{suffix}", None, "error"
    if target.startswith("assets/"):
        path = ctx.course_root / target
        if not path.is_file():
            return None, f"broken link: '{url}' ({target}) does not exist", "error"
        if not is_inside(path, ctx.content_root):
            problem = f"refused: '{url}' is a symlink that points outside course_content/"
            return None, problem, "error"
        asset = quote(target.removeprefix("assets/"))
        return f"/courses/{ctx.slug}/assets/{asset}{suffix}", None, "error"
    return (
        None,
        f"broken link: '{url}' is neither a module file (modules/*.md) nor a file under assets/",
        "error",
    )


def _rewrite(tokens: list[Token], ctx: LinkContext, out: Rendered, offset: int) -> None:
    for token in tokens:
        if token.type == "html_block":
            _check_raw_html(token.content, (token.map[0] if token.map else 0) + offset + 1, out)
        if token.type == "heading_open" and token.tag == "h1":
            out.add(
                (token.map[0] if token.map else 0) + offset + 1,
                "use '##' for section headings: the module title is the page's only "
                "level-1 heading",
                "warning",
            )
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                # The CSP forbids inline styles: alignment becomes a class.
                token.attrs.pop("style", None)
                token.attrSet("class", "align-" + style.split(":", 1)[1])
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type == "html_inline":
                _check_raw_html(child.content, _line_of(token, child.content, offset), out)
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                new, problem, severity = resolve_url(href, ctx, image=False)
                if problem:
                    out.add(_line_of(token, href, offset), problem, severity)
                child.attrSet("href", new if new is not None else "#")
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                line = _line_of(token, src, offset)
                if not child.content.strip():
                    out.add(
                        line,
                        f"image '{src}' has no alt text: describe it, e.g. "
                        "![Bar chart of chronic absence by school](../assets/chart.png)",
                    )
                new, problem, severity = resolve_url(src, ctx, image=True)
                if problem:
                    out.add(line, problem, severity)
                child.attrSet("src", new if new is not None else "")
                child.attrSet("loading", str(child.attrGet("loading") or "lazy"))


def _check_raw_html(html: str, line: int, out: Rendered) -> None:
    found = _REMOVED_HTML.search(html)
    if found:
        out.add(
            line,
            f"raw HTML '{found.group(0).strip()}' is not allowed and was removed "
            "(no scripts, styles, embeds, forms, event handlers or javascript:/data: URLs)",
            "warning",
        )


def render_markdown(
    text: str,
    ctx: LinkContext,
    out: Rendered,
    *,
    offset: int = 0,
    datasets: Mapping[str, object] | None = None,
) -> Markup:
    """Render a Markdown fragment (a prompt, a description) to sanitised HTML.

    ``offset`` is the number of lines before ``text`` in its file, for problem lines;
    with ``datasets``, inline roles such as ``{data}`...` `` are resolved.
    """
    env: dict[str, object] = {}
    tokens = _MD.parse(text, env)
    if datasets is not None:
        apply_inline_roles(tokens, datasets, out.add, offset)
    for token in tokens:
        if token.type == "fence" and DIRECTIVE_INFO.match(token.info.strip()):
            out.add(
                (token.map[0] if token.map else 0) + offset + 1,
                "a directive cannot be placed inside another directive",
            )
    _rewrite(tokens, ctx, out, offset)
    return sanitize(_MD.renderer.render(tokens, _MD.options, env))


def render_inline(text: str, ctx: LinkContext, out: Rendered, *, offset: int = 0) -> Markup:
    """Render one line of inline Markdown (no paragraph wrapper) to sanitised HTML."""
    html = render_markdown(text, ctx, out, offset=offset).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def split_module_body(
    text: str,
    ctx: LinkContext,
    out: Rendered,
    *,
    offset: int,
    datasets: Mapping[str, object] | None = None,
) -> list[Segment]:
    """Render a module body into HTML segments separated by the directives found in it.

    The whole body is parsed once, so heading anchors and footnotes are unique per page.
    With ``datasets``, inline roles such as ``{data}`...` `` are resolved.
    """
    env: dict[str, object] = {}
    tokens = _MD.parse(text, env)
    if datasets is not None:
        apply_inline_roles(tokens, datasets, out.add, offset)
    _rewrite(tokens, ctx, out, offset)
    segments: list[Segment] = []
    start = 0

    def flush(end: int) -> None:
        if end > start:
            html = sanitize(_MD.renderer.render(tokens[start:end], _MD.options, env)).strip()
            if html:
                segments.append(html)

    for index, token in enumerate(tokens):
        if token.type != "fence":
            continue
        match = DIRECTIVE_INFO.match(token.info.strip())
        if not match:
            continue
        flush(index)
        start = index + 1
        line = (token.map[0] if token.map else 0) + offset + 1
        segments.append(
            Directive(
                name=match.group(1).strip(),
                arg=match.group(2).strip(),
                body=token.content,
                line=line,
                body_line=line + 1,
            )
        )
    flush(len(tokens))
    return segments
