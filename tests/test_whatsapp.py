"""WhatsApp on the built site: share links, link previews, the join page,
the group registry and the WHATSAPP setting.

Every wa.me link is decoded and read back; preview tags are read from the
page head as a link-preview crawler reads them, and og:image is fetched over
HTTP from the served site.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import shutil
import struct
import time
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse
from xml.etree import ElementTree as ET

import pytest
import segno
from bs4 import BeautifulSoup
from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings
from PIL import (
    Image,
    ImageChops,
    ImageColor,
    ImageDraw,
    ImageFont,
    ImageOps,
    ImageStat,
    features,
)
from support import ROOT, SETTINGS, build_site, new_content, note_text, read_html

from plugins.core.errors import BuildFailed, SettingError
from plugins.press_notes import registry_for
from plugins.whatsapp.glyphs import (
    DEVANAGARI_LINE,
    draw_line,
    freetype_face,
    harfbuzz_font,
    load_font,
    pixel,
    rendered,
    runs,
    script_runs,
    shaped_runs,
)
from plugins.whatsapp.groups import load_groups
from plugins.whatsapp.ledger import read_ledger
from plugins.whatsapp.message import (
    ELLIPSIS,
    TRAILING,
    DigestItem,
    cut_to_chars,
    digest_parts,
    note_message,
    shorten,
    wa_link,
)
from plugins.whatsapp.plan import batch_runs, offers_by_group
from plugins.whatsapp.preview import (
    ACCENT,
    BACKGROUND,
    BAR,
    LEVELS,
    LINE_HEIGHT,
    MARGIN,
    RUN_CHARS,
    SITE_SIZE,
    SIZE,
    TEXT,
    TITLE_BOTTOM,
    TITLE_SIZES,
    TITLE_TOP,
    Card,
    Crop,
    Lengths,
    crop_photo,
    draw_card,
    fit_title,
    render,
    title_lines,
    wrap,
)
from plugins.whatsapp.qr import cached_qr_code, qr_code, qr_svg

SITE_NAME = "रतलाम सामुदायिक बुलेटिन"
SHARE_LABEL = "व्हाट्सएप पर शेयर करें"
JOIN_TITLE = "अपने थाने के व्हाट्सएप ग्रुप से जुड़ें"
CANONICAL = "http://127.0.0.1:8000"
NOTE_PAGE = re.compile(r"^\d{4}/\d{2}/[^/]+/index\.html$")
FONT = "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Bold.ttf"
SMALL_FONT = "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf"
# stacks combining marks one above the other
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# Conjuncts, a reph, pre-base i-matras and nuktas: wrong without shaping.
CONJUNCT_TITLE = "क्षेत्रीय स्त्री सुरक्षा द्वितीय श्रृंखला प्रशिक्षण"
WORDS = {
    "read_more": "पूरी खबर पढ़ें",
    "new_notes": "{group} के लिए नई सूचनाएँ",
    "part": "(भाग {n}/{total})",
}


@pytest.fixture(scope="module")
def registry():
    return registry_for(read_settings(SETTINGS))


@pytest.fixture(scope="module")
def groups(registry):
    return load_groups(ROOT / "content" / "registry" / "groups.toml", registry)


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    """Every built page, parsed afresh (other modules alter the shared soups)."""
    return {
        str(p.relative_to(site)): read_html(p) for p in sorted(site.rglob("*.html"))
    }


def note_pages(pages) -> dict[str, BeautifulSoup]:
    return {p: s for p, s in pages.items() if NOTE_PAGE.match(p)}


def decoded(href: str) -> str:
    """The message a wa.me link opens WhatsApp with."""
    parsed = urlparse(href)
    assert parsed.scheme == "https" and parsed.netloc == "wa.me", href
    assert parsed.path == "/", href
    query = parse_qs(parsed.query, strict_parsing=True)
    assert list(query) == ["text"], href
    return query["text"][0]


def preview_tags(soup: BeautifulSoup) -> dict[str, str]:
    """<meta property|name=… content=…> in the head, as a crawler reads them."""
    tags = {}
    for meta in soup.head.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key and meta.has_attr("content"):
            tags.setdefault(key, meta["content"])
    return tags


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers.get("Content-Type", "")


# ---- share links on note pages ---------------------------------------------


def test_every_note_page_has_a_whatsapp_share_link(pages):
    pages = note_pages(pages)
    assert len(pages) >= 16
    for path, soup in pages.items():
        links = [a for a in soup.find_all("a") if SHARE_LABEL in a.get_text()]
        assert len(links) == 1, path
        link = links[0]
        assert link["href"].startswith("https://wa.me/?text="), path
        assert len(link["href"]) < 2000, path
        assert not link.find("img"), f"{path}: the icon is inline SVG, no image"
        assert link.find("svg"), path
        text = decoded(link["href"])
        title = soup.h1.get_text(" ", strip=True)
        canonical = soup.find("link", rel="canonical")["href"]
        assert f"*{title}*" in text, path
        assert canonical in text.split(), path
        assert canonical.isascii(), path
        assert SITE_NAME in text, path
        assert "पूरी खबर पढ़ें" in text, path


def test_share_summary_is_cut_at_a_word_with_an_ellipsis(pages):
    soup = pages["2026/11/bilpank-gram-nagar-raksha-samiti-baithak/index.html"]
    href = next(a["href"] for a in soup.find_all("a") if SHARE_LABEL in a.text)
    summary_line = decoded(href).split("\n")[1]
    assert summary_line.endswith(ELLIPSIS)
    words = summary_line.removesuffix(ELLIPSIS).split()
    full = soup.find("meta", property="og:description")["content"].split()
    assert words == full[: len(words)], "cut inside a word"
    assert 3 <= len(words) < len(full)


def test_every_wa_me_link_on_every_page_decodes_and_is_short(pages):
    count = 0
    for path, soup in pages.items():
        for a in soup.find_all("a", href=re.compile(r"^https://wa\.me/")):
            assert len(a["href"]) < 2000, path
            assert decoded(a["href"]).strip(), path
            count += 1
    assert count >= len(note_pages(pages))


def test_note_message_stays_under_the_limit_for_any_length():
    title = " ".join(["अंतरराष्ट्रीय"] * 60)
    summary = " ".join(["साइबर ठगी से बचाव के लिए जागरूकता"] * 40)
    for limit in (600, 1000, 2000):
        text = note_message(
            "*{title}*\n{summary}\n\n{read_more}: {url}\n— {site}",
            title=title,
            summary=summary,
            url="https://example.org/2026/11/a-long-slug/",
            site=SITE_NAME,
            words=WORDS,
            summary_max_chars=300,
            max_link_chars=limit,
        )
        assert len(wa_link(text)) < limit
        assert "https://example.org/2026/11/a-long-slug/" in text
        assert text.startswith("*अंतरराष्ट्रीय")


def test_an_iri_becomes_an_ascii_url():
    text = note_message(
        "{title} {url}",
        title="शीर्षक",
        summary="",
        url="https://उदाहरण.भारत/2026/11/नोट/",
        site=SITE_NAME,
        words=WORDS,
        summary_max_chars=100,
        max_link_chars=2000,
    )
    url = text.split()[-1]
    assert url.isascii() and url.startswith("https://xn--")


def test_shorten_keeps_whole_words():
    assert shorten("एक दो तीन चार", 2) == "एक दो…"
    assert shorten("एक दो, तीन", 2) == "एक दो…"
    assert shorten("एक दो", 5) == "एक दो"


# Text of every kind a share message holds: ASCII (every character, the
# unreserved ones among them), Devanagari, emoji, spaces and line breaks.
SHARE_TEXT = st.text(
    st.one_of(
        st.characters(max_codepoint=127),
        st.sampled_from("कखगि्ं।॥–—…₹"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=60,
)


@given(SHARE_TEXT)
def test_wa_link_encodes_as_urllib_quote_does(text):
    assert wa_link(text) == "https://wa.me/?text=" + quote(text, safe="")


def test_wa_link_encodes_every_ascii_character_as_urllib_quote_does():
    text = "".join(map(chr, range(128))) + "क a~b"
    assert wa_link(text) == "https://wa.me/?text=" + quote(text, safe="")


def test_wa_link_encodes_every_character_as_urllib_quote_does():
    """All of Unicode but the surrogates (which UTF-8 cannot hold: both
    raise UnicodeEncodeError) in one text.
    """
    text = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    assert wa_link(text) == "https://wa.me/?text=" + quote(text, safe="")
    with pytest.raises(UnicodeEncodeError):
        wa_link("a\ud800")


def cut_to_chars_word_by_word(text: str, limit: int) -> str:
    """cut_to_chars as it was first written: a word fewer at a time."""
    parts = text.split()
    if len(" ".join(parts)) <= limit:
        return " ".join(parts)
    words = len(parts)
    while words > 0 and len(shorten(text, words)) > limit:
        words -= 1
    return shorten(text, words)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["एक", "दो,", "तीन।", "—", "।", ",;", "a", "bcd"]),
            st.text(st.sampled_from(TRAILING + "कx"), min_size=1, max_size=4),
        ),
        max_size=20,
    ),
    st.integers(min_value=-2, max_value=40),
)
def test_cut_to_chars_keeps_the_most_words_that_fit(words, limit):
    # words of trailing punctuation alone are stripped with the space before
    # them: a word more never gives a shorter text
    text = " ".join(words)
    assert cut_to_chars(text, limit) == cut_to_chars_word_by_word(text, limit)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "एक दो तीन चार पाँच",
        "a b c d e f g h",
        "एक, — दो। — ; तीन, चार।",
        "a\u00a0b\tc\u2028d\ne  f",
        "बहुत-लंबा-शब्द-जो-सीमा-से-बड़ा-है छोटा",
        "छोटा बहुत-लंबा-शब्द-जो-सीमा-से-बड़ा-है",
        "— — a",
    ],
)
def test_cut_to_chars_keeps_the_most_words_that_fit_at_every_limit(text):
    # every limit, exactly at each cut's length and one either side of it
    for limit in range(-1, len(text) + 2):
        assert cut_to_chars(text, limit) == cut_to_chars_word_by_word(text, limit)


def test_a_long_digest_is_split_into_parts_each_under_the_limit():
    items = [
        DigestItem(
            f"नामली थाने में ग्राम रक्षा समिति की बैठक और सड़क सुरक्षा अभियान क्रमांक {i}",
            f"https://example.org/2026/11/namli-baithak-{i}/",
        )
        for i in range(30)
    ]
    parts = digest_parts(
        items,
        header="*{new_notes}*{part}\n{site}",
        item="▪ *{title}*\n{url}",
        group="नामली — ग्राम रक्षा समिति",
        site=SITE_NAME,
        words=WORDS,
        max_link_chars=2000,
    )
    assert len(parts) > 1
    seen = []
    for n, part in enumerate(parts, start=1):
        assert len(part.link) < 2000
        text = decoded(part.link)
        assert text == part.text
        assert f"(भाग {n}/{len(parts)})" in text.split("\n")[0]
        for item in part.items:
            assert f"*{item.title}*" in text and item.url in text
        seen += [i.url for i in part.items]
    assert seen == [i.url for i in items]


# ---- link previews ---------------------------------------------------------


def test_note_preview_tags_as_a_crawler_reads_them(pages, served):
    for path, soup in note_pages(pages).items():
        tags = preview_tags(soup)
        canonical = soup.find("link", rel="canonical")["href"]
        assert tags["og:type"] == "article", path
        assert tags["og:locale"] == "hi_IN", path
        assert tags["og:title"] == soup.h1.get_text(" ", strip=True), path
        assert tags["og:description"].strip(), path
        assert tags["og:url"] == canonical, path
        assert tags["og:image"].startswith(CANONICAL + "/"), path
        assert tags["og:image:alt"].strip(), path
        assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30", tags["article:published_time"]
        ), path
        assert tags["twitter:card"] == "summary_large_image", path
        # fetch the image as WhatsApp's crawler would (from the served site):
        # a photo's crop is a JPEG, a title card a PNG, and the tag says which
        image_path = urlparse(tags["og:image"]).path
        data, kind = fetch(served + image_path)
        suffix, expected = (".jpg", "JPEG") if soup.find("figure") else (".png", "PNG")
        assert image_path.endswith(suffix), path
        assert kind == tags["og:image:type"] == f"image/{expected.lower()}", path
        assert len(data) < 300_000, path
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == expected and im.size == (1200, 630), path


def test_a_card_opens_in_chromium_with_pillows_pixels(browser):
    """The palette PNG as a browser (Chromium, as WhatsApp's web and
    Android views) decodes it: 1200×630, opaque, the pixels Pillow reads.
    """
    data = render(Card(CONJUNCT_TITLE, SITE_NAME, FONT, SMALL_FONT), 300_000)
    with Image.open(io.BytesIO(data)) as im:
        assert (im.format, im.mode, im.size) == ("PNG", "P", SIZE)
        assert "transparency" not in im.info
        rgb = im.convert("RGB")
    points = [(x, y) for x in range(3, SIZE[0], 37) for y in range(2, SIZE[1], 23)]
    page = browser.new_page()
    try:
        page.set_content(
            '<img id="card" src="data:image/png;base64,'
            + base64.b64encode(data).decode()
            + '">'
        )
        page.wait_for_function("document.getElementById('card').complete")
        size, pixels = page.evaluate(
            """points => {
                const img = document.getElementById("card");
                const canvas = document.createElement("canvas");
                canvas.width = img.naturalWidth;
                canvas.height = img.naturalHeight;
                const context = canvas.getContext("2d");
                context.drawImage(img, 0, 0);
                const { width, height } = canvas;
                const data = context.getImageData(0, 0, width, height).data;
                return [
                    [img.naturalWidth, img.naturalHeight],
                    points.map(([x, y]) => {
                        const k = (y * canvas.width + x) * 4;
                        return [data[k], data[k + 1], data[k + 2], data[k + 3]];
                    }),
                ];
            }""",
            points,
        )
    finally:
        page.close()
    assert tuple(size) == SIZE
    assert {tuple(p[:3]) for p in pixels} != {rgb.getpixel(points[0])}  # text seen
    assert [tuple(p) for p in pixels] == [(*rgb.getpixel(q), 255) for q in points]


def test_a_photo_of_any_format_is_previewed_as_a_jpeg_crop(tmp_path):
    """A PNG (with transparency) or WEBP photo: its preview is the JPEG crop
    and the tags say so; a card's are a PNG's; each as big as its file.
    """
    notes, photos = {}, tmp_path / "photos"
    photos.mkdir()
    for i, name in enumerate(["photo.png", "photo.webp", "photo.jpg"]):
        Image.new("RGBA", (900, 700), (200, 120, 40, 128)).convert(
            "RGB" if name.endswith(".jpg") else "RGBA"
        ).save(photos / name)
        notes[f"2026/11/n{i}.md"] = note_text(
            title=f"नामली थाने में बैठक {i}",
            slug=f"baithak-{i}",
            date=f"2026-11-1{i} 10:30",
            image=f"images/{name}",
            image_alt="बैठक में लोग",
        )
    notes["2026/11/card.md"] = note_text(
        title="नामली थाने में शिविर", slug="shivir", date="2026-11-15 10:30"
    )
    content = new_content(tmp_path, notes)
    shutil.copytree(photos, content / "images", dirs_exist_ok=True)
    output = tmp_path / "output"
    build_site(content, output)
    slugs = {"baithak-0": "JPEG", "baithak-1": "JPEG", "baithak-2": "JPEG"}
    for slug, kind in {**slugs, "shivir": "PNG"}.items():
        tags = preview_tags(read_html(output / "2026" / "11" / slug / "index.html"))
        suffix = ".jpg" if kind == "JPEG" else ".png"
        assert tags["og:image"].endswith(suffix), slug
        assert tags["og:image:type"] == f"image/{kind.lower()}", slug
        with Image.open(output / urlparse(tags["og:image"]).path.lstrip("/")) as im:
            assert im.format == kind, slug
            assert "transparency" not in im.info and im.mode in ("RGB", "P"), slug
            size = (int(tags["og:image:width"]), int(tags["og:image:height"]))
            assert im.size == size == SIZE, slug


def test_a_16_bit_or_transparent_photo_keeps_its_picture_in_the_preview(tmp_path):
    """A 16-bit grey photo is scaled to 8 bits, not clipped to white; a
    photo's transparent parts are white, not the colour they hide (black).
    """
    grey = tmp_path / "grey16.png"
    Image.new("I;16", (900, 700), 30_000).save(grey)
    pixel = crop_photo(str(grey)).getpixel((600, 315))
    assert pixel == (117, 117, 117), pixel  # 30,000 / 256, not 255
    clear = tmp_path / "clear.png"
    photo = Image.new("RGBA", (900, 700), (0, 0, 0, 0))
    photo.paste((200, 30, 30, 255), (0, 0, 450, 700))
    photo.save(clear)
    crop = crop_photo(str(clear))
    assert crop.mode == "RGB"
    assert crop.getpixel((50, 315)) == (200, 30, 30)
    assert crop.getpixel((1150, 315)) == (255, 255, 255)


def test_a_note_photo_is_cropped_into_the_preview(site, pages):
    path = "2026/11/bilpank-gram-nagar-raksha-samiti-baithak/index.html"
    soup = pages[path]
    tags = preview_tags(soup)
    photo = ROOT / "content" / "images" / "2026" / "11" / "bilpank-baithak.jpg"
    with Image.open(photo) as im:
        expected = ImageOps.fit(im.convert("RGB"), SIZE).resize((120, 63))
    assert tags["og:image"].endswith(".jpg")
    assert tags["og:image:type"] == "image/jpeg"
    with Image.open(site / urlparse(tags["og:image"]).path.lstrip("/")) as im:
        assert im.format == "JPEG"
        got = im.convert("RGB").resize((120, 63))
    diff = ImageStat.Stat(ImageChops.difference(expected, got)).mean
    assert max(diff) < 8
    assert tags["og:image:alt"] == soup.find("figure").img["alt"]


def test_a_note_without_photo_gets_a_title_card(site, pages):
    path = "2026/11/kalukheda-dodachura-jabt/index.html"
    soup = pages[path]
    assert not soup.find("figure")
    tags = preview_tags(soup)
    assert tags["og:image"].endswith(".png")
    assert tags["og:image:type"] == "image/png"
    with Image.open(site / urlparse(tags["og:image"]).path.lstrip("/")) as im:
        assert (im.format, im.mode) == ("PNG", "P")
        palette = im.getpalette()
        colours = {tuple(palette[3 * i : 3 * i + 3]) for _, i in im.getcolors()}
        card = im.convert("RGB")
    # only colours of the two ramps, from the background to the text's
    # colour and to the accent's, and some of each ramp's brightest
    text, accent = ramps(TEXT), ramps(ACCENT)
    assert colours <= set(text) | set(accent)
    assert {text[-1], accent[-1], text[0]} <= colours
    background = Image.new("RGB", (1, 1), BACKGROUND).getpixel((0, 0))
    corner = card.getpixel((SIZE[0] - 10, SIZE[1] - 10))
    assert all(abs(a - b) < 12 for a, b in zip(corner, background, strict=True))
    title_box = card.crop((MARGIN, 80, SIZE[0] - MARGIN, 460))
    assert ImageStat.Stat(title_box.convert("L")).extrema[0][1] > 200  # white text
    assert soup.h1.get_text(" ", strip=True) in tags["og:image:alt"]


def test_the_cards_and_pillow_shape_devanagari():
    """The cards' HarfBuzz shaping and Pillow's raqm (the site's icon, and
    the design the cards are compared with) join conjuncts into single
    glyphs: much narrower text than unshaped, and the same length.
    """
    assert features.check("raqm"), "Pillow has no raqm: install libfribidi0"
    raqm = ImageFont.truetype(FONT, 60, layout_engine=ImageFont.Layout.RAQM)
    basic = ImageFont.truetype(FONT, 60, layout_engine=ImageFont.Layout.BASIC)
    unshaped = basic.getlength(CONJUNCT_TITLE)
    assert raqm.getlength(CONJUNCT_TITLE) < 0.85 * unshaped
    advance = sum(
        position.x_advance
        for buffer in shaped_runs(load_font(FONT, 60).hb_font, CONJUNCT_TITLE)
        for position in buffer.glyph_positions
    )
    assert advance / 64 == raqm.getlength(CONJUNCT_TITLE, language="hi")


def ink_width(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Width of the white text drawn inside `box` of a card."""
    region = image.crop(box).convert("L").point(lambda v: 255 if v > 160 else 0)
    bbox = region.getbbox()
    assert bbox, "no text drawn"
    return bbox[2] - bbox[0]


def test_the_card_draws_the_shaped_text():
    card = draw_card(Card(CONJUNCT_TITLE, SITE_NAME, FONT, SMALL_FONT))
    font, lines = fit_title(CONJUNCT_TITLE, FONT, SIZE[0] - 2 * MARGIN, 400)
    basic = ImageFont.truetype(FONT, font.size, layout_engine=ImageFont.Layout.BASIC)
    shaped = max(font.length(line) for line in lines)
    unshaped = max(basic.getlength(line) for line in lines)
    drawn = ink_width(card, (0, 60, SIZE[0], 470))
    assert abs(drawn - shaped) < 0.03 * shaped
    assert abs(drawn - unshaped) > 0.1 * unshaped


def test_long_titles_wrap_at_word_boundaries():
    title = (
        "पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में हुआ ग्राम / नगर रक्षा "
        "समितियों के साथ बैठक का आयोजन, जिले के सभी अनुभागों में जनसंवाद"
    )
    width = SIZE[0] - 2 * MARGIN
    font, lines = fit_title(title, FONT, width, 412)
    assert 2 <= len(lines) <= 4
    assert " ".join(lines) == title
    assert all(font.length(line) <= width for line in lines)
    assert wrap("एक", load_font(FONT, 40), 10) == ["एक"]


@pytest.mark.parametrize("text", ["_", "'", "\u0951", "_ ,", "' \"", "थाना", " ", ""])
def test_a_lines_ink_top_and_bottom_are_its_glyphs_own(text):
    """A line of ink only below the baseline (a low line) or only above it
    (a quote, a Vedic mark) reaches where its glyphs do: no bound is taken
    from the baseline; a line with no ink reaches nowhere.
    """
    font = load_font(FONT, 80)
    line = font.laid(text)
    tops = [y for _, _, y in line.glyphs]
    bottoms = [y + font.ink(gid).height for gid, _, y in line.glyphs]
    assert (line.top, line.bottom) == (min(tops, default=0), max(bottoms, default=0))
    if text == "_":
        assert line.top > 0  # below the baseline
    if text in ("'", "' \""):
        assert line.bottom < 0  # above it


def test_a_wrap_stops_once_the_lines_cannot_fit():
    title = " ".join(["जागरूकता शिविर"] * 12)
    font = load_font(FONT, 80)
    width = SIZE[0] - 2 * MARGIN
    whole = wrap(title, font, width)
    assert len(whole) > 3
    # the first lines as the whole wrap has them, then the next line's word
    assert wrap(title, font, width, most=2) == [*whole[:2], whole[2].split()[0]]
    assert wrap(title, font, width, most=0) == [whole[0], whole[1].split()[0]]
    assert wrap(title, font, width, most=len(whole)) == whole


# words of Devanagari syllables (conjuncts, vowel signs, nuktas, candrabindu,
# anusvara, visarga, a final virama), any Devanagari character, Latin letters,
# digits and a title's punctuation
CONSONANTS = st.characters(min_codepoint=0x0915, max_codepoint=0x0939)
SYLLABLES = st.builds(
    lambda first, nukta, more, sign, tail: (
        first + nukta + "".join("्" + c for c in more) + sign + tail
    ),
    CONSONANTS,
    st.sampled_from(["", "़"]),
    st.lists(CONSONANTS, max_size=2),
    st.sampled_from(["", "्", *map(chr, range(0x093E, 0x094D))]),
    st.sampled_from(["", "ँ", "ं", "ः"]),
)
WORD_CHARS = st.one_of(
    SYLLABLES,
    st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
    st.sampled_from([*"अआइईउऊएऐओऔ", *"abcxyzAVTW0123456789,.:;-–—/()'\"‘’“”…?!₹"]),
)
# and words of anything else too: Arabic (laid out right to left), emoji,
# zero-width joiners, a combining mark after a space
ANY_WORDS = st.lists(
    st.one_of(
        WORD_CHARS,
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(["\u200d", "\u200c", "😀", "ñ", "ß", "é"]),
    ),
    min_size=1,
    max_size=5,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_WORDS, min_size=1, max_size=30), st.sampled_from(TITLE_SIZES))
def test_a_wrap_breaks_made_up_titles_where_measuring_each_line_whole_does(words, size):
    font, width = load_font(FONT, size), SIZE[0] - 2 * MARGIN
    lines: list[str] = []
    for word in words:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.length(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    assert wrap(" ".join(words), font, width) == lines


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.one_of(
            st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
            st.sampled_from([*" \xa0!09?,.-–—‘’“”…₹()", *"\u0964\u0965"]),
        ),
        max_size=20,
    )
)
def test_a_line_of_devanagari_and_punctuation_is_one_run_as_found_char_by_char(text):
    """runs()' short cut for a title's usual line gives what going through
    it character by character gives (dandas and Vedic marks have no script
    of their own, like the digits and punctuation around them).
    """
    assert DEVANAGARI_LINE.fullmatch(text)
    assert runs(text) == script_runs(text)
    assert len(runs(text)) <= 1
    assert runs("Ratlam पुलिस") == [(0, 7, "Latn"), (7, 12, "Deva")]


def test_an_overlong_title_is_cut_with_an_ellipsis():
    title = " ".join(["जागरूकता"] * 80)
    font, lines = fit_title(title, FONT, SIZE[0] - 2 * MARGIN, 412)
    assert lines[-1].endswith("…")
    assert font.length(lines[-1]) <= SIZE[0] - 2 * MARGIN
    image = draw_card(Card(title, SITE_NAME, FONT, SMALL_FONT))
    assert image.size == SIZE


# one script; two by turns (each character a run of its own, shaped with
# the text around it as context)
@pytest.mark.parametrize("word", ["क" * 10_000, "W" * 10_000, "aक" * 5_000])
def test_a_title_of_one_very_long_word_is_cut_in_few_measurements(word):
    """A title of one 10,000-character word (nothing stops a note's title
    from being one) is cut to the box by a handful of measurements, not
    one a character (each shaping the whole rest of the word: over a
    minute of CPU a card).
    """
    title = f"जागरूकता {word}"
    width, height = SIZE[0] - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP
    start = time.process_time()
    font, lines = fit_title(title, FONT, width, height)
    assert time.process_time() - start < 5
    assert lines[-1].endswith(" …") and font.length(lines[-1]) <= width
    # the longest start of the word that fits (by one more character, not)
    cut = lines[-1].removesuffix(" …")
    assert word.startswith(cut) and cut
    assert font.length(word[: len(cut) + 1] + " …") > width
    left, top, right, bottom = title_pixels(
        Card(title, SITE_NAME, FONT, SMALL_FONT)
    ).getbbox()
    assert left >= MARGIN and right <= SIZE[0] - MARGIN, (left, right)
    assert top >= TITLE_TOP and bottom <= TITLE_BOTTOM, (top, bottom)


def test_a_card_font_replaced_between_builds_of_one_process_is_read_again(tmp_path):
    """`invoke serve` builds again in one process: a card font file
    replaced at its path between two builds (a package upgrade renames
    the new file over the old) gives its cards new cache keys, and they
    are drawn from the new file, title and site name, not from the glyphs
    and layer the process kept of the old one.
    """
    font, small = tmp_path / "card.ttf", tmp_path / "small.ttf"
    shutil.copy(FONT, font)
    shutil.copy(SMALL_FONT, small)
    card = Card(CONJUNCT_TITLE, SITE_NAME, str(font), str(small))
    before = render(card, 300_000)
    for path, new in ((font, SMALL_FONT), (small, FONT)):
        shutil.copy(new, tmp_path / "new.ttf")
        os.replace(tmp_path / "new.ttf", path)
    swapped = Card(CONJUNCT_TITLE, SITE_NAME, SMALL_FONT, FONT)
    assert render(swapped, 300_000) != before
    assert render(card, 300_000) == render(swapped, 300_000)


def title_pixels(card: Card) -> Image.Image:
    """The card's title as a mask: its lines where the card places them,
    drawn on a whole card's mask (a card draws only its title's box: ink
    placed past the box is cut there, and would not show on it), each
    pixel of some level of the text's ramp. The drawn card has these
    pixels of the text's ramp in the box (palette indices 1 to LEVELS - 1;
    0 is the background, the accent's come after), and none outside it.
    """
    font, lines, top = title_lines(card)
    ink = Image.new("L", SIZE, 0)
    for i, line in enumerate(lines):
        draw_line(ink, (MARGIN, top + i * round(font.size * LINE_HEIGHT)), font, line)
    placed = ink.point([255 if nearest_level(v) else 0 for v in range(256)])
    drawn = Image.frombytes("L", SIZE, draw_card(card).tobytes())
    shown = drawn.point([255 if 0 < i < LEVELS else 0 for i in range(256)])
    box = (0, TITLE_TOP, SIZE[0], TITLE_BOTTOM)
    assert shown.crop(box).tobytes() == placed.crop(box).tobytes(), card.title
    shown.paste(0, box)
    assert shown.getbbox() is None, card.title
    return placed


# words of anything a title may hold: Devanagari, Latin, digits and
# punctuation (WORD_CHARS), Arabic and Hebrew (right to left), emoji (a
# family joined by ZWJ among them), ZWJ and ZWNJ, and combining marks alone
RANDOM_WORDS = st.lists(
    st.one_of(
        WORD_CHARS,
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0x05D0, max_codepoint=0x05EA),
        st.sampled_from(["\u200d", "\u200c", "😀", "👨\u200d👩\u200d👧", "ñ", "₹"]),
        st.sampled_from(["\u0301", "\u0308", "\u093f", "\u094d", "\u0902", "\u0951"]),
        # Vedic marks drawn high above the line (past the font's ascender)
        st.sampled_from(["\ua8f0", "\ua8e8", "\u1cd0"]),
    ),
    min_size=1,
    max_size=6,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(ANY_WORDS, RANDOM_WORDS), min_size=1, max_size=12),
    st.sampled_from(TITLE_SIZES),
    st.sampled_from([FONT, DEJAVU]),
)
def test_a_titles_lines_cut_from_it_are_laid_as_each_line_shaped_alone(
    words, size, path
):
    """Every run of a title's words, as the fitting measures a line, is
    laid from the title shaped once (where HarfBuzz lets it be cut) as it
    is laid shaped alone: the same glyphs, placed alike, the same reach;
    asked longer and longer from each start (as a wrap does), and shorter
    and shorter.
    """
    font, title = load_font(path, size), " ".join(words)
    parts = [
        (first, last)
        for first in range(len(words))
        for last in range(first + 1, len(words) + 1)
    ]
    for order in (parts, parts[::-1]):
        lengths = Lengths(title)
        for first, last in order:
            line = " ".join(words[first:last])
            assert lengths.laid(font, line) == font.laid(line), (title, line)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(ANY_WORDS, RANDOM_WORDS), min_size=1, max_size=10),
    st.sampled_from(TITLE_SIZES),
    st.sampled_from([FONT, DEJAVU]),
    st.integers(min_value=1, max_value=80),
)
def test_a_titles_lines_cut_from_its_start_alone_are_laid_as_shaped_alone(
    words, size, path, start
):
    """A title's run shaped from its first `start` characters alone (as a
    long title's is, the cut anywhere, in a word too): its lines, and any
    run of its words, are laid as each shaped alone, those reaching past
    the start shaped alone.
    """
    font, title = load_font(path, size), " ".join(words)
    lengths = Lengths(title, start)
    for first in range(len(words)):
        for last in range(first + 1, len(words) + 1):
            line = " ".join(words[first:last])
            assert lengths.laid(font, line) == font.laid(line), (title, line)


def test_a_long_titles_run_is_shaped_from_its_start_not_whole():
    """A title of a whole text pasted as one (180,000 characters) is not
    shaped whole at each size its fitting tries, for the few lines a card
    shows: its run is its start, and its lines are laid as shaped alone.
    """
    title = " ".join(["जागरूकता"] * 20_000)
    card = Card(title, SITE_NAME, FONT, SMALL_FONT)
    lengths = Lengths(title)
    font, lines, _ = title_lines(card, lengths)
    assert len(lengths.runs) == len(TITLE_SIZES)
    for run in lengths.runs.values():
        assert run is not None
        assert len(run.scripted) - 1 <= RUN_CHARS  # the characters shaped
    for line in lines:
        assert lengths.laid(font, line) == font.laid(line)


def box_glyph(width: int, height: int):
    """A glyph of one box, `width` units wide (its sides 50 in) and
    `height` high."""
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, height))
    pen.lineTo((width - 50, height))
    pen.lineTo((width - 50, 0))
    pen.closePath()
    return pen.glyph()


def boxes_font(path: Path, features: str, letters: dict[int, str]) -> str:
    """A font of boxes (A tall, B short; glyph ids A 2, B 3) for the
    characters `letters` (a space too), with the OpenType `features`.
    """
    build = FontBuilder(1000, isTTF=True)
    build.setupGlyphOrder([".notdef", "space", "A", "B"])
    build.setupCharacterMap({0x20: "space"} | letters)
    build.setupGlyf(
        {
            ".notdef": box_glyph(500, 700),
            "space": TTGlyphPen(None).glyph(),
            "A": box_glyph(600, 700),
            "B": box_glyph(600, 300),
        }
    )
    build.setupHorizontalMetrics(
        {".notdef": (500, 50), "space": (250, 0), "A": (600, 50), "B": (600, 50)}
    )
    build.setupHorizontalHeader(ascent=800, descent=-200)
    build.setupNameTable({"familyName": "Boxes", "styleName": "Regular"})
    build.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    build.setupPost()
    addOpenTypeFeaturesFromString(build.font, features)
    build.save(str(path))
    return str(path)


def space_context_font(path: Path) -> str:
    """A font of boxes in which an A after a space is drawn as a B (a
    contextual alternate, `calt`, as a font may give a word's first
    letter): a line starting with that A, shaped alone, has no space
    before it and keeps its A.
    """
    features = "languagesystem DFLT dflt;\nfeature calt { sub space A' by B; } calt;\n"
    return boxes_font(path, features, {0x41: "A", 0x42: "B"})


def devanagari_digit_font(path: Path) -> str:
    """A font of boxes in which a digit one (an A, as क is) is drawn as a
    B in Devanagari text alone (its `ccmp` for the script dev2): a line
    of digits, shaped alone, is of no script and keeps its A.
    """
    features = (
        "languagesystem DFLT dflt;\nlanguagesystem dev2 dflt;\n"
        "feature ccmp { script dev2; sub A by B; } ccmp;\n"
    )
    return boxes_font(path, features, {0x31: "A", 0x915: "A"})


def test_a_letter_changed_by_the_space_before_it_is_laid_as_its_line_shapes_it(
    tmp_path,
):
    """Where HarfBuzz marks a cut unsafe (a glyph chosen by the space
    before it), the line starting there is shaped alone, not cut out of
    the title: its first A stays an A.
    """
    font = load_font(space_context_font(tmp_path / "context.ttf"), 80)
    assert [gid for gid, _, _ in font.laid("B A B").glyphs] == [3, 3, 3]
    lengths = Lengths("B A B")
    assert lengths.cut(font, "A B") is None
    line = lengths.laid(font, "A B")
    assert [gid for gid, _, _ in line.glyphs] == [2, 3]
    assert line == font.laid("A B")
    # the cut before the space is safe: the first word is cut out
    assert lengths.cut(font, "B") == font.laid("B")


def test_a_line_of_digits_in_a_hindi_title_is_laid_as_shaped_alone(tmp_path):
    """A line of a Hindi title with no character of a script (its
    digits) is shaped alone, of no script, not cut out of the title's
    Devanagari run: a font drawing digits otherwise in Devanagari text
    keeps them as they are there.
    """
    font = load_font(devanagari_digit_font(tmp_path / "digits.ttf"), 80)
    assert [gid for gid, _, _ in font.laid("क 1").glyphs] == [3, 3]
    lengths = Lengths("क 1 1")
    for line in ("1", "1 1", "क 1"):
        assert lengths.laid(font, line) == font.laid(line), line
    assert [gid for gid, _, _ in lengths.laid(font, "1 1").glyphs] == [2, 2]


def test_a_plain_titles_lines_are_cut_from_it_and_a_mark_after_a_space_is_not():
    """The lines of a title of Devanagari words are cut out of the title
    shaped once (the property above is not met by shaping every line
    again); a word starting with a mark (a cluster with the space before
    it) or a line of no script of its own (digits in a Hindi title) is
    shaped alone.
    """
    title = "थाना बिलपांक में ग्राम रक्षा समिति 2026 12"
    font = load_font(FONT, 80)
    lengths, words = Lengths(title), title.split()
    for first in range(len(words) - 2):
        for last in range(first + 1, len(words) - 1):
            assert lengths.cut(font, " ".join(words[first:last])) is not None
    assert lengths.cut(font, "2026 12") is None
    assert lengths.cut(font, "समिति 2026") is not None
    assert lengths.cut(font, "बिलपां") is None  # not the title's whole words
    marked = Lengths("क \u093fख ग")
    assert marked.cut(font, "क") is not None
    assert marked.cut(font, "\u093fख") is marked.cut(font, "\u093fख ग") is None


@settings(max_examples=150, deadline=None)
@given(st.lists(RANDOM_WORDS, min_size=1, max_size=25))
def test_any_title_is_drawn_in_its_box_as_long_as_it_is_measured(words):
    """A title of anything: the card is drawn, its title's ink stays in
    the title's box across (a glyph drawing past its advance, a mark alone
    left of its pen, counts in its line's length) and down, and each line is as
    long as it is drawn (laid out again from scratch) and fits the box.
    """
    title = " ".join(words)
    card = Card(title, SITE_NAME, FONT, SMALL_FONT)
    ink = title_pixels(card).getbbox()
    if ink is not None:
        assert ink[0] >= MARGIN and ink[2] <= SIZE[0] - MARGIN, (ink, title)
        assert ink[1] >= TITLE_TOP and ink[3] <= TITLE_BOTTOM, (ink, title)
    width, height = SIZE[0] - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP
    font, lines = fit_title(title, FONT, width, height)
    for line in lines:
        assert font.length(line) == plain_length(FONT, font.size, line) <= width
        mask = Image.new("L", (2 * SIZE[0], 2 * font.size), 0)
        draw_line(mask, (SIZE[0] // 2, 0), font, line)
        drawn = mask.getbbox()
        if drawn is not None:
            assert drawn[0] >= SIZE[0] // 2, line
            assert drawn[2] <= SIZE[0] // 2 + font.length(line), line


@pytest.mark.parametrize(
    "title",
    [
        # a Vedic mark drawn past the font's ascender on the first line
        "क꣰꣱ " + " ".join(["जागरूकता"] * 12),
        # on every line of the most lines the smallest size takes
        " ".join(["क꣰\u1cd0"] * 60),
        # alone: one line, centred
        "क꣰ जागरूकता",
    ],
)
def test_a_title_s_marks_drawn_above_the_line_stay_in_the_title_box(title):
    """The lines are placed by their ink where it reaches past a line's
    height, and fewer or smaller when it does not fit: the title's ink
    stays between TITLE_TOP and TITLE_BOTTOM.
    """
    left, top, right, bottom = title_pixels(
        Card(title, SITE_NAME, FONT, SMALL_FONT)
    ).getbbox()
    assert left >= MARGIN and right <= SIZE[0] - MARGIN, (left, right)
    assert top >= TITLE_TOP and bottom <= TITLE_BOTTOM, (top, bottom)


URL = "https://cybercrime.gov.in/Webform/Crime_OnlineSafetyTips.aspx"


@pytest.mark.parametrize(
    "title",
    [
        # a word longer than the box in the middle of a title: its line
        # ends the card's title, cut with …, not drawn past the card's edge
        f"साइबर ठगी से बचें: {URL} पर शिकायत करें",
        f"साइबर ठगी से बचें: {URL} {URL} पर शिकायत करें",
        f"जागरूकता {'W' * 60} शिविर",
        "ऑनलाइन " + "सुरक्षा" * 30 + " जागरूकता",
    ],
)
def test_a_card_title_with_a_word_wider_than_the_card_stays_in_its_box(title):
    card = Card(title, SITE_NAME, FONT, SMALL_FONT)
    left, top, right, bottom = title_pixels(card).getbbox()
    assert left >= MARGIN and right <= SIZE[0] - MARGIN, (left, right)
    assert top >= TITLE_TOP and bottom <= TITLE_BOTTOM, (top, bottom)
    width, height = SIZE[0] - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP
    font, lines = fit_title(title, FONT, width, height)
    assert lines[-1].endswith(" …")
    assert all(font.length(x) <= width for x in lines)
    # the lines are the title's start, the last one cut
    joined = " ".join(lines).removesuffix(" …")
    assert " ".join(title.split()).startswith(joined)


def ramps(end: str) -> list[tuple[int, ...]]:
    """The design's ramp: LEVELS colours evenly from the background to `end`."""
    a, b = ImageColor.getrgb(BACKGROUND), ImageColor.getrgb(end)
    return [
        tuple(round(x + (y - x) * k / (LEVELS - 1)) for x, y in zip(a, b, strict=True))
        for k in range(LEVELS)
    ]


def plain_line(font_path: str, size: int, text: str):
    """The line laid out without the card code's cache: shaped whole, each
    glyph loaded and rendered again; each inked glyph's bitmap and its
    corner from the line's origin on the baseline (the pen rounded to whole
    pixels), and the line's leftmost and rightmost reach (its ink, its
    start, its advance).
    """
    face = freetype_face(font_path, size)
    glyphs, left, pen, right = [], 0, 0, 0
    for buffer in shaped_runs(harfbuzz_font(font_path, face), text):
        for info, position in zip(
            buffer.glyph_infos, buffer.glyph_positions, strict=True
        ):
            glyph = rendered(face, info.codepoint)
            if glyph.image is not None:
                x = pixel(pen + position.x_offset) + glyph.left
                y = -pixel(position.y_offset) - glyph.top
                glyphs.append((glyph.image, x, y))
                left, right = min(left, x), max(right, x + glyph.image.width)
            pen += position.x_advance
    return glyphs, left, max(right, pen / 64), pixel(face.size.ascender)


def plain_length(font_path: str, size: int, text: str) -> float:
    """The line's length: from its leftmost reach to its rightmost."""
    _, left, right, _ = plain_line(font_path, size, text)
    return right - left


def plain_text(mask: Image.Image, xy, font_path: str, size: int, text: str):
    """The line on the coverage `mask` from its leftmost reach at `xy`
    (its baseline the font's ascender lower), each glyph laid on a blank
    card and joined to the mask by the larger coverage.
    """
    glyphs, left, _, ascender = plain_line(font_path, size, text)
    for image, x, y in glyphs:
        layer = Image.new("L", mask.size, 0)
        layer.paste(image, (xy[0] - left + x, xy[1] + ascender + y))
        mask.paste(ImageChops.lighter(mask, layer))


def draw_plainly(card: Card, title: Image.Image, accent: Image.Image):
    """The card's design drawn without the card code's shortcuts: every
    length measured when asked (each candidate line shaped whole), the
    site name drawn on each card, every glyph rendered where it is drawn;
    the title's coverage on `title`, the accent's parts (bar, rule, site
    name) on `accent`.
    """
    width = SIZE[0] - 2 * MARGIN
    site_top = SIZE[1] - MARGIN - SITE_SIZE
    rule_top = site_top - 28
    box_top, box_bottom = BAR + 46, rule_top - 24

    for size in TITLE_SIZES:
        lines: list[str] = []
        for word in card.title.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and plain_length(card.font, size, candidate) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        step = round(size * LINE_HEIGHT)
        if step * len(lines) <= box_bottom - box_top and all(
            plain_length(card.font, size, line) <= width for line in lines
        ):
            break
    else:
        lines = lines[: max(1, (box_bottom - box_top) // step)]
        # the first line wider than the box is the last one, cut
        for i, line in enumerate(lines):
            if plain_length(card.font, size, line) > width:
                lines = lines[: i + 1]
                break
        last = lines[-1]
        while last and plain_length(card.font, size, last + " …") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = f"{last} …"
    top = box_top + (box_bottom - box_top - step * len(lines)) // 2
    for i, text in enumerate(lines):
        plain_text(title, (MARGIN, top + i * step), card.font, size, text)
    draw = ImageDraw.Draw(accent)
    draw.rectangle((0, 0, SIZE[0], BAR), fill=255)
    draw.rectangle((MARGIN, rule_top, MARGIN + 96, rule_top + 6), fill=255)
    plain_text(accent, (MARGIN, site_top - 6), card.small_font, SITE_SIZE, card.site)


def card_drawn_in_rgb(card: Card) -> Image.Image:
    """The design drawn in full colour: each coverage blended from the
    background to its colour as Pillow blends through a mask, the accent's
    parts over the title.
    """
    title, accent = Image.new("L", SIZE, 0), Image.new("L", SIZE, 0)
    draw_plainly(card, title, accent)
    image = Image.new("RGB", SIZE, BACKGROUND)
    image.paste(TEXT, mask=title)
    image.paste(ACCENT, mask=accent)
    return image


def nearest_level(coverage: int) -> int:
    return min(range(LEVELS), key=lambda k: abs(k * 255 / (LEVELS - 1) - coverage))


def card_drawn_plainly(card: Card) -> Image.Image:
    """The design drawn as two coverage masks (the title's, the accent's),
    each pixel given the colour of the nearest level of its ramp: the
    accent's where it has any, else the title's.
    """
    title, accent = Image.new("L", SIZE, 0), Image.new("L", SIZE, 0)
    draw_plainly(card, title, accent)
    text_ramp, accent_ramp = ramps(TEXT), ramps(ACCENT)

    def coloured(mask: Image.Image, ramp: list[tuple[int, ...]]) -> Image.Image:
        bands = (
            mask.point([ramp[nearest_level(v)][c] for v in range(256)])
            for c in range(3)
        )
        return Image.merge("RGB", tuple(bands))

    has_accent = accent.point([255 if nearest_level(v) else 0 for v in range(256)])
    return Image.composite(
        coloured(accent, accent_ramp), coloured(title, text_ramp), has_accent
    )


def sample_titles() -> list[str]:
    """Every note title of content/, and every line of the sample news
    page (its headline, and paragraphs long enough to be cut with …).
    """
    titles = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        found = re.search(r"(?mi)^title:(.+)$", path.read_text(encoding="utf-8"))
        titles += [found[1].strip()] if found else []
    sample = Path(__file__).parent / "fixtures" / "bilpank-meeting-kismat-news.txt"
    lines = sample.read_text(encoding="utf-8").splitlines()
    return titles + [t.strip("* ") for t in lines if t.strip("* ")]


CARD_TITLES = [
    (CONJUNCT_TITLE, SITE_NAME),
    ("नामली थाने में यातायात जागरूकता शिविर, विद्यार्थियों को दी जानकारी", "बुलेटिन"),
    (
        (
            "पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में हुआ ग्राम / नगर रक्षा "
            "समितियों के साथ बैठक का आयोजन, जिले के सभी अनुभागों में जनसंवाद"
        ),
        "Ratlam Police समाचार — रतलाम जिला",
    ),
    (" ".join(["जागरूकता"] * 80), SITE_NAME),
    (f"साइबर ठगी से बचें: {URL} पर शिकायत करें", SITE_NAME),
    ("एक", ""),
]


@pytest.mark.parametrize(("title", "site"), CARD_TITLES)
def test_a_card_has_the_pixels_of_one_drawn_plainly(title, site):
    card = Card(title, site, FONT, SMALL_FONT)
    drawn = draw_card(card)
    assert drawn.mode == "P"
    assert drawn.convert("RGB").tobytes() == card_drawn_plainly(card).tobytes()


def test_every_sample_title_card_has_the_pixels_of_one_drawn_plainly():
    titles = sample_titles()
    assert len(titles) > 20
    for title in titles:
        card = Card(title, SITE_NAME, FONT, SMALL_FONT)
        plain = card_drawn_plainly(card).tobytes()
        assert draw_card(card).convert("RGB").tobytes() == plain, title


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG file, each chunk's CRC checked, its image
    data's zlib stream read whole (its checksum checked).
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, at, idat = [], 8, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        kinds.append(kind)
        idat += body if kind == b"IDAT" else b""
        at += 12 + length
    assert len(zlib.decompress(idat)) == (SIZE[0] + 1) * SIZE[1]
    return kinds


def png_pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as png:
        assert (png.format, png.mode, png.size) == ("PNG", "P", SIZE)
        return png.convert("RGB").tobytes()


@pytest.mark.parametrize(("title", "site"), CARD_TITLES)
def test_a_card_file_has_the_pixels_of_one_drawn_plainly(title, site):
    """The file a card is written as: a palette PNG whose chunks and
    image data check, with the design's pixels.
    """
    card = Card(title, site, FONT, SMALL_FONT)
    data = render(card, 300_000)
    assert png_chunks(data) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    assert png_pixels(data) == card_drawn_plainly(card).tobytes()


def test_a_site_name_drawn_into_the_title_box_lies_over_the_title():
    """A site name whose marks stack up into the title's box (a font that
    stacks them): the accent is drawn over the title there, as everywhere.
    """
    card = Card(" ".join(["जागरूकता"] * 80), "a" + "\u0301" * 20, FONT, DEJAVU)
    drawn = draw_card(card)
    indices = Image.frombytes("L", SIZE, drawn.tobytes())
    box = indices.crop((0, TITLE_TOP, SIZE[0], TITLE_BOTTOM))
    assert box.point([255 if i >= LEVELS else 0 for i in range(256)]).getbbox()
    plain = card_drawn_plainly(card).tobytes()
    assert drawn.convert("RGB").tobytes() == plain
    assert png_pixels(render(card, 300_000)) == plain


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.binary(max_size=70_000), st.integers(0, 2**32 - 1))
def test_adler32_combine_is_the_adler32_of_the_two_one_after_the_other(a, b, start):
    """Lengths past Adler-32's modulus (65521) included, from any start."""
    from plugins.whatsapp.preview import adler32_combine

    first = zlib.adler32(a, start)
    assert adler32_combine(first, zlib.adler32(b), len(b)) == zlib.adler32(a + b, start)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.binary(max_size=5000), min_size=3, max_size=3),
    st.lists(st.integers(0, 40), min_size=2, max_size=2),
    st.booleans(),
)
def test_a_stream_of_parts_unpacks_as_the_parts_one_after_the_other(parts, blank, same):
    """A card's zlib stream made of parts deflated apart, the first and last
    kept from an earlier card (the same bytes again, or other parts), the
    blank rows kept from an earlier card with as many (or none): any zlib
    unpacks it, its check included, as the parts joined.
    """
    from plugins.whatsapp.preview import ROW, Scanlines, parted_stream

    above, ink, below = parts
    before, after = blank
    earlier = (
        Scanlines(above, after, b"x" * 99, before, below)
        if same
        else Scanlines(below, before, ink, after, above)
    )
    assert zlib.decompress(parted_stream(earlier)) == b"".join(earlier.parts())
    made = parted_stream(Scanlines(above, before, bytearray(ink), after, below))
    assert zlib.decompress(made) == (
        above + bytes(ROW * before) + ink + bytes(ROW * after) + below
    )
    assert made[:2] == zlib.compress(b"", 2)[:2]  # the header zlib writes too


def test_a_card_over_the_limit_at_the_fast_level_is_compressed_harder():
    card = Card(CONJUNCT_TITLE, SITE_NAME, FONT, SMALL_FONT)
    fast = render(card, 300_000)
    harder = render(card, len(fast))
    assert len(harder) < len(fast)
    assert png_chunks(harder) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    assert png_pixels(harder) == png_pixels(fast)
    assert png_pixels(fast) == card_drawn_plainly(card).tobytes()


def test_every_sample_title_keeps_the_design_pillow_drew():
    """Every title of content/ and of the sample page, at the size it
    fits: each line drawn by the cards' engine from the origin Pillow's
    raqm drawing of it had (the engine starts a line at its leftmost ink,
    at most 2 px further left) has Pillow's ink box (within a pixel; none
    differed when measured) and nearly its pixels: a mean difference over
    the box under 0.1 of 255 (0.04 when measured; FreeType 2.13 here and
    Pillow's 2.14 hint a few pixels apart). Each line fits the box by
    Pillow's measure too.
    """
    width, height = SIZE[0] - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP
    for title in sample_titles():
        font, lines = fit_title(title, FONT, width, height)
        pil = ImageFont.truetype(FONT, font.size, layout_engine=ImageFont.Layout.RAQM)
        for line in lines:
            assert pil.getlength(line, language="hi") <= width, line
            left = font.laid(line).left
            assert -2 <= left <= 0, line
            ours, theirs = (Image.new("L", (width + 200, 2 * font.size)) for _ in "ab")
            draw_line(ours, (50 + left, 0), font, line)
            ImageDraw.Draw(theirs).text(
                (50, 0), line, font=pil, fill=255, language="hi"
            )
            box, pillows = ours.getbbox(), theirs.getbbox()
            assert max(abs(a - b) for a, b in zip(box, pillows, strict=True)) <= 1
            union = (*map(min, box[:2], pillows[:2]), *map(max, box[2:], pillows[2:]))
            difference = ImageChops.difference(ours, theirs).crop(union)
            area = (union[2] - union[0]) * (union[3] - union[1])
            assert ImageStat.Stat(difference).sum[0] / area < 0.1, line


@pytest.mark.parametrize(("title", "site"), CARD_TITLES)
def test_a_card_is_within_half_a_ramp_step_of_the_design_in_full_colour(title, site):
    """The palette's levels change each blended pixel by at most half the
    step between two levels of its ramp (and Pillow's rounding).
    """
    card = Card(title, site, FONT, SMALL_FONT)
    spans = [
        abs(a - b)
        for end in (TEXT, ACCENT)
        for a, b in zip(
            ImageColor.getrgb(BACKGROUND), ImageColor.getrgb(end), strict=True
        )
    ]
    bound = max(spans) / (LEVELS - 1) / 2 + 1
    difference = ImageChops.difference(
        draw_card(card).convert("RGB"), card_drawn_in_rgb(card)
    )
    assert max(high for _, high in difference.getextrema()) <= bound


@pytest.mark.parametrize("kind", ["card", "photo"])
def test_a_preview_image_over_the_size_limit_is_an_error(kind, tmp_path):
    if kind == "card":
        source: Card | Crop = Card(CONJUNCT_TITLE, SITE_NAME, FONT, SMALL_FONT)
        named = CONJUNCT_TITLE
    else:
        photo = next((ROOT / "content" / "images").rglob("*.jpg"))
        source = Crop(str(photo))
        named = photo.name
    assert len(render(source, 300_000)) > 10_000
    with pytest.raises(SettingError) as e:
        render(source, 9000)
    assert 'WHATSAPP["image_max_bytes"]' in str(e.value) and "9000" in str(e.value)
    assert named in str(e.value)


def test_a_grainy_photo_over_the_lowest_size_limit_stops_the_build_naming_both(
    tmp_path,
):
    """The least image_max_bytes the settings take (50,000) is less than a
    grainy photo's crop at the lowest quality: the build stops saying which
    photo and which setting, and writes no output and no cache file.
    """
    note = note_text(image="images/shor.jpg", image_alt="भीड़")
    content = new_content(tmp_path, {"2026/11/shor.md": note})
    (content / "images").mkdir()
    grain = Image.effect_noise((1200, 630), 120).convert("RGB")
    grain.save(content / "images" / "shor.jpg", quality=95)
    cache, output = tmp_path / "og-cache", tmp_path / "output"
    whatsapp = {"image_cache": str(cache), "image_max_bytes": 50_000}
    with pytest.raises(BuildFailed) as e:
        build_site(content, output, WHATSAPP=whatsapp)
    message = str(e.value)
    assert isinstance(e.value.__cause__, SettingError), message
    assert 'WHATSAPP["image_max_bytes"]' in message and "50000" in message
    assert "images/shor.jpg" in message
    assert not output.exists()
    assert not [p for p in cache.rglob("*") if p.suffix in (".jpg", ".png")]


def test_preview_images_are_made_once_and_reused(tmp_path, caplog):
    notes = {
        f"2026/11/note-{i}.md": note_text(
            title=f"नामली थाने में यातायात जागरूकता शिविर क्रमांक {i}",
            slug=f"namli-shivir-{i}",
            date=f"2026-11-{10 + i} 10:30",
        )
        for i in range(3)
    }
    content = new_content(tmp_path, notes)
    cache = tmp_path / "og-cache"
    settings = {"WHATSAPP": {"image_cache": str(cache)}}

    def build_and_count(output: Path) -> tuple[int, int]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="plugins.whatsapp"):
            build_site(content, output, **settings)
        found = re.findall(r"preview images: (\d+) made, (\d+) reused", caplog.text)
        assert len(found) == 1
        return int(found[0][0]), int(found[0][1])

    assert build_and_count(tmp_path / "out1") == (4, 0)  # 3 notes + join page
    files = {p: p.stat().st_mtime_ns for p in cache.rglob("*.png")}
    assert len(files) == 4 and not list(cache.rglob("*.jpg"))  # four cards
    assert build_and_count(tmp_path / "out2") == (0, 4)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.png")} == files
    page = read_html(
        tmp_path / "out2" / "2026" / "11" / "namli-shivir-1" / "index.html"
    )
    og = urlparse(preview_tags(page)["og:image"]).path.lstrip("/")
    assert (tmp_path / "out2" / og).stat().st_size > 10_000
    # a corrected title makes exactly one new card
    path = content / "notes" / "2026" / "11" / "note-1.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("क्रमांक 1", "क्रमांक एक"),
        encoding="utf-8",
    )
    assert build_and_count(tmp_path / "out3") == (1, 3)


# ---- join page and footer --------------------------------------------------


def test_join_page_lists_every_station_with_its_groups(site, pages, registry):
    soup = pages["whatsapp/index.html"]
    assert soup.h1.get_text(strip=True) == JOIN_TITLE
    groups = load_groups(ROOT / "content" / "registry" / "groups.toml", registry)
    for thana in registry.thanas:
        section = soup.find("section", id=thana.slug)
        assert section, thana.name
        assert thana.name in section.h3.get_text()
        expected = [g for g in groups if thana.slug in g.thana_slugs]
        assert expected, f"{thana.name} has no group"
        links = [a["href"] for a in section.find_all("a", class_="wa")]
        assert links == [g.invite for g in expected]
        for group, img in zip(expected, section.find_all("img"), strict=True):
            svg = site / img["src"].lstrip("/")
            assert svg.read_bytes() == qr_svg(group.invite, group.name)
            root = ET.fromstring(svg.read_bytes())
            assert root.get("width") == img["width"] == img["height"]
            assert group.name in img["alt"]
    tags = preview_tags(soup)
    assert tags["og:url"] == f"{CANONICAL}/whatsapp/"
    assert (site / urlparse(tags["og:image"]).path.lstrip("/")).is_file()


def test_a_qr_code_is_made_once_and_kept_for_later_builds(tmp_path):
    link, title = "https://chat.whatsapp.com/AbCdEf123", "आलोट समाचार"
    path, width = cached_qr_code(link, title, tmp_path)
    assert (path.read_bytes(), width) == qr_code(link, title)
    made = path.stat()
    os.utime(path, ns=(made.st_atime_ns, made.st_mtime_ns - 10**9))
    again, width_again = cached_qr_code(link, title, tmp_path)
    assert (again, width_again) == (path, width)
    assert again.stat().st_mtime_ns == made.st_mtime_ns - 10**9  # not made again
    other, _ = cached_qr_code(link, "दूसरा समूह", tmp_path)
    assert other != path and other.read_bytes() == qr_svg(link, "दूसरा समूह")


def test_a_qr_code_drawn_another_way_is_not_taken_from_the_cache(tmp_path, monkeypatch):
    from plugins.whatsapp import qr

    link, title = "https://chat.whatsapp.com/AbCdEf123", "आलोट समाचार"
    kept, _ = cached_qr_code(link, title, tmp_path)

    def qr_code(link: str, title: str = "") -> tuple[bytes, int]:
        code = segno.make(link, error="h", micro=False)  # another error level
        buffer = io.BytesIO()
        code.save(buffer, kind="svg", scale=qr.SCALE, border=qr.BORDER)
        return buffer.getvalue(), int(code.symbol_size(qr.SCALE, qr.BORDER)[0])

    monkeypatch.setattr(qr, "qr_code", qr_code)
    drawn, width = cached_qr_code(link, title, tmp_path)
    assert drawn != kept and (drawn.read_bytes(), width) == qr_code(link, title)


def test_every_page_links_to_the_join_page(pages):
    for path, soup in pages.items():
        foot = soup.find("footer")
        assert foot.find("a", href="/whatsapp/"), path


def test_the_admin_page_shows_the_ledger_batch_and_is_not_indexed(pages, groups):
    soup = pages["share/index.html"]
    assert soup.find("meta", attrs={"name": "robots", "content": "noindex"})
    assert soup.h1.get_text(strip=True) == "ग्रुप एडमिन के लिए व्हाट्सएप संदेश"
    state = read_ledger(ROOT / "content" / "registry" / "share-ledger.tsv")
    offers = offers_by_group(batch_runs(state))
    assert offers, "the sample ledger has a batch"
    names = {g.id: g.name for g in groups}
    for group_id, notes in offers.items():
        section = soup.find("section", id=f"g-{group_id}")
        assert section.h2.get_text(strip=True) == names[group_id]
        links = section.find_all("a", href=re.compile(r"^https://wa\.me/"))
        texts = [decoded(a["href"]) for a in links]
        assert [t.get_text() for t in section.find_all("textarea")] == texts
        joined = "\n".join(texts)
        for url, title in notes:
            assert f"{CANONICAL}/{url}" in joined
            assert f"*{title}*" in joined


# ---- the group registry ----------------------------------------------------


def test_sample_registry_has_sixty_groups_over_every_station(groups, registry):
    assert len(groups) == 60  # the district's 60 community groups
    assert len({g.id for g in groups}) == 60
    covered = {slug for g in groups for slug in g.thana_slugs}
    assert covered == {t.slug for t in registry.thanas}
    per_station = {
        t.slug: sum(t.slug in g.thana_slugs for g in groups) for t in registry.thanas
    }
    assert max(per_station.values()) >= 4


GROUP = """[[group]]
id = "{id}"
name = "नामली — ग्राम रक्षा समिति"
thanas = [{thanas}]
invite = "{invite}"
admin = "थाना प्रभारी, थाना नामली"
"""


def test_bad_groups_stop_the_build_naming_file_group_and_field(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    (content / "registry" / "groups.toml").write_text(
        GROUP.format(
            id="namli-1",
            thanas='"नामली", "नमली"',
            invite="https://chat.whatsapp.com/FakeDemoRatlamGroup001",
        )
        + GROUP.format(
            id="namli-2",
            thanas='"नामली"',
            invite="https://chat.whatsapp.com/invite/abc",
        )
        + GROUP.format(
            id="Namli 3",
            thanas='"नामली"',
            invite="http://chat.whatsapp.com/FakeDemoRatlamGroup003",
        ),
        encoding="utf-8",
    )
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.html").write_text("old site", encoding="utf-8")
    with pytest.raises(BuildFailed) as e:
        build_site(content, output)
    message = str(e.value)
    assert "groups.toml [[group]] #1 'namli-1' [thanas]: 'नमली'" in message
    assert "groups.toml [[group]] #2 'namli-2' [invite]" in message
    assert "https://chat.whatsapp.com/invite/abc" in message
    assert "#3 'Namli 3' [id]" in message
    assert "#3 'Namli 3' [invite]" in message
    assert (output / "keep.html").read_text(encoding="utf-8") == "old site"


def test_a_missing_field_and_repeated_id_are_named(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    text = GROUP.format(
        id="namli-1",
        thanas='"नामली"',
        invite="https://chat.whatsapp.com/FakeDemoRatlamGroup001",
    )
    (content / "registry" / "groups.toml").write_text(
        text + text.replace('admin = "थाना प्रभारी, थाना नामली"\n', ""),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output")
    message = str(e.value)
    assert "#2 'namli-1' [admin]" in message
    assert "[id]: id 'namli-1' is used by another group" in message
    assert "[invite]" in message


# ---- settings and the note model --------------------------------------------


@pytest.mark.parametrize(
    ("whatsapp", "expected"),
    [
        ({"colour": "green"}, "invalid 'WHATSAPP' key(s) ['colour']"),
        ({"note_message": "{title} {link}"}, "unknown placeholder(s) ['link']"),
        ({"note_message": "{title}"}, "must contain {url}"),
        ({"max_link_chars": "2000"}, "'WHATSAPP[\"max_link_chars\"]' must be"),
        ({"card_font": "/nonexistent.ttf"}, "fonts-noto-core"),
        ({"join_url": "/whatsapp"}, "'WHATSAPP[\"join_url\"]'"),
    ],
)
def test_the_setting_is_checked_when_the_build_starts(tmp_path, whatsapp, expected):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output", WHATSAPP=whatsapp)
    assert "whatsapp:" in str(e.value)
    assert expected in str(e.value)


@pytest.mark.parametrize(
    ("key", "font", "expected"),
    [
        ("card_font", str(ROOT / "README.md"), "is not a font file"),
        ("card_small_font", str(ROOT / "README.md"), "is not a font file"),
        (
            "card_font",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "no Devanagari",
        ),
        (
            "card_small_font",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "no Devanagari",
        ),
    ],
)
def test_a_card_font_freetype_cannot_draw_hindi_with_stops_the_build(
    tmp_path, key, font, expected
):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output", WHATSAPP={key: font})
    assert f"whatsapp: 'WHATSAPP[\"{key}\"]' = '{font}'" in str(e.value)
    assert expected in str(e.value)
    assert not (tmp_path / "output").exists()


def sfnt_tables(font: bytes) -> list[tuple[bytes, int, bytes]]:
    """A TrueType file's tables: (tag, checksum, bytes) in its order."""
    count = int.from_bytes(font[4:6], "big")
    tables = []
    for i in range(count):
        entry = font[12 + 16 * i : 28 + 16 * i]
        offset, length = (int.from_bytes(entry[k : k + 4], "big") for k in (8, 12))
        checksum = int.from_bytes(entry[4:8], "big")
        tables.append((entry[:4], checksum, font[offset : offset + length]))
    return tables


def woff(font: bytes) -> bytes:
    """A TrueType file as a WOFF (1.0) web font: its tables deflated."""
    tables = sfnt_tables(font)
    head = 44 + 20 * len(tables)
    directory, body = b"", b""
    for tag, checksum, table in tables:
        packed = zlib.compress(table)
        packed = packed if len(packed) < len(table) else table
        directory += tag + b"".join(
            n.to_bytes(4, "big")
            for n in (head + len(body), len(packed), len(table), checksum)
        )
        body += packed + bytes(-len(packed) % 4)
    sfnt_size = 12 + 16 * len(tables) + sum(-(-len(t) // 4) * 4 for *_, t in tables)
    numbers = (
        (font[:4], 4),
        (head + len(body), 4),
        (len(tables), 2),
        (0, 2),
        (sfnt_size, 4),
        (1, 2),
        (0, 2),
        *[(0, 4)] * 5,
    )
    header = b"wOFF" + b"".join(
        n if isinstance(n, bytes) else n.to_bytes(size, "big") for n, size in numbers
    )
    return header + directory + body


def bdf(chars: str) -> str:
    """A bitmap-only font (BDF, one size: 16 pixels) with a glyph for each
    of `chars`: a full block.
    """
    block = "FF\n" * 16
    glyphs = "".join(
        f"STARTCHAR u{ord(c):04X}\nENCODING {ord(c)}\nSWIDTH 500 0\nDWIDTH 8 0\n"
        f"BBX 8 16 0 -4\nBITMAP\n{block}ENDCHAR\n"
        for c in chars
    )
    return (
        "STARTFONT 2.1\nFONT -misc-block-medium-r-normal--16-160-75-75-c-80-"
        "iso10646-1\nSIZE 16 75 75\nFONTBOUNDINGBOX 8 16 0 -4\n"
        "STARTPROPERTIES 2\nFONT_ASCENT 12\nFONT_DESCENT 4\nENDPROPERTIES\n"
        f"CHARS {len(chars)}\n{glyphs}ENDFONT\n"
    )


@pytest.mark.parametrize("key", ["card_font", "card_small_font"])
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # FreeType reads a web font, HarfBuzz does not: every glyph a box
        ("woff", "is not a TrueType or OpenType font file"),
        # no outlines: FreeType cannot size it for a card (a traceback)
        ("bdf", "is a bitmap font"),
        # its tables whole, its glyphs cut off: every title drawn blank
        ("truncated", "draws no Devanagari"),
    ],
)
def test_a_card_font_freetype_reads_but_cannot_draw_a_card_with_stops_the_build(
    tmp_path, key, kind, expected
):
    from plugins.whatsapp.settings import DEVANAGARI

    noto = Path(FONT).read_bytes()
    font = tmp_path / f"font.{kind}"
    if kind == "woff":
        font.write_bytes(woff(noto))
    elif kind == "bdf":
        font.write_text(bdf(DEVANAGARI), "ascii")
    else:
        font.write_bytes(noto[: len(noto) // 3])
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output", WHATSAPP={key: str(font)})
    assert isinstance(e.value.__cause__, SettingError), str(e.value)
    assert f"whatsapp: 'WHATSAPP[\"{key}\"]' = '{font}'" in str(e.value)
    assert expected in str(e.value)
    assert not (tmp_path / "output").exists()


def test_scope_must_be_district_or_thana(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text(scope="पूरा जिला")})
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output")
    assert "[scope]: 'पूरा जिला' must be 'district'" in str(e.value)
    ok = new_content(tmp_path / "ok", {"2026/10/a.md": note_text(scope="district")})
    build_site(ok, tmp_path / "ok" / "output")


def test_link_length_counts_exactly_what_wa_link_builds():
    from plugins.whatsapp.message import link_length, wa_link

    for text in (
        "*आलोट थाने में अवैध शराब जब्त*\nसार…",
        "abc XYZ_.-~!*()'\n😊 ok",
        "http://127.0.0.1:8000/2026/11/x/ — रतलाम सामुदायिक बुलेटिन",
        "",
    ):
        assert link_length(text) == len(wa_link(text))


def test_share_link_is_made_when_printed_and_escaped_like_text():
    from markupsafe import escape

    from plugins.whatsapp.pages import ShareLink

    made = []

    def make(of):
        made.append(of)
        return "https://wa.me/?text=%2A%E0%A4%86"

    link = ShareLink(make, "नोट")
    assert made == [] and link
    assert str(link) == "https://wa.me/?text=%2A%E0%A4%86"
    assert str(escape(link)) == "https://wa.me/?text=%2A%E0%A4%86"
    assert made == ["नोट", "नोट"]


def test_a_digest_names_its_group_and_parts_and_shortens_a_title_too_long_alone():
    group = "नामली — ग्राम रक्षा समिति"
    long_title = " ".join(["नामली थाने में ग्राम रक्षा समिति की बैठक"] * 40)
    items = [
        DigestItem("आलोट में *यातायात* शिविर", "https://example.org/2026/11/alot/"),
        DigestItem(long_title, "https://example.org/2026/11/namli/"),
    ]
    parts = digest_parts(
        items,
        header="{group}: *{new_notes}*{part}\n{site}",
        item="▪ *{title}*\n{url}",
        group=group,
        site=SITE_NAME,
        words=WORDS,
        max_link_chars=2000,
    )
    assert len(parts) == 2
    for n, part in enumerate(parts, start=1):
        assert len(part.link) < 2000
        assert decoded(part.link) == part.text
        head, site, _, *_ = part.text.split("\n")
        # the group's name, its words and "part n of 2" after one space
        assert head == f"{group}: *{group} के लिए नई सूचनाएँ* (भाग {n}/2)"
        assert site == SITE_NAME
    first, second = (part.items for part in parts)
    # a title's own asterisks never end WhatsApp's bold
    assert first == (items[0],)
    assert (
        "▪ *आलोट में यातायात शिविर*\nhttps://example.org/2026/11/alot/" in parts[0].text
    )
    # the title too long alone: cut at a word with an ellipsis, its link whole
    ((title, url),) = [(i.title, i.url) for i in second]
    assert url == items[1].url and url in parts[1].text
    assert title.endswith("…") and long_title.startswith(title[:-1].rstrip())
    assert len(title) > 100 and f"*{title}*" in parts[1].text


def test_a_short_note_is_shared_whole_and_a_long_summary_shortened_to_fit():
    template = "*{title}*\n{summary}\n\n{read_more}: {url}\n— {site}"
    url = "https://example.org/2026/11/namli-shivir/"
    text = note_message(
        template,
        title="नामली में शिविर",
        summary="रक्तदान शिविर  में 40 लोग आए।",
        url=url,
        site="बुलेटिन",
        words=WORDS,
        summary_max_chars=300,
        max_link_chars=2000,
    )
    # written out by hand: the summary whole, its spaces collapsed
    assert text == (
        f"*नामली में शिविर*\nरक्तदान शिविर में 40 लोग आए।\n\n{WORDS['read_more']}: "
        f"{url}\n— बुलेटिन"
    )
    summary = " ".join(["साइबर ठगी से बचाव के लिए जागरूकता"] * 40)
    long = note_message(
        template,
        title="नामली में शिविर",
        summary=summary,
        url=url,
        site="बुलेटिन",
        words=WORDS,
        summary_max_chars=2000,
        max_link_chars=1500,
    )
    assert len(wa_link(long)) < 1500
    kept = long.split("\n")[1]
    # as much of the summary as fits, cut at a word, with an ellipsis
    assert kept.endswith("…") and summary.startswith(kept[:-1].rstrip())
    assert len(wa_link(long)) > 1500 - 60  # not cut shorter than needed


def test_a_notes_preview_set_to_none_is_deleted_as_any_attribute():
    """A note's og_image, kept by NotePreview, is set, read and deleted as a
    plain attribute would be, whatever its value (None too).
    """
    from pelican.contents import Article

    import plugins.whatsapp.pages  # noqa: F401 - installs NotePreview

    note = object.__new__(Article)
    assert not hasattr(note, "og_image")
    note.og_image = None
    assert note.og_image is None
    del note.og_image
    assert not hasattr(note, "og_image")
    with pytest.raises(AttributeError):
        del note.og_image
