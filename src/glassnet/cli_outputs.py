"""Where the ``glassnet`` command's results go: stdout, or files written atomically.

A result is text or, with ``--json``, one JSON document. Files are checked before training starts
and written through a temporary file beside each target, so a failure leaves every existing file
as it was. What the text says is ``cli_report``'s business; this module only delivers it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from typing import Any

from glassnet.errors import ConfigurationError, OutputError


def _emit(args: argparse.Namespace, text: str, document: dict[str, Any]) -> None:
    """Write the result: JSON or text, to ``--output`` (atomically) or stdout."""
    text = _rendered(args, text, document)
    path = getattr(args, "output", None)
    if path:
        from glassnet.io import write_atomically

        write_atomically(path, text.encode("utf-8"))
        _wrote(args, path)
        return
    _print(text)


def _rendered(args: argparse.Namespace, text: str, document: dict[str, Any]) -> str:
    if args.json:
        return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return text


def _print(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _wrote(args: argparse.Namespace, path: str) -> None:
    if not args.quiet:
        print(f"wrote {path}", file=sys.stderr)


def _bytes_writer(data: bytes) -> Callable[[str], None]:
    def write(path: str) -> None:
        from glassnet.io import write_atomically

        write_atomically(path, data)

    return write


def _write_all(writes: Sequence[tuple[str, Callable[[str], None]]]) -> None:
    """Write several files so that a failure changes none of them.

    Each ``write(temporary)`` fills a temporary file beside its target; only when all of them
    succeeded are they renamed over their targets (``os.replace``, atomic per file).
    """
    staged: list[tuple[str, str]] = []  # (temporary, target)
    try:
        for path, write in writes:
            target = os.path.realpath(path)
            temporary = _temporary_beside(target)
            staged.append((temporary, target))
            write(temporary)
            _copy_mode(target, temporary)
        for temporary, target in staged:
            os.replace(temporary, target)
    except BaseException as error:
        for temporary, _ in staged:
            _remove(temporary)
        if isinstance(error, OSError) and not isinstance(error, OutputError):
            raise OutputError(f"cannot write: {error}; existing files are unchanged") from None
        raise


def _temporary_beside(target: str) -> str:
    """A fresh hidden file name in ``target``'s folder (same file system, so renames are atomic)."""
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")


def _copy_mode(target: str, temporary: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temporary, os.stat(target).st_mode & 0o7777)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _check_writable(path: str | None) -> None:
    """Fail before training when an output cannot be written (nothing is touched).

    Besides the folder's existence and permissions, a new empty file is created and removed
    beside the target, as the final write will do (this catches /proc, read-only mounts, ...).
    """
    if not path:
        return
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise OutputError(f"cannot write {path}: it is a directory; give a file name")
    if not os.path.isdir(folder):
        raise OutputError(
            f"cannot write {path}: directory {folder} does not exist; create it first"
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write {path}: directory {folder} is not writable")
    probe = _temporary_beside(target)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise OutputError(
            f"cannot write {path}: {error.strerror or error}; nothing was changed"
        ) from None
    _remove(probe)


def _check_distinct(*paths: str | None) -> None:
    """Two outputs of one command must not be the same file."""
    given = [path for path in paths if path]
    real = [os.path.realpath(path) for path in given]
    if len(set(real)) != len(real):
        raise ConfigurationError(
            f"expected different files for --save and --output, got {' and '.join(given)}"
        )
