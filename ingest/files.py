"""Files as the operating system hands them over: odd names, odd types, huge sizes.

Every layer that opens a file it did not just write (a document, a sidecar, a saved cache, a
draft) goes through here, so that

- only regular files are read: a FIFO would block `open()` until some writer appears (for
  ever), a device may never end; they are opened non-blocking and refused after `fstat`,
  as `tar` and `rsync` refuse to read special files as data;
- a file is hashed in blocks (`hashlib.file_digest`), never read whole, and a size limit is
  checked on the open file before any byte is read;
- a name that is not valid UTF-8 (Python holds its bytes as lone surrogates, which SQLite,
  JSON and terminals cannot take) is shown with its bad bytes escaped, `bad\\xff-en.txt`;
- a document id is the file stem in Unicode NFC, so the NFC and NFD spellings of
  `café-en.txt` (macOS writes NFD) are one document, as Git does with `core.precomposeUnicode`.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import unicodedata
from pathlib import Path

# The longest file name most file systems (ext4, XFS, APFS, NTFS) accept, in bytes.
MAX_NAME_BYTES = 255
NOT_REGULAR = "not a regular file (a FIFO, device or socket): not read"


class NotRegularFileError(OSError):
    """A path that is a FIFO, a device, a socket or a folder where a file was expected."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EINVAL, NOT_REGULAR, str(path))


def open_regular(path: Path | str) -> io.BufferedReader:
    """`path` opened for binary reading if it is a regular file, else NotRegularFileError.

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; the flag
    has no effect on reads of a regular file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFileError(path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular_bytes(path: Path | str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file; with `max_bytes`, FileTooLargeError past it (unread)."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if max_bytes is not None and size > max_bytes:
            raise FileTooLargeError(size, max_bytes)
        return handle.read()


def is_regular_file(path: Path) -> bool:
    """True for a regular file (or a link to one); False for anything else or nothing."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


class FileTooLargeError(ValueError):
    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(f"file too large: {size} bytes exceeds max_bytes={max_bytes}")
        self.size = size
        self.max_bytes = max_bytes


def hash_regular_file(digest: hashlib._Hash, path: Path | str, *, max_bytes: int | None) -> None:
    """Feed a regular file to `digest` in blocks; FileTooLargeError before reading a byte when
    it is over `max_bytes`."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if max_bytes is not None and size > max_bytes:
            raise FileTooLargeError(size, max_bytes)
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def printable_path(path: Path | str) -> str:
    """The path as text any output takes: bytes that are not UTF-8 shown as `\\xff`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def name_problem(path: Path) -> str | None:
    """Why a file's name cannot name a document, or None."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8: rename it (e.g. with convmv)"
    return None


def document_id(path: Path) -> str:
    """The document id of a file: its stem, in Unicode NFC."""
    return unicodedata.normalize("NFC", path.stem)


def name_too_long(path: Path) -> bool:
    """True when the file system could not hold a file of this name (ENAMETOOLONG)."""
    return len(os.fsencode(path.name)) > MAX_NAME_BYTES
