"""Properties of the pure rules, checked on many generated inputs (Hypothesis)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from plugins.hindi_text.krutidev import convert_note_text, looks_like_krutidev
from plugins.hindi_text.slugs import slugify, tokens, unique_slug
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


# --- search words and page keys ---------------------------------------------------

# Digit groups with commas anywhere (1,00,000; 40,000.50; 1,2,3; ४०,०००; a
# comma at either end), words that start the synonym table's phrases, and
# any text (NUL and lone surrogates too).
DIGIT_GROUPS = st.text(st.sampled_from(list("0123456789०४,,.")), max_size=12)
PHRASE_PARTS = st.sampled_from(["सोने", "चांदी", "सोने-चांदी", "के", "जेवर", "नामली"])
SEARCH_TEXT = st.lists(
    st.one_of(HINDI_WORD, DIGIT_GROUPS, PHRASE_PARTS, st.text(max_size=8)), max_size=8
).map(" ".join)
# Equal texts of other kinds: Markup (a template's |safe) and a str subclass.
TEXT_KINDS = st.sampled_from([str, Markup, type("Named", (str,), {})])


def phrase_forms(words: list[str]) -> list[str]:
    """The single-word forms of the synonym groups of every phrase `words`
    hold, looked for at every word, longest phrase first.
    """
    from plugins.search.terms import spelling, synonyms

    table = synonyms()
    longest = max(key.count(" ") + 1 for key in table)
    spelled = [spelling(word) for word in words]
    found: dict[str, None] = {}
    for i in range(len(spelled)):
        for n in range(min(longest, len(spelled) - i), 1, -1):
            for form in table.get(" ".join(spelled[i : i + n]), ()):
                if " " not in form:
                    found.setdefault(form, None)
    return list(found)


def words_in_turn(texts) -> list[str]:
    """Every hidden form of every word of every text, each added in turn."""
    from plugins.search.terms import word_terms

    seen: dict[str, None] = {}
    for text in texts:
        words = tokens(text or "")
        for form in [f for word in words for f in word_terms(word)]:
            seen.setdefault(form, None)
        for phrase_form in phrase_forms(words):
            for form in (phrase_form, *word_terms(phrase_form)):
                seen.setdefault(form, None)
    return list(seen)


@PROPERTY
@given(
    notes=st.lists(
        st.lists(st.tuples(TEXT_KINDS, SEARCH_TEXT, st.booleans()), max_size=5),
        min_size=1,
        max_size=4,
    )
)
def test_a_shared_texts_words_are_those_of_its_words_in_turn(notes):
    """search_forms keeps the words of a text many notes share by the text:
    note after note, whatever the kind of an equal text, and whatever a
    caller did to what it got before, they are the words of adding every
    word in turn.
    """
    from plugins.search.terms import search_forms

    for note in notes:
        texts = [kind(text) for kind, text, _ in note]
        shared = [text for text, (_, _, kept) in zip(texts, note, strict=True) if kept]
        got = search_forms(texts, shared)
        assert list(got) == words_in_turn(texts)
        got.clear()
        search_forms(shared, shared)["x"] = None


@PROPERTY
@given(st.one_of(DIGIT_GROUPS, st.lists(DIGIT_GROUPS, max_size=4).map(" a".join)))
def test_a_comma_between_digits_goes_where_a_digit_precedes_and_two_follow(text):
    from plugins.hindi_text.slugs import _DIGIT_COMMA

    assert _DIGIT_COMMA.sub("", text) == re.sub(r"(?<=\d),(?=\d{2})", "", text)


# (NUL then \x01 is how the key parts a text from the field before it)
FIELD_TEXT = st.lists(
    st.sampled_from([*"a1:'\\\x00\x01\ud800\udc00अ😀", "\x00\x01"]), max_size=5
).map("".join)
FIELD_VALUES = st.one_of(
    st.none(),
    st.just("None"),
    FIELD_TEXT,
    FIELD_TEXT.map(Markup),
    st.integers(-3, 3),
    st.lists(st.text(max_size=2), max_size=2),
)


def look_alikes(pair: list) -> list[list]:
    """Other field values close to `pair`: the same, the text of one moved
    into the other (at a NUL and \x01 too), each value as Markup and as its
    text, each lone surrogate as "?".
    """
    first, second = pair
    close = [list(pair)]
    if type(first) is str and type(second) is str:
        joined = first + "\x00\x01" + second
        close += [
            [joined[:at], joined[at + 2 :]]
            for at in range(len(joined))
            if joined.startswith("\x00\x01", at)
        ]
        close += [[first[:-1], first[-1:] + second], [first + second[:1], second[1:]]]
    for i, value in enumerate(pair):
        text = str(value)
        for other in (Markup(value), text, re.sub("[\ud800-\udfff]", "?", text)):
            close.append([other if j == i else v for j, v in enumerate(pair)])
    return close


@PROPERTY
@given(
    st.one_of(
        st.lists(FIELD_VALUES, min_size=2, max_size=2),
        st.lists(FIELD_TEXT, min_size=2, max_size=2),
    )
)
def test_a_notes_fields_give_its_key_and_only_they(values):
    """note_fields: notes with the same field values (and kinds) have one
    key, notes with other values (a text moved from field to field, a text
    and a value described alike, Markup and its text, a lone surrogate and
    "?") other keys.
    """
    from types import SimpleNamespace

    from plugins.page_reuse.reuse import NOTE_FIELDS, note_fields

    def key(pair) -> str:
        fields = dict.fromkeys(NOTE_FIELDS, "")
        fields.update(zip(NOTE_FIELDS[:2], pair, strict=True))
        return note_fields(SimpleNamespace(metadata={}, **fields))

    def kinds(pair) -> list:
        return [(type(v), v) for v in pair]

    for other in look_alikes(values):
        assert (key(values) == key(other)) == (kinds(values) == kinds(other)), other
