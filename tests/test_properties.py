"""Properties of the pure rules, checked on many generated inputs (Hypothesis)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.hindi_text.krutidev import convert_note_text, looks_like_krutidev
from plugins.hindi_text.slugs import slugify, unique_slug
from plugins.whatsapp.ledger import HEADER, Run, format_run, parse_ledger
from plugins.whatsapp.message import note_message, wa_link
from plugins.whatsapp.settings import DEFAULTS

# The same examples on every run (a property never fails by chance in CI or
# under `invoke mutate`), and no time limits: the machine may be busy.
# `invoke mutate` runs each property on fewer examples (BULLETIN_HYPOTHESIS).
settings.register_profile(
    "bulletin",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "mutation", parent=settings.get_profile("bulletin"), max_examples=15
)
PROPERTY = settings(
    settings.get_profile(os.environ.get("BULLETIN_HYPOTHESIS", "bulletin"))
)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LINK_LIMIT = 2000  # README: every share link stays under 2,000 characters

# Devanagari letters, vowel signs, nukta, virama, anusvara, digits and danda
DEVANAGARI = st.characters(min_codepoint=0x0900, max_codepoint=0x097F)
HINDI_WORD = st.text(DEVANAGARI, min_size=1, max_size=12).filter(
    lambda w: re.search(r"[\u0905-\u0939]", w)  # holds a letter
)
PUNCTUATION = st.sampled_from(["", ",", "।", "?", "!", ":", "-", "—", "…"])
NUMBER = st.integers(0, 99999).map(str)
TOKEN = st.tuples(st.one_of(HINDI_WORD, HINDI_WORD, NUMBER), PUNCTUATION).map("".join)
# A line of Hindi: starts with a Hindi word, then words and numbers.
HINDI_LINE = st.tuples(HINDI_WORD, st.lists(TOKEN, max_size=25)).map(
    lambda t: " ".join([t[0], *t[1]])
)
ANY_TEXT = st.text(max_size=120)


# --- slugs ----------------------------------------------------------------------


@PROPERTY
@given(st.one_of(ANY_TEXT, HINDI_LINE))
def test_a_slug_is_ascii_lowercase_hyphenated_at_most_64_and_stable(text):
    slug = slugify(text)
    assert slug.isascii() and slug == slug.lower()
    assert SLUG.fullmatch(slug), slug
    assert 1 <= len(slug) <= 64
    assert slugify(text) == slug


@PROPERTY
@given(st.lists(st.one_of(HINDI_LINE, ANY_TEXT), min_size=1, max_size=12))
def test_unique_slug_gives_every_title_its_own_slug(titles):
    taken: set[str] = set()
    for title in titles:
        slug = unique_slug(slugify(title), taken)
        assert slug not in taken
        assert SLUG.fullmatch(slug) and len(slug) <= 64, slug
        taken.add(slug)
    assert len(taken) == len(titles)


# --- Kruti Dev --------------------------------------------------------------------


@PROPERTY
@given(st.lists(HINDI_LINE, min_size=1, max_size=8).map("\n".join))
def test_the_kruti_dev_detector_never_fires_on_unicode_hindi(text):
    assert not looks_like_krutidev(text)


@PROPERTY
@given(st.lists(HINDI_LINE, min_size=1, max_size=8).map("\n".join))
def test_the_converter_leaves_unicode_hindi_unchanged(text):
    assert convert_note_text(text + "\n") == text + "\n"


# --- share messages ---------------------------------------------------------------

WORDS = {"read_more": "पूरी खबर पढ़ें"}
SITE = "रतलाम सामुदायिक बुलेटिन"


@PROPERTY
@given(
    title=st.one_of(ANY_TEXT, HINDI_LINE, st.text(min_size=500, max_size=3000)),
    summary=st.one_of(ANY_TEXT, HINDI_LINE, st.text(min_size=500, max_size=3000)),
)
def test_a_share_link_stays_under_the_limit_for_any_title_and_summary(title, summary):
    url = "https://bulletin.example.in/2026/11/alot-thane-mein-avaidh-sharab-jabt/"
    text = note_message(
        DEFAULTS["note_message"],
        title=title,
        summary=summary,
        url=url,
        site=SITE,
        words=WORDS,
        summary_max_chars=300,
        max_link_chars=LINK_LIMIT,
    )
    link = wa_link(text)
    assert len(link) < LINK_LIMIT
    assert parse_qs(urlparse(link).query)["text"] == [text]
    assert url in text and SITE in text
    # the title stays one bold run: a star opens it, one closes it
    bold = text.split("\n")[0]
    assert bold.startswith("*") and bold.endswith("*") and bold.count("*") == 2


# --- the share ledger -------------------------------------------------------------

ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"
GROUP = st.text(ID_CHARS, min_size=1, max_size=20)
NOTE_URL = st.builds(
    "20{:02d}/{:02d}/{}/".format,
    st.integers(0, 99),
    st.integers(1, 12),
    st.text(ID_CHARS, min_size=1, max_size=40),
)
TITLE = st.one_of(HINDI_LINE, st.text(max_size=60))
OFFERS = st.lists(st.tuples(GROUP, NOTE_URL, TITLE), min_size=1, max_size=10)


def as_written(value: str) -> str:
    """A ledger cell keeps the words of a value with single spaces; an empty
    value is written as "-"."""
    return " ".join(value.split()) or "-"


@PROPERTY
@given(runs=st.lists(OFFERS, min_size=1, max_size=4))
def test_a_ledger_written_and_read_again_gives_the_same_offers(runs):
    written = HEADER + "".join(
        format_run(Run(id=f"r{n}", time="2026-11-27T12:00:00+05:30", offers=offers))
        for n, offers in enumerate(runs, start=1)
    )
    state = parse_ledger(written.encode("utf-8"), Path("share-ledger.tsv"))
    assert [r.id for r in state.runs] == [f"r{n}" for n in range(1, len(runs) + 1)]
    for run, offers in zip(state.runs, runs, strict=True):
        assert run.offers == [(g, u, as_written(t)) for g, u, t in offers]
    assert not state.has_tail
