"""Atomic file writes: readers see the old file or the complete new one, never a mixture.

The new bytes go to a temporary file beside the target, are flushed and fsynced, and the file is
renamed over the target with ``os.replace`` (atomic on POSIX and Windows). This module does not
lock: when two writers race, the last rename wins, whole.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from typing import BinaryIO

from glassnet.errors import OutputError

__all__ = ["is_special", "write_atomically"]


def write_atomically(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the new one.

    A temporary file is created beside the target (same directory, so the rename cannot cross
    file systems), written, flushed and fsynced, given the old file's permission bits if there
    was one, and renamed over the target with ``os.replace``; then the directory is fsynced so
    the rename itself survives a crash (skipped where directories cannot be opened, as on
    Windows). On any failure the temporary file is removed and the target is untouched.

    Parameters
    ----------
    path : str or os.PathLike
        The file to create or replace; a symbolic link is followed. A target that exists but is
        not a regular file (``/dev/null``, a named pipe) is written directly, never replaced.
    data : bytes or iterable of bytes
        The complete new contents, or its pieces in order (written as they come, so a big
        file need not be held whole; if making a piece fails, the target is untouched).

    Raises
    ------
    OutputError
        If any step fails; the message names the path and the reason.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.TemporaryDirectory()
    >>> target = pathlib.Path(folder.name) / "out.bin"
    >>> write_atomically(target, b"hello")
    >>> target.read_bytes()
    b'hello'
    >>> folder.cleanup()
    """
    target = os.path.realpath(os.fspath(path))
    directory = os.path.dirname(target)
    if os.path.isdir(target):
        raise OutputError(f"cannot write {os.fspath(path)}: it is a directory; give a file name")
    if not os.path.isdir(directory):
        raise OutputError(
            f"cannot write {os.fspath(path)}: directory {directory} does not exist; create it first"
        )
    if is_special(target):
        _write_in_place(path, target, data)  # /dev/null, a pipe: nothing there to replace
        return
    temporary = None
    try:
        temporary, descriptor = _create_temporary(target)
        with os.fdopen(descriptor, "wb") as handle:
            _write_pieces(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_permissions(target, temporary)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise OutputError(
            f"cannot write {os.fspath(path)}: {error.strerror or error}; "
            "any existing file there is unchanged"
        ) from error
    finally:
        if temporary is not None:
            _remove_quietly(temporary)
    _fsync_directory(directory)


def is_special(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` exists and is not a regular file or a directory (a device, a pipe).

    Such a target is written directly, never replaced: renaming a file over ``/dev/null`` (which
    root may do) would swap the device for a regular file. A symbolic link is followed.

    Examples
    --------
    >>> is_special(os.devnull), is_special(__file__), is_special("no such file")
    (True, False, False)
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_pieces(handle: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    """Write ``data``, or each of its pieces in order."""
    for piece in [data] if isinstance(data, bytes) else data:
        handle.write(piece)


def _write_in_place(
    path: str | os.PathLike[str], target: str, data: bytes | Iterable[bytes]
) -> None:
    """Write to a device or pipe directly: renaming a file over it would replace it (as root)."""
    try:
        with open(target, "wb") as handle:
            _write_pieces(handle, data)
    except OSError as error:
        raise OutputError(f"cannot write {os.fspath(path)}: {error.strerror or error}") from error


def _create_temporary(target: str) -> tuple[str, int]:
    """Create a new hidden file beside ``target``; return its path and an open descriptor."""
    directory, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            # Mode 0o666 lets the umask decide, as for any newly created file.
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def _copy_permissions(target: str, temporary: str) -> None:
    """Give a replacement file the permission bits of the file it replaces, if any."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return
    os.chmod(temporary, mode)


def _remove_quietly(path: str) -> None:
    """Delete ``path`` if it exists; cleanup after a failure must not hide that failure."""
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_directory(directory: str) -> None:
    """Flush a directory's entries to disk, where the platform supports opening directories."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on directories; the rename has still happened
    finally:
        os.close(descriptor)
