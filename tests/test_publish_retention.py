"""The retention window of old fingerprinted assets at a folder target, over
many publishes: the real upload, switch, prune and rollback of
scripts/publish/releases.py, with small sites made here (a home page linking
its stylesheet) and publish times chosen by the test (days apart: the window
is one day or more)."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loopback import start_nginx, start_sshd, stop
from pagefind_bin import get_executable
from support import ROOT

from scripts.publish import PublishError, releases, retention
from scripts.publish import publish as publish_site
from scripts.publish.targets import TargetError, parse_target

PUBLISH = str(ROOT / "publishconf.py")

# publishes made at chosen times, before a rollback made now
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)


def make_site(out: Path, css: str) -> str:
    """A site whose home page links a stylesheet named by its content."""
    shutil.rmtree(out, ignore_errors=True)
    (out / "theme/css").mkdir(parents=True)
    name = f"theme/css/site.{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
    (out / name).write_text(css)
    (out / "index.html").write_text(f'<link rel="stylesheet" href="/{name}">')
    return name


def publish(
    root: Path,
    out: Path,
    css: str,
    keep: retention.Keep,
    now: datetime,
    to: str = "",
):
    target = parse_target(to or str(root))
    name = make_site(out, css)
    done = releases.upload(str(out), target, now, [], keep)
    releases.switch(target, done.release)
    releases.prune(target, 5)
    return name


def live_stylesheets(root: Path) -> set[str]:
    live = (root / "current").resolve()
    return {p.relative_to(live).as_posix() for p in live.glob("theme/css/*.css")}


def test_a_stylesheet_let_go_stays_gone_and_the_live_site_stays_small(tmp_path):
    root, out = tmp_path / "site", tmp_path / "out"
    keep = retention.Keep(publishes=1, days=1)
    names = []
    for i in range(15):
        names.append(publish(root, out, f"css-{i}", keep, START + timedelta(days=i)))
        # the new stylesheet and the one of the site live before: no more,
        # although older releases (PUBLISH_KEEP) still hold older ones
        assert live_stylesheets(root) == set(names[-2:]), i


def test_the_default_window_keeps_ten_publishes_and_thirty_days(tmp_path):
    root, out = tmp_path / "site", tmp_path / "out"
    keep = retention.keep_setting({})
    names = []
    for i in range(20):
        when = START + timedelta(days=4 * i)  # a change every 4 days
        names.append(publish(root, out, f"css-{i}", keep, when))
        live = live_stylesheets(root)
        assert set(names[-11:]) <= live and len(live) <= 11, (i, len(live))
    assert names[0] not in live_stylesheets(root)


def test_a_rollback_counts_as_a_publish_of_what_it_brings_back(tmp_path):
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    keep = retention.Keep(publishes=1, days=1)
    a, b, c = (
        publish(root, out, f"css-{x}", keep, START + timedelta(days=i))
        for i, x in enumerate("abc")
    )
    releases.rollback(target)  # b's pages are live again, linking b
    assert {b, c} <= live_stylesheets(root)
    d = publish(root, out, "css-d", keep, datetime.now(UTC) + timedelta(days=2))
    # pages cached during the rollback link b: kept one publish more
    assert live_stylesheets(root) == {b, d}
    assert a not in live_stylesheets(root)


def test_a_manifest_line_in_the_future_does_not_keep_an_asset_for_ever(tmp_path):
    root, out = tmp_path / "site", tmp_path / "out"
    keep = retention.Keep(publishes=1, days=1)
    first = publish(root, out, "css-0", keep, START)
    manifest = root / retention.MANIFEST
    # a clock set years ahead (or a hand edit) wrote this line
    manifest.write_text(
        manifest.read_text().replace(START.isoformat(), "2099-01-01T00:00:00+00:00")
    )
    publish(root, out, "css-1", keep, START + timedelta(hours=1))
    assert first in live_stylesheets(root)  # linked until an hour ago
    publish(root, out, "css-2", keep, START + timedelta(days=3))
    assert first not in live_stylesheets(root)


def test_a_symbolic_link_in_the_built_site_is_not_published(tmp_path):
    root, out = tmp_path / "site", tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    keep = retention.Keep(publishes=1, days=1)
    publish(root, out, "css-0", keep, START)
    make_site(out, "css-1")
    shutil.rmtree(out / "theme/css")
    os.symlink(elsewhere, out / "theme/css")
    with pytest.raises(
        TargetError, match="theme/css in the built site is a symbolic link"
    ):
        releases.upload(
            str(out), parse_target(str(root)), START + timedelta(hours=1), [], keep
        )
    assert list(elsewhere.iterdir()) == []
    assert not list((root / "releases").glob("*.partial"))


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"keep_publishes": 0}, "keep_publishes"),
        ({"keep_days": 10**9}, "keep_days"),
        ({"keep_days": "30"}, "keep_days"),
        ({"keep_weeks": 2}, "keep_publishes और keep_days"),
    ],
)
def test_a_wrong_window_setting_is_named_in_hindi(monkeypatch, given, named):
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    with pytest.raises(TargetError) as refused:
        retention.keep_setting({"PUBLISH_ASSETS": given})
    message = str(refused.value)
    assert message.startswith("publishconf.py: PUBLISH_ASSETS")
    assert named in message and ("पूरी संख्या" in message or "केवल" in message)


@pytest.mark.parametrize("days", [0, -3])
def test_a_window_of_no_days_is_refused_before_building(tmp_path, monkeypatch, days):
    """Old assets gone at once break the pages readers' browsers cached a
    moment before a publish: PUBLISH_ASSETS["keep_days"] is one day or
    more, and a publish given less stops before it builds, naming the
    setting in Hindi."""
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    with pytest.raises(TargetError) as refused:
        retention.keep_setting({"PUBLISH_ASSETS": {"keep_days": days}})
    message = str(refused.value)
    assert message.startswith(f'publishconf.py: PUBLISH_ASSETS["keep_days"] अभी {days}')
    assert "1 या उससे ज़्यादा" in message
    assert retention.keep_setting({"PUBLISH_ASSETS": {"keep_days": 1}}).days == 1
    www = tmp_path / "www"
    (tmp_path / "content").mkdir()
    window = {"keep_publishes": 1, "keep_days": days}
    with pytest.raises(PublishError, match="keep_days"):
        publish_site(
            PUBLISH,
            str(www),
            overrides={
                "PATH": str(tmp_path / "content"),
                "OUTPUT_PATH": str(tmp_path / "output"),
                "PUBLISH_ASSETS": window,
            },
        )
    assert not www.exists() and not (tmp_path / "output").exists()


def test_a_carry_left_running_never_makes_a_removed_release_again(tmp_path):
    """A killed publish's shell at a server goes on (no hangup without a
    terminal); the next publish removes its .partial folder meanwhile: the
    carry step then makes nothing again."""
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    name = publish(root, out, "css-0", retention.Keep(1, 1), START)
    removed = root / "releases" / "20260101T000000Z.partial"
    with pytest.raises(TargetError):
        releases.carry(target, [str(root / "current")], str(removed), [name])
    assert not removed.exists()


def test_a_manifest_cut_short_on_its_way_is_not_put_in_place(tmp_path):
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    publish(root, out, "css-0", retention.Keep(1, 1), START)
    manifest = root / retention.MANIFEST
    whole = manifest.read_text()
    assert whole.endswith(f"\n{retention.END}\n")
    with pytest.raises(TargetError):
        releases.put_manifest(target, whole[: len(whole) // 2])
    assert manifest.read_text() == whole
    assert retention.parse(whole).seen  # and the whole one reads back


def test_a_large_search_index_is_carried_whole(tmp_path):
    """A rollback of a site with 10,000 notes carries every index part of
    the release it leaves: far more names than one command line holds."""
    target = parse_target(str(tmp_path))
    source, dest = tmp_path / "releases/a", tmp_path / "releases/b"
    names = [f"pagefind/2026/fragment/hi_{i:07x}.pf_fragment" for i in range(20000)]
    for name in names[::200]:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(b"part")
    dest.mkdir()
    carried = releases.carry(target, [str(source)], str(dest), names)
    assert carried == set(names[::200])
    assert all((dest / name).read_bytes() == b"part" for name in carried)


def test_index_parts_a_manifest_never_listed_count_as_linked_now():
    """A target published before the search index's parts were kept: its
    manifest has lines for stylesheets only; the parts found there are the
    live search page's, kept for the window, while a stylesheet the manifest
    let go stays gone."""
    now = START + timedelta(days=100)
    css = "theme/css/site.0123456789.css"
    gone = "theme/css/site.abcdefabcd.css"
    part = "pagefind/2026/index/hi_53fe678.pf_index"
    old = retention.parse(f"# publishes\t7\n{css}\t{START.isoformat()}\t7\n# end\n")
    keep = retention.Keep(1, 1)
    held = retention.plan(old, {css, gone, part}, {css}, now, keep)
    assert held.carried == [part] and held.dropped == [gone]
    assert held.manifest.seen[part].publish == 7
    # one publish later (this one went live) it is known, and goes with the
    # window
    again = retention.parse(retention.render(retention.went_live(held.manifest)))
    later = retention.plan(again, {css, part}, {css}, now + timedelta(days=2), keep)
    assert later.carried == [] and later.dropped == [part]


def test_a_file_name_with_a_line_break_is_not_published(tmp_path):
    root, out = tmp_path / "site", tmp_path / "out"
    make_site(out, "css-0")
    (out / "images").mkdir()
    (out / "images/a\nb.jpg").write_bytes(b"photo")
    with pytest.raises(TargetError, match="control character"):
        releases.upload(
            str(out), parse_target(str(root)), START, [], retention.Keep(1, 1)
        )
    assert not (root / "current").exists()


def test_a_publish_that_never_went_live_lets_go_of_nothing_live(tmp_path):
    """A window of one publish and one day (publishes two days apart).
    Publish A; publish B uploads
    (its manifest written) but never goes live (a failed or killed switch);
    publish C: A's stylesheet, linked by the live pages right up to C's
    switch, is still served after it, and goes with the window after D."""
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    keep = retention.Keep(publishes=1, days=1)
    a = publish(root, out, "css-a", keep, START)
    b = make_site(out, "css-b")
    releases.upload(str(out), target, START + timedelta(days=2), [], keep)
    assert (root / "current").resolve().name == releases.read_state(target).current
    assert live_stylesheets(root) == {a}  # B never went live
    pending = (root / retention.MANIFEST).read_text()
    c = publish(root, out, "css-c", keep, START + timedelta(days=4))
    assert {a, c} <= live_stylesheets(root)
    # B's manifest named A's publish live; C's names C's once it switched
    # (C took B's number: only publishes that went live count)
    assert retention.parse(pending).live_publish() == 1
    manifest = retention.parse((root / retention.MANIFEST).read_text())
    assert manifest.live_publish() == manifest.publishes == 2
    d = publish(root, out, "css-d", keep, START + timedelta(days=6))
    assert live_stylesheets(root) == {c, d}
    assert b not in live_stylesheets(root)


def test_assets_of_the_live_publish_and_any_after_it_count_as_linked_now():
    """The manifest names the last publish that went live; an asset of it
    or of a later publish that never (wholly) went live is linked now."""
    now = START + timedelta(days=100)
    a, b = "theme/css/site.aaaaaaaaaa.css", "theme/css/site.bbbbbbbbbb.css"
    text = (
        f"# publishes\t8\n# live\t6\n{a}\t{START.isoformat()}\t6\n"
        f"{b}\t{START.isoformat()}\t8\n# end\n"
    )
    old = retention.parse(text)
    assert old.live_publish() == 6
    held = retention.plan(old, {a, b}, set(), now, retention.Keep(1, 1))
    assert held.carried == [a, b] and held.dropped == []
    assert held.manifest.live_publish() == 6  # still not live
    # attempts 7 and 8 never went live: this publish takes number 7 again
    assert retention.went_live(held.manifest).live_publish() == 7
    # a manifest from before the live line: its last publish is the live one
    legacy = retention.parse(text.replace("# live\t6\n", ""))
    assert legacy.live_publish() == 8
    held = retention.plan(legacy, {a, b}, set(), now, retention.Keep(1, 1))
    assert held.carried == [b] and held.dropped == [a]


def test_only_publishes_that_went_live_count_for_the_window(tmp_path):
    """A window of two publishes and one day (publishes two days apart). A,
    then B (A's stylesheet is now linked by no live page, only by pages
    cached before B); then two attempts that upload and never go live (a
    server down, a job retrying); then C: A's stylesheet is still served, as
    C is the second publish since the live pages stopped linking it; D lets
    it go."""
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    keep = retention.Keep(publishes=2, days=1)
    a = publish(root, out, "css-a", keep, START)
    b = publish(root, out, "css-b", keep, START + timedelta(days=2))
    for day, css in ((4, "css-x"), (6, "css-y")):
        make_site(out, css)
        releases.upload(str(out), target, START + timedelta(days=day), [], keep)
    assert live_stylesheets(root) == {a, b}
    c = publish(root, out, "css-c", keep, START + timedelta(days=8))
    assert live_stylesheets(root) == {a, b, c}
    d = publish(root, out, "css-d", keep, START + timedelta(days=10))
    assert live_stylesheets(root) == {b, c, d}


def test_an_attempt_that_never_went_live_gives_its_number_back():
    """The pure rule: a manifest whose last attempts never went live (`#
    live` behind `# publishes`) numbers the next publish after the live one,
    and counts an older asset's window in live publishes only."""
    now = START + timedelta(days=100)
    old_css, live_css = "theme/css/site.aaaaaaaaaa.css", "theme/css/site.bbbbbbbbbb.css"
    text = (
        f"# publishes\t9\n# live\t6\n{old_css}\t{START.isoformat()}\t5\n"
        f"{live_css}\t{START.isoformat()}\t6\n# end\n"
    )
    keep = retention.Keep(publishes=2, days=1)
    held = retention.plan(retention.parse(text), {old_css, live_css}, set(), now, keep)
    # publish 7 (not 10): the old stylesheet was last linked by publish 5,
    # two live publishes ago
    assert held.manifest.publishes == 7
    assert held.carried == [old_css, live_css] and held.dropped == []
    # the live site's stylesheet: linked by the live publish until now
    assert held.manifest.seen[live_css] == retention.Seen(now, 6)
    # one more live publish (two days later) and it goes; the live
    # stylesheet stays by the count of publishes alone
    later = retention.plan(
        retention.went_live(held.manifest),
        {old_css, live_css},
        set(),
        now + timedelta(days=2),
        keep,
    )
    assert later.manifest.publishes == 8
    assert later.dropped == [old_css] and later.carried == [live_css]
    # a rollback is numbered the same way
    back = retention.switched(retention.parse(text), {live_css}, {old_css}, now)
    assert back.publishes == 7 and back.seen[old_css] == retention.Seen(now, 7)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Debian's sshd, and nginx serving a folder's `current` through the
    shipped configuration (one of each for the module)."""
    folder = tmp_path_factory.mktemp("server")
    root = folder / "srv"
    sshd = start_sshd(folder / "sshd")
    nginx = start_nginx(folder / "nginx", root)
    yield sshd, nginx, root
    stop(nginx.process)
    stop(sshd.process)


# a publish in another process that uploads its release (writing the
# manifest), says so, and waits before its switch
UPLOAD_THEN_WAIT = """
import sys, time
from datetime import datetime
from scripts.publish import releases, retention
from scripts.publish.targets import parse_target
target = parse_target(sys.argv[2])
keep = retention.Keep(publishes=1, days=1)
now = datetime.fromisoformat(sys.argv[3])
done = releases.upload(sys.argv[1], target, now, [], keep)
print(done.release, flush=True)
time.sleep(600)
releases.switch(target, done.release)
"""


def test_a_publish_killed_before_its_switch_over_ssh_lets_go_of_nothing_live(
    server, tmp_path, monkeypatch
):
    """A window of one publish and one day (publishes two days apart), over
    SSH. Publish A; publish B
    is SIGKILLed once its release and manifest are at the server, before its
    switch; publish C: the stylesheet A's live pages link is served through
    nginx while C uploads and after C went live."""
    sshd, nginx, root = server
    monkeypatch.setenv("BULLETIN_SSH_OPTIONS", sshd.options)
    to, out = sshd.target(root), tmp_path / "out"
    keep = retention.Keep(publishes=1, days=1)
    a = publish(root, out, "css-a", keep, START, to)
    b = make_site(out, "css-b")
    killed = subprocess.Popen(
        [
            sys.executable,
            "-c",
            UPLOAD_THEN_WAIT,
            str(out),
            to,
            (START + timedelta(days=2)).isoformat(),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert killed.stdout is not None
        uploaded = killed.stdout.readline().strip()
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
    finally:
        if killed.poll() is None:
            os.killpg(killed.pid, signal.SIGKILL)
    assert uploaded and (root / "releases" / uploaded / b).is_file()
    assert releases.read_state(parse_target(to)).current != uploaded
    assert live_stylesheets(root) == {a}
    assert retention.parse((root / retention.MANIFEST).read_text()).live == 1
    assert served(nginx, a) == (200, b"css-a")
    # C uploads: A's pages are still the live ones, with their stylesheet
    c = make_site(out, "css-c")
    target = parse_target(to)
    done = releases.upload(str(out), target, START + timedelta(days=4), [], keep)
    assert served(nginx, a) == (200, b"css-a")
    releases.switch(target, done.release)
    releases.prune(target, 5)
    # C went live: pages fetched before still find A's stylesheet
    assert {a, c} <= live_stylesheets(root)
    assert served(nginx, a) == (200, b"css-a")
    assert served(nginx, c) == (200, b"css-c")
    # (that it goes with the window after one more publish: the folder test)


def served(nginx, name: str) -> tuple[int, bytes]:
    status, _headers, body = nginx.get(f"/{name}")
    return status, body


def test_nothing_after_the_switch_needs_room_on_the_disk(tmp_path):
    """The manifest naming the new publish live is written before the
    switch and renamed over the old one with it: once the upload is done,
    the switch writes no file (a full disk, here a folder where a file must
    be written, fails nothing after `current` moved)."""
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    keep = retention.Keep(publishes=1, days=1)
    publish(root, out, "css-a", keep, START)
    make_site(out, "css-b")
    done = releases.upload(str(out), target, START + timedelta(days=2), [], keep)
    (root / f"{retention.MANIFEST}.new").mkdir()  # no file can be written there
    releases.switch(target, done.release)
    assert releases.read_state(target).current == done.release
    manifest = retention.parse((root / retention.MANIFEST).read_text())
    assert manifest.live_publish() == manifest.publishes == 2
    assert not (root / releases.LIVE_MANIFEST).exists()


def test_a_count_raised_by_hand_does_not_let_the_live_stylesheet_go():
    """`# publishes` and `# live` raised by hand (a manifest copied from
    another target, a typo) past every line's number: the live site's own
    stylesheet, unchanged for 40 days, still counts as linked now."""
    now = START + timedelta(days=40)
    css = "theme/css/site.aaaaaaaaaa.css"
    text = f"# publishes\t100\n# live\t100\n{css}\t{START.isoformat()}\t1\n# end\n"
    old = retention.parse(text)
    assert old.publishes == old.live_publish() == 1
    held = retention.plan(old, {css}, set(), now, retention.keep_setting({}))
    assert held.carried == [css] and held.manifest.seen[css] == retention.Seen(now, 1)


def test_an_old_asset_that_cannot_be_kept_stops_the_publish(tmp_path):
    """The carry step fails for an index part of the live site (its folder
    cannot be made, as on a full disk; here a file of the new site is in
    the way): the publish stops before the switch, instead of going live
    without the part while the manifest lists it as kept."""
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    keep = retention.Keep(publishes=1, days=1)
    part = "pagefind/2026/index/hi_aaaaaaa.pf_index"
    make_site(out, "css-a")
    (out / part).parent.mkdir(parents=True)
    (out / part).write_bytes(b"part")
    first = releases.upload(str(out), target, START, [], keep)
    releases.switch(target, first.release)
    make_site(out, "css-b")
    (out / "pagefind").mkdir()
    (out / "pagefind/2026").write_text("not a folder")
    with pytest.raises(TargetError, match="could not be kept") as stopped:
        releases.upload(str(out), target, START + timedelta(days=2), [], keep)
    assert part in str(stopped.value)
    assert releases.read_state(target).current == first.release


def test_search_index_part_names_are_short_content_hashes(tmp_path):
    """Why the search index's parts keep 5 minutes of cache, not a year:
    Pagefind names each part by its content (two builds of the same pages
    give the same names and bytes), but by the first 7 hex digits of the
    content's SHA-1 only, lengthened within one build on a clash. A clash
    settled one way in one build and the other way in the next (Pagefind's
    own source notes it), or a new part whose 7 digits match an old part
    kept for the window, puts other content under a name a phone or CDN
    already holds: with `immutable` for a year, a search would show another
    note. Should Pagefind ever name parts by the whole hash, this fails and
    the parts can be cached for a year like the stylesheet."""
    site = tmp_path / "site"
    for i in range(3):
        page = site / f"n{i}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<html lang="hi"><body><main data-pagefind-body><h1>खबर {i}</h1>'
            f"<p>थाने में बैठक {i}</p></main></body></html>",
            encoding="utf-8",
        )

    def build() -> dict[str, bytes]:
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        subprocess.run(
            [get_executable(), "--site", str(site), "--quiet"],
            check=True,
            capture_output=True,
        )
        return {
            p.relative_to(site).as_posix(): p.read_bytes()
            for p in (site / "pagefind").rglob("*.pf_*")
        }

    first, second = build(), build()
    assert first == second and len(first) >= 5
    for name, data in first.items():
        content = gzip.decompress(data).removeprefix(b"pagefind_dcd")
        digest = "".join(f"{b:x}" for b in hashlib.sha1(content).digest())
        short = re.search(r"hi_([0-9a-f]+)\.pf_", name)[1]
        assert digest.startswith(short), name
        if name.endswith((".pf_fragment", ".pf_index")):
            assert len(short) == 7, name
        assert retention.is_asset(name)


def test_a_manifest_from_another_target_does_not_let_the_live_stylesheet_go(
    tmp_path,
):
    """A whole manifest with lines for other stylesheets only (copied from
    another target or a backup): the stylesheet the live pages link still
    counts as linked now, with the default window."""
    root, out = tmp_path / "site", tmp_path / "out"
    keep = retention.keep_setting({})
    a = publish(root, out, "css-a", keep, START)
    other = "theme/css/site.0123456789.css"
    (root / retention.MANIFEST).write_text(
        f"# publishes\t50\n# live\t50\n{other}\t{START.isoformat()}\t50\n# end\n"
    )
    b = publish(root, out, "css-b", keep, START + timedelta(days=60))
    assert live_stylesheets(root) == {a, b}


def search_site(out: Path, css: str, words: str) -> set[str]:
    """A site of three note pages searched with a real Pagefind index in
    pagefind/2026/ (as the bulletin's yearly layout); its index parts."""
    make_site(out, css)
    for i in range(3):
        page = out / f"2026/10/n{i}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<html lang="hi"><body><main data-pagefind-body><h1>खबर {i}</h1>'
            f"<p>{words} {i}</p></main></body></html>",
            encoding="utf-8",
        )
    subprocess.run(
        [
            get_executable(),
            "--site",
            str(out),
            "--output-path",
            str(out / "pagefind/2026"),
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    return {
        p.relative_to(out).as_posix()
        for p in (out / "pagefind").rglob("*")
        if retention.is_asset(p.relative_to(out).as_posix())
    }


def live_files(root: Path) -> set[str]:
    live = (root / "current").resolve()
    return {p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file()}


def test_a_manifest_copied_by_hand_does_not_let_the_live_search_index_go(tmp_path):
    """A whole manifest with lines for another target's stylesheet and index
    parts only (copied by hand): the parts the live release's own index
    uses (its entry file's meta, and the parts that meta names) still count
    as linked now, read from the live release itself; parts only an older
    index used, carried into the live release, still go with the window."""
    root, out = tmp_path / "site", tmp_path / "out"
    target = parse_target(str(root))
    keep = retention.Keep(publishes=1, days=1)

    def publish_search(css: str, words: str, day: int) -> set[str]:
        parts = search_site(out, css, words)
        done = releases.upload(str(out), target, START + timedelta(days=day), [], keep)
        releases.switch(target, done.release)
        return parts

    first = publish_search("css-a", "थाने में बैठक", 0)
    assert len(first) >= 5 and first <= live_files(root)
    other = "pagefind/2026/index/hi_0123456.pf_index"
    (root / retention.MANIFEST).write_text(
        "# publishes\t50\n# live\t50\n"
        f"theme/css/site.0123456789.css\t{START.isoformat()}\t50\n"
        f"{other}\t{START.isoformat()}\t50\n# end\n"
    )
    second = publish_search("css-b", "चौकी पर शिविर", 2)
    assert first - second, "the new pages made no new index part"
    # a search page opened before this publish still finds every part
    assert first | second <= live_files(root)
    # two days and a publish later, only the second index's parts stay
    third = publish_search("css-c", "जुलूस और मेला", 4)
    assert second | third <= live_files(root)
    assert not (first - second - third) & live_files(root)
