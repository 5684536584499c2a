"""The raw archive: every HTTP response the crawler receives, as gzip WARC files.

Layout: `<root>/<source>/<YYYY-MM-DD>/<run_id>.warc.gz`, the date being the UTC
day the run first wrote to that source. For each response the archive writes a
WARC `response` record (status line, headers and body as received) and then a
`request` record pointing at it (`WARC-Concurrent-To`). Each record is its own
gzip member.

Durability is a group commit. `write` compresses both records outside any lock and
appends them with one `write(2)` before it returns: from then on the response is
the kernel's, and a killed run (SIGKILL included) loses nothing it had archived;
at worst the last record is cut short, which `iter_archive` skips and a writer
reopening the file trims. `fsync` — what a power cut needs — is paid once for
everything written so far: by `sync()`, by the first `write` at least
`sync_interval` seconds after the last sync, and by `close()`. A power cut can
lose the records written since the last sync, but nothing derived from them:
parsed records live in memory until the load, and the load indexes only durable
records (`close()` syncs before the run's load; `unindexed_files` fsyncs the
files of killed runs before their adoption).

While a run writes a file it holds an exclusive `flock` on it (released when the
file is closed or the process dies), so `unindexed_files` can tell the files of
a run that was killed before its load from those of a run still crawling.

Besides the standard fields, each response record carries the stdwatch fields
the index needs so that the index can be rebuilt from the WARC files alone:
`WARC-Stdwatch-Source`, `-Run-Id`, `-Method` and, when set, `-Blocked`.
A body cut short (size cap, dropped connection) carries the standard
`WARC-Truncated` field ("length" or "disconnect").

Bodies are stored as they came off the wire, de-chunked but still
content-encoded; `sha256` and `WARC-Payload-Digest` are of those bytes. The
readers (`read_response`, `iter_archive`) return the content-decoded body, the
same bytes `extract.http.Fetched.body` holds.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import threading
import time
import warnings
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.utils import Digester
from warcio.warcwriter import BaseWARCWriter

_H_SOURCE = "WARC-Stdwatch-Source"
_H_RUN = "WARC-Stdwatch-Run-Id"
_H_METHOD = "WARC-Stdwatch-Method"
_H_BLOCKED = "WARC-Stdwatch-Blocked"
# Measured on the demo's 1,760 archived pages (docs/benchmarks.md): level 4 compresses in 76 % of the
# time of zlib's default 6 (and 64 % of warcio's 9) into a file 1.6 % larger; below 4 each level saves
# little time for more size.
GZIP_LEVEL = 4
# A decoded body this much larger than what was stored is treated as a decompression bomb.
_MAX_DECODED_RATIO = 200

Headers = Sequence[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class ArchiveEntry:
    """The index row of one archived response (warehouse table `raw.response`)."""

    response_id: str  # hex sha256 of the response record's WARC-Record-ID
    source: str
    method: str
    url: str
    status: int
    content_type: str | None
    fetched_at: datetime  # UTC, timezone-aware; the WARC-Date
    sha256: str  # hex sha256 of the body as received (the WARC payload)
    size: int  # bytes of body as received
    warc_path: str  # relative to the archive root, POSIX separators
    offset: int  # of the response record in the WARC file
    length: int  # of the response record (one gzip member)
    run_id: str
    blocked: str | None  # the block reason (extract.blocks), or None
    truncated: str | None = None  # WARC-Truncated: "length" (size cap) | "disconnect" | None

    def as_row(self) -> dict:
        """The columns of the warehouse's `raw.response` (warehouse/migrations/001_foundation.sql).

        `truncated` has no column there yet; it stays in the WARC record and on the entry.
        """
        return {
            "response_id": self.response_id,
            "run_id": self.run_id,
            "source": self.source,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "content_type": self.content_type,
            "fetched_at": self.fetched_at,
            "sha256": self.sha256,
            "size": self.size,
            "warc_path": self.warc_path,
            "warc_offset": self.offset,
            "warc_length": self.length,
            "blocked": self.blocked,
        }


class _RecordWriter(BaseWARCWriter):
    """warcio's record builder and writer with sha256 digests (its default is sha1), turning each
    record into one gzip member at GZIP_LEVEL. Holds no state between records, so one instance
    serves every thread (warcio's writers look up the host name each time one is made)."""

    @staticmethod
    def _create_digester():
        return Digester("sha256")

    def gzip_member(self, record) -> bytes:
        # One zlib call per record (zlib releases the GIL for it): warcio's own gzip writer makes four,
        # each a GIL hand-over among the crawl's threads.
        raw = BytesIO()
        self._write_warc_record(raw, record)
        return zlib.compress(raw.getvalue(), GZIP_LEVEL, wbits=zlib.MAX_WBITS | 16)


_WRITER = _RecordWriter(gzip=False, warc_version="1.1")


class _OpenFile:
    """One WARC file this archive appends to: where its end is, and how much of it is fsynced."""

    __slots__ = ("fh", "rel_path", "lock", "end", "durable", "new")

    def __init__(self, fh: BinaryIO, rel_path: str, end: int) -> None:
        self.fh = fh
        self.rel_path = rel_path
        self.lock = threading.Lock()  # guards appends to fh and `end`
        self.end = end  # bytes written (handed to the kernel)
        self.durable = 0  # bytes known to be on disk (a resumed run's earlier bytes may not be: fsync them too)
        self.new = end == 0  # created by this archive: its directory entry needs an fsync too


class Archive:
    """Appends responses to this run's WARC files; thread-safe. See the module docstring for when
    a record is durable; `entries` lists every record written, `durable_entries()` those fsynced."""

    def __init__(self, root: Path, run_id: str, *, fsync: bool = True, sync_interval: float = 1.0) -> None:
        self.root = Path(root)
        self.run_id = run_id
        self.entries: list[ArchiveEntry] = []
        self._fsync = fsync
        self._sync_interval = sync_interval
        self._lock = threading.Lock()  # guards _files, entries and _ends
        self._sync_lock = threading.Lock()  # one group commit at a time
        self._files: dict[str, _OpenFile] = {}
        self._ends: list[tuple[_OpenFile, int]] = []  # per entry: its file and where its records end
        self._synced_at = time.monotonic()
        self._closed = False

    def write(
        self,
        *,
        source: str,
        method: str,
        url: str,
        status: int,
        reason: str = "",
        headers: Headers,
        body: bytes,
        request_headers: Headers = (),
        request_body: bytes | None = None,
        fetched_at: datetime,
        http_version: str = "HTTP/1.1",
        blocked: str | None = None,
        truncated: str | None = None,
    ) -> ArchiveEntry:
        """Archive one response (and its request); returns its index entry once the kernel has both
        records (safe from a killed process; fsynced by the next group commit)."""
        file = self._writer_for(source, fetched_at)
        warc_date = datetime_to_iso_date(fetched_at.astimezone(timezone.utc).replace(tzinfo=None), use_micros=True)
        payload_digest = _RecordWriter._create_digester()  # given to warcio, which then does not hash the body
        payload_digest.update(body)
        response_headers = {
            "WARC-Date": warc_date,
            "WARC-Payload-Digest": str(payload_digest),
            _H_SOURCE: source,
            _H_RUN: self.run_id,
            _H_METHOD: method.upper(),
        }
        if blocked:
            response_headers[_H_BLOCKED] = blocked
        if truncated:
            response_headers["WARC-Truncated"] = truncated
        status_line = f"{status} {reason}".strip() if reason else str(status)
        response = _WRITER.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            warc_headers_dict=response_headers,
            http_headers=StatusAndHeaders(status_line, list(headers), protocol=http_version),
        )
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = _WRITER.create_warc_record(
            url,
            "request",
            payload=BytesIO(request_body or b""),
            length=len(request_body or b""),
            warc_headers_dict={"WARC-Date": warc_date, "WARC-Concurrent-To": record_id},
            http_headers=StatusAndHeaders(
                f"{method.upper()} {target} {http_version}", list(request_headers), protocol="", is_http_request=True
            ),
        )
        # Compressed here, in the calling thread; the lock covers only the append.
        # Response first: a record cut short by a kill mid-append loses the less useful one.
        compressed = _WRITER.gzip_member(response)
        length = len(compressed)
        records = compressed + _WRITER.gzip_member(request)
        with file.lock:
            offset = file.end
            file.fh.write(records)
            file.fh.flush()
            file.end = offset + len(records)
        entry = ArchiveEntry(
            response_id=hashlib.sha256(record_id.encode()).hexdigest(),
            source=source,
            method=method.upper(),
            url=url,
            status=status,
            content_type=_header(headers, "content-type"),
            fetched_at=iso_date_to_datetime(warc_date, tz_aware=True),
            sha256=_digest_hex(str(payload_digest)),
            size=len(body),
            warc_path=file.rel_path,
            offset=offset,
            length=length,
            run_id=self.run_id,
            blocked=blocked,
            truncated=truncated,
        )
        with self._lock:
            self.entries.append(entry)
            self._ends.append((file, offset + len(records)))
        if time.monotonic() - self._synced_at >= self._sync_interval:
            self.sync(wait=False)
        return entry

    def sync(self, *, wait: bool = True) -> None:
        """Group commit: one fsync per file covers every record written to it before the call.
        `wait=False` returns at once if another thread is committing (the next commit, `close()` at the
        latest, covers what that one misses)."""
        if not self._sync_lock.acquire(blocking=wait):
            return
        try:
            self._synced_at = time.monotonic()
            with self._lock:
                files = list(self._files.values())
            for file in files:
                with file.lock:
                    end = file.end  # already flushed by `write`
                if end > file.durable:
                    if self._fsync:
                        os.fsync(file.fh.fileno())
                        if file.new:
                            _fsync_directory((self.root / file.rel_path).parent)
                    file.new = False
                    file.durable = end
        finally:
            self._sync_lock.release()

    def durable_entries(self) -> list[ArchiveEntry]:
        """The entries whose records are fsynced: what a load may index. After `close()`, all of them."""
        with self._lock:
            return [entry for entry, (file, end) in zip(self.entries, self._ends) if end <= file.durable]

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True  # no new writer from here; writes already under way finish below
        self.sync()
        with self._lock:
            for file in self._files.values():
                with file.lock:
                    file.fh.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _writer_for(self, source: str, fetched_at: datetime) -> _OpenFile:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"archive for run {self.run_id} is closed")
            if source not in self._files:
                day = fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%d")
                rel_path = f"{source}/{day}/{self.run_id}.warc.gz"
                path = self.root / rel_path
                path.parent.mkdir(parents=True, exist_ok=True)
                fh = open(path, "ab")
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    fh.close()
                    raise RuntimeError(f"{path} is being written by another archive of run {self.run_id}") from None
                if path.stat().st_size:  # a resumed run: appends go after the last whole record
                    _trim_partial_tail(path)
                self._files[source] = _OpenFile(fh, rel_path, os.fstat(fh.fileno()).st_size)
            return self._files[source]


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_response(root: Path, warc_path: str, offset: int) -> tuple[int, list[tuple[str, str]], bytes]:
    """The archived response at `offset`: (status, headers, content-decoded body)."""
    with open(Path(root) / warc_path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.rec_type != "response":
            raise ValueError(f"{warc_path}@{offset} is a WARC {record.rec_type!r} record, not a response")
        return _status(record), list(record.http_headers.headers), _content(record)


def read_body_as_received(root: Path, warc_path: str, offset: int) -> tuple[str | None, bytes]:
    """The archived response's Content-Encoding and its body as it came off the wire (still
    content-encoded): the bytes whose sha256 is the index's `sha256`."""
    with open(Path(root) / warc_path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.rec_type != "response":
            raise ValueError(f"{warc_path}@{offset} is a WARC {record.rec_type!r} record, not a response")
        return record.http_headers.get_header("Content-Encoding"), record.raw_stream.read()


def iter_archive(root: Path, source: str | None = None) -> Iterator[tuple[ArchiveEntry, bytes]]:
    """Every archived response under `root` (optionally one source), rebuilt from the WARC files alone.

    Files are read in path order (source, day, run id). A record cut short by a
    killed run ends that file with a warning; the records before it are yielded.
    """
    root = Path(root)
    pattern = f"{source}/*/*.warc.gz" if source else "*/*/*.warc.gz"
    for path in sorted(root.glob(pattern)):
        yield from iter_warc_file(root, path.relative_to(root).as_posix())


def iter_warc_file(root: Path, rel_path: str) -> Iterator[tuple[ArchiveEntry, bytes]]:
    """The archived responses of one WARC file (a path relative to `root`, as `ArchiveEntry.warc_path`).

    Read member by member with zlib (`_whole_records`), not warcio: every record is a gzip member
    this module wrote, and warcio's general parser was a quarter of a reprocess. A damaged or cut
    record ends the file with a warning, as `_complete_records` does for a writer reopening it."""
    run_id = Path(rel_path).name.removesuffix(".warc.gz")
    with open(Path(root) / rel_path, "rb") as fh:
        for record in _whole_records(fh, rel_path):
            if record.rec_type == "response":
                yield record.entry(rel_path, run_id), decode_content_encoding(record.raw, record.content_encoding)


def unindexed_files(root: Path, indexed: set[str]) -> list[str]:
    """WARC files under `root` (relative paths) that are not in `indexed` and that no live run is writing:
    what runs killed or failed before their load left behind. Each is fsynced first (a killed run's
    last records may still be only in the page cache), so what a load adopts from them is durable."""
    root = Path(root)
    found = []
    for path in sorted(root.glob("*/*/*.warc.gz")):
        rel_path = path.relative_to(root).as_posix()
        if rel_path not in indexed and _synced_if_idle(path):
            found.append(rel_path)
    return found


def _synced_if_idle(path: Path) -> bool:
    """False if a live run is writing `path`; otherwise fsyncs it and returns True."""
    with open(path, "rb") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        os.fsync(fh.fileno())
        fcntl.flock(fh, fcntl.LOCK_UN)
    return True


def _complete_records(fh: BinaryIO, rel_path: str) -> Iterator[tuple[object, bytes, int, int]]:
    """(record, block payload, offset, length) for each whole record; stops, warning, at a damaged one.

    warcio returns a short payload, or fails in various ways, on a record cut
    short; a payload whose size or digest disagrees with its WARC headers is cut short.
    """
    records = ArchiveIterator(fh)
    end = 0
    try:
        for record in records:
            raw = record.raw_stream.read()  # before asking for offset/length, which skip to the end
            if not _is_whole(record, raw):
                raise EOFError("record shorter than its WARC headers say")
            offset, length = records.get_record_offset(), records.get_record_length()
            end = offset + length
            yield record, raw, offset, length
    except (EOFError, zlib.error, ArchiveLoadFailed, ValueError, AttributeError, OSError) as exc:
        warnings.warn(f"{rel_path}: stopped at a damaged or truncated record ({exc})", stacklevel=3)
        return
    trailing = os.fstat(fh.fileno()).st_size - end
    if trailing > 0:  # warcio ends quietly at some cut-short gzip members
        warnings.warn(f"{rel_path}: ignored {trailing} trailing bytes of a truncated record", stacklevel=3)


def _is_whole(record, raw: bytes) -> bool:
    declared = int(record.rec_headers.get_header("Content-Length") or -1)
    header_len = record.http_headers.total_len if record.http_headers else 0
    if header_len + len(raw) != declared:
        return False
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    return not digest.startswith("sha256:") or _digest_hex(digest) == hashlib.sha256(raw).hexdigest()


_READ_CHUNK = 1 << 16  # small: what follows a member is copied once per member (`unused_data`)


@dataclass(slots=True)
class _Record:
    """One WARC record as `_whole_records` reads it: its WARC headers (lower-case names, first value
    wins), and for a response the HTTP status, the two headers the readers use and the payload."""

    offset: int
    length: int
    headers: dict[str, str]
    status: int = 0
    content_type: str | None = None
    content_encoding: str = ""
    raw: bytes = b""
    sha256: str = ""

    @property
    def rec_type(self) -> str | None:
        return self.headers.get("warc-type")

    def entry(self, rel_path: str, run_id: str) -> ArchiveEntry:
        headers = self.headers
        return ArchiveEntry(
            response_id=hashlib.sha256(headers["warc-record-id"].encode()).hexdigest(),
            source=headers.get(_H_SOURCE.lower()) or rel_path.split("/", 1)[0],
            method=headers.get(_H_METHOD.lower()) or "GET",
            url=headers.get("warc-target-uri"),
            status=self.status,
            content_type=self.content_type,
            fetched_at=iso_date_to_datetime(headers["warc-date"], tz_aware=True),
            sha256=self.sha256,
            size=len(self.raw),
            warc_path=rel_path,
            offset=self.offset,
            length=self.length,
            run_id=headers.get(_H_RUN.lower()) or run_id,
            blocked=headers.get(_H_BLOCKED.lower()),
            truncated=headers.get("warc-truncated"),
        )


def _whole_records(fh: BinaryIO, rel_path: str) -> Iterator[_Record]:
    """Each whole record of a WARC file this module wrote (one gzip member per record); stops, warning,
    at a damaged one: a member cut short, or a block shorter than, or a payload digest other than,
    its WARC headers say."""
    try:
        for offset, length, data in _gzip_members(fh):
            yield _parse_record(offset, length, data)
    except (EOFError, zlib.error, ValueError, KeyError) as exc:
        warnings.warn(f"{rel_path}: stopped at a damaged or truncated record ({exc})", stacklevel=3)


def _gzip_members(fh: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(offset, compressed length, decompressed bytes) of each gzip member. A last member cut short
    yields what it inflates to: a cut that took only the gzip trailer leaves the record whole (warcio,
    and so `_complete_records`, read it too), any other is found short by `_parse_record`."""
    pending = fh.read(_READ_CHUNK)
    offset = 0
    while pending:
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
        parts, length = [], 0
        while pending:
            parts.append(decoder.decompress(pending))
            if decoder.eof:
                length += len(pending) - len(decoder.unused_data)
                pending = decoder.unused_data or fh.read(_READ_CHUNK)
                break
            length += len(pending)
            pending = fh.read(_READ_CHUNK)
        yield offset, length, b"".join(parts)
        offset += length


def _parse_record(offset: int, length: int, data: bytes) -> _Record:
    head_end = data.find(b"\r\n\r\n")
    if not data.startswith(b"WARC/") or head_end < 0:
        raise EOFError(f"no whole WARC record header at {offset}")
    record = _Record(offset, length, _header_dict(data[:head_end]))
    block_start = head_end + 4
    block_end = block_start + int(record.headers["content-length"])
    if block_end > len(data):
        raise EOFError(f"the record at {offset} is shorter than its WARC headers say")
    if record.rec_type != "response":
        return record
    block = data[block_start:block_end]
    http_end = block.find(b"\r\n\r\n")
    if http_end < 0:
        raise ValueError(f"the response record at {offset} has no HTTP header end")
    status_line, _, http_head = block[:http_end].partition(b"\r\n")
    http = _header_dict(http_head)
    words = status_line.split(None, 2)
    record.status = int(words[1]) if len(words) > 1 else 0
    record.content_type = http.get("content-type")
    record.content_encoding = http.get("content-encoding", "")
    record.raw = block[http_end + 4:]
    record.sha256 = hashlib.sha256(record.raw).hexdigest()
    digest = record.headers.get("warc-payload-digest") or ""
    if digest.startswith("sha256:") and _digest_hex(digest) != record.sha256:
        raise ValueError(f"the payload of the record at {offset} does not match its digest")
    return record


def _header_dict(head: bytes) -> dict[str, str]:
    """`Name: value` lines → {lower-case name: stripped value}, the first of a repeated name wins
    (warcio's `get_header`); a line without a colon (the `WARC/1.1` line) is no header."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("iso-8859-1")
    headers: dict[str, str] = {}
    for line in text.split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers.setdefault(name.rstrip(" \t").lower(), value.strip())
    return headers


def _trim_partial_tail(path: Path) -> None:
    """Cut a damaged last record off a file we are about to append to (a resumed run)."""
    good_end = 0
    with warnings.catch_warnings(), open(path, "rb") as fh:
        warnings.simplefilter("ignore")
        for _, _, offset, length in _complete_records(fh, str(path)):
            if not _gzip_member_ends(path, offset, length):
                break  # data whole but the gzip trailer cut: appending after it would hide what follows
            good_end = offset + length
    if good_end < path.stat().st_size:
        with open(path, "r+b") as fh:
            fh.truncate(good_end)


def _gzip_member_ends(path: Path, offset: int, length: int) -> bool:
    with open(path, "rb") as fh:
        fh.seek(offset)
        member = fh.read(length)
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        decoder.decompress(member)
    except zlib.error:
        return False
    return decoder.eof


def _status(record) -> int:
    return int(record.http_headers.get_statuscode() or 0)


def _content(record) -> bytes:
    return _decode_content(record.raw_stream.read(), record.http_headers)


def _decode_content(raw: bytes, http_headers: StatusAndHeaders) -> bytes:
    encoding = (http_headers.get_header("Content-Encoding") or "").strip().lower()
    return decode_content_encoding(raw, encoding)


def decode_content_encoding(raw: bytes, encoding: str) -> bytes:
    """Undo gzip/deflate Content-Encoding; other encodings (and "identity") are returned as they are.

    A body that would inflate beyond `_MAX_DECODED_RATIO` times its stored size
    raises ValueError rather than exhaust memory.
    """
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        wbits = zlib.MAX_WBITS | 16
    elif encoding == "deflate":
        wbits = zlib.MAX_WBITS
    else:
        return raw
    limit = max(len(raw) * _MAX_DECODED_RATIO, 1 << 20)
    try:
        decoder = zlib.decompressobj(wbits)
        out = decoder.decompress(raw, limit)
    except zlib.error:
        if encoding != "deflate":
            raise
        decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, which some servers send
        out = decoder.decompress(raw, limit)
    if decoder.unconsumed_tail:
        raise ValueError(f"{encoding} body inflates beyond {limit} bytes")
    return out


def _digest_hex(digest: str) -> str:
    value = digest.split(":", 1)[1]
    if len(value) == 64:
        return value.lower()
    return base64.b32decode(value).hex()


def _header(headers: Headers, name: str) -> str | None:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None
