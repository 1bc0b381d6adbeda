"""Note photos are published as phone-sized copies: upright, without EXIF
data, at a few widths listed in srcset, the widest at the photo's own path."""

from __future__ import annotations

import io

import feedparser
import pytest
from PIL import Image
from support import build_site, new_content, note_text, read_html

from plugins.core.errors import BuildFailed
from plugins.photos.resize import copy_path, plan_widths

pytestmark = pytest.mark.build

PAGE = "2026/10/namli-yatayat-shivir/index.html"
PHOTO = "images/2026/10/shivir.jpg"


def phone_photo(path, size=(3000, 2000)) -> bytes:
    """A JPEG as a phone stores a portrait shot: landscape pixels, EXIF
    orientation 6 (turn 90° clockwise), GPS position and camera model.
    Upright, its top-left corner is red."""
    upright = Image.new("RGB", (size[1], size[0]), "white")
    upright.paste((220, 0, 0), (0, 0, 300, 300))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation
    exif[0x0110] = "Phone X1"  # camera model
    exif[0x8825] = {1: "N", 2: (23.0, 19.0, 48.0), 3: "E", 4: (75.0, 2.0, 14.0)}
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=95, exif=exif)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


RED, WHITE = (220, 0, 0), (255, 255, 255)


def assert_upright(im: Image.Image, tolerance: int = 40) -> None:
    """The phone photo as its taker saw it: red top-left corner (15% of the
    width), every other corner white; each channel within `tolerance` (JPEG)."""
    rgb = im.convert("RGB")
    w, h = rgb.size
    expected = {
        (2, 2): RED,
        (w * 15 // 100 - 4, w * 15 // 100 - 4): RED,
        (w * 15 // 100 + 4, 2): WHITE,
        (w - 3, 2): WHITE,
        (2, h - 3): WHITE,
        (w - 3, h - 3): WHITE,
    }
    for xy, colour in expected.items():
        pixel = rgb.getpixel(xy)
        assert all(
            abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)
        ), f"pixel {xy} of a {w}x{h} copy is {pixel}, expected about {colour}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("photos")
    content = new_content(
        tmp, {"2026/10/a.md": note_text(image=PHOTO, image_alt="शिविर का चित्र")}
    )
    original = phone_photo(content / PHOTO)
    output = tmp / "output"
    build_site(content, output, STATIC_PATHS=["images"])
    return content, output, original


def test_copies_are_upright_without_metadata_at_each_width(built):
    _, output, original = built
    widths = {}
    for rel in (PHOTO, copy_path(PHOTO, 480, 1440), copy_path(PHOTO, 960, 1440)):
        data = (output / rel).read_bytes()
        assert b"Exif" not in data and b"Phone X1" not in data
        with Image.open(output / rel) as im:
            widths[rel] = im.size
            assert not im.getexif()
            assert_upright(im)
    assert widths == {
        PHOTO: (1440, 2160),
        "images/2026/10/shivir-480w.jpg": (480, 720),
        "images/2026/10/shivir-960w.jpg": (960, 1440),
    }
    assert (output / PHOTO).stat().st_size < len(original) / 3
    # the original, with its GPS position, is published nowhere
    assert not [
        p for p in output.rglob("*") if p.is_file() and p.read_bytes() == original
    ]


def test_note_page_offers_every_width(built):
    _, output, _ = built
    img = read_html(output / PAGE).select_one(".photo img")
    assert img["src"] == "/images/2026/10/shivir-960w.jpg"
    assert img["srcset"] == (
        "/images/2026/10/shivir-480w.jpg 480w, /images/2026/10/shivir-960w.jpg 960w, "
        f"/{PHOTO} 1440w"
    )
    assert img["sizes"] and (img["width"], img["height"]) == ("1440", "2160")


def test_feeds_enclose_the_published_copy(built):
    _, output, _ = built
    feed = feedparser.parse((output / "feeds/all.atom.xml").read_bytes())
    [enclosure] = feed.entries[0].enclosures
    assert enclosure.href.endswith(f"/{PHOTO}")
    assert int(enclosure.length) == (output / PHOTO).stat().st_size


def test_a_rebuild_makes_no_copy_again(built, tmp_path):
    content, output, _ = built
    cache = output.parent / "cache" / "photos"
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*.jpg")}
    assert len(before) == 3
    build_site(content, output, STATIC_PATHS=["images"])
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.jpg")} == before


def test_widths_never_exceed_the_photo():
    assert plan_widths(3000, (480, 960, 1440)) == [480, 960, 1440]
    assert plan_widths(800, (480, 960, 1440)) == [480, 800]
    assert plan_widths(300, (480, 960, 1440)) == [300]
    assert copy_path("images/a/b.c.png", 480, 800) == "images/a/b.c-480w.png"


def test_a_png_stays_a_png(tmp_path):
    content = new_content(
        tmp_path, {"2026/10/a.md": note_text(image="images/p.png", image_alt="चित्र")}
    )
    (content / "images").mkdir()
    Image.new("RGBA", (700, 400), (0, 90, 0, 255)).save(content / "images/p.png")
    output = tmp_path / "output"
    build_site(content, output, STATIC_PATHS=["images"])
    with Image.open(output / "images/p.png") as im:
        assert (im.format, im.size) == ("PNG", (700, 400))
    with Image.open(output / "images/p-480w.png") as im:
        assert (im.format, im.size) == ("PNG", (480, 274))


def test_bad_widths_setting_names_the_setting(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    with pytest.raises(BuildFailed, match=r"PHOTOS\[\"widths\"\]"):
        build_site(content, tmp_path / "output", PHOTOS={"widths": "बड़ा"})


def build_with_photo(tmp_path, name: str, make) -> tuple:
    """A site with one note whose photo `name` is written by make(path)."""
    content = new_content(
        tmp_path, {"2026/10/a.md": note_text(image=name, image_alt="चित्र")}
    )
    make(content / name)
    output = tmp_path / "output"
    build_site(content, output, STATIC_PATHS=["images"])
    return content, output


def save(image: Image.Image, **options):
    def make(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, **options)

    return make


def test_a_16_bit_grey_png_keeps_its_greys(tmp_path):
    grey = Image.new("I;16", (600, 400), 32768)  # half of 65535
    _, output = build_with_photo(tmp_path, "images/g.png", save(grey))
    with Image.open(output / "images/g-480w.png") as im:
        assert 120 <= im.convert("L").getpixel((10, 10)) <= 136


def test_the_colour_profile_of_a_photo_is_kept(tmp_path):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = Image.new("RGB", (1000, 700), (200, 120, 40))
    _, output = build_with_photo(
        tmp_path, "images/c.jpg", save(photo, icc_profile=profile)
    )
    for name in ("c.jpg", "c-480w.jpg", "c-960w.jpg"):
        with Image.open(output / "images" / name) as im:
            assert im.info.get("icc_profile") == profile


def test_page_sizes_match_the_files_for_odd_proportions(tmp_path):
    photo = Image.new("RGB", (3001, 2749), "navy")
    _, output = build_with_photo(tmp_path, "images/o.jpg", save(photo))
    img = read_html(output / PAGE).select_one(".photo img")
    with Image.open(output / "images/o.jpg") as im:
        assert (img["width"], img["height"]) == tuple(str(n) for n in im.size)
    for candidate in img["srcset"].split(", "):
        url, width = candidate.split()
        with Image.open(output / url.lstrip("/")) as im:
            assert im.size == (int(width[:-1]), round(2749 * int(width[:-1]) / 3001))


def test_a_file_name_with_spaces_is_linked_percent_encoded(tmp_path):
    name = "images/WhatsApp Image 2026-11-14 at 10.30.45.jpeg"
    photo = Image.new("RGB", (1000, 700), "olive")
    _, output = build_with_photo(tmp_path, name, save(photo))
    img = read_html(output / PAGE).select_one(".photo img")
    urls = [c.split()[0] for c in img["srcset"].split(", ")]
    assert all(" " not in u and "%20" in u for u in [img["src"], *urls])
    assert (output / name).is_file()
    assert (output / "images/WhatsApp Image 2026-11-14 at 10.30.45-480w.jpeg").is_file()
    feed = feedparser.parse((output / "feeds/all.atom.xml").read_bytes())
    assert "%20" in feed.entries[0].enclosures[0].href


def test_a_photo_damaged_under_an_unchanged_note_names_the_note(tmp_path):
    photo = Image.new("RGB", (1000, 700), "teal")
    content, output = build_with_photo(tmp_path, "images/d.jpg", save(photo))
    path = content / "images/d.jpg"
    buffer = io.BytesIO()
    Image.effect_noise((1000, 700), 60).convert("RGB").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])  # cut short
    with pytest.raises(BuildFailed, match=r"notes/2026/10/a\.md \[image\].*d\.jpg"):
        build_site(content, output, STATIC_PATHS=["images"])


def test_a_photo_linked_from_the_text_is_published_without_exif(tmp_path):
    body = "शिविर का दृश्य:\n\n![शिविर]({static}/images/andar.jpg)\n"
    content = new_content(tmp_path, {"2026/10/a.md": note_text(body=body)})
    original = phone_photo(content / "images/andar.jpg")
    output = tmp_path / "output"
    build_site(content, output, STATIC_PATHS=["images"])
    src = read_html(output / PAGE).select_one(".content img")["src"]
    assert src == "/images/andar.jpg"
    data = (output / "images/andar.jpg").read_bytes()
    assert data != original and b"Exif" not in data
    with Image.open(output / "images/andar.jpg") as im:
        assert im.size == (1440, 2160)
        assert_upright(im)


def test_a_damaged_photo_linked_from_the_text_is_named(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    (content / "images").mkdir()
    (content / "images/toota.jpg").write_bytes(b"\xff\xd8\xff not a photo")
    with pytest.raises(BuildFailed, match=r"images/toota\.jpg: could not be made"):
        build_site(content, tmp_path / "output", STATIC_PATHS=["images"])
