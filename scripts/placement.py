"""Put a few changed files into the live output without copying the rest.

The full build swaps a whole new output folder in; a fast build changes a
handful of files of 20,000 and must not link or copy the others. It writes
the changed files into a small staging folder beside the output, then a
journal (the list of renames, written atomically and flushed to disk), then
renames each file into the output in the order given (note pages first,
then the pages linking to them), then removes the files it names as gone
(an edited note's old preview image), then removes the journal.

A failure before the journal is written leaves the output untouched (the
staging folder is a dead build's, swept by the next build). A crash after
it is finished by the next build before anything else (`finish`): each
file still in the staging folder is renamed into place; a rename is atomic,
so each file is the old one or the new one, and the next build sees the
whole set. The site index is forgotten then: the build after a crash is a
full one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from plugins.core.files import fsync_dir, inside, write_atomic

logger = logging.getLogger(__name__)

FORMAT = 1
STAGING_PREFIX = "fast-"


def journal_path(output: Path) -> Path:
    return output.parent / f".{output.name}.journal"


def staging_root(output: Path) -> Path:
    """Beside the output, on the same filesystem (renames, not copies); the
    full build's staging folders live there too (scripts/build.py).
    """
    return output.parent / f".{output.name}.staging"


class DamagedJournal(RuntimeError):
    """A journal that cannot be read or names a file outside its folders."""


@dataclass(frozen=True)
class Journal:
    moves: list[tuple[Path, Path]]  # (staged file, its place in the output)
    removes: list[Path]  # files of the output to remove after the moves


def _moves(output: Path, data: bytes) -> Journal:
    try:
        journal = json.loads(data)
        staging = Path(journal["staging"])
        listed = [(str(a), str(b)) for a, b in journal["moves"]]
        gone = [str(r) for r in journal.get("removes", [])]
        if journal.get("format") != FORMAT:
            raise ValueError("format")
    except (ValueError, KeyError, TypeError) as e:
        raise DamagedJournal(f"journal unreadable ({e.__class__.__name__})") from e
    root = staging_root(output)
    if staging.parent != root or not staging.name.startswith(STAGING_PREFIX):
        raise DamagedJournal(f"journal names a folder elsewhere: {staging}")
    try:
        return Journal(
            [(inside(staging, a), inside(output, b)) for a, b in listed],
            [inside(output, r) for r in gone],
        )
    except ValueError as e:
        raise DamagedJournal(str(e)) from e


def empty_parents_removed(folder: Path, output: Path) -> Path:
    """Remove `folder` and its parents while empty, up to the output (a list
    page's folder once its page is gone); return the first folder kept.
    """
    top = output.resolve()
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
    return folder


def _move_all(journal: Journal, output: Path) -> int:
    """Rename each staged file that is still there into place, then remove
    the files named as gone that are still there; return how many changed.
    """
    moved = 0
    folders = set()
    for staged, target in journal.moves:
        if not staged.exists():
            continue  # moved before the crash
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        folders.add(target.parent)
        moved += 1
    for target in journal.removes:
        with suppress(FileNotFoundError):
            target.unlink()
            moved += 1
        folders.add(empty_parents_removed(target.parent, output))
    for folder in folders:
        if folder.is_dir():  # not removed by a later removal
            fsync_dir(folder)
    return moved


def place_files(
    output: Path,
    files: dict[str, bytes],
    order: list[str],
    removes: Iterable[str] = (),
) -> int:
    """Write `files` ({path under the output: bytes}) into `output`, renamed
    in the order of `order` (every path of `files`, once), then remove the
    files `removes` names (paths under the output, none of `files`); return
    how many files changed.
    """
    removes = sorted(removes)
    if sorted(order) != sorted(files):
        raise ValueError("the order must name every file once")
    if set(removes) & set(files):
        raise ValueError("a file cannot be both placed and removed")
    root = staging_root(output)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        moves = []
        for number, rel in enumerate(order):
            target = inside(output, rel)  # refused if it leads out
            name = f"{number:06d}"
            path = staging / name
            with open(path, "wb") as f:
                f.write(files[rel])
                os.fsync(f.fileno())
            os.chmod(path, 0o644)
            moves.append((name, os.path.relpath(target, output.resolve())))
        for rel in removes:
            inside(output, rel)  # refused if it leads out
        fsync_dir(staging)
        journal = {
            "format": FORMAT,
            "staging": str(staging),
            "moves": moves,
            "removes": removes,
        }
        write_atomic(
            journal_path(output), json.dumps(journal).encode("utf-8"), durable=True
        )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    moved = _move_all(_moves(output, journal_path(output).read_bytes()), output)
    _close(output, staging)
    return moved


def _close(output: Path, staging: Path) -> None:
    journal_path(output).unlink(missing_ok=True)
    fsync_dir(output.parent)
    shutil.rmtree(staging, ignore_errors=True)
    with suppress(OSError):
        staging.parent.rmdir()


def finish(output: Path) -> str:
    """Finish the placement a killed build left (roll forward); return what
    was done ("" when there was nothing to finish). A damaged journal is
    removed: the caller runs a full build, which replaces the whole output.
    """
    path = journal_path(output)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    try:
        moves = _moves(output, data)
    except DamagedJournal as e:
        path.unlink(missing_ok=True)
        return f"a damaged placement journal was removed: {e}"
    staging = Path(json.loads(data)["staging"])
    moved = _move_all(moves, output)
    _close(output, staging)
    return f"finished a placement a stopped build had begun ({moved} files)"
