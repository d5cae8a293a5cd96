"""Opening an Apple Health export safely: the zip (or a bare export.xml), its limits, its prolog.

The zip is bounded as the crampcare import's is (``portability.archive``): by what is actually
inflated, never by what its headers claim, read in chunks and stopped one byte past the limit,
and refused when it unzips to far more than any real export would. Before the XML parser sees the
file, its prolog is read up to the first element: a DOCTYPE that declares an entity (the billion
laughs) or points outside the file (an external DTD) is refused, as defusedxml does; Apple's own
DOCTYPE declares only elements and attributes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from crampcare.portability.apple_health.parsing import ROOT, HealthFileError
from crampcare.portability.archive import MB, member_count, unreadable

EXPORT_XML = "export.xml"
# How far into the file the first element must start: Apple's DOCTYPE is about 10 KB.
PROLOG_MAX_BYTES = MB
_CHUNK = 256 * 1024
_JPEG = b"\xff\xd8\xff"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class HealthLimits:
    """What one Apple Health import may cost; settings ``CRAMPCARE_APPLE_HEALTH_*``
    (docs/configuration.md)."""

    upload_bytes: int
    xml_bytes: int
    ratio: int


def health_limits() -> HealthLimits:
    def setting(name: str, default: int) -> int:
        return int(getattr(settings, f"CRAMPCARE_APPLE_HEALTH_{name}", default))

    return HealthLimits(
        upload_bytes=setting("MAX_UPLOAD_BYTES", 256 * MB),
        xml_bytes=setting("MAX_XML_BYTES", 2048 * MB),
        ratio=setting("MAX_RATIO", 100),
    )


class Counted(io.RawIOBase):
    """A stream that counts what is read through it and stops one byte past ``most``; past the
    first MB it also stops when more than ``ratio`` times ``compressed`` has come out (a zip
    bomb, measured by what was really inflated)."""

    def __init__(
        self,
        inner: IO[bytes],
        *,
        most: int,
        compressed: int | None = None,
        ratio: int = 0,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.inner = inner
        self.most = most
        self.compressed = compressed
        self.ratio = ratio
        self.progress = progress
        self.read_bytes = 0
        self.ended = False
        self.watch: Callable[[], None] | None = None
        """Called before each chunk is handed to the parser (``parsing.aggregate`` checks the
        tree it is building)."""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.watch is not None:
            self.watch()
        chunk = self.inner.read(_CHUNK if size is None or size < 0 else min(size, _CHUNK))
        self.read_bytes += len(chunk)
        self.ended = not chunk
        if self.read_bytes > self.most:
            raise HealthFileError(
                _(
                    "export.xml is larger than %(size)d MB once unzipped; the server's limit is "
                    "CRAMPCARE_APPLE_HEALTH_MAX_XML_BYTES"
                )
                % {"size": self.most // MB}
            )
        if (
            self.compressed is not None
            and self.read_bytes > MB
            and self.read_bytes > self.ratio * max(self.compressed, 1)
        ):
            raise HealthFileError(
                _(
                    "export.xml is compressed far more than any export would be (over %(ratio)d "
                    "to 1), so it was not unzipped"
                )
                % {"ratio": self.ratio}
            )
        if self.progress is not None:
            self.progress(self.read_bytes)
        return chunk

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@dataclass
class Opened:
    """How to read export.xml from the start, as many times as needed, and its claimed size."""

    open: Callable[[], IO[bytes]]
    compressed: int | None
    size: int | None


def open_export(fileobj: IO[bytes]) -> Opened:
    """Find export.xml in the upload: a zip from the Health app or a bare export.xml.

    ``fileobj`` must be seekable (an uploaded file or a file on disk); it is read in place, never
    whole into memory. Raises ``HealthFileError`` saying what is wrong.
    """
    limits = health_limits()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > limits.upload_bytes:
        raise HealthFileError(
            _(
                "the file is larger than %(size)d MB; the server's limit is "
                "CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES"
            )
            % {"size": limits.upload_bytes // MB}
        )
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise HealthFileError(_("the file is empty"))
    if head.startswith(_JPEG):
        raise HealthFileError(
            _(
                "this is a picture (JPEG), not an Apple Health export: in the Health app, tap "
                "your picture, then Export All Health Data"
            )
        )
    if not head.startswith(_ZIP):
        return Opened(open=lambda: _rewound(fileobj), compressed=None, size=size)
    fileobj.seek(max(size - (22 + 0xFFFF), 0))
    members = member_count(fileobj.read())
    fileobj.seek(0)
    if members is not None and members > 100_000:
        raise HealthFileError(_("the zip holds far more files than an Apple Health export"))
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise HealthFileError(
            _("the zip file is damaged or cut short (download or copy it again)")
        ) from None
    found = [
        info
        for info in archive.infolist()
        if not info.is_dir() and info.filename.replace("\\", "/").rsplit("/", 1)[-1] == EXPORT_XML
    ]
    if not found:
        raise HealthFileError(
            _("the zip has no export.xml: it is not an Apple Health export (export.zip)")
        )
    if len(found) > 1:
        raise HealthFileError(_("the zip holds more than one export.xml"))
    info = found[0]
    # The member is only read, never written anywhere, so its path cannot escape; still, a
    # name that tries to is a sign of a crafted file.
    parts = info.filename.replace("\\", "/").split("/")
    if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise HealthFileError(
            _("the zip names a file outside itself (%(name)s)") % {"name": repr(info.filename[:80])}
        )
    problem = unreadable(info)
    if problem:
        raise HealthFileError(_("export.xml %(problem)s") % {"problem": problem})

    def member() -> IO[bytes]:
        try:
            return archive.open(info)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:
            raise HealthFileError(
                _("export.xml could not be read from the zip (%(error)s)") % {"error": error}
            ) from None

    return Opened(open=member, compressed=info.compress_size, size=info.file_size)


def _rewound(fileobj: IO[bytes]) -> IO[bytes]:
    fileobj.seek(0)
    return fileobj


def check_prolog(stream: IO[bytes]) -> None:
    """Read the start of export.xml up to its first element and refuse what a Health export never
    has: an entity declaration (entity bombs), an external DTD or entity, another root element,
    or no XML at all. Reads at most ``PROLOG_MAX_BYTES``."""
    parser = etree.XMLPullParser(
        events=("start",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    seen = b""
    while len(seen) < PROLOG_MAX_BYTES:
        chunk = stream.read(64 * 1024)
        if not chunk:
            break
        seen += chunk
        _refuse_declarations(seen)
        try:
            parser.feed(chunk)
            for _event, element in parser.read_events():
                if element.tag != ROOT:
                    raise HealthFileError(
                        _(
                            "this is not an Apple Health export (its first element is "
                            "%(tag)s, not HealthData)"
                        )
                        % {"tag": repr(str(element.tag)[:40])}
                    )
                return
        except etree.XMLSyntaxError as error:
            raise HealthFileError(
                _("this is not an Apple Health export: it is not readable XML (%(error)s)")
                % {"error": error.msg},
                error.lineno,
            ) from None
    if not seen.strip():
        raise HealthFileError(_("the file is empty"))
    if len(seen) >= PROLOG_MAX_BYTES:
        raise HealthFileError(_("the file's header (before its first element) is far too long"))
    raise HealthFileError(_("the file ends before its first element: it is cut short"))


def _refuse_declarations(seen: bytes) -> None:
    text = _as_text(seen)
    if "<!ENTITY" in text:
        raise HealthFileError(
            _(
                "the file declares XML entities, which an Apple Health export never does (they "
                "can make a file expand without end), so it was not read"
            )
        )
    doctype = text.find("<!DOCTYPE")
    if doctype >= 0:
        header = text[doctype : text.find("[", doctype) if "[" in text[doctype:] else None]
        header = header.split(">", 1)[0]
        if "SYSTEM" in header or "PUBLIC" in header:
            raise HealthFileError(
                _(
                    "the file points to a DTD outside itself, which an Apple Health export never "
                    "does, so it was not read"
                )
            )


def _as_text(seen: bytes) -> str:
    """The prolog as text, whatever its encoding: only ASCII markup is looked for."""
    if seen.startswith((b"\xff\xfe", b"<\x00")):
        return seen.decode("utf-16-le", errors="replace")
    if seen.startswith((b"\xfe\xff", b"\x00<")):
        return seen.decode("utf-16-be", errors="replace")
    return seen.decode("latin-1")
