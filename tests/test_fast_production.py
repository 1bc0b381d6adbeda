"""The fast path of a production build (scripts/fast_production.py): a new
note, or an edit of one note, placed without a full build writes what a
clean production build writes — the pages, the redirect lists, the .gz and
.br copies with their files' times, the ledger of published addresses or
the pending file of a publish — and `invoke publish` to a folder takes it.

One bulletin is built once for the module with publishconf.py (absolute
addresses, compressed copies, addresses recorded; the search index off: it
is the full build's), with a hand-written redirect and an imported note's
old addresses, so the redirect lists are not empty. The tests run in order:
each changes the content and compares the output with a clean build of the
same content, made from a copy of the content folder taken before.
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from support import (
    ROOT,
    build_site,
    forget_logged_warnings,
    new_content,
    note_text,
    tree,
)

from plugins.core.errors import BuildFailed
from plugins.links import ledger
from scripts import site_index
from scripts.build import build, load_settings
from scripts.publish import publish
from scripts.publish.driver import pending_links, settle

pytestmark = [pytest.mark.build]

PUBLISH = str(ROOT / "publishconf.py")
ENV = {"BULLETIN_SITEURL": "https://news.example.org", "BULLETIN_ALLOW_SAMPLES": "1"}
LEDGER = "registry/published-urls.tsv"
BUILD_TIME = "2026-11-27T12:00:00+05:30"


def note(i: int, thana: str = "नामली", **more) -> str:
    return note_text(
        slug=f"suchna-{i}",
        title=f"{thana} थाने में बैठक {i}",
        thana=thana,
        date=f"2026-10-{i:02d} 10:00",
        body=f"{thana} थाना पुलिस ने बैठक {i} में नियम बताए।",
        **more,
    )


NOTES = {
    **{f"2026/n{i}.md": note(i) for i in range(1, 5)},
    **{f"2026/n{i}.md": note(i, "आलोट") for i in range(5, 7)},
    # an imported note: its old addresses redirect to it
    "2026/n7.md": note(7, old_url="https://purana.example.org/2019/05/namli-baithak"),
}
# a redirect written by hand
REDIRECTS = "2019/04/purani-khabar/\t2026/10/suchna-2/\n"


@dataclasses.dataclass
class Site:
    tmp: Path
    content: Path
    output: Path
    steps: Iterator[int] = dataclasses.field(
        default_factory=lambda: iter(range(1, 100))
    )

    def overrides(self, content: Path, output: Path, **more) -> dict:
        return {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / "cache"),
            "COMPRESS": {"enabled": True, "cache": str(output.parent / "compressed")},
            "SEARCH": {"index": False},
            "LISTINGS": {"page_size": 1},
            # the time the ledger records: the same in both builds compared
            "BUILD_TIME": BUILD_TIME,
            **more,
        }

    def build(self, **more):
        return build(PUBLISH, self.overrides(self.content, self.output, **more))

    def settings(self, **more) -> dict:
        return load_settings(PUBLISH, self.overrides(self.content, self.output, **more))

    def snapshot(self) -> Path:
        """A copy of the content folder as it is now (for a clean build)."""
        copy = self.tmp / f"clean-{next(self.steps)}" / "content"
        shutil.copytree(self.content, copy)
        return copy

    def clean_build(self, content: Path, **more) -> Path:
        """A clean build of `content` into a new folder; its output."""
        output = content.parent / "site" / "output"
        result = build(PUBLISH, self.overrides(content, output, **more))
        assert (result.path, result.why) == (
            "full",
            "no site index (the first build, or the last one failed)",
        )
        return output

    def write(self, rel: str, text: str) -> None:
        (self.content / "notes" / rel).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def env() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ENV.items():
            patch.setenv(name, value)
        yield


@pytest.fixture(scope="module")
def site(env, tmp_path_factory) -> Site:
    tmp = tmp_path_factory.mktemp("production")
    content = new_content(tmp, NOTES)
    (content / "registry" / "redirects.tsv").write_text(REDIRECTS, encoding="utf-8")
    built = Site(tmp, content, tmp / "site" / "output")
    assert built.build().path == "full"
    return built


def same_site(fast: Path, clean: Path) -> dict[str, bytes]:
    """Both outputs hold the same files with the same bytes; the fast one's."""
    placed, fresh = tree(fast), tree(clean)
    assert placed.keys() == fresh.keys(), sorted(placed.keys() ^ fresh.keys())
    assert [n for n in placed if placed[n] != fresh[n]] == []
    return placed


def copies_keep_their_files_times(output: Path) -> int:
    """Each .gz and .br has its file's modification time (rsync, which
    compares sizes and times, sends a copy exactly when its file changed);
    returns how many copies there are.
    """
    copies = [p for p in output.rglob("*") if p.suffix in (".gz", ".br")]
    late = [
        str(p.relative_to(output))
        for p in copies
        if p.stat().st_mtime_ns != p.with_suffix("").stat().st_mtime_ns
    ]
    assert late == []
    return len(copies)


def rows(path: Path) -> list[str]:
    """The ledger's (or a pending file's) lines without their time."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t", 1)[-1] for line in lines]


def test_the_production_site_has_redirects_and_compressed_copies(site):
    output = site.output
    assert "/2019/04/purani-khabar/" in (output / "redirects.nginx.map").read_text()
    assert "2019/05/namli-baithak/" in (output / "_redirects").read_text()
    assert (output / "2019/04/purani-khabar/index.html").is_file()
    assert copies_keep_their_files_times(output) > 100
    path = site_index.index_path(site.settings(), output)
    index = site_index.load(path)[0]
    assert index is not None
    index = site_index.read_records(index, path)
    assert isinstance(index, site_index.SiteIndex), index
    links = index.records["link_records"]
    assert links.redirects is not None and len(links.redirects) == 2
    ledger_rows = rows(site.content / LEDGER)
    assert "2026/10/suchna-7/\tnotes/2026/n7.md\t2026-10-07" in ledger_rows


def test_a_new_note_is_fast_and_written_as_a_clean_production_build_writes_it(
    site, caplog
):
    site.write("2026/n8.md", note(8))
    recorded = (site.content / LEDGER).read_bytes()
    copy = site.snapshot()
    was = tree(site.output)
    forget_logged_warnings()  # Pelican's filter drops a repeated line
    with caplog.at_level(logging.INFO):
        result = site.build()
    assert (result.path, result.why) == ("fast", "only new notes since the last build")
    assert "build path: fast (only new notes since the last build)" in caplog.text
    # the fast build recorded the new address, as the full one does: appended
    ledger_now = (site.content / LEDGER).read_bytes()
    assert ledger_now.startswith(recorded)
    [added] = ledger_now[len(recorded) :].decode().splitlines()
    assert added.split("\t", 1)[1] == "2026/10/suchna-8/\tnotes/2026/n8.md\t2026-10-08"
    assert "1 new note addresses recorded" in caplog.text
    clean = site.clean_build(copy)
    placed = same_site(site.output, clean)
    assert (site.content / LEDGER).read_bytes() == (copy / LEDGER).read_bytes()
    # the new page, the lists and feeds it is on got new copies; a file the
    # compress rules skip got none (robots.txt: too small)
    page = "2026/10/suchna-8/index.html"
    assert gzip.decompress(placed[page + ".gz"]) == placed[page]
    assert brotli.decompress(placed[page + ".br"]) == placed[page]
    assert len(placed["robots.txt"]) < 256 and "robots.txt.gz" not in placed
    changed = {n for n in placed if was.get(n) != placed[n]}
    assert {"index.html.gz", "index.html.br", "thana/namli/index.html.gz"} <= changed
    copies_keep_their_files_times(site.output)
    # the redirect lists are the full build's (the same: no address changed)
    assert "redirects.nginx.map" not in changed


def test_an_edit_that_removes_a_list_page_removes_its_copies(site):
    # moved to the other station (both keep notes): namli's list loses a
    # numbered page, whose .gz and .br go with it
    site.write("2026/n3.md", note(3, "आलोट"))
    recorded = (site.content / LEDGER).read_bytes()
    copy = site.snapshot()
    was = tree(site.output)
    result = site.build()
    assert (result.path, result.why) == ("fast", "one note edited (notes/2026/n3.md)")
    clean = site.clean_build(copy)
    placed = same_site(site.output, clean)
    gone = sorted(set(was) - set(placed))
    assert [n for n in gone if n.startswith("thana/")] == [
        "thana/namli/page/6/index.html",
        "thana/namli/page/6/index.html.br",
        "thana/namli/page/6/index.html.gz",
    ]
    copies_keep_their_files_times(site.output)
    # the note keeps its address: nothing new is recorded
    assert (site.content / LEDGER).read_bytes() == recorded


def test_an_edit_of_a_note_recorded_at_an_old_address_or_redirected_to_is_fast(
    site,
):
    """The ledger records a note at each address it had (its slug changed:
    the old one redirects), a hand-written redirect leads to another: an
    edit of either keeps the redirects as they are and takes the fast path.
    """
    moved = note(4).replace("slug: suchna-4", "slug: badli-4")
    site.write("2026/n4.md", moved)
    assert site.build().path == "full"  # a new address: a redirect page
    ledger_rows = rows(site.content / LEDGER)
    assert "2026/10/suchna-4/\tnotes/2026/n4.md\t2026-10-04" in ledger_rows
    assert "2026/10/badli-4/\tnotes/2026/n4.md\t2026-10-04" in ledger_rows
    edits = {
        "2026/n4.md": moved.replace("बैठक 4 में नियम", "बैठक 4 में नए नियम"),
        # the note the hand-written redirect leads to (REDIRECTS)
        "2026/n2.md": note(2).replace("बैठक 2 में नियम", "बैठक 2 में नए नियम"),
    }
    for rel, text in edits.items():
        site.write(rel, text)
        copy = site.snapshot()
        result = site.build()
        assert (result.path, result.why) == ("fast", f"one note edited (notes/{rel})")
        same_site(site.output, site.clean_build(copy))
    page = (site.output / "2026/10/suchna-4/index.html").read_text("utf-8")
    assert "https://news.example.org/2026/10/badli-4/" in page


def test_a_publish_build_writes_the_pending_file_a_clean_one_writes(site):
    target = str(site.tmp / "www")
    links = pending_links(site.settings(), target)
    ledger_path = site.content / LEDGER
    # a dry run (nothing recorded) of a new note after production builds:
    # what LINKS says of recording is not the site's key, the path is fast
    recorded = ledger_path.read_bytes()
    site.write("2026/n9.md", note(9))
    result = site.build(LINKS={"record": False})
    assert (result.path, result.why) == ("fast", "only new notes since the last build")
    assert ledger_path.read_bytes() == recorded
    site.write("2026/n10.md", note(10))
    copy = site.snapshot()
    result = site.build(LINKS=links)
    assert result.path == "fast", result.why
    pending = ledger.pending_path(ledger_path, target)
    clean = site.clean_build(copy, LINKS=links)
    same_site(site.output, clean)
    clean_pending = ledger.pending_path(copy / LEDGER, target)
    # every address the publish puts online, as the full build lists them
    assert pending.read_bytes() == clean_pending.read_bytes()
    assert "2026/10/suchna-10/\tnotes/2026/n10.md\t2026-10-10" in rows(pending)
    # and the one of the dry run
    assert "2026/10/suchna-9/\tnotes/2026/n9.md\t2026-10-09" in rows(pending)
    assert "2026/10/suchna-10/" not in ledger_path.read_text(encoding="utf-8")
    # the publish went live: the pending addresses join the ledger, and the
    # next build of a new note takes the fast path again
    settle(ledger_path, target, True)
    assert not pending.exists()
    assert "2026/10/suchna-10/\tnotes/2026/n10.md" in ledger_path.read_text("utf-8")
    site.write("2026/n12.md", note(12))
    assert site.build(LINKS=links).path == "fast"
    settle(ledger_path, target, True)


def comment_in_registry(site: Site, n: int) -> None:
    """A comment added to the station registry: an edit the build does not
    read (the registry fast path).
    """
    path = site.content / "registry" / "thanas.toml"
    path.write_text(path.read_text("utf-8") + f"# {n}\n", encoding="utf-8")


REGISTRY_WHY = "registry/thanas.toml changed in nothing the build reads"


def test_a_registry_edit_records_what_a_failed_publish_did_not(site):
    """A publish whose upload failed leaves its new note in the output and
    records nothing (its pending file is dropped); a build after an edit
    the build does not read records it as the full build does: the
    production build in the ledger, the publish in its pending file.
    """
    target = str(site.tmp / "www")
    links = pending_links(site.settings(), target)
    ledger_path = site.content / LEDGER
    for n, recording in ((13, {}), (14, {"LINKS": links})):
        site.write(f"2026/n{n}.md", note(n))
        assert site.build(LINKS=links).path == "fast"
        settle(ledger_path, target, False)  # the upload failed
        address = f"2026/10/suchna-{n}/\tnotes/2026/n{n}.md"
        assert address not in ledger_path.read_text("utf-8")
        comment_in_registry(site, n)
        copy = site.snapshot()
        result = site.build(**recording)
        assert (result.path, result.why) == ("fast", REGISTRY_WHY)
        same_site(site.output, site.clean_build(copy, **recording))
        if recording:  # the publish: its pending file, settled once live
            pending = ledger.pending_path(ledger_path, target)
            clean = ledger.pending_path(copy / LEDGER, target)
            assert pending.read_bytes() == clean.read_bytes()
            assert address in pending.read_text("utf-8")
            settle(ledger_path, target, True)
        else:  # the production build: the ledger, as the full build
            assert ledger_path.read_bytes() == (copy / LEDGER).read_bytes()
        assert address in ledger_path.read_text("utf-8")


def test_a_ledger_row_that_adds_a_redirect_is_the_full_builds(site):
    """A row of an older address of a note appended to the ledger (another
    desk's, merged) with a registry edit the build does not read: the
    redirects change, so the full build makes them.
    """
    ledger_path = site.content / LEDGER
    row = f"{BUILD_TIME}\t2019/01/purana-pata/\tnotes/2026/n1.md\t2026-10-01\n"
    with ledger_path.open("a", encoding="utf-8") as out:
        out.write(row)
    comment_in_registry(site, 15)
    copy = site.snapshot()
    result = site.build()
    assert (result.path, result.why) == (
        "full",
        (
            "the fast path stopped: the redirects change (the full build "
            "writes their pages)"
        ),
    )
    same_site(site.output, site.clean_build(copy))
    assert (site.output / "2019/01/purana-pata/index.html").is_file()


def test_a_new_page_a_redirect_would_take_stops_the_build_as_the_full_one(site):
    # a hand-written redirect from the address of the list page a new note
    # would add: the full build stops on it, so the fast path leaves it
    redirects = site.content / "registry" / "redirects.tsv"
    numbered = (site.output / "thana/namli/page").iterdir()
    page = f"thana/namli/page/{max(int(p.name) for p in numbered) + 1}/"
    redirects.write_text(REDIRECTS + f"{page}\t2026/10/suchna-2/\n", "utf-8")
    assert site.build().path == "full"
    assert (site.output / page / "index.html").is_file()  # a redirect page
    site.write("2026/n16.md", note(16))
    with pytest.raises(BuildFailed, match="is a page of this build"):
        site.build()
    (site.content / "notes" / "2026" / "n16.md").unlink()
    redirects.write_text(REDIRECTS, encoding="utf-8")


def test_invoke_publish_to_a_folder_takes_the_fast_path_for_a_new_note(
    env, tmp_path, caplog
):
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "COMPRESS": {"enabled": True, "cache": str(tmp_path / "compressed")},
        "SEARCH": {"index": False},
    }
    first = publish(PUBLISH, str(root), overrides=dict(overrides))
    ledger_path = content / LEDGER
    assert "notes/2026/n7.md" in ledger_path.read_text(encoding="utf-8")
    (content / "notes" / "2026" / "n8.md").write_text(note(8), encoding="utf-8")
    caplog.clear()
    forget_logged_warnings()  # Pelican's filter drops a repeated line
    with caplog.at_level(logging.INFO):
        second = publish(PUBLISH, str(root), overrides=dict(overrides))
    paths = [r.getMessage() for r in caplog.records if "build path" in r.getMessage()]
    assert paths == ["build path: fast (only new notes since the last build)"]
    assert second.release != first.release
    live = (root / "current").resolve()
    assert live.name == second.release
    page = "2026/10/suchna-8/index.html"
    assert (live / page).read_bytes() == (tmp_path / "output" / page).read_bytes()
    assert (live / (page + ".br")).is_file()
    # sent: the new note's files and the pages and feeds that list it, not
    # the archive
    assert page in second.sent and page + ".gz" in second.sent
    assert "2026/10/suchna-1/index.html" not in second.sent
    # settled after the upload: recorded, the pending file gone
    assert "2026/10/suchna-8/\tnotes/2026/n8.md" in ledger_path.read_text("utf-8")
    assert not list(ledger_path.parent.glob("*.pending-*"))


def test_an_edit_that_removes_a_page_an_old_url_names_is_the_full_builds(
    tmp_path,
):
    """An imported note's old address that is a list page of this build is
    not redirected; once an edit removes that page, the full build
    redirects it (and writes its redirect page): the fast path sees the
    redirects change and leaves the edit to it.
    """
    namli = {f"2026/n{i}.md": note(i) for i in range(1, 6)}
    old_url = "https://purana.example.org/thana/namli/page/5/"
    alot = {
        "2026/n6.md": note(6, "आलोट"),
        "2026/n7.md": note(7, "आलोट", old_url=old_url),
    }
    content = new_content(tmp_path, {**namli, **alot})
    output = tmp_path / "site" / "output"
    more = {"LISTINGS": {"page_size": 1}}
    assert build_site(content, output, **more).path == "full"
    page = output / "thana/namli/page/5/index.html"
    assert "suchna-7" not in page.read_text(encoding="utf-8")
    (content / "notes/2026/n3.md").write_text(note(3, "आलोट"), encoding="utf-8")
    result = build_site(content, output, **more)
    assert (result.path, result.why) == (
        "full",
        (
            "the fast path stopped: the redirects change (the full build "
            "writes their pages)"
        ),
    )
    # now a redirect page to the imported note
    assert "2026/10/suchna-7/" in page.read_text(encoding="utf-8")
    assert '"/thana/namli/page/5/" "/2026/10/suchna-7/";' in (
        output / "redirects.nginx.map"
    ).read_text(encoding="utf-8")
