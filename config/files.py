"""Private files and directories under ``var/``: directories 0700, files 0600, whatever the umask.

The mode is set with chmod after each creation (``mkdir``/``open`` only ever narrow their mode by the umask,
and a umask of 0 would leave them open to everyone). Directories that already exist are left as they are
unless the caller owns them outright (``tighten=True``: the var dir itself, the notice dir), since a path
may lie in a directory shared with others (a database at ``/srv/qingling.db`` must not make ``/srv`` 0700).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """``path`` and its missing parents created with mode 0700; with ``tighten``, an existing ``path`` is
    made 0700 too (its parents are never changed)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for created in reversed(missing):
        created.mkdir(mode=DIR_MODE, exist_ok=True)  # exist_ok: another process may make it at the same time
        created.chmod(DIR_MODE)
    if tighten and path not in missing and stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def tighten_file(path: Path) -> bool:
    """An existing file readable or writable by others made 0600; True if it had to be changed."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if mode & (stat.S_IRWXG | stat.S_IRWXO) == 0:
        return False
    path.chmod(FILE_MODE)
    return True


def private_file(path: Path) -> Path:
    """``path`` created empty with mode 0600 if it does not exist (its parent directories 0700); an existing
    file open to others is made 0600."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten_file(path)
        return path
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def open_private(path: Path, *, append: bool = True) -> BinaryIO:
    """A binary file opened for writing (appending by default), created 0600 (its parents 0700)."""
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "ab" if append else "wb")


def write_private(path: Path, data: bytes) -> None:
    """``data`` written atomically (a temporary file renamed over ``path``), mode 0600, parents 0700."""
    private_dir(path.parent)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), FILE_MODE)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
