r"""The words a note is found by, besides its visible text (pure functions).

Pagefind indexes the note page's Hindi text and stems it (थाना, थाने and
थानों find each other; nukta and chandrabindu are folded). What it cannot do
is match Hindi typed in English letters, so every note page carries, hidden
from readers, the romanized form of its words (the project's slug
romanization, plugins/hindi_text/slugs.py) and of each a "skeleton" that
spelling variants share: bilpaank and bilpank, samitee and samiti, jawra and
jaora all become the same skeleton. The search page turns a Latin query into
skeletons with the same rules (SKELETON_RULES, handed to its script as JSON),
so both sides agree.

A skeleton keeps the word's vowels except where spellings really differ
(aa/a, ee/i, oo/u, ai/e, au/o, a final vowel, the short a Hindi drops in
speech between two syllables), and is never shorter than SKELETON_MIN letters:
Pagefind matches a query word by the beginning of indexed words, so a
skeleton of one or two letters (qqqq gave k, hatya gave hty) matched words of
unrelated notes.

Rules use only regex syntax that Python and JavaScript (back to Safari 15)
read alike; a replacement's \\1 is written $1 by the script.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from plugins.hindi_text.slugs import (
    normalize,
    parse,
    pronounced,
    render,
    romanize_word,
    tokens,
)

# Applied in order to a lowercase ASCII word; the first only cleans it.
SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("[^a-z0-9]", ""),
    ("ee", "i"),
    ("oo", "u"),
    ("([a-z])\\1+", "\\1"),
    ("ck", "k"),
    ("sh", "s"),
    ("ph", "f"),
    ("qu", "kw"),
    # ow before a consonant is the au of chowk (chauk, chouk).
    ("ow(?![aeiou])", "o"),
    ("w", "v"),
    ("z", "j"),
    ("q", "k"),
    ("ao", "av"),
    ("[ao]u", "o"),
    ("[ae]i", "e"),
    ("^(.{3,}?)(iyon|iyan|iyo|yon|on|en)$", "\\1"),
    # The short a that Hindi drops in speech between two syllables is
    # written or left out at will (deepawali and dipavli, samajhaish and
    # samjhaish); the a of a first syllable (hatya, raksha) is kept. Such an
    # a is marked A, then dropped: three passes, because a match takes the
    # letters before it (no lookbehind, which older Safari cannot read).
    *[("([aeiouA][^aeiouA])a(?=[^aeiouA]+[aeiouA])", "\\1A")] * 3,
    ("A", ""),
    # Dropping an a can join letters the rules above had already read
    # (dashahara -> dashra): read them again.
    ("([a-z])\\1+", "\\1"),
    ("sh", "s"),
    ("^(.{3,}?)[aeiouy]$", "\\1"),
)
# A skeleton shorter than this is not used: the word is kept as typed
# (cleaned by the first rule), so qqqq stays qqqq instead of becoming k.
SKELETON_MIN = 3
# Spellings of one Devanagari word that readers and notes use at will, each
# rewritten to one of them: the independent long vowels ई and ऊ typed short
# (हाइवे for हाईवे), ऐ/ए and औ/ओ and their signs (व्हाट्सऐप, व्हाट्सएप;
# पिपलौदा, पिपलोदा), a half nasal before a consonant of its class written
# as anusvara (सितम्बर, सितंबर; not सम्मान or कन्या), chandrabindu as
# anusvara, and ण as न (गनेश for गणेश).
# One rule set for both sides: a note's words that these rules change are
# indexed in the rewritten spelling too (search_terms), a query's words are
# rewritten (DEVANAGARI_QUERY_RULES), and the search page compares a result's
# words with the query's after the same rules (khoj.js fold).
SPELLING_RULES: tuple[tuple[str, str], ...] = (
    ("ई", "इ"),
    ("ऊ", "उ"),
    ("ऐ", "ए"),
    ("औ", "ओ"),
    ("\u0948", "\u0947"),
    ("\u094c", "\u094b"),
    ("[ङञणनम]\u094d(?=[क-घच-झट-ढत-धप-भ])", "\u0902"),
    ("\u0901", "\u0902"),
    ("ण", "न"),
)
# Applied to each Devanagari word of a query: plural endings that Pagefind's
# Hindi stemmer keeps (समितियों would not find समिति, चोरियों not चोरी), then
# the spelling rules.
DEVANAGARI_QUERY_RULES: tuple[tuple[str, str], ...] = (
    ("^(.{2,}?)ि?(यों|याँ|यां|यो)$", "\\1ी"),
    *SPELLING_RULES,
)
_COMPILED = tuple((re.compile(p), r) for p, r in SKELETON_RULES)
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_SPELLING = tuple((re.compile(p), r) for p, r in SPELLING_RULES)


def spelling(word: str) -> str:
    """`word` (NFC or NFD) in the one spelling SPELLING_RULES choose."""
    word = unicodedata.normalize("NFC", word)
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=16384)
def skeleton(word: str) -> str:
    """The form every spelling variant of a Latin-typed word shares."""
    (clean, first), *rest = _COMPILED
    word = clean.sub(first, word.lower())
    shape = word
    for pattern, replacement in rest:
        shape = pattern.sub(replacement, shape)
    return shape if len(shape) >= SKELETON_MIN else word


LOANWORDS = Path(__file__).with_name("loanwords.toml")
_LATIN_WORD = re.compile("[a-z]+")
# ड़ and ढ़ are typed r and rh as often as d and dh (kalukhera, barawda).
_FLAPS = (("\u0921\u093c", "\u0930"), ("\u0922\u093c", "\u0930\u094d\u0939"))
# A plural ending a loanword takes in a note (ट्रॉलियों, हेलमेटों).
_LOAN_PLURALS = (("ि?(यों|याँ|यां)$", "ी"), ("(ों|ें)$", ""))


@lru_cache(maxsize=1)
def loanwords(path: Path = LOANWORDS) -> dict[str, str]:
    """The loanword list (plugins/search/loanwords.toml): each Devanagari
    word, in the shared spelling, with its English spelling.
    """
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    if set(data) != {"words"}:
        raise ValueError(f"{path.name}: one section, [words], expected")
    table = {}
    for hindi, english in data["words"].items():
        if not _LATIN_WORD.fullmatch(english) or not _DEVANAGARI.search(hindi):
            raise ValueError(f"{path.name}: {hindi!r} = {english!r} is no loanword")
        table[spelling(hindi)] = english
    return table


def loanword(word: str) -> str | None:
    """The English spelling of a Devanagari loanword, or of its plural."""
    table = loanwords()
    word = spelling(word)
    stems = [word] + [re.sub(p, r, word) for p, r in _LOAN_PLURALS]
    return next((table[s] for s in stems if s in table), None)


@lru_cache(maxsize=16384)
def latin_forms(word: str) -> tuple[str, ...]:
    """A word's romanizations (the slug's, and the rules' without the override
    list: पुलिस is police and pulis; with ड़ read r; a loanword's English
    spelling) and their skeletons.
    """
    roman = romanize_word(word)
    forms = [roman]
    if _DEVANAGARI.search(word):
        letters = normalize(word)
        forms.append(render(pronounced(parse(letters))))
        flapped = letters
        for flap, r in _FLAPS:
            flapped = flapped.replace(flap, r)
        if flapped != letters:
            forms.append(render(pronounced(parse(flapped))))
        english = loanword(word)
        if english:
            forms.append(english)
    forms += [skeleton(f) for f in forms]
    return tuple(dict.fromkeys(f for f in forms if f))


def search_terms(texts: Iterable[str]) -> str:
    """Every Latin form of the words of `texts`, and the spelling of each
    that SPELLING_RULES choose when it differs, each once, space-separated.
    """
    seen: dict[str, None] = {}
    for text in texts:
        for word in tokens(text or ""):
            for form in latin_forms(word):
                seen.setdefault(form, None)
            if _DEVANAGARI.search(word):
                other = spelling(word)
                if other != unicodedata.normalize("NFC", word):
                    seen.setdefault(other, None)
    return " ".join(seen)
