"""Precompressed .gz and .br copies written by a production build."""

from __future__ import annotations

import gzip
import os
import shutil

import brotli
from support import build_site, new_content, note_text

from plugins.compress.compress import (
    BIG_BYTES,
    BIG_QUALITY,
    brotli_bytes,
    compress_files,
    compress_output,
)
from plugins.core.files import file_digest


def test_build_writes_gz_and_br_beside_text_files(tmp_path):
    content = new_content(tmp_path, {"a/n.md": note_text()})
    output = tmp_path / "output"
    cache = tmp_path / "compressed"
    build_site(content, output, COMPRESS={"enabled": True, "cache": str(cache)})
    for rel in (
        "index.html",
        "2026/10/namli-yatayat-shivir/index.html",
        next(output.glob("theme/css/site.*.css")).relative_to(output).as_posix(),
        "sitemap.xml",
        "feeds/all.atom.xml",
    ):
        source = output / rel
        data = source.read_bytes()
        gz = source.with_name(source.name + ".gz")
        br = source.with_name(source.name + ".br")
        assert gzip.decompress(gz.read_bytes()) == data, rel
        assert brotli.decompress(br.read_bytes()) == data, rel
        assert len(br.read_bytes()) < len(data)
        # rsync compares times: a copy changes only when its file does
        assert gz.stat().st_mtime_ns == source.stat().st_mtime_ns
        assert br.stat().st_mtime_ns == source.stat().st_mtime_ns
    assert not list(output.rglob("*.jpg.gz")) and not list(output.rglob("*.gz.br"))


def test_development_builds_do_not_compress(tmp_path):
    output = tmp_path / "output"
    build_site(new_content(tmp_path, {"a/n.md": note_text()}), output)
    assert not list(output.rglob("*.gz")) and not list(output.rglob("*.br"))


def test_copies_are_made_once_and_are_the_same_bytes(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<p>नमस्ते</p>" * 100, encoding="utf-8")
    (site / "tiny.txt").write_text("x")
    cache = tmp_path / "cache"
    assert compress_output(site, cache, 256) == (1, 2)
    first = (site / "a.html.gz").read_bytes()
    os.utime(site / "a.html", ns=(0, 10**18))
    assert compress_output(site, cache, 256) == (1, 0)
    assert (site / "a.html.gz").read_bytes() == first
    assert (site / "a.html.gz").stat().st_mtime_ns == 10**18
    assert not (site / "tiny.txt.gz").exists()


def test_the_search_index_scripts_get_precompressed_copies(tmp_path):
    """Search writes its index when the build finishes, before compression:
    web servers then send pagefind.js compressed like the rest."""
    content = new_content(tmp_path, {"a/n.md": note_text()})
    output = tmp_path / "output"
    build_site(
        content,
        output,
        COMPRESS={"enabled": True, "cache": str(tmp_path / "compressed")},
        SEARCH={"index": True, "cache": str(tmp_path / "search")},
    )
    script = output / "pagefind" / "pagefind.js"
    assert script.is_file()
    gz = script.with_name("pagefind.js.gz")
    assert gzip.decompress(gz.read_bytes()) == script.read_bytes()


def test_the_files_a_build_wrote_are_compressed_alone_as_in_a_whole_pass(tmp_path):
    """A build that writes a few files (the fast path) makes their copies
    with the function a whole pass uses: the same bytes and times."""
    site = tmp_path / "site"
    (site / "x").mkdir(parents=True)
    (site / "a.html").write_text("<p>नमस्ते</p>" * 100, encoding="utf-8")
    (site / "x" / "b.xml").write_text("<a>रतलाम</a>" * 100, encoding="utf-8")
    (site / "x" / "photo.jpg").write_bytes(b"\xff" * 1000)
    whole = tmp_path / "whole"
    shutil.copytree(site, whole)
    cache = tmp_path / "cache"
    assert compress_output(whole, cache, 256) == (2, 4)
    written = [site / "x" / "b.xml", site / "x" / "photo.jpg"]
    assert compress_files(written, tmp_path / "other", 256) == (1, 2)
    assert not (site / "a.html.gz").exists() and not (site / "x/photo.jpg.gz").exists()
    for name in ("x/b.xml.gz", "x/b.xml.br"):
        assert (site / name).read_bytes() == (whole / name).read_bytes()
        assert (site / name).stat().st_mtime_ns == (site / "x/b.xml").stat().st_mtime_ns


def test_large_files_get_a_faster_brotli_cached_under_its_own_name(tmp_path):
    """Sitemaps and feeds (past BIG_BYTES) are compressed at BIG_QUALITY; a
    copy made at the best quality is never taken for them."""
    site = tmp_path / "site"
    site.mkdir()
    rows = "".join(f"<url><loc>https://x.org/{n}/खबर/</loc></url>" for n in range(9000))
    big = site / "sitemap.xml"
    big.write_text(f"<urlset>{rows}</urlset>", encoding="utf-8")
    small = site / "a.html"
    small.write_text("<p>नमस्ते</p>" * 100, encoding="utf-8")
    data = big.read_bytes()
    assert len(data) > BIG_BYTES >= small.stat().st_size
    cache = tmp_path / "cache"
    digest = file_digest(str(big))
    # a best-quality copy left by an older build under the plain name
    (cache / digest[:2]).mkdir(parents=True)
    (cache / digest[:2] / f"{digest}.br").write_bytes(brotli_bytes(b"old"))
    assert compress_output(site, cache, 256) == (2, 4)
    made = (site / "sitemap.xml.br").read_bytes()
    assert brotli.decompress(made) == data
    assert made == brotli.compress(data, quality=BIG_QUALITY)
    assert made != brotli.compress(data, quality=11)
    small_br = (site / "a.html.br").read_bytes()
    assert small_br == brotli.compress(small.read_bytes(), quality=11)
