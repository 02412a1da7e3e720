"""Safe streaming of IATI activity files: limits, the defused gate, the parser.

Files are untrusted input. Their prolog, the only place where XML allows DTDs
and entity declarations, is parsed with `defusedxml` (no DTD, no entity
expansion, no external entity, no network access); only then does the C
`ElementTree` parser read the activities, streaming them in chunks with one
activity in memory at a time.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from kampala._internal.files import open_input
from kampala.errors import DataFormatError, KampalaError, ParameterTypeError

#: Largest file read by default: 1 GiB. Parsing streams, so memory does not
#: grow with the file; the limit bounds the time a hostile or mistaken input
#: can take. Pass `max_bytes=None` to lift it.
DEFAULT_MAX_BYTES: int = 1 << 30

#: IATI Standard versions read without a warning. Versions before 2.01
#: (1.0x) are refused; later versions are read with a warning.
SUPPORTED_VERSIONS: tuple[str, ...] = ("2.01", "2.02", "2.03")

PathLike = str | os.PathLike[str]
Element = ET.Element
#: The root element of an activity file, and one activity.
ROOT = "iati-activities"
ACTIVITY = "iati-activity"
#: Bytes read at a time.
CHUNK = 1 << 16
#: Largest read: while one token stays unfinished, reads double up to this.
MAX_CHUNK = 1 << 28
#: The root element's start tag must end within the first MAX_PROLOG bytes
#: (1 MiB): the XML declaration, comments and the root's attributes are a
#: few hundred bytes in real files. The prolog is read by the defused
#: Python-level parser, whose time grows with the square of a long token.
MAX_PROLOG = 1 << 20


def is_iati(path: PathLike) -> bool:
    """Tell whether a file is an IATI activity file, by its root element.

    Reads the file only up to its root element (and never more than 1 MiB),
    with the defused parser that `read_iati` uses for the prolog. Never
    raises for the file's content: a file that cannot be read, is not XML,
    declares a DTD, or has another root element gives False. Meant for a
    command line that must choose a reader.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    bool
        True if the root element is `iati-activities`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kampala.io.iati import is_iati
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "a.xml"
    ...     _ = p.write_text('<?xml version="1.0"?><iati-activities version="2.03">')
    ...     q = pathlib.Path(tmp) / "b.json"
    ...     _ = q.write_text('{"format": "kampala.portfolio/1"}')
    ...     is_iati(p), is_iati(q)
    (True, False)
    """
    if not isinstance(path, str | os.PathLike):
        raise ParameterTypeError("is_iati()", "path", path, "a path")
    defused = require_defusedxml()
    found: list[str] = []

    class _Stop(Exception):
        pass

    def start(tag: str, attrib: dict[str, str]) -> None:
        found.append(tag)
        raise _Stop

    parser = defused.DefusedXMLParser(
        target=ET.TreeBuilder(),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    parser.parser.StartElementHandler = start
    try:
        with open_input(Path(path), "is_iati()", max_bytes=None) as f:
            for _ in range(MAX_PROLOG // CHUNK):  # the root is in the first 1 MiB
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                parser.feed(chunk)
    except _Stop:
        pass
    except Exception:  # not XML, a DTD, unreadable: not an IATI file
        return False
    return found[:1] == [ROOT]


# ---------------------------------------------------------------------------
# opening and streaming
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is read.

    Parsing allocates millions of short-lived elements; with the collector
    running, its full collections (which also scan every object the program
    holds) take about half the time of a large import. The reader creates no
    reference cycles, so nothing is left for the collector to find; it is
    re-enabled (if it was enabled) when the import ends, even on error.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def require_defusedxml() -> Any:
    try:
        return importlib.import_module("defusedxml.ElementTree")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Reading IATI files needs defusedxml. Install it with: "
            "pip install 'kampala[io]'"
        ) from exc


def open_source(
    source: Any, max_bytes: int | None, caller: str
) -> tuple[IO[bytes], str, bool]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        where = path.name
        # Regular files only (a FIFO, device or directory is refused without
        # blocking); the size is checked here with this reader's own limit.
        stream = open_input(path, caller, max_bytes=None)
        try:
            size = os.fstat(stream.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise too_big(where, size, max_bytes)
        except BaseException:
            stream.close()
            raise
        return stream, where, True
    if hasattr(source, "read"):
        if isinstance(source, io.TextIOBase):
            raise ParameterTypeError(
                caller,
                "source",
                type(source).__name__,
                "a path or a binary file object",
                hint="Open the file with mode 'rb'.",
            )
        label = getattr(source, "name", None)
        where = Path(label).name if isinstance(label, str) else "<stream>"
        return source, where, False
    raise ParameterTypeError(
        caller, "source", type(source).__name__, "a path or a binary file object"
    )


def too_big(where: str, size: int, max_bytes: int) -> DataFormatError:
    return DataFormatError(
        where,
        "size",
        size,
        f"at most max_bytes={max_bytes} bytes",
        hint="Pass a larger max_bytes (or None) if you trust the file.",
    )


def _open_path(root: Element) -> tuple[tuple[Element, int], ...]:
    """Return the last-child path from ``root`` (8 deep at most), with counts.

    A new element is appended to an open element, and every open element is
    on this path, so the path changes whenever an element starts (within
    the first 8 levels; a deeper one may go unnoticed, which only makes the
    next read larger). Ending tags and text do not change it.
    """
    path = []
    el = root
    for _ in range(8):
        n = len(el)
        path.append((el, n))
        if not n:
            break
        el = el[-1]
    return tuple(path)


#: Stateful encodings, which pyexpat cannot read (it maps single bytes).
_STATEFUL = ("iso-2022", "utf-7", "utf7", "hz", "csiso2022")


def _declared_encoding(head: bytes) -> str | None:
    """Return the encoding named by the XML declaration at the start of ``head``."""
    match = re.match(
        rb"""(?:\xef\xbb\xbf)?<\?xml\s[^>]{0,200}?encoding\s*=\s*["']([^"']{0,64})["']""",
        head,
    )
    return match[1].decode("ascii", "replace") if match else None


class _RootSeen(Exception):
    """Raised by the prolog gate once the root element has been checked."""


class StreamReader:
    """Stream an IATI file: yield its activities one at a time.

    Two parsers read the same bytes:

    - the *gate*, defusedxml's `DefusedXMLParser` (DTDs, entity declarations
      and external references forbidden), reads the prolog up to the root
      element and checks the root and its version. DTDs and entity
      declarations can only appear in the prolog, so once the gate has seen
      the root start tag none can follow: a later `<!DOCTYPE` or an undefined
      entity is a well-formedness error;
    - the *body* parser, the C-accelerated `ElementTree.XMLParser`, then builds
      the activities. Completed activities are detached from the root after
      each chunk, so that memory stays bounded whatever the size of the file.

    No byte reaches the body parser before the gate has accepted the prolog.
    """

    def __init__(
        self,
        stream: IO[bytes],
        where: str,
        max_bytes: int | None,
        defused: Any,
        caller: str,
    ) -> None:
        self._stream = stream
        self._caller = caller
        self._where = where
        self._max_bytes = max_bytes
        self._refused: type[Exception] = importlib.import_module(
            "defusedxml"
        ).DefusedXmlException
        gate = defused.DefusedXMLParser(
            target=ET.TreeBuilder(),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        gate.parser.StartElementHandler = self._root
        self._gate: Any = gate
        self._pending: list[bytes] = []
        self._body: Any = ET.XMLParser(target=ET.TreeBuilder())
        self._events: list[tuple[str, Element]] = []
        self._pull: Any = None
        if hasattr(self._body, "_setevents"):  # CPython's C parser
            self._body._setevents(self._events, ("start",))
        else:  # pragma: no cover - other implementations
            self._pull = ET.XMLPullParser(events=("start",))
        self._gate_mark = 0
        self._body_mark: tuple[tuple[Element, int], ...] = ()
        self._root_el: Element | None = None
        self._count = 0
        self.version: str | None = None
        self.warnings: list[str] = []

    def _root(self, tag: str, attrib: Any) -> None:
        """Check the root element and its version (a gate callback)."""
        gate = self._gate.parser
        line = gate.CurrentLineNumber
        col = gate.CurrentColumnNumber + 1
        if tag != ROOT:
            shown = "{" + tag if "}" in tag else tag
            hint = "This reader reads IATI activity files (IATI Standard 2.01-2.03)."
            if tag in ("iati-organisations", "iati-organisation"):
                hint = (
                    "This is an IATI organisation file; kampala reads activity files."
                )
            raise DataFormatError(
                f"{self._where}, line {line}, column {col}",
                "root element",
                shown,
                f"<{ROOT}>",
                hint=hint,
            )
        if isinstance(attrib, list):  # ordered attributes: name, value, ...
            attrib = dict(zip(attrib[::2], attrib[1::2], strict=True))
        version = (attrib.get("version") or "").strip()
        self.version = version or None
        match = re.fullmatch(r"(\d+)\.(\d+)", version)
        if not version:
            self.warnings.append(
                f"{self._where}: iati-activities/@version: missing; read as 2.03"
            )
        elif match is None:
            self.warnings.append(
                f"{self._where}: iati-activities/@version: {version!r} is not a "
                "version number; read as 2.03"
            )
        else:
            major, minor = int(match[1]), int(match[2])
            if (major, minor) < (2, 1):
                raise DataFormatError(
                    f"{self._where}, line {line}, column {col}",
                    "iati-activities/@version",
                    version,
                    "2.01 or later",
                    hint="IATI 1.0x files use another structure; convert them "
                    "to 2.0x first.",
                )
            if version not in SUPPORTED_VERSIONS:
                self.warnings.append(
                    f"{self._where}: iati-activities/@version: {version!r} is "
                    "newer than 2.03; read with the 2.03 rules"
                )
        raise _RootSeen

    # driving ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple[int, Element]]:
        # Expat (2.5) rescans an unfinished token from its start on every feed,
        # so feeding a 64 MiB attribute or comment in 64 KiB chunks costs time
        # quadratic in its size. Each feed after which the parser has made no
        # progress (the gate: no new token; the body: no new element) doubles
        # the next read, so that a token of n bytes is rescanned O(log n) times
        # for O(n) bytes in all; the first feed that makes progress returns to
        # CHUNK, keeping memory bounded for ordinary files.
        total = 0
        size = CHUNK
        read = self._stream.read
        while True:
            want = size
            if self._max_bytes is not None:
                want = max(1, min(want, self._max_bytes + 1 - total))
            if self._gate is not None:
                want = max(1, min(want, MAX_PROLOG + 1 - total))
            try:
                chunk = read(want)
            except OSError as exc:
                raise DataFormatError(
                    self._caller,
                    "source",
                    self._where,
                    "a readable file",
                    hint=exc.strerror or str(exc),
                ) from exc
            if not chunk:
                break
            if not isinstance(chunk, bytes | bytearray):
                raise ParameterTypeError(
                    self._caller,
                    "source",
                    type(chunk).__name__,
                    "a binary file object (read() must return bytes)",
                    hint="Open the file with mode 'rb'.",
                )
            total += len(chunk)
            if self._max_bytes is not None and total > self._max_bytes:
                raise too_big(self._where, total, self._max_bytes)
            if self._gate is not None:
                if total > MAX_PROLOG:
                    raise self._long_prolog()
                chunk, progressed = self._through_gate(bytes(chunk), total)
                if not chunk:
                    size = CHUNK if progressed else min(2 * size, MAX_CHUNK)
                    continue
            progressed = yield from self._feed(chunk)
            size = CHUNK if progressed else min(2 * size, MAX_CHUNK)
        if self._gate is not None:  # the file ended before its root element
            self._gate_call(self._gate.close)  # raises "no element found"
            raise DataFormatError(  # pragma: no cover - close() raises first
                self._where, "xml", "no root element", "well-formed XML"
            )
        yield from self._feed(None)

    def _through_gate(self, chunk: bytes, total: int) -> tuple[bytes, bool]:
        """Pass a chunk to the gate.

        Return the bytes the body may now parse, and whether the gate made
        progress (it has no unfinished token older than this chunk).
        """
        if not self._pending:
            name = _declared_encoding(chunk)
            if name is not None and name.lower().startswith(_STATEFUL):
                # pyexpat would read these byte by byte as if single-byte.
                raise self._bad_encoding(LookupError(name), chunk)
        self._pending.append(chunk)
        if self._gate_call(self._gate.feed, chunk):
            self._gate = None
            data = b"".join(self._pending)
            self._pending = []
            return data, True
        # After a feed, expat's byte index is the start of its unfinished token.
        mark = self._gate.parser.CurrentByteIndex
        progressed = mark > self._gate_mark or mark >= total
        self._gate_mark = mark
        return b"", progressed

    def _gate_call(self, method: Any, *args: Any) -> bool:
        """Call a gate method; True once the root element has been seen."""
        try:
            method(*args)
        except _RootSeen:
            return True
        except ET.ParseError as exc:
            raise self._malformed(exc, gate=True) from exc
        except KampalaError:
            raise
        except self._refused as exc:
            raise self._forbidden(exc) from exc
        except (ValueError, LookupError) as exc:
            # pyexpat raises these for an encoding it cannot decode:
            # "multi-byte encodings are not supported", "unknown encoding: x".
            if isinstance(exc, ValueError) and "encoding" not in str(exc):
                raise  # pragma: no cover - no other ValueError is known
            raise self._bad_encoding(exc) from exc
        return False

    def _feed(self, chunk: bytes | None) -> Generator[tuple[int, Element], None, bool]:
        """Feed the body parser; yield finished activities.

        Return whether the parser made progress: a new element started.
        """
        parser = self._pull if self._pull is not None else self._body
        try:
            if chunk is None:
                parser.close()
            else:
                parser.feed(chunk)
        except ET.ParseError as exc:
            raise self._malformed(exc) from exc
        root = self._root_el
        if root is None:
            if self._pull is not None:  # pragma: no cover
                self._events.extend(self._pull.read_events())
            if not self._events:
                return False
            root = self._root_el = self._events[0][1]
            if self._pull is None:
                self._body._setevents([], ())
        elif self._pull is not None:  # pragma: no cover
            for _ in self._pull.read_events():
                pass
        self._events.clear()
        keep = 0 if chunk is None else 1  # the last child may be unfinished
        if len(root) > keep:
            done = root[: len(root) - keep]
            del root[: len(root) - keep]
            for el in done:
                if el.tag == ACTIVITY:
                    self._count += 1
                    yield self._count, el
        mark = _open_path(root)
        progressed = mark != self._body_mark
        self._body_mark = mark
        return progressed

    def _long_prolog(self) -> DataFormatError:
        gate = self._gate.parser
        return DataFormatError(
            f"{self._where}, line {gate.CurrentLineNumber}",
            "root element",
            f"not complete after {MAX_PROLOG} bytes",
            f"<{ROOT} ...> ending within the first {MAX_PROLOG} bytes (1 MiB)",
            hint="IATI files start with their root element; this file has a "
            "longer prolog (declaration, comments, processing instructions) "
            "or root start tag. The limit is fixed: shorten the prolog.",
        )

    def _bad_encoding(self, exc: Exception, head: bytes = b"") -> DataFormatError:
        name = _declared_encoding(head or b"".join(self._pending[:1])) or str(exc)
        known = "unknown encoding" not in str(exc)
        return DataFormatError(
            f"{self._where}, line 1",
            "encoding",
            name,
            "UTF-8, UTF-16 or a single-byte encoding such as ISO-8859-1 or "
            "windows-1252",
            hint=(
                "The XML parser cannot read multi-byte encodings other than "
                "UTF-8 and UTF-16. "
                if known
                else "Python does not know this encoding. "
            )
            + "Convert the file to UTF-8 (for example with iconv) and declare "
            'encoding="UTF-8".',
        )

    def _malformed(self, exc: ET.ParseError, *, gate: bool = False) -> DataFormatError:
        line, offset = getattr(exc, "position", (0, 0))
        code = getattr(exc, "code", None)
        message = expat.ErrorString(code) if isinstance(code, int) else str(exc)
        hint = ""
        if gate and message in ("syntax error", "not well-formed (invalid token)"):
            hint = (
                "Is this an XML file? IATI activity files are XML documents "
                f"whose root element is <{ROOT}>."
            )
        elif message == "no element found":
            hint = "The file ends before the document does: is it empty or truncated?"
        elif message == "undefined entity":
            hint = "IATI files use no entities other than the five XML predefines."
        elif message.startswith("unclosed token"):
            hint = "The file may be truncated."
        return DataFormatError(
            f"{self._where}, line {line}, column {offset + 1}",
            "xml",
            message,
            "well-formed XML",
            hint=hint,
        )

    def _forbidden(self, exc: Exception) -> DataFormatError:
        expat_parser = self._gate.parser
        line = expat_parser.CurrentLineNumber
        col = expat_parser.CurrentColumnNumber + 1
        kind = type(exc).__name__
        detail = {
            "DTDForbidden": ("DOCTYPE", getattr(exc, "name", None)),
            "EntitiesForbidden": ("ENTITY", getattr(exc, "name", None)),
            "ExternalReferenceForbidden": (
                "external reference",
                getattr(exc, "sysid", None),
            ),
        }.get(kind, ("declaration", str(exc)))
        return DataFormatError(
            f"{self._where}, line {line}, column {col}",
            detail[0],
            detail[1],
            "absent",
            hint="IATI files have no DTD; kampala refuses DTDs, entity "
            "declarations and external references so that a file cannot "
            "expand entities or fetch external resources.",
        )
