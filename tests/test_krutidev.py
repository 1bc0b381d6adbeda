"""Kruti Dev 010 to Unicode conversion, detection and file conversion."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import markdown
import pytest
from indic_transliteration.font_converter.krutidev2unicode import kru2uni

from plugins.core.errors import CommandError
from plugins.hindi_text.krutidev import (
    MIN_TOKENS,
    _latin_share,
    convert_note_text,
    krutidev_score,
    krutidev_to_unicode,
    looks_like_krutidev,
)
from scripts.krutidev import convert_file

PAIRS_FILE = Path(__file__).parent / "data" / "krutidev_pairs.tsv"


def load_pairs() -> list[tuple[str, str]]:
    """(Kruti Dev keystrokes, Unicode) rows; plain tab split, no CSV quoting."""
    lines = PAIRS_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "krutidev\tunicode"
    rows = [tuple(line.split("\t")) for line in lines[1:] if line.strip()]
    assert all(len(row) == 2 for row in rows)
    return rows  # type: ignore[return-value]


PAIRS = load_pairs()


# --- conversion ------------------------------------------------------------


def test_pairs_file_is_big_enough() -> None:
    assert len(PAIRS) >= 40
    assert len({kd for kd, _ in PAIRS}) == len(PAIRS)


@pytest.mark.parametrize(("krutidev", "unicode"), PAIRS, ids=[kd for kd, _ in PAIRS])
def test_pair(krutidev: str, unicode: str) -> None:
    assert krutidev_to_unicode(krutidev) == unicodedata.normalize("NFC", unicode)


def test_library_api_takes_and_returns_utf8_bytes() -> None:
    # The wrapper relies on this; a library change should fail here first.
    assert kru2uni(b"iqfyl") == "पुलिस".encode()


def test_output_is_nfc() -> None:
    out = krutidev_to_unicode("lM+d ij idM+k t+Cr Q+t+hZ")
    assert out == unicodedata.normalize("NFC", out)
    assert "\u095c" not in out  # precomposed ड़ is decomposed by NFC


def test_line_breaks_are_kept_and_lines_are_independent() -> None:
    text = "deZpkjh\r\nZ dk;kZy;\nf\nfd"
    assert krutidev_to_unicode(text) == "कर्मचारी\r\nर् कार्यालय\nि\nकि"


def test_reph_over_conjunct() -> None:
    assert krutidev_to_unicode("dÙkZO;") == "कर्त्तव्य"
    assert krutidev_to_unicode(")Z") == "र्द्ध"
    assert krutidev_to_unicode("vknzZ") == "आर्द्र"


def test_digits() -> None:
    assert krutidev_to_unicode("12@05@2024") == "12/05/2024"
    assert krutidev_to_unicode("å ƒ „ … † ‡ ˆ ‰ Š ‹") == "० १ २ ३ ४ ५ ६ ७ ८ ९"


def test_empty_and_blank() -> None:
    assert krutidev_to_unicode("") == ""
    assert krutidev_to_unicode(" \n\t") == " \n\t"


# --- detection ------------------------------------------------------------

KRUTIDEV_TEXTS = {
    "press-note": (
        "jryke] iqfyl eq[;ky; Hkksiky ds funsZ'kkuqlkj lkeqnkf;d iqfyflax ds "
        "varxZr iqfyl v/kh{kd Jh vfer dqekj ds funsZ'ku ,oa vfrfjDr iqfyl "
        "v/kh{kd ds ekxZn'kZu esa ftys ds lHkh vuqHkkxksa esa cSBd dh xbZA"
    ),
    "arrest": (
        "Fkkuk izHkkjh Jh vuqjkx ;kno ds usr`Ro esa Vhe xfBr dh xbZA vkjksih ds "
        "dCts ls 2 fdyks xkatk t+Cr fd;k x;kA ekeys esa foospuk tkjh gSA"
    ),
    "markdown-note": (
        "title: iqfyl v/kh{kd ds funsZ'ku ij fcyikad Fkkus esa cSBd\n"
        "date: 2026-11-24 11:30\n\n"
        "## xzke j{kk lfefr\n\n"
        "- fnukad 24@11@2026 dks Fkkuk izHkkjh }kjk FIR ntZ dh xbZA\n"
        "- vf/kd tkudkjh [;gk¡](https://example.org/ratlam) ns[ksaA\n"
    ),
}

NOT_KRUTIDEV_TEXTS = {
    "unicode-note": (
        "पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में ग्राम रक्षा समिति के "
        "सदस्यों के साथ बैठक की गई। थाना प्रभारी ने अपराध की रोकथाम पर चर्चा की।"
    ),
    "unicode-markdown": (
        "title: नामली थाने में यातायात जागरूकता शिविर\n"
        "date: 2026-10-05 10:30\nslug: namli-yatayat-shivir\n\n"
        "नामली थाना पुलिस ने वाहन चालकों को यातायात नियम बताए।\n"
    ),
    "english": (
        "The Ratlam police arrested two accused on Monday night after a "
        "tip-off. Officers seized a stolen motorcycle and registered a case "
        "under the relevant sections. Investigation is in progress."
    ),
    "markdown-links-numbers": (
        "## Weekly report\n\n"
        "- 12 arrests in [Ratlam](https://ratlam.example/x?y=1&z=kk)\n"
        "- Total fine: Rs 5,000 on 2024-05-01\n"
        "- See www.mppolice.gov.in/notes/2024 or write to sp@ratlam.example\n"
    ),
    "mixed-hindi-english": (
        "पुलिस ने FIR दर्ज की और accused को गिरफ्तार किया। CCTV footage की "
        "जांच की जा रही है, said the SP."
    ),
    "hinglish": "Police ne aaropi ko giraftar kiya aur mamla darj kiya gaya hai.",
    "product-names": "Join the WhatsApp group or YouTube channel on your iPhone today.",
    "short-krutidev": "iqfyl Fkkuk",
    "short-english": "Hello",
    "empty": "",
}


@pytest.mark.parametrize("text", KRUTIDEV_TEXTS.values(), ids=KRUTIDEV_TEXTS)
def test_detects_krutidev(text: str) -> None:
    assert looks_like_krutidev(text)
    assert krutidev_score(text) >= 0.6


@pytest.mark.parametrize("text", NOT_KRUTIDEV_TEXTS.values(), ids=NOT_KRUTIDEV_TEXTS)
def test_rejects_other_text(text: str) -> None:
    assert not looks_like_krutidev(text)


def test_score_is_the_share_of_krutidev_words_times_the_latin_share() -> None:
    # iqfyl (पुलिस) and ds (के) look like Kruti Dev, "the" does not: 2 of 3
    assert krutidev_score("iqfyl ds the") == pytest.approx(2 / 3)
    # both words Kruti Dev, but 4 ASCII letters against 5 Devanagari characters
    assert krutidev_score("ds gS पुलिस") == pytest.approx(4 / 9)
    assert krutidev_score("iqfyl ds gS esa") == 1.0
    assert krutidev_score("the police station") == 0.0


def test_unicode_and_english_score_low() -> None:
    assert krutidev_score(NOT_KRUTIDEV_TEXTS["unicode-note"]) == 0.0
    assert krutidev_score(NOT_KRUTIDEV_TEXTS["english"]) < 0.1


def test_function_words_with_kruti_dev_punctuation() -> None:
    # , is ए and ; is य in Kruti Dev, so they are part of the word.
    assert krutidev_score(",d x, gq, x;k") == 1.0
    assert krutidev_score("Fkkuk] gSA dk\\") == 1.0


def test_short_strings_are_never_flagged() -> None:
    short = " ".join(["ds"] * (MIN_TOKENS - 1))
    assert krutidev_score(short) == 1.0
    assert not looks_like_krutidev(short)


def test_converted_text_is_not_krutidev() -> None:
    text = KRUTIDEV_TEXTS["press-note"]
    assert not looks_like_krutidev(krutidev_to_unicode(text))


# --- Markdown notes --------------------------------------------------------

NOTE = """\
title: iqfyl v/kh{kd ds funsZ'ku ij fcyikad Fkkus esa cSBd
date: 2026-11-24 11:30
thana: fcyikad
tags: xzke j{kk lfefr] lkeqnkf;d iqfyflax
slug: bilpank-baithak
image: images/2026/11/bilpank-baithak.jpg
summary: xzke j{kk lfefr dh cSBd vk;ksftr dh xbZA
    vf/kd tkudkjh ds fy, ns[ksaA

## iqfyl dh vihy

jryke] fnukad 24@11@2026 dks Fkkuk izHkkjh }kjk FIR ntZ dh xbZA
vf/kd tkudkjh [mi;ksxh fyad](https://www.mppolice.gov.in/ratlam) ij ns[ksa] \
;k https://ratlam.example/notes?id=5 ns[ksaA

- xzke j{kk lfefr
- **bZ&fjD'kk** pkyd
1. iz'kklu
> ukxfjd lrdZ jgsa

```
code: iqfyl
```
पहले से यूनिकोड पंक्ति।
"""

NOTE_UNICODE = """\
title: पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में बैठक
date: 2026-11-24 11:30
thana: बिलपांक
tags: ग्राम रक्षा समिति, सामुदायिक पुलिसिंग
slug: bilpank-baithak
image: images/2026/11/bilpank-baithak.jpg
summary: ग्राम रक्षा समिति की बैठक आयोजित की गई।
    अधिक जानकारी के लिए देखें।

## पुलिस की अपील

रतलाम, दिनांक 24/11/2026 को थाना प्रभारी द्वारा FIR दर्ज की गई।
अधिक जानकारी [उपयोगी लिंक](https://www.mppolice.gov.in/ratlam) पर देखें, \
या https://ratlam.example/notes?id=5 देखें।

- ग्राम रक्षा समिति
- **ई-रिक्शा** चालक
1. प्रशासन
> नागरिक सतर्क रहें

```
code: iqfyl
```
पहले से यूनिकोड पंक्ति।
"""


def test_convert_note_text() -> None:
    assert convert_note_text(NOTE) == NOTE_UNICODE


def test_convert_note_text_keeps_crlf_bom_and_fences() -> None:
    text = "\ufeff---\r\ntitle: iqfyl\r\ndate: 2026-01-02\r\n---\r\nFkkukA\r\n"
    expected = "\ufeff---\r\ntitle: पुलिस\r\ndate: 2026-01-02\r\n---\r\nथाना।\r\n"
    assert convert_note_text(text) == expected


def test_convert_note_text_without_header() -> None:
    assert convert_note_text("iqfyl Fkkuk\n\nJh") == "पुलिस थाना\n\nश्री"


def test_convert_note_text_keeps_unicode_values_and_autolinks() -> None:
    text = "title: पुलिस\nreporter: Jh\n\n<https://example.org/a-b> FkkukA\n"
    expected = "title: पुलिस\nreporter: श्री\n\n<https://example.org/a-b> थाना।\n"
    assert convert_note_text(text) == expected


def test_convert_note_text_line_start_jha_is_not_a_quote_marker() -> None:
    # > is झ in Kruti Dev; only "> " (or a lone >) is a Markdown quote marker.
    text = ">kcqvk ftyk\n> >kcqvk\n>\n#- 500\n"
    assert convert_note_text(text) == "झाबुआ जिला\n> झाबुआ\n>\nरु. 500\n"


def test_convert_note_text_keeps_abbreviations_but_converts_nb() -> None:
    assert convert_note_text("FIR] SP ,oa NB ioZA") == "FIR, SP एवं छठ पर्व।"


# --- files -----------------------------------------------------------------

# four words: the fewest the check (and so the command) reads as Kruti Dev
SRC_TEXT = "title: iqfyl Fkkuk\ndate: 2026-01-02\n\nvkjksih fxj¶rkjA\n"
DEST_TEXT = "title: पुलिस थाना\ndate: 2026-01-02\n\nआरोपी गिरफ्तार।\n"


@pytest.fixture
def src(tmp_path: Path) -> Path:
    path = tmp_path / "note.md"
    path.write_bytes(SRC_TEXT.encode("utf-8"))
    return path


def test_convert_file_converts_in_place_by_default(src: Path) -> None:
    original = src.read_bytes()
    assert convert_file(src) == src
    assert src.read_text(encoding="utf-8") == DEST_TEXT
    assert src.with_name("note.md.krutidev.bak").read_bytes() == original
    # one note: no second Markdown file beside it
    assert [p.name for p in src.parent.glob("*.md")] == ["note.md"]


def test_convert_file_explicit_dest(src: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out" / "converted.md"
    dest.parent.mkdir()
    assert convert_file(src, dest) == dest
    assert dest.read_text(encoding="utf-8") == DEST_TEXT


def test_convert_file_refuses_to_overwrite(src: Path) -> None:
    dest = src.with_name("copy.md")
    dest.write_text("keep me", encoding="utf-8")
    with pytest.raises(CommandError, match="already exists and was not changed"):
        convert_file(src, dest)
    assert dest.read_text(encoding="utf-8") == "keep me"
    with pytest.raises(CommandError):
        convert_file(src, src)
    assert src.read_bytes() == SRC_TEXT.encode("utf-8")


def test_convert_file_in_place_keeps_backup(src: Path) -> None:
    original = src.read_bytes()
    assert convert_file(src, in_place=True) == src
    assert src.read_text(encoding="utf-8") == DEST_TEXT
    backup = src.with_name("note.md.krutidev.bak")
    assert backup.read_bytes() == original
    assert sorted(p.name for p in src.parent.iterdir()) == [
        "note.md",
        "note.md.krutidev.bak",
    ]


def test_convert_file_in_place_refuses_existing_backup(src: Path) -> None:
    backup = src.with_name("note.md.krutidev.bak")
    backup.write_bytes(b"older backup")
    with pytest.raises(CommandError, match="backup"):
        convert_file(src, in_place=True)
    assert backup.read_bytes() == b"older backup"
    assert src.read_bytes() == SRC_TEXT.encode("utf-8")


def test_convert_file_in_place_and_dest_conflict(src: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        convert_file(src, tmp_path / "x.md", in_place=True)


def test_convert_file_reads_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("iqfyl us vkjksih fxj¶rkj dÙkZO;".encode("cp1252"))
    out = convert_file(path)
    assert out == path
    assert out.read_text(encoding="utf-8") == "पुलिस ने आरोपी गिरफ्तार कर्त्तव्य"


def test_which_words_the_score_counts() -> None:
    # a one-letter English word is a word: 2 of 3 look like Kruti Dev
    assert krutidev_score("ds gS a") == pytest.approx(2 / 3)
    assert krutidev_score("ds gS z") == pytest.approx(2 / 3)
    # all-capital abbreviations say nothing about the font
    assert krutidev_score("ds gS FIR") == 1.0
    assert krutidev_score("ds gS ZP") == 1.0  # zila panchayat
    # a Markdown link target is left out without gluing onto its text
    assert krutidev_score("[the](https://example.org/A) police station") == 0.0


def test_convert_note_text_reads_the_header_as_the_build_does() -> None:
    # a header closed with "..." keeps its fence
    assert convert_note_text("---\ntitle: iqfyl\n...\nFkkukA\n") == (
        "---\ntitle: पुलिस\n...\nथाना।\n"
    )
    # an empty header keeps its closing fence too, as Markdown reads it
    assert convert_note_text("---\n...\nFkkukA\n") == "---\n...\nथाना।\n"
    # a note that is only a header
    assert (
        convert_note_text("title: iqfyl\nreporter: Jh") == "title: पुलिस\nreporter: श्री"
    )
    # a line that is no field ends the header: it and what follows are text
    assert convert_note_text("title: iqfyl\nFkkukA\ntags: पुलिस\n") == (
        "title: पुलिस\nथाना।\ntags: पुलिस\n"
    )
    # an indented line goes on with the field above, a path stays a path
    assert convert_note_text("image:\n    images/2026/fkkuk.jpg\n\nFkkukA\n") == (
        "image:\n    images/2026/fkkuk.jpg\n\nथाना।\n"
    )
    # an indented first line goes on with no field: Markdown reads no header
    # at all, so a field-like line after it is text and is converted (a slug
    # stays as written only in a header, as the second text shows)
    for text, header in (
        ("    iqfyl\nslug: Fkkuk\n\nFkkukA\n", {}),
        (
            "title: iqfyl\nslug: Fkkuk\n\nFkkukA\n",
            {"title": ["iqfyl"], "slug": ["Fkkuk"]},
        ),
    ):
        md = markdown.Markdown(extensions=["meta"])
        md.convert(text)
        assert md.Meta == header
        kept = convert_note_text(text).split("\n")[1] == "slug: Fkkuk"
        assert kept == bool(header), text


def test_the_detector_answers_yes_from_four_words_and_a_score_of_0_4() -> None:
    assert looks_like_krutidev("iqfyl ds gS esa")  # 4 words
    assert not looks_like_krutidev("iqfyl ds gS")  # 3 are too few
    # 2 of 5 words look like Kruti Dev: 0.4, enough
    assert looks_like_krutidev("iqfyl ds the police station")
    # 12 ASCII letters and 18 Devanagari characters: 0.4 of the letters are
    # Latin, and all 4 words look like Kruti Dev: 0.4, enough
    mixed = "iqfyl ds gS esa पुलिस पुलिस पुलिस थान"
    assert krutidev_score(mixed) == pytest.approx(0.4)
    assert looks_like_krutidev(mixed)


def test_half_latin_half_devanagari_halves_the_score() -> None:
    assert krutidev_score("ds gS थाना") == pytest.approx(0.5)  # 4 letters each


def test_latin_share_counts_every_letter_as_one_by_one() -> None:
    """_latin_share counts letters by runs, and not the Devanagari of a
    text without ASCII letters: the same share as counting each character,
    on texts mixing Kruti Dev, English, Unicode Hindi, digits and signs.
    """
    pieces = ["iqfyl", "ds", "gS", "the", "FIR", "पुलिस", "के", "ॐ", "१२", "12", " "]
    pieces += ["\n", "-", "A", "z", "ा", "\u0900", "\u097f", "\u0980", "é", ""]
    rng = random.Random(17)
    texts = ["".join(rng.choices(pieces, k=rng.randint(0, 15))) for _ in range(3000)]
    shares = set()
    for text in texts + pieces:
        latin = sum(1 for c in text if "A" <= c <= "Z" or "a" <= c <= "z")
        devanagari = sum(1 for c in text if "\u0900" <= c <= "\u097f")
        share = latin / (latin + devanagari) if latin + devanagari else 0.0
        assert _latin_share(text) == share, text
        shares.add(share)
    assert len(shares) > 50
