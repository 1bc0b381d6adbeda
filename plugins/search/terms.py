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
from collections.abc import Iterable
from functools import lru_cache

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
    ("^(.{3,}?)[aeiouy]$", "\\1"),
)
# A skeleton shorter than this is not used: the word is kept as typed
# (cleaned by the first rule), so qqqq stays qqqq instead of becoming k.
SKELETON_MIN = 3
# Applied to each Devanagari word of a query: plural endings that Pagefind's
# Hindi stemmer keeps (समितियों would not find समिति, चोरियों not चोरी); and
# the independent long vowels ई and ऊ, which readers type short (हाइवे for
# हाईवे): a query has them short, and a note's words with them are indexed
# short too (search_terms).
DEVANAGARI_QUERY_RULES: tuple[tuple[str, str], ...] = (
    ("^(.{2,}?)ि?(यों|याँ|यां|यो)$", "\\1ी"),
    ("ई", "इ"),
    ("ऊ", "उ"),
)
_SHORT_VOWELS = str.maketrans("ईऊ", "इउ")
_COMPILED = tuple((re.compile(p), r) for p, r in SKELETON_RULES)
_DEVANAGARI = re.compile("[\u0900-\u097f]")


@lru_cache(maxsize=16384)
def skeleton(word: str) -> str:
    """The form every spelling variant of a Latin-typed word shares."""
    (clean, first), *rest = _COMPILED
    word = clean.sub(first, word.lower())
    shape = word
    for pattern, replacement in rest:
        shape = pattern.sub(replacement, shape)
    return shape if len(shape) >= SKELETON_MIN else word


@lru_cache(maxsize=16384)
def latin_forms(word: str) -> tuple[str, ...]:
    """A word's romanizations (the slug's, and the rules' without the override
    list: पुलिस is police and pulis) and their skeletons.
    """
    roman = romanize_word(word)
    forms = [roman]
    if _DEVANAGARI.search(word):
        plain = render(pronounced(parse(normalize(word))))
        forms.append(plain)
    forms += [skeleton(f) for f in forms]
    return tuple(dict.fromkeys(f for f in forms if f))


def search_terms(texts: Iterable[str]) -> str:
    """Every Latin form of the words of `texts`, and the short-vowel spelling
    of those written with ई or ऊ, each once, space-separated.
    """
    seen: dict[str, None] = {}
    for text in texts:
        for word in tokens(text or ""):
            for form in latin_forms(word):
                seen.setdefault(form, None)
            short = word.translate(_SHORT_VOWELS)
            if short != word:
                seen.setdefault(short, None)
    return " ".join(seen)
