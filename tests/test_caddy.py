"""The shipped Caddyfile, run by Debian's Caddy on loopback over a site
published to a local folder."""

from __future__ import annotations

import gzip
from urllib.parse import quote

import brotli
from loopback import raw_get, start_caddy, stop
from PIL import Image
from support import ROOT, new_content, note_text, search_script_path

from scripts.publish import publish

PUBLISH = str(ROOT / "publishconf.py")
HINDI_OLD = "नमली-में-यातायात-शिविर"
NOTES = {
    f"2026/10/n{i}.md": note_text(
        slug=f"khabar-{i}", title=f"थाने की खबर {i}", date=f"2026-10-{i:02d} 10:00"
    )
    for i in range(1, 4)
}


def test_caddy_serves_the_published_site(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    # a reporter's photo whose name looks like a preview image's
    photo = content / "images/2026/10/og-0123456789ab.png"
    photo.parent.mkdir(parents=True)
    Image.new("RGB", (640, 480), (200, 120, 40)).save(photo)
    (content / "notes/2026/10/n4.md").write_text(
        note_text(
            slug="khabar-4",
            title="थाने की खबर 4",
            date="2026-10-04 10:00",
            image="images/2026/10/og-0123456789ab.png",
            image_alt="शिविर में लोग",
        ),
        encoding="utf-8",
    )
    root = tmp_path / "www"
    settings = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "COMPRESS": {"enabled": True, "cache": str(tmp_path / "compressed")},
    }
    publish(PUBLISH, str(root), overrides=settings)
    (content / "notes/2026/10/n1.md").write_text(
        note_text(slug="naya-pata", title="थाने की खबर 1", date="2026-10-01 10:00")
    )
    (content / "notes/2026/10/n3.md").write_text(
        note_text(
            slug="khabar-3",
            title="थाने की खबर 3",
            date="2026-10-03 10:00",
            old_url="https://purana.example.org/?p=1700",
        )
    )
    # an old Hindi address, unencoded
    (content / "notes/2026/10/n2.md").write_text(
        note_text(
            slug="khabar-2",
            title="थाने की खबर 2",
            date="2026-10-02 10:00",
            old_url=f"https://purana.example.org/2019/05/{HINDI_OLD}/",
        )
    )
    publish(PUBLISH, str(root), overrides=settings)
    caddy = start_caddy(tmp_path / "caddy", root)
    try:
        plain = (root / "current/index.html").read_bytes()
        status, headers, body = caddy.get("/", {"Accept-Encoding": "br"})
        assert status == 200 and headers["Content-Encoding"] == "br"
        assert brotli.decompress(body) == plain
        assert headers["Cache-Control"] == "public, max-age=300"
        status, headers, body = caddy.get("/sitemap.xml", {"Accept-Encoding": "gzip"})
        assert gzip.decompress(body) == (root / "current/sitemap.xml").read_bytes()
        for path, kind in (
            ("/feeds/all.rss.xml", "application/rss+xml"),
            ("/feeds/all.atom.xml", "application/atom+xml"),
        ):
            status, headers, _ = caddy.get(path)
            assert status == 200 and headers["Content-Type"].startswith(kind)
            assert headers["Cache-Control"] == "public, max-age=600"
        og = next((root / "current").glob("2026/10/khabar-2/og-*.png"))  # a card
        headers = caddy.get(f"/2026/10/khabar-2/{og.name}")[1]
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        css = next((root / "current").glob("theme/css/site.*.css")).name
        assert f"/theme/css/{css}" in plain.decode()
        status, headers, _ = caddy.get(f"/theme/css/{css}")
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        search = (root / "current/khoj/index.html").read_text(encoding="utf-8")
        status, headers, _ = caddy.get(search_script_path(search))
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        for path in ("/pagefind/pagefind.js", "/pagefind/2026/pagefind-entry.json"):
            status, headers, _ = caddy.get(path)
            assert status == 200 and headers["Cache-Control"] == "no-cache", path
        part = next((root / "current").glob("pagefind/2026/index/*.pf_index"))
        status, headers, _ = caddy.get(f"/{part.relative_to(root / 'current')}")
        assert status == 200 and headers["Cache-Control"] == "public, max-age=300"
        # the logo and photos keep their names when they change: minutes
        for path in ("/theme/images/logo.png", "/images/2026/10/og-0123456789ab.png"):
            status, headers, _ = caddy.get(path)
            assert status == 200, path
            assert headers["Cache-Control"] == "public, max-age=300", path
        status, headers, _ = caddy.get("/2026/10/khabar-1/")
        assert status == 301 and headers["Location"] == "/2026/10/naya-pata/"
        for path in ("/?p=1700", "/?utm_source=whatsapp&p=1700"):
            status, headers, _ = caddy.get(path)
            assert status == 301, path
            assert headers["Location"] == "/2026/10/khabar-3/", path
        assert caddy.get("/?p=17001")[0] == 200
        hindi = f"/2019/05/{quote(HINDI_OLD)}/"
        for raw in (
            hindi.encode(),
            hindi.lower().encode(),
            f"/2019/05/{HINDI_OLD}/".encode(),
        ):
            status, location = raw_get(caddy.port, raw)
            assert status == 301, raw
            assert location == "/2026/10/khabar-2/", raw
        status, _, body = caddy.get("/nahin/hai/")
        assert status == 404 and "पृष्ठ नहीं मिला" in body.decode()
        assert caddy.get("/redirects.caddy")[0] == 404
    finally:
        stop(caddy.process)
