"""Where the ``glassnet`` command's results go: stdout, or files written atomically.

A result is text or, with ``--json``, one JSON document. Files are checked before training starts
(none may be one of the command's inputs) and written through a temporary file beside each target
(a device or a pipe directly), so a failure leaves every existing file as it was. What the text
says is ``cli_report``'s business; this module only delivers it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from glassnet.errors import ConfigurationError, OutputError
from glassnet.io.atomic import is_special

Text = Callable[[], str]
Document = Callable[[], dict[str, Any]]


def _emit(args: argparse.Namespace, text: Text, document: Document) -> None:
    """Write the result: the text to ``--output`` (atomically) or stdout, JSON to stdout.

    With ``--output`` and ``--json`` the file gets the text (a table stays a table) and stdout
    the JSON document; only what is asked for is made.
    """
    path = getattr(args, "output", None)
    if path:
        from glassnet.io.model_files import write_atomically

        write_atomically(path, text().encode("utf-8"))
        _wrote(args, path)
        if args.json:
            _print(_rendered(args, text, document))
        return
    _print(_rendered(args, text, document))


def _emit_pieces(args: argparse.Namespace, pieces: Iterable[str]) -> None:
    """Write text made piece by piece to ``--output`` (atomically) or stdout, as it comes."""
    path = getattr(args, "output", None)
    if path:
        from glassnet.io.model_files import write_atomically

        write_atomically(path, (piece.encode("utf-8") for piece in pieces))
        _wrote(args, path)
        return
    for piece in pieces:
        _print(piece)


def _rendered(args: argparse.Namespace, text: Text, document: Document) -> str:
    """The text of the result: the JSON document with ``--json``, else the text."""
    if args.json:
        return json.dumps(document(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return text()


def _print(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _wrote(args: argparse.Namespace, path: str) -> None:
    if not args.quiet:
        print(f"wrote {path}", file=sys.stderr)


def _bytes_writer(data: bytes) -> Callable[[str], None]:
    def write(path: str) -> None:
        from glassnet.io.model_files import write_atomically

        write_atomically(path, data)

    return write


def _write_all(writes: Sequence[tuple[str, Callable[[str], None]]]) -> None:
    """Write several files so that a failure changes none of them.

    Each ``write(temporary)`` fills a temporary file beside its target; only when all of them
    succeeded are they renamed over their targets (``os.replace``, atomic per file). A device or
    a pipe (``is_special``) has nothing to replace: ``write(path)`` writes it directly (as
    ``write_atomically`` does), after every temporary file is ready and before any rename, so a
    failure there still leaves the regular files as they were.
    """
    staged: list[tuple[str, str]] = []  # (temporary, target)
    direct: list[tuple[str, Callable[[str], None]]] = []  # devices and pipes
    try:
        for path, write in writes:
            target = os.path.realpath(path)
            if is_special(target):
                direct.append((path, write))
                continue
            temporary = _temporary_beside(target)
            staged.append((temporary, target))
            write(temporary)
            _copy_mode(target, temporary)
        for path, write in direct:
            write(path)
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
    A device or a pipe is written directly, so only its own permission matters.
    """
    if not path:
        return
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise OutputError(f"cannot write {path}: it is a directory; give a file name")
    if is_special(target):
        if not os.access(target, os.W_OK):
            raise OutputError(f"cannot write {path}: permission denied; nothing was changed")
        return
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


def _check_distinct(
    outputs: Sequence[tuple[str, str | None]], inputs: Sequence[tuple[str, str | None]] = ()
) -> None:
    """Refuse, before any work, an output that is another output or one of the command's inputs.

    ``outputs`` pairs an option with its path (``("--save", args.save)``); ``inputs`` pairs what a
    file is with its path (``("the input table", args.table)``). Absent paths and stdin (``-``)
    are skipped. Files are compared with ``os.path.samefile``, so symbolic links, hard links and
    relative paths count as the file they reach; outputs not created yet by where they would be.
    """
    given = [(option, path) for option, path in outputs if path]
    for index, (option, path) in enumerate(given):
        for other_option, other in given[:index]:
            if _same_file(path, other):
                raise ConfigurationError(
                    f"expected different files for {other_option} and {option}, "
                    f"got {other} and {path}"
                )
        for what, source in inputs:
            # An input that does not exist cannot be overwritten; reading it reports it (exit 66).
            if source and source != "-" and os.path.exists(source) and _same_file(path, source):
                raise ConfigurationError(f"{option} {path} is {what}; choose another file")


def _same_file(first: str, second: str) -> bool:
    """Whether two paths name one file: the same inode, or the same place once resolved."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist yet
        resolved = (os.path.normcase(os.path.realpath(path)) for path in (first, second))
        return len(set(resolved)) == 1
