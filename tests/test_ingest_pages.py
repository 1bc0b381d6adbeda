"""Saved pages built without <p>, bylines with a date beside the name, lead
photos before the text, and Kruti Dev inside pages and WordPress posts.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from support import new_content
from test_ingest_run import NOW, settings_for

from scripts.ingest import IngestError, run

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

# A page whose text is in <div>s and <br>, no <p> (a common site template).
DIV_PAGE = """<html><head><meta charset="utf-8"><title>Patrika | Ratlam</title>
</head><body><div id="wrap"><div class="story">
<div class="hdl"><h1 class="title">सैलाना में इनामी आरोपी गिरफ्तार</h1></div>
<div class="byline">रिपोर्ट: <a href="/author/x">राजेश शर्मा</a> | 21 नवंबर 2026</div>
<time datetime="2026-11-21">21 Nov</time>
<div class="txt"><div>सैलाना पुलिस ने फरार चल रहे पाँच हजार रुपये के इनामी आरोपी को
गिरफ्तार किया।</div><div>आरोपी पिछले छह माह से फरार था और उसके विरुद्ध कई प्रकरण
दर्ज थे।<br>पुलिस ने उसे न्यायालय में पेश किया।</div>
<div style="display:none">hidden spam text बहुत सारा</div>
<div><svg onload="alert(1)"><script>alert(1)</script></svg></div>
<div>पुलिस अधीक्षक ने टीम की सराहना की।</div>
</div></div></div>
<div class="app-wall">ऐप में पूरी खबर पढ़ें</div>
</body></html>
"""


def ingest(content: Path, source: Path) -> list[dict]:
    return json.loads(run(settings_for(content), str(source), as_json=True, now=NOW))


def test_a_page_of_divs_without_paragraphs_is_imported(tmp_path):
    content = new_content(tmp_path)
    page = tmp_path / "patrika.html"
    page.write_text(DIV_PAGE, encoding="utf-8")
    (draft,) = ingest(content, page)
    assert draft["title"] == "सैलाना में इनामी आरोपी गिरफ्तार"
    body = " ".join(draft["body"].split())
    assert "इनामी आरोपी को गिरफ्तार किया।" in body
    assert "पुलिस ने उसे न्यायालय में पेश किया।" in body
    assert "पुलिस अधीक्षक ने टीम की सराहना की।" in body
    for junk in ("spam", "alert", "ऐप में", "21 नवंबर", "राजेश"):
        assert junk not in body
    # the byline's linked name, without the date beside it
    assert draft["reporter"] == "राजेश शर्मा"


def test_a_page_of_divs_with_a_longer_paragraph_elsewhere_gives_its_own_text(
    tmp_path,
):
    content = new_content(tmp_path)
    page = tmp_path / "patrika.html"
    blurb = (
        "पत्रिका मध्य प्रदेश का लोकप्रिय हिंदी समाचार पत्र है जो प्रदेश के सभी "
        "जिलों की खबरें सबसे पहले आप तक पहुँचाता है। हमारी वेबसाइट पर आपको "
        "राजनीति, अपराध, खेल, व्यापार और मनोरंजन से जुड़ी हर ताजा खबर मिलती है।"
    )
    page.write_text(
        # the blurb is longer than the news
        DIV_PAGE.replace(
            "</body>", f'<div class="site-info"><p>{blurb} {blurb}</p></div>'
        ),
        encoding="utf-8",
    )
    (draft,) = ingest(content, page)
    body = " ".join(draft["body"].split())
    assert "इनामी आरोपी को गिरफ्तार किया।" in body
    assert "पुलिस अधीक्षक ने टीम की सराहना की।" in body
    assert "लोकप्रिय" not in body


def test_a_page_with_a_headline_but_no_text_says_what_it_found(tmp_path):
    content = new_content(tmp_path)
    page = tmp_path / "khali.html"
    page.write_text(
        "<html><body><h1>सैलाना में इनामी आरोपी गिरफ्तार</h1>"
        "<div class='share'>शेयर करें</div></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(IngestError) as e:
        ingest(content, page)
    said = str(e.value)
    assert "सैलाना में इनामी आरोपी गिरफ्तार" in said and "no article text" in said
    assert "no <h1>" not in said
    page.write_text("<html><body><div>कुछ नहीं</div></body></html>", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest(content, page)
    assert "no <h1> headline" in str(e.value)


LEAD_FIGURE_PAGE = """<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8">
<title>जावरा में चोरी का खुलासा</title></head><body>
<header><img src="logo.png"></header>
<article><h1>जावरा में चोरी का खुलासा <img src=x onerror="alert(1)"></h1>
<figure><img src="lead.jpg"><figcaption>फोटो: सांकेतिक</figcaption></figure>
<div class="content">
<p>जावरा शहर पुलिस ने आज मोटरसाइकिल चोरी के दो आरोपियों को गिरफ्तार किया।</p>
<p>आरोपियों के कब्जे से तीन मोटरसाइकिलें बरामद की गईं। पुलिस अधीक्षक ने टीम को
पुरस्कृत करने की घोषणा की है।</p>
</div></article></body></html>
"""


def test_a_lead_figure_before_the_text_is_the_photo(tmp_path):
    content = new_content(tmp_path)
    page = tmp_path / "bhaskar.html"
    page.write_text(LEAD_FIGURE_PAGE, encoding="utf-8")
    Image.new("RGB", (800, 600), "navy").save(tmp_path / "lead.jpg", quality=80)
    Image.new("RGB", (80, 60), "red").save(tmp_path / "logo.png")
    (draft,) = ingest(content, page)
    assert draft["image"], draft
    (photo,) = (content / "images").rglob("*.jpg")
    with Image.open(photo) as im:
        assert im.size == (800, 600)
    assert "सांकेतिक" not in draft["body"]


# --- --thana and --category typed wrong ------------------------------------------

MESSAGE = (
    "*नामली थाने में यातायात जागरूकता शिविर आयोजित*\n"
    "नामली थाना पुलिस ने वाहन चालकों को हेलमेट पहनने और यातायात नियमों का "
    "पालन करने की समझाइश दी। शिविर में बड़ी संख्या में लोग उपस्थित रहे।\n"
)


def test_a_thana_or_category_typed_in_english_is_understood_or_named(tmp_path):
    content = new_content(tmp_path)
    settings = settings_for(content)

    def drafts(**options) -> list[dict]:
        shown = run(
            settings, "-", as_json=True, now=NOW, stdin=MESSAGE, dry_run=True, **options
        )
        return json.loads(shown)

    # the URL name of a thana or category is taken for its Hindi name
    (draft,) = drafts(thana="Namli", category="yatayat")
    assert (draft["thana"], draft["category"]) == ("नामली", "यातायात")
    with pytest.raises(IngestError, match="did you mean 'jaora-shahar'"):
        drafts(thana="jaora-sahar")
    with pytest.raises(IngestError, match="did you mean 'apradh'"):
        drafts(category="apradh1")
    # nothing close: the names to choose from are listed
    with pytest.raises(IngestError) as e:
        drafts(thana="Nowhere")
    assert "नामली" in str(e.value) and "namli" in str(e.value)
    with pytest.raises(IngestError) as e:
        drafts(category="Nowhere")
    assert "यातायात" in str(e.value) and "yatayat" in str(e.value)


# --- Kruti Dev inside pages and WordPress posts -------------------------------------

KD_TITLE = "fcyikad Fkkus esa xzke j{kk lfefr dh cSBd"
KD_TEXT = (
    "jryke] iqfyl eq[;ky; Hkksiky ds funsZ'kkuqlkj lkeqnkf;d iqfyflax ds varxZr "
    "iqfyl v/kh{kd Jh vfer dqekj ds funsZ'ku esa cSBd dh xbZA"
)
TITLE = "बिलपांक थाने में ग्राम रक्षा समिति की बैठक"
TEXT = (
    "रतलाम, पुलिस मुख्यालय भोपाल के निर्देशानुसार सामुदायिक पुलिसिंग के अंतर्गत "
    "पुलिस अधीक्षक श्री अमित कुमार के निर्देशन में बैठक की गई।"
)
ENGLISH = "Helmet is a must for your safety"


def test_kruti_dev_in_a_wordpress_post_is_converted_with_a_warning(tmp_path):
    content = new_content(tmp_path)
    export = tmp_path / "old-site.xml"
    export.write_text(
        f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>{KD_TITLE}</title><link>https://old.example/?p=7</link>
<dc:creator>desk</dc:creator><guid>https://old.example/?p=7</guid>
<content:encoded><![CDATA[<p>{KD_TEXT}</p>
<p><strong>{KD_TITLE}</strong> {KD_TEXT}</p><p>{ENGLISH}</p>
<p>{TEXT}</p>]]></content:encoded>
<wp:post_date_gmt>2026-09-12 10:15:00</wp:post_date_gmt>
<wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item>
</channel></rss>
""",
        encoding="utf-8",
    )
    (draft,) = ingest(content, export)
    assert draft["title"] == TITLE
    body = " ".join(draft["body"].split())
    assert body.count(TEXT) == 3 and f"**{TITLE}**" in body
    assert ENGLISH in body
    assert any("Kruti Dev" in w for w in draft["warnings"])
    assert "Kruti Dev" in draft["source"]
    # published there, but read through before it is published here
    assert draft["status"] == "draft"


def test_kruti_dev_in_a_saved_page_is_converted_with_a_warning(tmp_path):
    content = new_content(tmp_path)
    page = tmp_path / "page.html"
    page.write_text(
        f"""<html><head><meta charset="utf-8"></head><body><article>
<h1>{KD_TITLE}</h1><p>{KD_TEXT}</p><p>{KD_TEXT} {KD_TEXT}</p>
<p>{ENGLISH}</p></article></body></html>""",
        encoding="utf-8",
    )
    (draft,) = ingest(content, page)
    assert draft["title"] == TITLE
    body = " ".join(draft["body"].split())
    assert body.count(TEXT) == 3 and ENGLISH in body
    assert any("Kruti Dev" in w for w in draft["warnings"])
    # a page in Unicode says nothing of the kind
    page.write_text(
        f"<html><body><article><h1>{TITLE}</h1><p>{TEXT}</p><p>{TEXT}</p>"
        f"<p>{ENGLISH}</p></article></body></html>",
        encoding="utf-8",
    )
    (draft,) = ingest(new_content(tmp_path / "unicode"), page)
    assert draft["title"] == TITLE and ENGLISH in draft["body"]
    assert not any("Kruti Dev" in w for w in draft["warnings"])


# --- photos with junk after the picture -------------------------------------------

CHAT = (
    "12/11/2026, 09:16 - Thana Jaora: IMG-20261112-WA0001.{ext} (file attached)\n"
    "*जावरा में मोटरसाइकिल चोर पकड़े गए*\n"
    "थाना जावरा शहर पुलिस ने आज मोटरसाइकिल चोरी के दो आरोपियों को गिरफ्तार "
    "किया। आरोपियों के कब्जे से तीन मोटरसाइकिलें बरामद की गईं। पुलिस अधीक्षक ने "
    "टीम को पुरस्कृत करने की घोषणा की है।\n"
)


def picture(kind: str, **options) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (640, 480))
    image.putdata([(x % 256, (x // 640) % 256, 90) for x in range(640 * 480)])
    image.save(out, kind, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    "ext, data",
    [
        ("jpg", picture("JPEG", quality=85)),
        ("jpg", picture("JPEG", progressive=True, exif=Image.Exif())),
        ("png", picture("PNG")),
        ("webp", picture("WEBP")),
    ],
    ids=["jpeg", "progressive-jpeg", "png", "webp"],
)
def test_a_photo_with_junk_after_it_is_copied_without_the_junk(tmp_path, ext, data):
    content = new_content(tmp_path)
    source = tmp_path / "WhatsApp Chat with X.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with X.txt", CHAT.format(ext=ext))
        archive.writestr(f"IMG-20261112-WA0001.{ext}", data + bytes(8 * 2**20))
    (draft,) = ingest(content, source)
    (photo,) = (content / "images").rglob(f"*.{ext}")
    assert photo.read_bytes() == data
    (warning,) = [w for w in draft["warnings"] if "after the picture" in w]
    assert "IMG-20261112-WA0001" in warning and "8.0 MB" in warning


def test_a_jpeg_without_its_end_mark_and_junk_after_it_is_saved_again(tmp_path):
    content = new_content(tmp_path)
    source = tmp_path / "WhatsApp Chat with X.zip"
    data = picture("JPEG", quality=85)
    assert data.endswith(b"\xff\xd9")
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with X.txt", CHAT.format(ext="jpg"))
        archive.writestr("IMG-20261112-WA0001.jpg", data[:-2] + bytes(8 * 2**20))
    (draft,) = ingest(content, source)
    (photo,) = (content / "images").rglob("*.jpg")
    assert photo.stat().st_size < 2 * len(data)
    with Image.open(photo) as im, Image.open(io.BytesIO(data)) as original:
        assert im.format == "JPEG" and im.size == original.size
        im.load()
        # the same picture, but for the least loss of a new JPEG
        close = sum(
            abs(a - b) for a, b in zip(im.tobytes(), original.tobytes(), strict=True)
        )
        assert close / len(original.tobytes()) < 3
    (warning,) = [w for w in draft["warnings"] if "saved again" in w]
    assert "IMG-20261112-WA0001.jpg" in warning


def test_a_lead_photo_beside_a_page_is_copied_without_junk(tmp_path):
    content = new_content(tmp_path)
    page = tmp_path / "bhaskar.html"
    page.write_text(LEAD_FIGURE_PAGE, encoding="utf-8")
    data = picture("JPEG")
    (tmp_path / "lead.jpg").write_bytes(data + b"\0" * 4096)
    (draft,) = ingest(content, page)
    (photo,) = (content / "images").rglob("*.jpg")
    assert photo.read_bytes() == data
    assert any("after the picture" in w for w in draft["warnings"])
    # a photo without junk is copied as it is, without a word
    (tmp_path / "lead.jpg").write_bytes(data)
    (draft,) = ingest(new_content(tmp_path / "clean"), page)
    (photo,) = (tmp_path / "clean" / "content" / "images").rglob("*.jpg")
    assert photo.read_bytes() == data
    assert not any("after the picture" in w for w in draft["warnings"])


# --- an AMP page (the phone version most shared links open) -----------------------


def test_an_amp_page_is_read_without_its_ads_and_with_its_photo(tmp_path):
    content = new_content(tmp_path)
    page = tmp_path / "amp-page.html"
    page.write_text(
        (FIXTURES / "amp-page.html").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "amp-page_files").mkdir()
    Image.new("RGB", (1200, 675), "olive").save(tmp_path / "amp-page_files/liquor.jpg")
    (draft,) = ingest(content, page)
    body = draft["body"]
    assert "48 लीटर अवैध देशी शराब" in body and "खेप लेकर जा रहे थे।" in body
    for furniture in ("विज्ञापन", "Advertisement", "यह भी पढ़ें", "दूसरी खबर", "ऐप"):
        assert furniture not in body + draft["summary"], furniture
    assert draft["thana"] == "जावरा औद्योगिक क्षेत्र"
    assert draft["date"] == "2026-11-27T18:40+05:30"
    assert draft["image"].endswith(".jpg")


# --- an old site's export of many posts, of every status ----------------------------

STATUSES = ["publish", "draft", "pending", "private", "future", "trash", "auto-draft"]


def test_posts_of_every_status_are_kept_or_skipped_and_counted(tmp_path):
    content = new_content(tmp_path)
    thanas = ["नामली", "आलोट", "ताल", "सैलाना", "बिलपांक"]
    items = []
    for n in range(1, 51):
        status, thana = STATUSES[n % len(STATUSES)], thanas[n % len(thanas)]
        items.append(
            f"""<item><title>{thana} पुलिस ने आरोपी को पकड़ा &#8211; {n}</title>
<link>https://old.example/{n}/</link><dc:creator>desk</dc:creator>
<guid isPermaLink="false">https://old.example/?p={n}</guid>
<content:encoded><![CDATA[<!-- wp:paragraph --><p>{thana} थाना पुलिस ने आज
आरोपी को गिरफ्तार कर प्रकरण दर्ज किया और विवेचना में लिया।</p>
<!-- /wp:paragraph --><p>रिपोर्ट मनोहर मालवीय</p>]]></content:encoded>
<wp:post_date_gmt>2026-10-{1 + n % 28:02d} 05:00:00</wp:post_date_gmt>
<wp:post_type>post</wp:post_type><wp:status>{status}</wp:status>
<category domain="category" nicename="a">अपराध</category></item>"""
        )
    items.append(
        "<item><title>p.jpg</title><wp:post_type>attachment</wp:post_type>"
        "<wp:status>inherit</wp:status></item>"
    )
    export = tmp_path / "old.xml"
    export.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    drafts = ingest(content, export)
    by_status: dict[str, list[dict]] = {}
    for d in drafts:
        n = int(d["title"].rsplit(" ", 1)[1])
        by_status.setdefault(STATUSES[n % len(STATUSES)], []).append(d)
    assert "trash" not in by_status and "auto-draft" not in by_status
    assert len(by_status["publish"]) == 7
    assert all(d["status"] == "published" for d in by_status["publish"])
    for kept in ("draft", "pending", "private", "future"):
        assert all(d["status"] == "draft" for d in by_status[kept]), kept
    assert len(drafts) == 50 - 14
    shown = run(settings_for(content), str(export), now=NOW, dry_run=True)
    last = shown.splitlines()[-1]
    assert "14 posts in the trash or never saved" in last
    assert "1 not posts" in last


# --- a chat where one news comes with several photos --------------------------------


def test_the_other_photos_sent_with_a_news_are_named(tmp_path):
    content = new_content(tmp_path)
    source = tmp_path / "WhatsApp Chat with Ratlam Police.zip"
    with zipfile.ZipFile(source, "w") as archive:
        chat = (FIXTURES / "chat-several-photos.txt").read_text(encoding="utf-8")
        archive.writestr("WhatsApp Chat with Ratlam Police.txt", chat)
        for n in (3, 4, 5, 6, 8, 9):
            archive.writestr(f"IMG-20261127-WA000{n}.jpg", picture("JPEG"))
    alot, tal = ingest(content, source)
    assert alot["image"] and tal["image"]
    (other,) = [w for w in alot["warnings"] if "other photos" in w]
    assert other.endswith(
        ": IMG-20261127-WA0004.jpg, IMG-20261127-WA0005.jpg; to use one "
        "instead, copy it from the export into content/images/ and write "
        "its path in 'image'"
    )
    assert "WA0009" not in other  # another sender's
    (other,) = [w for w in tal["warnings"] if "other photos" in w]
    assert "): IMG-20261127-WA0006.jpg;" in other
