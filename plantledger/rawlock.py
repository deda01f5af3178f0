"""One writer at a time on a raw folder: an advisory lock beside it.

The lock is ``fcntl.flock`` on ``<folder>.lock``, a file next to the raw folder (``data/raw.lock``
for ``data/raw``), never inside it: ``plantledger generate`` replaces the folder as a whole and the
folder holds only what its manifest lists. The lock file is created on first use and never
removed (removing a flock file while another process waits on it would split the lock).

- Writers (``generate``, ``generate --append-days``) hold it exclusively for their whole run and
  write ``<pid> <what>`` into it, so a refused command can say who holds it.
- Readers that must see one consistent folder (``plantledger build``, ``plantledger validate``)
  hold it shared. Before that, a reader that can take it exclusively runs ``recover`` (clear
  what a killed writer left), then converts to shared.

Nobody waits: a lock that is taken is a one-line refusal (:class:`RawFolderBusy`, exit 2).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from plantledger.params import ParameterError

LOCK_SUFFIX = ".lock"
READER_GRACE_SECONDS = 5.0
_READERS = "a build or validate is reading it"


class RawFolderBusy(ParameterError):
    """The raw folder is locked by another writer or reader; a one-line refusal."""


def lock_path(raw: Path | str) -> Path:
    """The lock file of a raw folder: ``<folder>.lock`` beside it."""
    folder = Path(os.path.abspath(raw))
    return folder.with_name(folder.name + LOCK_SUFFIX)


def _holder(fd: int) -> str:
    """Who holds the lock exclusively (what its writer recorded), else the readers."""
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    pid, _, what = text.partition(" ")
    if pid.isdigit() and what:
        return f"{what} (process {pid}) is writing it"
    return _READERS


def _try(fd: int, operation: int) -> bool:
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _replaced_aside(folder: Path) -> bool:
    """Whether a killed ``generate`` left the folder's previous output as ``<name>.old-<pid>``."""
    prefix = f"{folder.name}.old-"
    return folder.parent.is_dir() and any(
        entry.name.startswith(prefix) for entry in folder.parent.iterdir()
    )


def _shared_after_readers(fd: int) -> bool:
    """Take the lock shared. Another reader may hold it exclusively for a moment (recovering
    before it converts to shared): that is retried briefly; a writer is not waited for."""
    deadline = time.monotonic() + READER_GRACE_SECONDS
    while True:
        if _try(fd, fcntl.LOCK_SH):
            return True
        if time.monotonic() > deadline or _holder(fd) != _READERS:
            return False
        time.sleep(0.05)


@contextmanager
def raw_lock(
    raw: Path | str,
    what: str,
    *,
    shared: bool = False,
    recover: Callable[[Path], None] | None = None,
) -> Iterator[int | None]:
    """Hold the raw folder's lock: exclusively (a writer, ``what`` names it) or ``shared``.

    ``recover`` runs while the lock is held exclusively, before a shared holder converts to
    shared (a writer runs its own recovery). Raises :class:`RawFolderBusy` when it is taken.
    A reader whose folder's parent cannot hold a lock file (read-only) reads without one: no
    writer can change that folder either. Yields the lock's file descriptor (None without one),
    which a child process may inherit to keep the lock while it runs.
    """
    folder = Path(os.path.abspath(raw))
    path = lock_path(folder)
    if shared and not folder.is_dir() and not _replaced_aside(folder):
        yield None  # nothing to read or to recover: the command says the folder is missing
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        if shared and not os.access(folder.parent, os.W_OK):
            yield None
            return
        raise
    try:
        busy = (
            f"the raw folder {folder} is in use: {{holder}}; wait until it has finished and "
            f"run this again (lock file {path})"
        )
        if not _try(fd, fcntl.LOCK_EX):
            if shared and _shared_after_readers(fd):
                yield fd
                return
            raise RawFolderBusy(busy.format(holder=_holder(fd)))
        if shared:
            if recover is not None:
                recover(folder)
            if not _try(fd, fcntl.LOCK_SH):  # a writer came in while converting
                raise RawFolderBusy(busy.format(holder=_holder(fd)))
            yield fd
            return
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {what}\n".encode(), 0)
        try:
            yield fd
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)
