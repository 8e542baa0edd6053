"""Office Open XML files (.pptx, .xlsx) with the same bytes for the same content.

python-pptx and openpyxl stamp each zip member with the time of writing and openpyxl the document's
modification time with the current one; the site's files must depend on the data only.
"""

from __future__ import annotations

import io
import re
import zipfile

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed(data: bytes, when: str | None = None) -> bytes:
    """The same package with a fixed time stamp on every member, in the same order, and its core
    properties' created and modified dates set to ``when`` (YYYY-MM-DD; 2000-01-01 when unknown)."""
    stamp = f"{when or '2000-01-01'}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, content)
    return out.getvalue()


# Already compressed: stored as they are (deflating them again costs time and saves nothing).
STORED = (".png", ".jpg", ".jpeg", ".gif")


def presentation_bytes(prs) -> bytes:
    """A python-pptx presentation written in one pass with fixed time stamps (python-pptx's own save writes
    the current time and deflates the pictures; ``fixed`` would then inflate and deflate everything again)."""
    from pptx.opc.serialized import PackageWriter

    out = io.BytesIO()

    class Writer:
        def __init__(self, archive: zipfile.ZipFile):
            self.archive = archive

        def write(self, pack_uri, blob: bytes) -> None:
            member = zipfile.ZipInfo(pack_uri.membername, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_STORED if pack_uri.membername.endswith(STORED) else zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            self.archive.writestr(member, blob)

    class OnePass(PackageWriter):
        def _write(self) -> None:
            with zipfile.ZipFile(out, "w") as archive:
                writer = Writer(archive)
                self._write_content_types_stream(writer)
                self._write_pkg_rels(writer)
                self._write_parts(writer)

    package = prs.part.package
    OnePass.write(out, package._rels, tuple(package.iter_parts()))
    return out.getvalue()
