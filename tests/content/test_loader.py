"""Loading course folders: the sample course loads; each broken course gives its message."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.content.course import MarkdownBlock
from app.content.loader import load_all, load_course
from app.reflections.spec import Reflection

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"

# One broken course per error kind: folder -> the exact `file:line: message` expected.
EXPECTED = {
    "asset-escape": "asset-escape/modules/01-a.md:6: refused: '../../../etc/passwd' leads "
    "outside the course folder",
    "bad-module-id": "bad-module-id/modules/01-a.md:2: front matter: 'id': 'Module_One' is not "
    "a valid id (use lowercase letters, digits and hyphens, e.g. 'why-data-matters')",
    "bad-status": "bad-status/course.yaml:4: 'status': Input should be 'draft' or 'published'",
    "broken-image": "broken-image/modules/01-a.md:6: broken link: '../assets/missing.png' "
    "(assets/missing.png) does not exist",
    "broken-module-link": "broken-module-link/modules/01-a.md:6: broken link: '02-next.md' "
    "(modules/02-next.md) does not exist",
    "directive-body-not-mapping": "directive-body-not-mapping/modules/01-a.md:6: "
    "{reflection} r1: the body must be 'key: value' lines of YAML",
    "directive-missing-id": "directive-missing-id/modules/01-a.md:8: the {reflection} directive "
    "needs an id: ```{reflection} my-reflection-id",
    "duplicate-activity-id": "duplicate-activity-id/modules/02-b.md:8: duplicate id 'same' "
    "(also used at duplicate-activity-id/modules/01-a.md:6)",
    "duplicate-key": "duplicate-key/course.yaml:8: duplicate key 'title' (first given on line 2)",
    "duplicate-module-id": "duplicate-module-id/modules/02-b.md:2: duplicate module id 'a' "
    "(also used in duplicate-module-id/modules/01-a.md:2)",
    "missing-alt-text": "missing-alt-text/modules/01-a.md:8: image "
    "'https://example.org/chart.png' has no alt text: describe it, e.g. "
    "![Bar chart of chronic absence by school](../assets/chart.png)",
    "missing-front-matter": "missing-front-matter/modules/01-a.md:1: missing front matter: a "
    "module starts with a '---' line, then 'id:', 'title:' and 'minutes:' lines, then another "
    "'---' line",
    "module-file-missing": "module-file-missing/course.yaml:8: module file modules/02-missing.md "
    "does not exist",
    "module-file-unlisted": "module-file-unlisted/course.yaml:6: modules/02-extra.md is not "
    "listed under 'modules:'; add it to the order (or move it out of modules/)",
    "not-utf8": "not-utf8/modules/01-a.md:8: not valid UTF-8 (byte 0xe9); save the file with "
    "UTF-8 encoding",
    "reflection-missing-prompt": "reflection-missing-prompt/modules/01-a.md:7: {reflection} r1: "
    "missing required key 'prompt'",
    "reflection-unknown-key": "reflection-unknown-key/modules/01-a.md:8: {reflection} r1: "
    "unknown key 'min_word' (did you mean 'min_words'?)",
    "slug-mismatch": "slug-mismatch/course.yaml:1: slug 'another-slug' must equal the folder "
    "name 'slug-mismatch'",
    "survey-required-missing": "survey-required-missing/course.yaml:9: "
    "completion.require_survey is true but there is no 'survey:'",
    "unknown-directive": "unknown-directive/modules/01-a.md:8: unknown directive '{reflect}' "
    "(did you mean 'reflection'?)",
    "unknown-front-matter-key": "unknown-front-matter-key/modules/01-a.md:4: front matter: "
    "unknown key 'minuts' (did you mean 'minutes'?)",
    "unknown-key": "unknown-key/course.yaml:3: unknown key 'sumary' (did you mean 'summary'?)",
    "yaml-syntax": "yaml-syntax/course.yaml:3: YAML syntax error: while parsing a flow "
    "sequence, did not find expected ',' or ']' (the construct began on line 2)",
    "explore-unknown-key": "explore-unknown-key/modules/01-a.md:10: {explore} look: titel: "
    "unknown key (allowed: compare, dataset, dimensions, filters, group_by, measure, measures, "
    "reference, title) (did you mean 'title'?)",
    "dataset-missing-column": "dataset-missing-column/datasets/students.yaml:16: "
    "measures.chronic_absence_rate: no column named 'chronic_absent'",
    "exercise-answer-not-in-choices": "exercise-answer-not-in-choices/modules/01-a.md:9: "
    "{exercise} pick-one: answer: 'c' is not a choice id",
    "exercise-answer-not-computable": "exercise-answer-not-computable/modules/01-a.md:15: "
    "{exercise} gap: answer.group: no group 'Cedar ES' in the result",
    "exercise-self-check": "exercise-self-check/modules/01-a.md:8: {exercise} wide: a planted "
    "wrong answer (12.5) scores more than 0; is the tolerance too wide?",
    "yaml-tab": "yaml-tab/course.yaml:7: tab character used for indentation; YAML needs spaces "
    "(set your editor to insert spaces)",
}


def test_every_broken_fixture_has_an_expected_message() -> None:
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_broken_course_reports_file_line_message(folder: str) -> None:
    result = load_course(BROKEN / folder, content_root=BROKEN)
    assert result.course is None
    assert EXPECTED[folder] in [str(p) for p in result.errors]


def test_sample_course_loads_with_every_feature() -> None:
    result = load_course(GOOD / "sample-course", content_root=GOOD)
    assert result.problems == []
    course = result.course
    assert course is not None
    assert course.title == "Sample Course: Every Feature"
    assert course.status == "published"
    assert course.sequencing == "sequential"
    assert course.hours == 0.1
    assert course.require_survey
    assert course.survey is not None
    assert [i.id for i in course.survey.items] == [
        "engaging",
        "use_now",
    ]
    assert [m.id for m in course.modules] == ["welcome", "data", "explore-data"]
    assert [m.position for m in course.modules] == [1, 2, 3]
    welcome = course.module("welcome")
    assert welcome is not None
    assert welcome.previous_ids == ("intro",)
    assert welcome.minutes == 3
    assert len(welcome.objectives) == 2
    assert [b.kind for b in welcome.blocks] == ["markdown", "reflection", "reflection", "markdown"]
    assert [a.id for a in welcome.activities] == ["first-thoughts", "optional-note"]
    assert [a.id for a in welcome.required_activities] == ["first-thoughts"]
    found = course.activity("first-thoughts")
    assert found is not None
    assert found[0] is welcome
    reflection = found[1]
    assert isinstance(reflection, Reflection)
    assert reflection.min_words == 10
    assert reflection.max_chars == 2000
    assert "<em>your</em>" in reflection.prompt_html
    assert course.activity("nope") is None
    assert course.module("nope") is None
    assert course.activity_previous_ids["optional-note"] == ("old-note",)
    assert len(course.version) == 64
    assert course.next_module("welcome") is course.module("data")
    assert course.previous_module("welcome") is None


def test_sample_data_directives_and_datasets() -> None:
    course = load_course(GOOD / "sample-course", content_root=GOOD).course
    assert course is not None
    assert list(course.datasets) == ["students"]
    module = course.module("explore-data")
    assert module is not None
    assert [b.kind for b in module.blocks] == [
        "markdown",
        "explore",
        "exercise",
        "exercise",
        "exercise",
    ]
    assert [a.id for a in module.activities] == ["el-gap", "which-school", "literal-choice"]
    assert [a.id for a in module.required_activities] == ["el-gap", "literal-choice"]
    found = course.block("absence-by-el")
    assert found is not None
    assert found[1].dataset == "students"
    assert course.activity("absence-by-el") is None  # an explorer is not an activity
    gap = course.activity("el-gap")
    assert gap is not None
    assert gap[1].attempts == 3
    assert gap[1].reveal_after == 2


def test_sample_markdown_features_render() -> None:
    course = load_course(GOOD / "sample-course", content_root=GOOD).course
    assert course is not None
    html = course.modules[0].blocks[0].html
    assert isinstance(course.modules[0].blocks[0], MarkdownBlock)
    assert 'href="/courses/sample-course/modules/data#looking-closer"' in html
    assert 'src="/courses/sample-course/assets/chart.png"' in html
    assert 'width="320"' in html
    assert 'alt="A bar chart of chronic absence by group"' in html
    assert '<h2 id="why-look-past-averages">' in html
    assert '<th class="align-left">Group</th>' in html
    assert "style=" not in html
    assert 'class="footnote-ref"' in html
    assert "<details><summary>More</summary>" in html
    assert "footnotes" in course.modules[0].blocks[-1].html
    assert course.summary_html.startswith("A <em>small</em> course")
    assert 'href="/courses/sample-course/modules/welcome"' in course.summary_html


def test_bom_and_crlf_are_accepted() -> None:
    raw = (GOOD / "sample-course" / "modules" / "02-data.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    course = load_course(GOOD / "sample-course", content_root=GOOD).course
    assert course is not None
    data = course.module("data")
    assert data is not None
    assert data.title == "Looking at data"
    assert '<h2 id="looking-closer">' in data.blocks[0].html


def _copy_sample(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(GOOD / "sample-course", root / "sample-course")
    return root


def test_raw_html_is_sanitised_with_a_warning(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    module = root / "sample-course" / "modules" / "02-data.md"
    module.write_text(
        "---\nid: data\ntitle: D\nminutes: 5\n---\n"
        "<script>alert(1)</script>\n\n"
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">x</a>'
        '<img src="data:image/png;base64,AAAA" alt="d"></p>\n\n'
        "<iframe src='https://example.org'></iframe>\n"
    )
    result = load_course(root / "sample-course", content_root=root)
    assert result.course is not None
    html = result.course.modules[1].blocks[0].html
    for bad in ("<script", "alert(1)", "onclick", "javascript:", "data:", "<iframe"):
        assert bad not in html
    assert "Hi" in html
    warnings = [str(p) for p in result.warnings]
    assert any(
        w.startswith("sample-course/modules/02-data.md:6: raw HTML '<script'") for w in warnings
    )


def test_symlink_out_of_content_root_is_refused(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    secret = tmp_path / "secret.md"
    secret.write_text("---\nid: data\ntitle: Secret\nminutes: 1\n---\nsecret\n")
    target = root / "sample-course" / "modules" / "02-data.md"
    target.unlink()
    os.symlink(secret, target)
    result = load_course(root / "sample-course", content_root=root)
    assert result.course is None
    assert any(
        str(p).startswith("sample-course/modules/02-data.md:0: refused: this path is a symlink")
        for p in result.errors
    )


def test_symlinked_asset_out_of_content_root_is_refused(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"png")
    asset = root / "sample-course" / "assets" / "chart.png"
    asset.unlink()
    os.symlink(outside, asset)
    result = load_course(root / "sample-course", content_root=root)
    assert result.course is None
    assert (
        "sample-course/modules/01-welcome.md:16: refused: '../assets/chart.png' is a symlink "
        "that points outside course_content/" in [str(p) for p in result.errors]
    )


def test_ten_megabyte_markdown_file_is_refused(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    module = root / "sample-course" / "modules" / "02-data.md"
    module.write_text("---\nid: data\ntitle: D\nminutes: 5\n---\n" + "word " * 2_100_000)
    result = load_course(root / "sample-course", content_root=root)
    assert result.course is None
    assert (
        "sample-course/modules/02-data.md:0: file is too large (10.0 MB; the limit is 2 MB): "
        "split it into several modules" in [str(p) for p in result.errors]
    )


def test_empty_course_folder(tmp_path: Path) -> None:
    (tmp_path / "empty-course").mkdir()
    result = load_course(tmp_path / "empty-course", content_root=tmp_path)
    assert [str(p) for p in result.errors] == [
        "empty-course/course.yaml:0: the course folder is empty: course.yaml is missing; every "
        "course folder needs one (see docs/authoring.md)"
    ]


def test_one_broken_course_does_not_hide_the_others(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    shutil.copytree(BROKEN / "duplicate-key", root / "duplicate-key")
    (root / ".git").mkdir()
    results = {r.slug: r for r in load_all(root)}
    assert set(results) == {"sample-course", "duplicate-key"}
    assert results["sample-course"].course is not None
    assert results["duplicate-key"].course is None
    assert results["duplicate-key"].errors


def test_yaml_alias_bomb_is_harmless(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 25):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    module = root / "sample-course" / "modules" / "02-data.md"
    module.write_text("---\nid: data\ntitle: D\nminutes: 5\n" + "\n".join(lines) + "\n---\nx\n")
    result = load_course(root / "sample-course", content_root=root)
    assert result.course is None
    assert any("unknown key 'a0'" in str(p) for p in result.errors)
