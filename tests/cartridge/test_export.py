"""`groundwork courses export-cc`: the manifest's CC 1.3 structure, element by element, lists
every module as an LTI link with the launch URL and custom course/module parameters."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from typer.testing import CliRunner

from app.cartridge.export import BLTI, CC, LINK_TYPE, LOMM, LTICC, LTICM
from app.cli import app as cli_app
from app.config import ROOT
from app.content.loader import load_course

SLUG = "data-for-liberation"


def _export(tmp_path: Path, monkeypatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GROUNDWORK_CONTENT_DIR", str(ROOT / "course_content"))
    monkeypatch.setenv("GROUNDWORK_BASE_URL", "https://learn.example.org")
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli_app, ["courses", "export-cc", *args])
    finally:
        get_settings.cache_clear()


def test_manifest_lists_every_module_as_an_lti_link(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "course.imscc"
    result = _export(
        tmp_path, monkeypatch, SLUG, "--platform", "https://canvas.test", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    course = load_course(
        ROOT / "course_content" / SLUG, content_root=ROOT / "course_content"
    ).course
    assert course is not None
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))  # noqa: S314  (our own file)
        assert manifest.tag == f"{{{CC}}}manifest"
        assert manifest.get("identifier")
        metadata = manifest.find(f"{{{CC}}}metadata")
        assert metadata is not None
        assert metadata.findtext(f"{{{CC}}}schema") == "IMS Common Cartridge"
        assert metadata.findtext(f"{{{CC}}}schemaversion") == "1.3.0"
        title = metadata.find(f"{{{LOMM}}}lom/{{{LOMM}}}general/{{{LOMM}}}title/{{{LOMM}}}string")
        assert title is not None
        assert title.text == course.title
        organizations = manifest.findall(f"{{{CC}}}organizations/{{{CC}}}organization")
        assert len(organizations) == 1
        assert organizations[0].get("structure") == "rooted-hierarchy"
        roots = organizations[0].findall(f"{{{CC}}}item")
        assert len(roots) == 1
        assert roots[0].find(f"{{{CC}}}title") is None
        course_items = roots[0].findall(f"{{{CC}}}item")
        assert [i.findtext(f"{{{CC}}}title") for i in course_items] == [course.title]
        items = course_items[0].findall(f"{{{CC}}}item")
        assert [i.findtext(f"{{{CC}}}title") for i in items] == [m.title for m in course.modules]
        resources = {
            r.get("identifier"): r for r in manifest.findall(f"{{{CC}}}resources/{{{CC}}}resource")
        }
        identifiers = [e.get("identifier") for e in manifest.iter() if e.get("identifier")]
        assert len(identifiers) == len(set(identifiers))  # XML IDs are unique
        for item, module in zip(items, course.modules, strict=True):
            resource = resources[item.get("identifierref")]
            assert resource.get("type") == LINK_TYPE
            files = resource.findall(f"{{{CC}}}file")
            assert len(files) == 1
            assert files[0].get("href") in names
            link = ET.fromstring(archive.read(files[0].get("href") or ""))  # noqa: S314
            assert link.tag == f"{{{LTICC}}}cartridge_basiclti_link"
            assert link.findtext(f"{{{BLTI}}}title") == module.title
            assert module.title in (link.findtext(f"{{{BLTI}}}description") or "") or link.findtext(
                f"{{{BLTI}}}description"
            )
            assert link.findtext(f"{{{BLTI}}}launch_url") == "https://learn.example.org/lti/launch"
            assert (
                link.findtext(f"{{{BLTI}}}secure_launch_url")
                == "https://learn.example.org/lti/launch"
            )
            custom = {
                p.get("name"): p.text for p in link.findall(f"{{{BLTI}}}custom/{{{LTICM}}}property")
            }
            assert custom == {"course": SLUG, "module": module.id}
        assert len(resources) == len(course.modules)


def test_a_malformed_slug_is_a_clear_error(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.imscc"
    result = _export(
        tmp_path, monkeypatch, "../etc", "--platform", "https://canvas.test", "-o", str(out)
    )
    assert result.exit_code == 2
    assert "is not a course slug" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    result = _export(tmp_path, monkeypatch, "no-such-course", "--platform", "x", "-o", str(out))
    assert result.exit_code == 1
    assert "There is no course 'no-such-course'" in result.output
