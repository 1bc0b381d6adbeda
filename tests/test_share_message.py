"""The share message of one note, as a reader receives it in WhatsApp
(plugins/whatsapp/message.py, no site built).

Expected messages are written out by hand from the README's promises: the
summary cut at a whole word with "…", the link strictly under its limit and
no shorter than it must be, the note's address in ASCII that opens the same
note. Link lengths are counted with urllib's percent-encoding, the address
checked with the `idna` library.
"""

from __future__ import annotations

import itertools
import re
from unittest.mock import patch
from urllib.parse import parse_qs, quote, unquote, urlsplit

import idna
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.whatsapp import message as message_module
from plugins.whatsapp.message import (
    PLAIN_URL,
    DigestItem,
    ascii_url,
    digest_parts,
    note_message,
)

WA_ME = "https://wa.me/?text="
TEMPLATE = "*{title}*\n{summary}\n\n{read_more}: {url}\n— {site}"  # the default
READ_MORE = "पूरी खबर पढ़ें"
WORDS = {
    "read_more": READ_MORE,
    "new_notes": "{group} के लिए नई सूचनाएँ",
    "part": "(भाग {n}/{total})",
}
SITE = "रतलाम सामुदायिक बुलेटिन"
URL = "https://example.org/2026/11/namli-raktdan-shivir/"
TITLE = "नामली में रक्तदान शिविर"
SUMMARY = "रक्तदान शिविर में 40 लोग आए, सबने रक्त दिया।"  # 44 characters, 9 words


def link_chars(text: str) -> int:
    """Length of the wa.me link that opens WhatsApp with `text`."""
    return len(WA_ME + quote(text, safe=""))


def share(
    title: str = TITLE,
    summary: str = SUMMARY,
    *,
    url: str = URL,
    template: str = TEMPLATE,
    summary_max_chars: int = 160,
    max_link_chars: int = 2000,
) -> str:
    return note_message(
        template,
        title=title,
        summary=summary,
        url=url,
        site=SITE,
        words=WORDS,
        summary_max_chars=summary_max_chars,
        max_link_chars=max_link_chars,
    )


def message(title: str, summary: str, url: str = URL) -> str:
    """The default template filled in by hand (an empty summary leaves one
    blank line, not three)."""
    middle = f"{summary}\n\n" if summary else "\n"
    return f"*{title}*\n{middle}{READ_MORE}: {url}\n— {SITE}"


# ---- the note's address -----------------------------------------------------


def test_a_hindi_address_is_shared_in_ascii_and_opens_the_same_note():
    iri = "https://उदाहरण.भारत:8443/2026/11/नोट/?q=खबर&x=1#भाग"
    text = share(url=iri, summary="")
    url = text.split("\n")[2].removeprefix(f"{READ_MORE}: ")
    # by hand: the host in punycode, each UTF-8 byte of the rest as %XX
    assert url == (
        "https://xn--p1b6ci4b4b3a.xn--h2brj9c:8443"
        "/2026/11/%E0%A4%A8%E0%A5%8B%E0%A4%9F/"
        "?q=%E0%A4%96%E0%A4%AC%E0%A4%B0&x=1"
        "#%E0%A4%AD%E0%A4%BE%E0%A4%97"
    )
    assert text == message(TITLE, "", url)
    # read back with a second library: the same host, port, path, query, part
    parts = urlsplit(url)
    assert idna.decode(parts.hostname) == "उदाहरण.भारत"
    assert parts.port == 8443
    assert unquote(parts.path) == "/2026/11/नोट/"
    assert parse_qs(parts.query) == {"q": ["खबर"], "x": ["1"]}
    assert unquote(parts.fragment) == "भाग"


def test_an_ascii_address_is_shared_exactly_as_written():
    # characters a URL may hold as they are, and an escape already made
    for url in (
        "http://127.0.0.1:8000/2026/11/alot-sharab-jabt/",
        "https://example.org/a%20b/it's~(1)*,;=!$@:+/x.y_z-w/?q=a+b&c=%2F&d=?e#top?x/y",
        "https://example.org/2026/11/x/",
    ):
        text = share(url=url)
        assert text == message(TITLE, SUMMARY, url), url


def test_a_relative_address_stays_relative():
    # a build without SITEURL: no host is made up
    text = share(url="/2026/11/नोट/", summary="")
    assert text == message(TITLE, "", "/2026/11/%E0%A4%A8%E0%A5%8B%E0%A4%9F/")


# ---- the summary cut to summary_max_chars ---------------------------------


def test_the_summary_is_cut_at_a_whole_word_to_its_character_limit():
    # limit -> the summary line, by hand (a cut one ends in …, and a comma
    # left before it is dropped)
    expected = {
        160: SUMMARY,
        44: SUMMARY,  # exactly its length: whole, no …
        43: "रक्तदान शिविर में 40 लोग आए, सबने रक्त…",
        39: "रक्तदान शिविर में 40 लोग आए, सबने रक्त…",  # 39 with the …
        38: "रक्तदान शिविर में 40 लोग आए, सबने…",
        29: "रक्तदान शिविर में 40 लोग आए…",
        8: "रक्तदान…",
        7: "",  # not even one word and the …: no summary
        0: "",
    }
    for limit, line in expected.items():
        assert share(summary_max_chars=limit) == message(TITLE, line), limit


def test_spaces_and_line_breaks_in_a_summary_are_folded_before_the_cut():
    summary = "  रक्तदान   शिविर\nमें 40\tलोग आए, सबने रक्त दिया। "
    assert share(summary=summary, summary_max_chars=44) == message(TITLE, SUMMARY)
    assert share(summary=summary, summary_max_chars=20) == message(
        TITLE, "रक्तदान शिविर में…"
    )


def test_a_latin_word_is_never_cut_or_trimmed_before_the_ellipsis():
    summary = "वाहन MP43AX जब्त, चालक MAX फरार"
    assert share(summary=summary, summary_max_chars=14) == message(
        TITLE, "वाहन MP43AX…"
    )
    assert share(summary=summary, summary_max_chars=27) == message(
        TITLE, "वाहन MP43AX जब्त, चालक MAX…"
    )


# ---- the link under its limit, no shorter than it must be ------------------


def test_a_long_summary_keeps_as_many_whole_words_as_the_link_allows():
    words = ("साइबर ठगी से बचाव के लिए जागरूकता शिविर " * 30).split()
    summary = " ".join(words)
    whole = message(TITLE, summary)
    for limit in (*range(700, 2001, 61), link_chars(whole) + 1):
        text = share(summary=summary, summary_max_chars=5000, max_link_chars=limit)
        assert link_chars(text) < limit, limit
        if text == whole:
            assert link_chars(whole) < limit
            continue
        kept = text.split("\n")[1]
        assert kept.endswith("…"), limit
        count = len(kept.removesuffix("…").split())
        assert kept == " ".join(words[:count]) + "…", limit
        assert 1 <= count < len(words), limit
        # one more word would not have fitted
        longer = message(TITLE, " ".join(words[: count + 1]) + "…")
        assert link_chars(longer) >= limit, limit


def test_a_link_exactly_at_the_limit_is_too_long():
    whole = message(TITLE, SUMMARY)
    assert share(max_link_chars=link_chars(whole) + 1) == whole
    # strictly under: at exactly the limit the summary loses its last word
    cut = message(TITLE, "रक्तदान शिविर में 40 लोग आए, सबने रक्त…")
    assert share(max_link_chars=link_chars(whole)) == cut


def test_a_summary_without_room_for_one_word_is_left_out_without_a_gap():
    bare = message(TITLE, "")
    assert bare == f"*{TITLE}*\n\n{READ_MORE}: {URL}\n— {SITE}"
    one_word = message(TITLE, "रक्तदान…")
    for limit in (link_chars(bare) + 1, link_chars(one_word)):
        assert share(max_link_chars=limit) == bare, limit
    assert share(max_link_chars=link_chars(one_word) + 1) == one_word


def test_a_title_too_long_for_the_link_is_cut_at_a_word_and_the_summary_dropped():
    words = [f"बैठक{n}" for n in range(400)]
    title = " ".join(words)
    for limit in (600, 1000, 1500, 2000):
        text = share(title=title, max_link_chars=limit)
        assert link_chars(text) < limit
        head = text.split("\n")[0]
        assert head.startswith("*") and head.endswith("…*"), limit
        count = len(head[1:-2].split())
        assert head == "*" + " ".join(words[:count]) + "…*", limit
        # no summary, the address and the site whole
        assert text == message(" ".join(words[:count]) + "…", ""), limit
        # the longest title that fits: one more word would not
        longer = message(" ".join(words[: count + 1]) + "…", "")
        assert link_chars(longer) >= limit, limit


def test_a_title_that_just_fits_alone_is_kept_whole_without_its_summary():
    title = " ".join(["नामली थाने में ग्राम रक्षा समिति की बैठक"] * 12)
    bare = message(title, "")
    assert share(title=title, max_link_chars=link_chars(bare) + 1) == bare
    # one character less: the title loses its last word
    shorter = share(title=title, max_link_chars=link_chars(bare))
    assert shorter == message(title.rsplit(" ", 1)[0] + "…", "")


def test_asterisks_in_a_title_never_end_whatsapps_bold():
    text = share(title="आलोट में *यातायात*  शिविर", summary="")
    assert text == message("आलोट में यातायात शिविर", "")


def test_blank_lines_left_by_an_empty_summary_fold_into_one():
    template = "\n{site}\n\n\n*{title}* {summary}\n\n\n{summary}\n\n{url}\n\n"
    assert share(summary="", template=template) == f"{SITE}\n\n*{TITLE}*\n\n{URL}"


# ---- a digest's title too long alone ---------------------------------------


def test_a_digest_title_too_long_alone_keeps_as_many_words_as_fit():
    words = [f"बैठक{n}" for n in range(400)]
    items = [DigestItem(" ".join(words), "https://example.org/2026/11/namli/")]
    for limit in (700, 1300, 2000):
        (part,) = digest_parts(
            items,
            header="*{new_notes}*{part}\n{site}",
            item="▪ *{title}*\n{url}",
            group="नामली",
            site=SITE,
            words=WORDS,
            max_link_chars=limit,
        )
        (title,) = (item.title for item in part.items)
        count = len(title.removesuffix("…").split())
        assert title == " ".join(words[:count]) + "…", limit
        assert count >= 1
        # one part: its header has no "part 1 of 1"
        body = f"▪ *{title}*\nhttps://example.org/2026/11/namli/"
        assert part.text == f"*नामली के लिए नई सूचनाएँ*\n{SITE}\n\n{body}"
        assert link_chars(part.text) < limit
        # the longest title that fits beside the widest label a split can need
        longer = " ".join(words[: count + 1]) + "…"
        labelled = f"*नामली के लिए नई सूचनाएँ* (भाग 1/1)\n{SITE}\n\n{body}"
        assert link_chars(labelled) < limit
        assert link_chars(labelled.replace(title, longer)) >= limit, limit


def test_a_short_summary_that_fits_beside_the_title_is_kept():
    # room for the title and "40", not for four characters more
    title = " ".join(["नामली थाने में ग्राम रक्षा समिति की बैठक"] * 12)
    with_summary = message(title, "40")
    assert share(
        title=title, summary="40", max_link_chars=link_chars(with_summary) + 1
    ) == (with_summary)


# ---- digests ------------------------------------------------------------------

ITEM = "▪ *{title}*\n{url}"
HEADER = "*{new_notes}*{part}\n{site}"


def digest(items: list[DigestItem], limit: int):
    return digest_parts(
        items,
        header=HEADER,
        item=ITEM,
        group="नामली",
        site=SITE,
        words=WORDS,
        max_link_chars=limit,
    )


def namli_items(count: int, words: int = 8) -> list[DigestItem]:
    title = " ".join(["नामली थाने में ग्राम रक्षा समिति की बैठक"] * words)
    return [
        DigestItem(f"{title} {n}", f"https://example.org/2026/11/namli-{n}/")
        for n in range(1, count + 1)
    ]


def test_a_digest_that_fits_is_one_message_without_a_part_label():
    items = [
        DigestItem("आलोट में *यातायात* शिविर", "https://example.org/2026/11/alot/"),
        DigestItem("नामली में रक्तदान", "https://example.org/2026/11/namli/"),
    ]
    # by hand: the header, then each item, a blank line between
    text = (
        f"*नामली के लिए नई सूचनाएँ*\n{SITE}\n\n"
        "▪ *आलोट में यातायात शिविर*\nhttps://example.org/2026/11/alot/\n\n"
        "▪ *नामली में रक्तदान*\nhttps://example.org/2026/11/namli/"
    )
    for limit in (2000, link_chars(text) + 1):
        (part,) = digest(items, limit)
        assert part.text == text
        assert part.items == tuple(items)
        assert part.link == WA_ME + quote(text, safe="")
    # at exactly its length the link is too long: two parts
    first, second = digest(items, link_chars(text))
    assert first.text.startswith("*नामली के लिए नई सूचनाएँ* (भाग 1/2)\n")
    assert second.text.startswith("*नामली के लिए नई सूचनाएँ* (भाग 2/2)\n")
    assert first.items + second.items == tuple(items)


def test_a_long_digest_is_as_few_messages_as_the_limit_allows_each_under_it():
    items = namli_items(6, words=1)
    for limit in range(900, 2400, 13):
        parts = digest(items, limit)
        total = len(parts)
        urls = [i.url for p in parts for i in p.items]
        assert urls == [i.url for i in items], limit
        for n, part in enumerate(parts, start=1):
            assert len(part.link) < limit, limit
            assert part.link == WA_ME + quote(part.text, safe=""), limit
            head = "*नामली के लिए नई सूचनाएँ*"
            if total > 1:
                head += f" (भाग {n}/{total})"
            body = "\n\n".join(f"▪ *{i.title}*\n{i.url}" for i in part.items)
            assert part.text == f"{head}\n{SITE}\n\n{body}", limit
        # packed in order: no part had room for the next part's first item
        for part, after in itertools.pairwise(parts):
            more = f"{part.text}\n\n▪ *{after.items[0].title}*\n{after.items[0].url}"
            assert link_chars(more) >= limit, limit


def test_a_digest_title_is_cut_only_when_it_cannot_fit_with_a_part_label():
    items = namli_items(3, words=3)
    seen = set()
    for limit in range(900, 1800, 7):
        parts = digest(items, limit)
        for part in parts:
            assert len(part.link) < limit, limit
            for item in part.items:
                original = next(i for i in items if i.url == item.url)
                seen.add(item.title == original.title)
                if item.title != original.title:
                    # cut at a word, and only as far as needed beside the
                    # widest label a split can need
                    assert item.title.endswith("…")
                    kept = item.title.removesuffix("…").split()
                    assert kept == original.title.split()[: len(kept)]
                    whole = (
                        f"*नामली के लिए नई सूचनाएँ* (भाग {len(items)}/{len(items)})"
                        f"\n{SITE}\n\n▪ *{original.title}*\n{item.url}"
                    )
                    assert link_chars(whole) >= limit, limit
    assert seen == {True, False}  # titles cut and titles whole


URL_PARTS = st.sampled_from(
    [
        "http",
        "https",
        "HTTPS",
        "ftp",
        "h.in",
        "Example.org",
        "a..b",
        "a" * 64,
        "xn--a",
        "-",
        ":",
        ":0",
        ":80",
        ":080",
        ":443",
        ":65535",
        ":99999",
        "/",
        "//",
        "/a b",
        "/नोट",
        "/%41",
        "/~a_b-c.d",
        "/a'b(c)*+,;=:@!$&",
        "?q=1",
        "#f",
        "\t",
        "@",
        "u:p@",
    ]
)


@given(st.lists(URL_PARTS, max_size=8), st.sampled_from(["https://", "http://", ""]))
@settings(max_examples=3000, deadline=None)
def test_an_address_given_back_as_it_is_is_one_the_full_encoding_gives_back(
    parts, start
):
    """ascii_url's short cut (a URL already as it would be made) is taken
    only for URLs that the full encoding gives back unchanged, never for
    one it changes or refuses.
    """
    url = start + "".join(parts)
    try:
        made = full_ascii_url(url)
    except (ValueError, UnicodeError):
        assert not PLAIN_URL.fullmatch(url)
        return
    if PLAIN_URL.fullmatch(url):
        assert made == url
    assert ascii_url(url) == made


@given(st.from_regex(PLAIN_URL, fullmatch=True))
@settings(max_examples=2000, deadline=None)
def test_every_address_the_short_cut_takes_is_one_the_full_encoding_keeps(url):
    assert full_ascii_url(url) == url


def test_a_notes_address_is_taken_as_it_is():
    for kept in (URL, "https://h.in", "http://a-b.c:8000/x/y/", "https://h.in//a"):
        assert PLAIN_URL.fullmatch(kept) and ascii_url(kept) == kept


def full_ascii_url(url: str) -> str:
    """ascii_url without its short cut."""
    with patch.object(message_module, "PLAIN_URL", re.compile(r"(?!)")):
        return ascii_url(url)
