"""Each copy of a note photo as plugins/photos/resize.py makes it, read back
with Pillow: upright, the width asked, no metadata, the right format, and
cached under a key that changes with whatever changes the copy."""

from __future__ import annotations

import io
import math
import pickle

import pytest
from PIL import Image, ImageCms
from support import ROOT
from test_photos import RED, WHITE, assert_upright, phone_photo

from plugins.photos.resize import (
    Copy,
    PhotoError,
    cache_file,
    copy_path,
    height_for,
    make_copies,
    plan_widths,
    render,
)


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def test_a_photo_taken_sideways_is_published_upright_without_its_exif(tmp_path):
    source = tmp_path / "p.jpg"
    phone_photo(source)  # stored 3000 x 2000, upright 2000 x 3000
    copy = opened(render(Copy(str(source), 480, 720, 80, "images/p-480w.jpg")))
    assert (copy.format, copy.size, copy.mode) == ("JPEG", (480, 720), "RGB")
    assert_upright(copy)
    assert not copy.getexif()  # no place, no phone
    assert copy.info.get("progressive")  # shows at once on a slow line


@pytest.mark.parametrize("suffix", [".jpg", ".webp"])
def test_a_lower_quality_makes_a_smaller_file(tmp_path, suffix):
    # noise compresses badly, so the quality setting shows in the size
    source = tmp_path / "n.png"
    Image.effect_noise((400, 300), 80).convert("RGB").save(source)
    low = render(Copy(str(source), 400, 300, 30, f"images/n{suffix}"))
    high = render(Copy(str(source), 400, 300, 90, f"images/n{suffix}"))
    assert len(low) < len(high) * 0.75


def test_a_palette_png_is_resized_in_its_colours(tmp_path):
    source = tmp_path / "p.png"
    stripes = Image.new("RGB", (400, 200), WHITE)
    stripes.paste(RED, (0, 0, 200, 200))
    stripes.convert("P", palette=Image.Palette.ADAPTIVE, colors=4).save(source)
    copy = opened(render(Copy(str(source), 100, 50, 80, "images/p-100w.png")))
    assert (copy.format, copy.size) == ("PNG", (100, 50))
    rgb = copy.convert("RGB")
    # resized as colours: the seam is blended, never another palette entry
    seam = rgb.getpixel((50, 25))
    assert seam[0] >= 200 and 0 < seam[1] < 255, seam
    assert all(abs(a - b) <= 8 for a, b in zip(rgb.getpixel((5, 25)), RED, strict=True))


def test_a_16_bit_grey_photo_keeps_its_mid_grey(tmp_path):
    source = tmp_path / "g.png"
    Image.new("I;16", (200, 100), 32768).save(source)  # half of 65535
    copy = opened(render(Copy(str(source), 100, 50, 80, "images/g-100w.png")))
    assert copy.mode in ("L", "LA") and copy.getpixel((10, 10)) == 128  # 32768/256


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp"])
@pytest.mark.parametrize("width", [200, 100])
def test_a_cmyk_photo_becomes_rgb_without_its_profile(tmp_path, suffix, width):
    # a CMYK profile (here only its bytes) describes ink, not an RGB copy
    ink = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "c.jpg"
    Image.new("CMYK", (200, 100), (0, 255, 255, 0)).save(source, icc_profile=ink)
    path = f"images/c-{width}w{suffix}"
    copy = opened(render(Copy(str(source), width, width // 2, 90, path)))
    assert copy.mode in ("RGB", "RGBA") and "icc_profile" not in copy.info
    red, green, blue = copy.getpixel((width // 2, width // 4))[:3]
    assert red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp"])
def test_the_colour_profile_of_an_rgb_photo_stays_in_each_format(tmp_path, suffix):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "s.png"
    Image.new("RGBA", (200, 100), (200, 120, 40, 255)).save(source, icc_profile=profile)
    copy = opened(render(Copy(str(source), 100, 50, 80, f"images/s-100w{suffix}")))
    expected = {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}[suffix]
    assert (copy.format, copy.size) == (expected, (100, 50))
    assert copy.info.get("icc_profile") == profile


def test_a_copy_at_the_photos_own_size_is_not_resized(tmp_path):
    source = tmp_path / "a.png"
    Image.new("RGB", (120, 80), (10, 200, 30)).save(source)
    copy = opened(render(Copy(str(source), 120, 80, 80, "images/a.png")))
    assert copy.size == (120, 80) and copy.getpixel((0, 0)) == (10, 200, 30)


def test_a_damaged_photo_is_named_with_the_reason(tmp_path):
    source = tmp_path / "d.jpg"
    source.write_bytes(b"a text saved as .jpg")
    with pytest.raises(PhotoError) as raised:
        render(Copy(str(source), 100, 50, 80, "images/d.jpg"))
    assert raised.value.source == str(source)
    assert raised.value.reason.startswith("UnidentifiedImageError: cannot identify")
    # copies are made in worker processes: the error crosses back whole
    again = pickle.loads(pickle.dumps(raised.value))
    assert (again.source, again.reason) == (raised.value.source, raised.value.reason)


def test_widths_heights_and_names_of_the_copies():
    assert plan_widths(3000, (960, 480, 1440)) == [480, 960, 1440]
    assert plan_widths(1440, (480, 960, 1440)) == [480, 960, 1440]
    assert plan_widths(961, (480, 960, 1440)) == [480, 960, 961]
    assert plan_widths(480, (480, 960)) == [480]
    assert copy_path("images/a/b.jpg", 1440, 1440) == "images/a/b.jpg"
    assert copy_path("images/a/b.jpg", 480, 1440) == "images/a/b-480w.jpg"
    assert height_for((3000, 2000), 480) == 320
    assert height_for((3001, 2749), 480) == 440  # 439.7, rounded
    assert height_for((4000, 3), 480) == 1  # never 0 pixels


def test_the_cache_holds_one_file_per_photo_width_quality_and_format(tmp_path):
    photo, other = tmp_path / "a.jpg", tmp_path / "b.jpg"
    Image.new("RGB", (100, 50), "red").save(photo)
    Image.new("RGB", (100, 50), "blue").save(other)
    base = Copy(str(photo), 50, 25, 80, "images/a-50w.jpg")
    variants = [
        base,
        Copy(str(other), 50, 25, 80, "images/a-50w.jpg"),
        Copy(str(photo), 60, 30, 80, "images/a-60w.jpg"),
        Copy(str(photo), 50, 25, 70, "images/a-50w.jpg"),
        Copy(str(photo), 50, 25, 80, "images/a-50w.png"),
    ]
    files = [cache_file(tmp_path / "cache", c) for c in variants]
    assert len(set(files)) == len(files)
    # the same copy of the same photo is found again, wherever it is published
    again = Copy(str(photo), 50, 25, 80, "images/elsewhere/x-50w.JPG")
    assert cache_file(tmp_path / "cache", again) == files[0]
    assert files[0].suffix == ".jpg" and files[0].parent.parent == tmp_path / "cache"
    assert files[0].parent.name == files[0].name[:2]
    # few copies are made in this process even when workers are offered
    make_copies(dict(zip(files, variants, strict=True)), workers=2)
    assert [opened(f.read_bytes()).size for f in files] == [
        (50, 25),
        (50, 25),
        (60, 30),
        (50, 25),
        (50, 25),
    ]


@pytest.mark.parametrize(("mode", "colour"), [("CMYK", (0, 255, 255, 0)), ("1", 1)])
def test_a_photo_in_a_mode_png_cannot_hold_becomes_rgba(tmp_path, mode, colour):
    source = tmp_path / "m.tif"
    Image.new(mode, (200, 100), colour).save(source)
    copy = opened(render(Copy(str(source), 100, 50, 80, "images/m-100w.png")))
    assert (copy.format, copy.mode, copy.size) == ("PNG", "RGBA", (100, 50))
    red, green, blue, alpha = copy.getpixel((50, 25))
    expected = (255, 0, 0) if mode == "CMYK" else (255, 255, 255)
    assert alpha == 255
    assert all(
        abs(a - b) <= 8 for a, b in zip((red, green, blue), expected, strict=True)
    )


def _sinc(x: float) -> float:
    return 1.0 if x == 0 else math.sin(math.pi * x) / (math.pi * x)


def lanczos_row(row: list[int], width: int) -> list[int]:
    """A reference Lanczos-3 resize of one row, written out from the filter's
    definition (a sinc windowed by a wider sinc, stretched by the scale when
    shrinking): a second method to hold the copy's pixels against."""
    scale = len(row) / width
    support = 3 * scale
    out = []
    for x in range(width):
        centre = (x + 0.5) * scale
        lo = max(0, int(centre - support + 0.5))
        hi = min(len(row), int(centre + support + 0.5))
        weights = []
        for i in range(lo, hi):
            t = (i - centre + 0.5) / scale
            weights.append(_sinc(t) * _sinc(t / 3) if -3 < t < 3 else 0.0)
        value = sum(row[i] * w for i, w in zip(range(lo, hi), weights, strict=True))
        out.append(min(255, max(0, round(value / sum(weights)))))
    return out


def test_a_resized_copy_keeps_fine_detail_as_a_lanczos_resize_does(tmp_path):
    # stripes ever finer across the photo (lettering, a number plate): a
    # softer filter greys the finest out, a cruder one aliases them
    width = 480
    row = [
        round(128 + 110 * math.sin(2 * math.pi * x * x / (2 * width * 4.5)))
        for x in range(width)
    ]
    source = tmp_path / "d.png"
    photo = Image.new("L", (width, 40))
    photo.putdata(row * 40)
    photo.save(source)
    copy = opened(render(Copy(str(source), 120, 10, 80, "images/d-120w.png")))
    assert copy.size == (120, 10)
    expected = lanczos_row(row, 120)
    got = [copy.getpixel((x, 5)) for x in range(120)]
    assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) <= 2
    assert max(expected) - min(expected) > 150  # the detail is there to lose


@pytest.mark.parametrize(
    ("mode", "colour"), [("RGBA", (0, 90, 200, 0)), ("LA", (90, 0))]
)
@pytest.mark.parametrize("suffix", [".png", ".webp"])
def test_a_photo_with_transparency_keeps_it(tmp_path, mode, colour, suffix):
    source = tmp_path / "t.png"
    logo = Image.new(mode, (200, 100), colour)  # clear, with a solid middle
    logo.paste((255, 255) if mode == "LA" else (200, 0, 0, 255), (50, 25, 150, 75))
    logo.save(source)
    for width, height in ((200, 100), (100, 50)):
        path = f"images/t-{width}w{suffix}"
        copy = opened(render(Copy(str(source), width, height, 90, path)))
        alpha = copy.getchannel("A")
        assert alpha.getpixel((2, 2)) == 0, (path, copy.mode)  # still clear
        assert alpha.getpixel((width // 2, height // 2)) == 255, path


def test_a_palette_png_with_a_clear_colour_stays_clear_when_resized(tmp_path):
    source = tmp_path / "p.png"
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (50, 25, 150, 75))
    logo.convert("P").save(source, transparency=0)
    with Image.open(source) as sent:
        assert sent.mode == "P"
    copy = opened(render(Copy(str(source), 100, 50, 80, "images/p-100w.png")))
    rgba = copy.convert("RGBA")
    assert rgba.getpixel((2, 2))[3] == 0 and rgba.getpixel((50, 25))[3] == 255


@pytest.mark.parametrize("mode", ["RGB", "L"])
@pytest.mark.parametrize("suffix", [".png", ".webp"])
def test_a_photo_without_transparency_gets_no_alpha_channel(tmp_path, mode, suffix):
    # an alpha channel nothing uses only makes the copy bigger
    source = tmp_path / "o.png"
    Image.new(mode, (200, 100), 90 if mode == "L" else (10, 120, 200)).save(source)
    for width, height in ((200, 100), (100, 50)):
        path = f"images/o-{width}w{suffix}"
        copy = opened(render(Copy(str(source), width, height, 80, path)))
        assert "A" not in copy.getbands(), (path, copy.mode)


SHIPPED = sorted((ROOT / "content" / "images").rglob("*.jpg"))


def test_webp_copies_weigh_at_most_36_percent_of_the_jpeg_copies():
    # the shipped photos at 480 pixels, the same quality in both formats
    assert len(SHIPPED) >= 5
    sizes = {".jpg": 0, ".webp": 0}
    for photo in SHIPPED:
        with Image.open(photo) as im:
            height = height_for(im.size, 480)
        for suffix in sizes:
            copy = Copy(str(photo), 480, height, 80, f"images/x-480w{suffix}")
            sizes[suffix] += len(render(copy))
    assert sizes[".webp"] <= 0.36 * sizes[".jpg"], sizes


def test_a_png_copy_is_smaller_than_the_png_it_was_sent_as(tmp_path):
    # the shipped photos sent as PNG (a screenshot of a forwarded photo),
    # saved at the usual zlib level as most tools do; copies at full size
    assert len(SHIPPED) >= 5
    sent = copies = 0
    for photo in SHIPPED:
        source = tmp_path / f"{photo.stem}.png"
        with Image.open(photo) as im:
            im.save(source)
        sent += source.stat().st_size
        with Image.open(source) as im:
            size, pixels = im.size, im.tobytes()
        copy = render(Copy(str(source), *size, 80, "images/s.png"))
        assert opened(copy).tobytes() == pixels  # the same pixels
        copies += len(copy)
    assert copies <= 0.985 * sent, (copies, sent)  # at least 1.5% smaller


def test_a_grey_photo_with_transparency_stays_grey(tmp_path):
    # one grey channel and alpha, not four: a smaller copy
    source = tmp_path / "g.png"
    Image.new("LA", (200, 100), (90, 255)).save(source)
    copy = opened(render(Copy(str(source), 200, 100, 90, "images/g.png")))
    assert copy.getbands() == ("L", "A")


def test_a_palette_png_at_its_own_size_keeps_its_palette(tmp_path):
    # a logo or a chart of few colours stays as small as it was sent
    source = tmp_path / "p.png"
    stripes = Image.new("RGB", (400, 200), WHITE)
    stripes.paste(RED, (0, 0, 200, 200))
    stripes.convert("P", palette=Image.Palette.ADAPTIVE, colors=4).save(source)
    data = render(Copy(str(source), 400, 200, 80, "images/p.png"))
    assert opened(data).mode == "P"
    assert len(data) <= source.stat().st_size
