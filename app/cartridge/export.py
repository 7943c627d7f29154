"""A thin IMS Common Cartridge 1.3: ``imsmanifest.xml`` with the course outline as
organization items, and one IMS Basic LTI link (``imsbasiclti_xmlv1p3``) per module whose
launch URL is ``{base}/lti/launch`` with the custom parameters ``course`` and ``module``."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from app.content.course import Course
from app.content.plaintext import html_to_text

CC = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOMM = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
BLTI = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICC = "http://www.imsglobal.org/xsd/imslticc_v1p3"
LTICM = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP = "http://www.imsglobal.org/xsd/imslticp_v1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LINK_TYPE = "imsbasiclti_xmlv1p3"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IDENT = re.compile(r"[^A-Za-z0-9_.-]")


class CartridgeError(Exception):
    """The cartridge cannot be written; the message says why."""


def _ident(prefix: str, value: str) -> str:
    """An XML ID (a name: letters first, no spaces) for ``value``."""
    return f"{prefix}_{IDENT.sub('_', value)}"


def launch_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/lti/launch"


def _link_xml(course: Course, module_index: int, *, base_url: str, platform: str) -> bytes:
    module = course.modules[module_index]
    for prefix, uri in (("", LTICC), ("blti", BLTI), ("lticm", LTICM), ("lticp", LTICP)):
        ET.register_namespace(prefix, uri)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{LTICC}}}cartridge_basiclti_link")
    ET.SubElement(root, f"{{{BLTI}}}title").text = module.title
    description = f"Module {module.position} of “{course.title}”, about {module.minutes} minutes."
    if module.objectives:
        description += " " + " ".join(module.objectives)
    ET.SubElement(root, f"{{{BLTI}}}description").text = description
    custom = ET.SubElement(root, f"{{{BLTI}}}custom")
    for name, value in (("course", course.slug), ("module", module.id)):
        ET.SubElement(custom, f"{{{LTICM}}}property", name=name).text = value
    extensions = ET.SubElement(root, f"{{{BLTI}}}extensions", platform=platform)
    ET.SubElement(extensions, f"{{{LTICM}}}property", name="issuer").text = platform
    url = launch_url(base_url)
    ET.SubElement(root, f"{{{BLTI}}}launch_url").text = url
    if url.startswith("https://"):
        ET.SubElement(root, f"{{{BLTI}}}secure_launch_url").text = url
    vendor = ET.SubElement(root, f"{{{BLTI}}}vendor")
    ET.SubElement(vendor, f"{{{LTICP}}}code").text = "groundwork"
    ET.SubElement(vendor, f"{{{LTICP}}}name").text = "Groundwork"
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _manifest(course: Course, files: list[tuple[str, str]]) -> bytes:
    for prefix, uri in (("", CC), ("lomimscc", LOMM)):
        ET.register_namespace(prefix, uri)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{CC}}}manifest", identifier=_ident("groundwork", course.slug))
    metadata = ET.SubElement(root, f"{{{CC}}}metadata")
    ET.SubElement(metadata, f"{{{CC}}}schema").text = "IMS Common Cartridge"
    ET.SubElement(metadata, f"{{{CC}}}schemaversion").text = "1.3.0"
    lom = ET.SubElement(metadata, f"{{{LOMM}}}lom")
    general = ET.SubElement(lom, f"{{{LOMM}}}general")
    title = ET.SubElement(general, f"{{{LOMM}}}title")
    ET.SubElement(title, f"{{{LOMM}}}string").text = course.title
    summary = html_to_text(course.summary_html).strip()
    if summary:
        description = ET.SubElement(general, f"{{{LOMM}}}description")
        ET.SubElement(description, f"{{{LOMM}}}string").text = summary
    organizations = ET.SubElement(root, f"{{{CC}}}organizations")
    organization = ET.SubElement(
        organizations, f"{{{CC}}}organization", identifier="org_1", structure="rooted-hierarchy"
    )
    top = ET.SubElement(organization, f"{{{CC}}}item", identifier="root")
    course_item = ET.SubElement(top, f"{{{CC}}}item", identifier=_ident("course", course.slug))
    ET.SubElement(course_item, f"{{{CC}}}title").text = course.title
    resources = ET.SubElement(root, f"{{{CC}}}resources")
    for module, (resource_id, path) in zip(course.modules, files, strict=True):
        item = ET.SubElement(
            course_item,
            f"{{{CC}}}item",
            identifier=_ident("item", module.id),
            identifierref=resource_id,
        )
        ET.SubElement(item, f"{{{CC}}}title").text = module.title
        resource = ET.SubElement(
            resources, f"{{{CC}}}resource", identifier=resource_id, type=LINK_TYPE
        )
        ET.SubElement(resource, f"{{{CC}}}file", href=path)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def check_slug(slug: str) -> str | None:
    """Why ``slug`` cannot name a course, or None."""
    if not SLUG.match(slug or ""):
        return (
            f"{slug!r} is not a course slug: use lower-case letters, digits and single "
            "hyphens, like data-for-liberation."
        )
    return None


def write_cartridge(course: Course, *, base_url: str, platform: str, path: Path) -> list[str]:
    """Write the cartridge to ``path``; the module ids it lists, in order."""
    if not platform.strip():
        raise CartridgeError("Give the LMS platform's issuer with --platform.")
    if not course.modules:
        raise CartridgeError(f"The course {course.slug!r} has no modules to export.")
    files = [
        (_ident("lti", module.id), f"{_ident('lti', module.id)}/{LINK_TYPE}.xml")
        for module in course.modules
    ]
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("imsmanifest.xml", _manifest(course, files))
            for index, (_, name) in enumerate(files):
                archive.writestr(
                    name, _link_xml(course, index, base_url=base_url, platform=platform.strip())
                )
    except OSError as exc:
        raise CartridgeError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return [module.id for module in course.modules]
