"""Preview cards drawn ahead while the build's process runs Pelican's pass
(plugins/whatsapp/ahead.py): the site is the one drawn without them, no
card is drawn twice, a title or a font changed since a card was drawn ahead
is drawn again, and a failed build or a killed drawing leaves nothing of it
(a killed build leaves its folder, which the next build removes).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pelican import signals
from support import (
    ROOT,
    build_site,
    children_of,
    forget_logged_warnings,
    new_content,
    note_text,
    tree,
)

from plugins.core import parallel
from plugins.core.errors import BuildFailed
from plugins.whatsapp import ahead, preview

NOTO = "/usr/share/fonts/truetype/noto"
NOTES = 8


@pytest.fixture
def in_workers(monkeypatch):
    """Two worker processes for any number of items, cards drawn ahead for
    any number of notes.
    """
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    monkeypatch.setattr(ahead, "AHEAD_MIN", 1)


def notes(photo: bool = False) -> dict[str, str]:
    found = {
        f"2026/11/note-{i}.md": note_text(
            title=f"जावरा थाने में सड़क सुरक्षा शिविर क्रमांक {i}",
            slug=f"jaora-shivir-{i}",
            date=f"2026-11-{10 + i} 10:30",
        )
        for i in range(NOTES)
    }
    if photo:
        found["2026/11/photo.md"] = note_text(
            title="फोटो वाली सूचना",
            slug="photo-suchna",
            image="images/photo.jpg",
            image_alt="भीड़",
        )
    return found


def with_photo(content: Path) -> Path:
    photo = next((ROOT / "content" / "images").rglob("*.jpg"))
    (content / "images").mkdir(exist_ok=True)
    shutil.copyfile(photo, content / "images" / "photo.jpg")
    return content


def count_renders(monkeypatch, log: Path) -> None:
    """Each card or crop drawn, in any process, is a line of `log`."""
    real = preview.render

    def counted(source, max_bytes):
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{getattr(source, 'title', 'photo')}\n")
        return real(source, max_bytes)

    monkeypatch.setattr(preview, "render", counted)
    monkeypatch.setattr(ahead, "render", counted)


def drawn_to_the_end(monkeypatch) -> None:
    """Cards drawn ahead are all drawn before the drawing is stopped (a
    small site's pass is shorter than its drawing).
    """
    real = ahead.Ahead.stop

    def stop(self):
        if self.process is not None:
            self.process.join()
        real(self)

    monkeypatch.setattr(ahead.Ahead, "stop", stop)


def logged_counts(caplog) -> tuple[int, int, int]:
    """(made, reused, of those made drawn ahead) from the build's log."""
    found = re.findall(
        r"preview images: (\d+) made, (\d+) reused from .* \((\d+) of those",
        caplog.text,
    )
    assert len(found) == 1, caplog.text
    made, reused, early = found[0]
    return int(made), int(reused), int(early)


def built(caplog, content: Path, output: Path, **settings):
    caplog.clear()
    # Pelican's log filter drops a line it has let through before: two
    # builds of one cache can log the same counts and times
    forget_logged_warnings()
    with caplog.at_level(logging.INFO, logger="plugins.whatsapp"):
        return build_site(content, output, **settings)


def same_as_built_plainly(caplog, monkeypatch, tmp_path, content, early, **settings):
    """`early`'s site is the one a build of `content` without drawing ahead,
    from an empty image cache, makes.
    """
    monkeypatch.setattr(ahead, "AHEAD_MIN", 10**9)
    shutil.rmtree(tmp_path / "cache")
    plain = built(caplog, content, tmp_path / "plain", **settings)
    first, second = tree(plain.output), tree(early.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def built_after_drawing(caplog, then, content: Path, output: Path, **settings):
    """A build in which, once Pelican starts its pass and the cards of what
    was read ahead are drawn, `then()` is done (once).
    """
    done = []

    def after_drawing(generator) -> None:
        if done:
            return
        ahead.start(generator)
        ahead.stop([generator])
        then()
        done.append(True)

    signals.article_generator_preread.connect(after_drawing)
    try:
        result = built(caplog, content, output, **settings)
    finally:
        signals.article_generator_preread.disconnect(after_drawing)
    assert done
    return result


def test_cards_drawn_ahead_make_the_site_drawn_without_them_each_card_once(
    tmp_path, caplog, monkeypatch, in_workers
):
    one, two = tmp_path / "one", tmp_path / "two"
    for where in (one, two):
        with_photo(new_content(where, notes(photo=True)))
    log = tmp_path / "renders.txt"
    count_renders(monkeypatch, log)
    drawn_to_the_end(monkeypatch)
    monkeypatch.setattr(ahead, "AHEAD_MIN", 10**9)
    plain = built(caplog, one / "content", one / "output")
    assert logged_counts(caplog) == (NOTES + 2, 0, 0)  # the join page's card
    log.unlink()
    monkeypatch.setattr(ahead, "AHEAD_MIN", 1)
    early = built(caplog, two / "content", two / "output")
    # every note's card drawn ahead (not the photo's crop, not the join
    # page's card: no note has its title)
    assert logged_counts(caplog) == (NOTES + 2, 0, NOTES)
    drawn = log.read_text(encoding="utf-8").splitlines()
    assert len(drawn) == len(set(drawn)) == NOTES + 2
    first, second = tree(plain.output), tree(early.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    # the image cache holds the same files, and nothing of the drawing ahead
    images = [where / "cache" / "og" for where in (one, two)]
    cached = [sorted(p.relative_to(og) for p in og.rglob("*")) for og in images]
    assert cached[0] == cached[1]
    assert not [p for p in cached[1] if ".ahead" in str(p)]


def test_a_title_saved_after_its_card_was_drawn_ahead_is_drawn_again(
    tmp_path, caplog, monkeypatch, in_workers
):
    content = new_content(tmp_path, notes())
    note = content / "notes" / "2026" / "11" / "note-3.md"
    drawn_to_the_end(monkeypatch)

    def save_new_title() -> None:
        # the reporter corrects a title
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace("क्रमांक 3", "क्रमांक तीन"), encoding="utf-8")

    early = built_after_drawing(caplog, save_new_title, content, tmp_path / "output")
    # the corrected title's card is made, the old one's is not taken
    assert logged_counts(caplog) == (NOTES + 1, 0, NOTES - 1)
    cache = tmp_path / "cache"
    assert not [p for p in cache.rglob("*") if ".ahead" in str(p)]
    # the same site as a build of the corrected notes without drawing ahead
    monkeypatch.setattr(ahead, "AHEAD_MIN", 10**9)
    shutil.rmtree(cache)
    again = tmp_path / "again"
    shutil.copytree(content, again / "content")
    plain = built(caplog, again / "content", again / "output")
    assert logged_counts(caplog) == (NOTES + 1, 0, 0)
    first, second = tree(plain.output), tree(early.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_card_font_replaced_after_the_cards_were_drawn_ahead_is_drawn_with(
    tmp_path, caplog, monkeypatch, in_workers
):
    content = new_content(tmp_path, notes())
    font = tmp_path / "fonts" / "card.ttf"
    font.parent.mkdir()
    shutil.copyfile(f"{NOTO}/NotoSansDevanagari-Bold.ttf", font)
    whatsapp = {"card_font": str(font)}
    drawn_to_the_end(monkeypatch)

    def replace_font() -> None:
        shutil.copyfile(f"{NOTO}/NotoSansDevanagari-Regular.ttf", font)

    output = tmp_path / "output"
    early = built_after_drawing(
        caplog, replace_font, content, output, WHATSAPP=whatsapp
    )
    # every card is drawn again with the new font: none drawn ahead is taken
    assert logged_counts(caplog) == (NOTES + 1, 0, 0)
    assert not [p for p in (tmp_path / "cache").rglob("*") if ".ahead" in str(p)]
    same_as_built_plainly(
        caplog, monkeypatch, tmp_path, content, early, WHATSAPP=whatsapp
    )


def test_a_build_that_fails_while_cards_are_drawn_ahead_leaves_none(
    tmp_path, monkeypatch, in_workers
):
    content = new_content(tmp_path, notes())
    drawing = []

    def fail(generator) -> None:
        found = ahead._builds.get(id(generator.settings))
        assert found is not None and found.process is not None
        drawing.append(found.process.pid)
        raise RuntimeError("a plugin failed")

    signals.article_generator_finalized.connect(fail)
    try:
        with pytest.raises(BuildFailed, match="a plugin failed"):
            build_site(content, tmp_path / "output")
    finally:
        signals.article_generator_finalized.disconnect(fail)
    assert drawing
    # the drawing process has ended; no card of it is in the cache
    assert drawing[0] not in children_of(os.getpid())
    assert not ahead._builds
    cache = tmp_path / "cache"
    assert not [p for p in cache.rglob("*") if p.suffix == ".png" or ".ahead" in str(p)]
    assert not (tmp_path / "output").exists()


def test_a_drawing_ahead_that_is_killed_leaves_its_cards_to_the_preview_step(
    tmp_path, caplog, monkeypatch, in_workers
):
    content = new_content(tmp_path, notes())
    killed = []

    def kill(generator) -> None:
        if killed:
            return
        ahead.start(generator)
        found = ahead._builds[id(generator.settings)]
        assert found.process is not None
        os.kill(found.process.pid, signal.SIGKILL)
        found.process.join()
        killed.append(found.process.exitcode)

    signals.article_generator_preread.connect(kill)
    try:
        early = built(caplog, content, tmp_path / "output")
    finally:
        signals.article_generator_preread.disconnect(kill)
    assert killed == [-signal.SIGKILL]
    assert "ended with exit code -9" in caplog.text
    made, reused, _ = logged_counts(caplog)
    assert (made, reused) == (NOTES + 1, 0)
    assert not [p for p in (tmp_path / "cache").rglob("*") if ".ahead" in str(p)]
    same_as_built_plainly(caplog, monkeypatch, tmp_path, content, early)


def test_few_cards_or_one_core_draw_nothing_ahead(tmp_path, caplog, monkeypatch):
    content = new_content(tmp_path, notes())
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 1)
    monkeypatch.setattr(ahead, "AHEAD_MIN", 1)
    built(caplog, content, tmp_path / "one-core")
    assert logged_counts(caplog)[2] == 0
    monkeypatch.setattr(parallel, "WORKERS", 2)
    monkeypatch.setattr(ahead, "AHEAD_MIN", NOTES + 1)
    shutil.rmtree(tmp_path / "cache")
    built(caplog, content, tmp_path / "few")
    assert logged_counts(caplog)[2] == 0


# A build that draws cards ahead and is killed once one is drawn: run in a
# process of its own (argv: content folder, output folder, signal number,
# file for the drawing process's id).
KILLED_BUILD = """
import os, signal, sys, time
from pathlib import Path
sys.path[:0] = [sys.argv[5], sys.argv[5] + "/tests"]
from pelican import signals
from support import build_site
from plugins.core import parallel
from plugins.whatsapp import ahead

parallel.PARALLEL_MIN, parallel.WORKERS, ahead.AHEAD_MIN = 1, 2, 1
content, output, number, pid_file = sys.argv[1:5]

def killed(generator):
    found = ahead._builds[id(generator.settings)]
    Path(pid_file).write_text(str(found.process.pid))
    for _ in range(600):
        if any(found.folder.glob("*.png")):
            break
        time.sleep(0.1)
    os.kill(os.getpid(), int(number))
    time.sleep(60)

signals.article_generator_finalized.connect(killed)
build_site(Path(content), Path(output))
"""


def gone(pid: int) -> bool:
    """Whether process `pid` has ended (waits up to 30 s)."""
    for _ in range(300):
        if not Path(f"/proc/{pid}").exists():
            return True
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGTERM])
def test_cards_drawn_ahead_by_a_killed_build_are_removed_by_the_next(
    tmp_path, caplog, monkeypatch, in_workers, number
):
    content = new_content(tmp_path, notes())
    pid_file = tmp_path / "drawing.pid"
    script = [sys.executable, "-c", KILLED_BUILD, str(content)]
    script += [str(tmp_path / "killed"), str(int(number)), str(pid_file), str(ROOT)]
    ended = subprocess.run(script, cwd=ROOT, capture_output=True, timeout=600)
    assert ended.returncode == -number, ended.stderr.decode()
    # the drawing process ends with the build that forked it, leaving its
    # folder in the image cache, a card in it
    assert gone(int(pid_file.read_text()))
    cache = tmp_path / "cache" / "og"
    left = [p for p in cache.iterdir() if p.name.startswith(".ahead")]
    assert len(left) == 1 and any(left[0].glob("*.png"))
    # the next build sharing the cache removes it, and makes the same site
    early = built(caplog, content, tmp_path / "output")
    assert not [p for p in cache.iterdir() if p.name.startswith(".ahead")]
    same_as_built_plainly(caplog, monkeypatch, tmp_path, content, early)


def test_the_cards_drawn_ahead_by_a_build_still_running_are_kept(
    tmp_path, caplog, in_workers
):
    """Two builds sharing an image cache: one does not remove the folder of
    the other, in another process or in this one (another thread).
    """
    content = new_content(tmp_path, notes())
    cache = tmp_path / "cache" / "og"
    other = subprocess.Popen(["sleep", "600"])
    try:
        running = [
            cache / f"{ahead.PREFIX}{other.pid}-elsewhere",
            cache / f"{ahead.PREFIX}{os.getpid()}-beside",
        ]
        for folder in running:
            folder.mkdir(parents=True)
            (folder / f"{'0' * 64}.png").write_bytes(b"drawn")
        built(caplog, content, tmp_path / "output")
        assert [(f / f"{'0' * 64}.png").read_bytes() for f in running] == [
            b"drawn",
            b"drawn",
        ]
    finally:
        other.kill()
        other.wait()
    # once that build has ended, the next build removes its folder
    built(caplog, content, tmp_path / "again")
    assert [f.exists() for f in running] == [False, True]
