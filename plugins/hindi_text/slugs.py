"""Readable romanized URL slugs for Hindi (Devanagari) text.

"आलोट थाने में अवैध शराब जब्त" becomes ``alot-thane-mein-avaidh-sharab-jabt``
and "मनोहर मालवीय" becomes ``manohar-malviya``: the spelling a Hindi newsroom
would use, not a letter-by-letter transliteration.

The per-letter values start from indic-transliteration's OPTITRANS scheme and
are adjusted to newsroom conventions (no vowel-length marks, छ -> chh,
श/ष -> sh, फ -> f, nukta letters -> z/f/q/d). On top of that come the things
a letter table cannot do:

* schwa deletion: the inherent "a" of a consonant is dropped word-finally and
  in the context V C _ C V, applied right to left (Ohala's rule, as in
  Narasimhan, Sproat & Kiraz 2004 and Choudhury, Basu & Sarkar 2004), never in
  the first syllable, never next to a written consonant cluster (except before
  a C+र onset), and kept word-finally after clusters ending in र/य/ल/व
  (मित्र -> mitra, राज्य -> rajya) and in ीय (मालवीय -> malviya);
* compounds written as one word: a final C a C a C or a C a C + vowel after
  two syllables is read as a separate part (शास्त्रीनगर -> shastrinagar,
  लोकसभा -> loksabha), verb endings excepted (समझना -> samajhna); oblique
  plurals of consonant stems keep the stem (युवकों -> yuvakon);
* anusvara: m before labials after a short vowel and word-finally after the
  inherent vowel (संबंध -> sambandh, एवं -> evam), else n (हैं -> hain);
  chandrabindu is n (चाँद -> chand);
* a small override list (slug_overrides.toml) for words no rule gets right:
  official place spellings and English loanwords;
* English letter-name acronyms (एसपी -> sp, एफआईआर -> fir).

Everything here is a pure function of its arguments (the override file is
static data shipped with the code and read once).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from indic_transliteration import sanscript

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "FALLBACK_SLUG",
    "load_overrides",
    "romanize",
    "romanize_word",
    "slugify",
    "unique_slug",
]

FALLBACK_SLUG = "note"
DEFAULT_MAX_LENGTH = 64
OVERRIDES_PATH = Path(__file__).with_name("slug_overrides.toml")

# --- Devanagari inventory ----------------------------------------------------

NUKTA = "\u093c"
VIRAMA = "\u094d"
ANUSVARA = "\u0902"
CHANDRABINDU = "\u0901"
VISARGA = "\u0903"
OM = "\u0950"
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

# Independent vowels and vowel signs -> vowel key. "a" is the short a (also
# the inherent vowel), "ao" is the English o of ऑफिस, "ae" the English a of ऍ.
INDEPENDENT_VOWELS: Mapping[str, str] = MappingProxyType(
    {
        "अ": "a",
        "आ": "aa",
        "इ": "i",
        "ई": "ii",
        "उ": "u",
        "ऊ": "uu",
        "ऋ": "ri",
        "ॠ": "ri",
        "ऌ": "li",
        "ए": "e",
        "ऎ": "e",
        "ऐ": "ai",
        "ओ": "o",
        "ऒ": "o",
        "औ": "au",
        "ऑ": "ao",
        "ऍ": "ae",
        "ॲ": "ae",
    }
)
VOWEL_SIGNS: Mapping[str, str] = MappingProxyType(
    {
        "ा": "aa",
        "ि": "i",
        "ी": "ii",
        "ु": "u",
        "ू": "uu",
        "ृ": "ri",
        "ॄ": "ri",
        "ॢ": "li",
        "े": "e",
        "ॆ": "e",
        "ै": "ai",
        "ो": "o",
        "ॊ": "o",
        "ौ": "au",
        "ॉ": "ao",
        "ॅ": "ae",
    }
)
# A representative independent vowel per key, to ask indic-transliteration.
_VOWEL_SAMPLES = {key: char for char, key in reversed(list(INDEPENDENT_VOWELS.items()))}

SHORT_VOWELS = frozenset({"a", "i", "u", "ri", "li"})
LABIALS = frozenset("पफबभमव")
# Word-final clusters ending in these keep the inherent vowel (मित्र -> mitra,
# राज्य -> rajya, शुक्ल -> shukla, विशेषज्ञ -> visheshagya); व only when the
# cluster does not start with र (पर्व -> parv but तत्व -> tatwa).
_CLUSTER_FINAL_KEEPS = frozenset("रयलञ")

# OPTITRANS letter -> newsroom spelling, where they differ beyond case.
_NEWSROOM_SPELLING: Mapping[str, str] = MappingProxyType(
    {
        "A": "a",
        "I": "i",
        "U": "u",
        "R": "ri",
        "LLi": "li",
        "oa": "o",
        "ea": "e",
        "~N": "n",
        "~n": "n",
        "Ch": "chh",
        "T": "t",
        "Th": "th",
        "D": "d",
        "Dh": "dh",
        "N": "n",
        "L": "l",
        "Sh": "sh",
        "ph": "f",
        "x": "ksh",
        "jn": "gy",
        ".kh": "kh",
        ".g": "g",
        ".D": "d",
        ".Dh": "dh",
        "Y": "y",
    }
)

# English letter names as written in Devanagari, for acronyms (एसपी -> sp).
_LETTER_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "ए": "a",
        "बी": "b",
        "सी": "c",
        "डी": "d",
        "ई": "e",
        "एफ": "f",
        "जी": "g",
        "एच": "h",
        "आई": "i",
        "जे": "j",
        "के": "k",
        "एल": "l",
        "एम": "m",
        "एन": "n",
        "ओ": "o",
        "पी": "p",
        "क्यू": "q",
        "आर": "r",
        "एस": "s",
        "टी": "t",
        "यू": "u",
        "वी": "v",
        "डब्ल्यू": "w",
        "डब्लू": "w",
        "एक्स": "x",
        "वाई": "y",
        "जेड": "z",
        "ज़ेड": "z",
    }
)
# Letter names that no common Hindi word is built from: one of them is enough
# to read a two-letter word as an acronym (बीबी stays bibi, एसपी is sp).
_DISTINCT_LETTERS = frozenset("adefhilmnorsxuw")


# --- normalization and tokens ------------------------------------------------


PRECOMPOSED = {ord(k): v for k, v in {"ऩ": "न", "ऱ": "र", "ऴ": "ळ"}.items()}
DIGITS_AND_PRECOMPOSED = {
    **{code: str(code - 0x0966) for code in range(0x0966, 0x0970)},
    **PRECOMPOSED,
}
_ACCENTS = re.compile("[\u0300-\u036f]")
# The characters each table changes: str.translate looks every character of
# a text up in its table, a search for these is many times faster, so a text
# is translated only when it holds one (a note's text seldom does).
_ZERO_WIDTH_CHARS = re.compile("[" + "".join(map(chr, ZERO_WIDTH)) + "]")
_DIGIT_OR_PRECOMPOSED = re.compile(
    "[" + "".join(map(chr, DIGITS_AND_PRECOMPOSED)) + "]"
)


def normalize(text: str) -> str:
    """Decompose (NFKD: nukta letters become base + nukta, ASCII-fold Latin)
    and drop zero-width joiners, Latin accents and Devanagari digits' script.
    """
    text = unicodedata.normalize("NFKD", text)
    if _ZERO_WIDTH_CHARS.search(text):
        text = text.translate(ZERO_WIDTH)
    text = _ACCENTS.sub("", text)  # Latin combining accents
    # Devanagari digits as ASCII digits, and the rarely used precomposed
    # letters that NFKD keeps.
    if _DIGIT_OR_PRECOMPOSED.search(text):
        text = text.translate(DIGITS_AND_PRECOMPOSED)
    return text


_TOKEN = re.compile(r"[\u0900-\u0963\u0971-\u097f]+|[a-z0-9]+")
# A comma between digits: the comma found first, then the digit before it
# looked at (a pattern that starts by looking behind tries every
# character of the text; one that starts with the comma skips to each).
_DIGIT_COMMA = re.compile(r",(?<=\d,)(?=\d{2})")
_APOSTROPHE = re.compile(r"(?<=[a-z])['\u2019](?=[a-z])")


def tokens(text: str) -> list[str]:
    """Words of `text`: Devanagari runs and lowercase ASCII letter/digit runs.

    Digit groups ("40,000") are joined and apostrophes inside Latin words
    ("don't") are dropped; all other punctuation separates words.
    """
    text = normalize(text).lower()
    # (each looked for only in a text holding its character: a search that
    # looks behind at every character is slow)
    if "," in text:
        text = _DIGIT_COMMA.sub("", text)
    if "'" in text or "\u2019" in text:
        text = _APOSTROPHE.sub("", text)
    return _TOKEN.findall(text)


# --- letter table (indic-transliteration + newsroom spelling) ---------------


def _is_consonant(char: str) -> bool:
    return "\u0915" <= char <= "\u0939"


def _newsroom(optitrans: str) -> str:
    """A letter's OPTITRANS spelling adjusted to newsroom conventions."""
    spelled = _NEWSROOM_SPELLING.get(optitrans, optitrans.lower())
    return re.sub("[^a-z]", "", spelled)


# Nukta letters with a sound of their own (क़ q, ज़ z, ड़ d, फ़ f ...); a nukta
# on any other letter is read as the plain letter.
_NUKTA_LETTERS = frozenset("कखगजडढफय")


@lru_cache(maxsize=512)
def letter_latin(letter: str) -> str:
    """Latin for one consonant (optionally + nukta) or one vowel key."""
    if letter in _VOWEL_SAMPLES:
        sample = _VOWEL_SAMPLES[letter]
    elif letter.endswith(NUKTA) and letter[0] not in _NUKTA_LETTERS:
        return letter_latin(letter[0])
    else:
        sample = letter + VIRAMA
    return _newsroom(
        sanscript.transliterate(sample, sanscript.DEVANAGARI, sanscript.OPTITRANS)
    )


# --- syllable segments -------------------------------------------------------


@dataclass(frozen=True)
class Seg:
    """One consonant ("C") or vowel ("V") of a written word.

    `key` is the consonant letter (with nukta) or the vowel key. `joined`
    marks a consonant written in a conjunct with the one before it (after
    virama); `inherent` marks the unwritten schwa of a consonant.
    """

    kind: Literal["C", "V"]
    key: str
    joined: bool = False
    inherent: bool = False
    nasal: str = ""
    visarga: bool = False


def parse(word: str) -> list[Seg]:  # noqa: C901 - one branch per letter kind
    """Segments of one normalized Devanagari word."""
    segs: list[Seg] = []
    i, n = 0, len(word)
    after_virama = False
    while i < n:
        char = word[i]
        i += 1
        if _is_consonant(char):
            key = char
            if i < n and word[i] == NUKTA:
                key, i = char + NUKTA, i + 1
            joined = after_virama and bool(segs) and segs[-1].kind == "C"
            segs.append(Seg("C", key, joined=joined))
            after_virama = False
            if i < n and word[i] == VIRAMA:
                after_virama, i = True, i + 1
            elif i < n and word[i] in VOWEL_SIGNS:
                segs.append(Seg("V", VOWEL_SIGNS[word[i]]))
                i += 1
            else:
                segs.append(Seg("V", "a", inherent=True))
        elif char in INDEPENDENT_VOWELS:
            segs.append(Seg("V", INDEPENDENT_VOWELS[char]))
            after_virama = False
        elif char in (ANUSVARA, CHANDRABINDU, VISARGA) and segs:
            if segs[-1].kind == "V":
                if char == VISARGA:
                    segs[-1] = replace(segs[-1], visarga=True)
                else:
                    nasal = "anusvara" if char == ANUSVARA else "chandrabindu"
                    segs[-1] = replace(segs[-1], nasal=nasal)
        elif char == OM:
            segs += [Seg("V", "o"), Seg("C", "म"), Seg("V", "a", inherent=True)]
        # Anything else (avagraha, stray signs) carries no sound of its own.
    return segs


# --- schwa deletion ----------------------------------------------------------

# Stops whose Latin letter + h would read as an aspirate (p+h = ph).
_STOPS = frozenset(["क", "ग", "च", "ज", "ट", "ड", "त", "द", "प", "ब", "ड" + NUKTA])


def _plain_schwa(seg: Seg) -> bool:
    return seg.kind == "V" and seg.inherent and not seg.nasal and not seg.visarga


def _soft_schwa(segs: list[Seg], i: int) -> bool:
    """A plain inherent vowel outside the first syllable (one that may go)."""
    return _plain_schwa(segs[i]) and any(s.kind == "V" for s in segs[:i])


def _consonants_before(segs: list[Seg], i: int) -> tuple[list[Seg], Seg | None]:
    """The consonant run just before index i, and the vowel before that run."""
    j = i - 1
    while j >= 0 and segs[j].kind == "C":
        j -= 1
    return segs[j + 1 : i], (segs[j] if j >= 0 else None)


def _consonants_after(segs: list[Seg], i: int) -> tuple[list[Seg], Seg | None, int]:
    """The consonant run just after index i, the vowel after it and its index."""
    k = i + 1
    while k < len(segs) and segs[k].kind == "C":
        k += 1
    return segs[i + 1 : k], (segs[k] if k < len(segs) else None), k


def _keeps_final_schwa(left: list[Seg], prev_vowel: Seg) -> bool:
    """Whether a word-final inherent vowel is pronounced (mitra, malviya)."""
    last = left[-1].key
    if len(left) >= 2:
        if last in _CLUSTER_FINAL_KEEPS:
            return True
        return last == "व" and left[-2].key != "र"
    return last == "य" and prev_vowel.key in ("i", "ii")


def _is_cr_onset(segs: list[Seg], i: int, right: list[Seg], k: int) -> bool:
    """A written C+र conjunct (प्र, क्र ...) starting a compound's second part.

    रामप्रसाद -> ramprasad, लोकप्रिय -> lokpriya; but not a word-final
    syllable that keeps its vowel (प्रमाणपत्र -> pramanpatra), nor after a
    schwa that can go itself (राजपत्रित -> rajpatrit).
    """
    final_kept = k == len(segs) - 1 and segs[k].inherent
    return (
        len(right) == 2
        and right[1].key == "र"
        and right[1].joined
        and right[0].key != "र"
        and not final_kept
        and not _soft_schwa(segs, i - 2)
    )


def _schwa_deletable(segs: list[Seg], i: int) -> bool:  # noqa: C901 - one rule a line
    """Whether the vowel at index i is a silent inherent schwa."""
    seg = segs[i]
    if not _plain_schwa(seg):
        return False
    left, prev_vowel = _consonants_before(segs, i)
    if prev_vowel is None or not left:
        return False  # first syllable
    if i == len(segs) - 1:
        return not _keeps_final_schwa(left, prev_vowel)
    right, next_vowel, k = _consonants_after(segs, i)
    if not right:
        return segs[i + 1].key == "a"  # before a written अ: पिकअप -> pikap
    if next_vowel is None:
        return False  # before the word's last consonant(s)
    if len(left) != 1 or not (len(right) == 1 or _is_cr_onset(segs, i, right, k)):
        return False  # would make a cluster of three consonants
    if left[0].key == "य" and prev_vowel.key in ("i", "ii"):
        return False  # -iya-: नियम -> niyam, नियमित -> niyamit
    if left[0].key in _STOPS and right[0].key == "ह":
        return False  # p+h would read "ph": दोपहर -> dopahar, दोपहिया
    is_last = k == len(segs) - 1
    if is_last and next_vowel.key in ("i", "u") and not next_vowel.nasal:
        return False  # tatsam endings: अनुमति, प्रगति, अवधि
    if is_last and left[0].key == "व" and right[0].key == "त":
        return False  # -वती: युवती -> yuvati, भगवती -> bhagvati
    return not _before_final_an(segs, k)


def _before_final_an(segs: list[Seg], k: int) -> bool:
    """Whether segs[k:] is the tatsam ending -अण (प्रकरण, उदाहरण, व्याकरण)."""
    end = segs[k:]
    return (
        _plain_schwa(end[0])
        and len(end) in (2, 3)
        and end[1].key == "ण"
        and all(_plain_schwa(s) for s in end[2:])
    )


def delete_schwas(segs: list[Seg]) -> list[Seg]:
    """Drop silent inherent vowels, scanning right to left."""
    out = list(segs)
    for i in range(len(out) - 1, -1, -1):
        if _schwa_deletable(out, i):
            del out[i]
    return out


def _single(seg: Seg) -> bool:
    return seg.kind == "C" and not seg.joined


def _tail_start(segs: list[Seg]) -> int | None:
    """Start of a compound-like last part: C a C a C or C a C + vowel."""
    body = segs[:-1] if segs and _plain_schwa(segs[-1]) else segs
    if len(body) >= 6 and body[-1].kind == "C":
        c1, a1, c2, a2, c3 = body[-5:]
        participle = c2.key == "क" and c3.key == "र"  # पकड़कर, समझकर
        if (
            _single(c1)
            and _plain_schwa(a1)
            and _single(c2)
            and _plain_schwa(a2)
            and _single(c3)
            and not participle
            and not body[-6].nasal
        ):
            return len(body) - 5
        return None
    if len(segs) >= 7 and segs[-1].kind == "V" and not segs[-1].inherent:
        c0, before, c1, a1, c2, vowel = segs[-6:]
        # Not verb endings (समझना, समझने, बदलता, बदलती), nor the suffix -गी
        # (बरामदगी); nouns in -नी are compounds (आगजनी, सनसनी).
        suffix = (
            c2.key == "त"
            or (c2.key == "न" and vowel.key != "ii")
            or (c2.key == "ग" and vowel.key == "ii")
        )
        if (
            _plain_schwa(before)
            and _single(c0)
            and not _soft_schwa(segs, len(segs) - 7)  # जेबकतरे -> jebkatre
            and _single(c1)
            and _plain_schwa(a1)
            and _single(c2)
            and not suffix
        ):
            return len(segs) - 4
    return None


def _garh_start(segs: list[Seg]) -> int | None:
    """Start of a final -गढ़ ("fort", in place names: छत्तीसगढ़, शिवगढ़)."""
    body = segs[:-1] if segs and _plain_schwa(segs[-1]) else segs
    keys = [seg.key for seg in body[-3:]]
    if keys == ["ग", "a", "ढ" + NUKTA] and _single(body[-3]) and len(body) > 3:
        return len(body) - 3
    return None


def compound_split(segs: list[Seg]) -> int | None:
    """Index where a written-together compound's last part starts, if any.

    A word ending in C a C a C (नगर, चरण, कमल), or in a C a C + vowel (सभा,
    कड़ी), after at least two syllables is read as two words: शास्त्रीनगर ->
    shastri+nagar (not shastringar), लोकसभा -> lok+sabha, हथकड़ी -> hath+kadi,
    जनवरी -> jan+vari. Shorter words keep the plain rule (जानवर -> janvar,
    कमला -> kamla), and verb endings are left alone (समझना -> samajhna,
    पकड़कर -> pakadkar).
    """
    start = _garh_start(segs) or _tail_start(segs)
    if not start or segs[start - 1].kind != "V" or segs[start - 1].visarga:
        return None
    syllables = sum(1 for s in segs[:start] if s.kind == "V")
    return start if syllables >= 2 else None


# Oblique plural -ों on a consonant stem keeps the stem's spelling:
# युवकों -> yuvak+on, वाहनों -> vahan+on, औरतों -> aurat+on. Stems in ल/र are
# left to the plain rule, as most of them are -ा nouns (मामलों -> mamlon).
_PLURAL_STEM_FINALS = frozenset("कनत")


def _plural_stem(segs: list[Seg]) -> list[Seg] | None:
    """The stem (with its inherent vowel) of an oblique plural, if any."""
    if len(segs) < 5:
        return None
    *stem, last_consonant, ending = segs
    if (
        ending.key == "o"
        and ending.nasal
        and _single(last_consonant)
        and last_consonant.key in _PLURAL_STEM_FINALS
        and _plain_schwa(stem[-1])
    ):
        return [*stem, last_consonant, Seg("V", "a", inherent=True)]
    return None


def pronounced(segs: list[Seg]) -> list[Seg]:
    """Segments left after schwa deletion, compound parts done separately."""
    stem = _plural_stem(segs)
    if stem is not None:
        spoken = pronounced(stem)
        if spoken[-1].inherent:
            spoken = spoken[:-1]
        return [*spoken, segs[-1]]
    split = compound_split(segs)
    if split is None:
        return delete_schwas(segs)
    return delete_schwas(segs[:split]) + delete_schwas(segs[split:])


# --- rendering ---------------------------------------------------------------


def _ends_word(segs: list[Seg], i: int) -> bool:
    return all(_plain_schwa(s) for s in segs[i + 1 :])


def _after_ga(segs: list[Seg], i: int) -> bool:
    return i >= 2 and segs[i - 1].key == "a" and segs[i - 2].key == "ग"


def _render_consonant(segs: list[Seg], i: int) -> str:
    seg = segs[i]
    prev = segs[i - 1] if i > 0 else None
    nxt = segs[i + 1] if i + 1 < len(segs) else None
    if seg.key == "ज" and nxt is not None and nxt.key == "ञ" and nxt.joined:
        return "g"  # ज्ञ -> gy
    if seg.key == "ञ" and seg.joined and prev is not None and prev.key == "ज":
        return "y"
    if seg.key == "च" and nxt is not None and nxt.key == "छ" and nxt.joined:
        return ""  # च्छ -> chh (स्वच्छ -> swachh)
    if seg.key == "ढ" + NUKTA and _ends_word(segs, i) and _after_ga(segs, i):
        return "rh"  # -गढ़ in place names: शिवगढ़ -> shivgarh
    if seg.key == "व":
        after_consonant = seg.joined and prev is not None and prev.key != "र"
        before_h = nxt is not None and nxt.key == "ह" and nxt.joined
        return "w" if after_consonant or before_h else "v"  # स्वागत, व्हाट्स
    return letter_latin(seg.key)


def _render_nasal(seg: Seg, nxt: Seg | None) -> str:
    if not seg.nasal:
        return ""
    if seg.nasal == "chandrabindu":
        return "n"
    if nxt is None:
        return "m" if seg.key == "a" else "n"  # एवं -> evam, हैं -> hain
    if nxt.kind == "C" and nxt.key in LABIALS and seg.key in SHORT_VOWELS:
        return "m"  # संबंध -> sambandh, but सांप -> sanp
    if nxt.key == "ह" and seg.key == "i":
        return "ng"  # सिंह -> singh, रामसिंह -> ramsingh
    return "n"


def _render_vowel(segs: list[Seg], i: int) -> str:
    seg = segs[i]
    prev = segs[i - 1] if i > 0 else None
    nxt = segs[i + 1] if i + 1 < len(segs) else None
    latin = letter_latin(seg.key)
    if (
        not seg.inherent
        and seg.key == "e"
        and prev is not None
        and prev.kind == "V"
        and prev.key in ("a", "aa", "i", "ii")
    ):
        latin = "y" + latin  # गए -> gaye, लिए -> liye
    if _final_anv(segs, i):
        return "aon"  # गांव -> gaon, पांव -> paon (the व is not written)
    latin += _render_nasal(seg, nxt)
    if seg.visarga and nxt is None:
        latin += "h"  # अतः -> atah; medial visarga is silent (दुःख -> dukh)
    return latin


def _final_anv(segs: list[Seg], i: int) -> bool:
    """Whether segs[i:] is a word-final nasal आ + व (गांव, छांव)."""
    return (
        i + 2 == len(segs)
        and segs[i].key == "aa"
        and bool(segs[i].nasal)
        and segs[i + 1].key == "व"
    )


def render(segs: list[Seg]) -> str:
    """Latin spelling of pronounced segments."""
    out = []
    for i, seg in enumerate(segs):
        if seg.kind == "V":
            out.append(_render_vowel(segs, i))
        elif not (i > 0 and _final_anv(segs, i - 1)):
            out.append(_render_consonant(segs, i))
    return "".join(out)


# --- overrides and acronyms --------------------------------------------------


@dataclass(frozen=True)
class Overrides:
    """Words romanized by hand. `stems` also start written-together compounds."""

    words: Mapping[str, str]
    stems: Mapping[str, str]


def _override_table(raw: object, section: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ValueError(f"slug overrides: [{section}] must be a table")
    table = {}
    for key, value in raw.items():
        if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9]+", value):
            raise ValueError(
                f"slug overrides: [{section}] {key!r} must map to lowercase "
                f"a-z0-9, not {value!r}"
            )
        table[normalize(key)] = value
    return table


@lru_cache(maxsize=4)
def load_overrides(path: Path = OVERRIDES_PATH) -> Overrides:
    """Read the override list (static data shipped with this module)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    unknown = sorted(set(data) - {"words", "stems"})
    if unknown:
        raise ValueError(f"slug overrides: unknown section(s) {unknown}")
    return Overrides(
        words=MappingProxyType(_override_table(data.get("words", {}), "words")),
        stems=MappingProxyType(_override_table(data.get("stems", {}), "stems")),
    )


def _spell_letters(word: str) -> list[list[str]]:
    """Every way to read `word` (normalized) as a run of English letter names."""
    if not word:
        return [[]]
    readings = []
    for name, letter in _LETTER_NAMES.items():
        name = normalize(name)
        if word.startswith(name):
            rest = _spell_letters(word[len(name) :])
            readings += [[letter, *tail] for tail in rest]
    return readings


def acronym(word: str) -> str | None:
    """Latin letters of an acronym spelled out in Devanagari (एसपी -> sp)."""
    for letters in _spell_letters(word):
        if len(letters) >= 3 or (
            len(letters) == 2 and _DISTINCT_LETTERS.intersection(letters)
        ):
            return "".join(letters)
    return None


def _compound_override(word: str, overrides: Overrides) -> str | None:
    """A stem override followed by more word: पुलिसकर्मी -> policekarmi."""
    for stem in sorted(overrides.stems, key=len, reverse=True):
        rest = word[len(stem) :]
        if word.startswith(stem) and len(rest) >= 2 and _is_consonant(rest[0]):
            return overrides.stems[stem] + romanize_word(rest)
    return None


# --- public API --------------------------------------------------------------


@lru_cache(maxsize=8192)
def romanize_word(word: str) -> str:
    """Readable Latin for one word (Devanagari, or ASCII passed through)."""
    word = normalize(word)
    if word.isascii():
        return re.sub("[^a-z0-9]", "", word.lower())
    overrides = load_overrides()
    if word in overrides.words:
        return overrides.words[word]
    if word in overrides.stems:
        return overrides.stems[word]
    letters = acronym(word)
    if letters:
        return letters
    compound = _compound_override(word, overrides)
    if compound:
        return compound
    return render(pronounced(parse(word)))


def romanize(text: str) -> str:
    """Readable lowercase Latin for `text`, words separated by single spaces.

    Punctuation is dropped; Latin letters and digits pass through lowercased
    and Devanagari digits become 0-9.
    """
    words = (romanize_word(token) for token in tokens(text))
    return " ".join(word for word in words if word)


def _cut_at_word(slug: str, limit: int) -> str:
    """`slug` shortened to at most `limit` characters at a hyphen if possible."""
    if len(slug) <= limit:
        return slug
    cut = slug.rfind("-", 0, limit + 1)
    head = slug[:cut] if cut > 0 else slug[:limit]
    return head.strip("-")


def slugify(text: str, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """ASCII URL slug for `text`: a-z, 0-9 and single hyphens.

    Cut at a word boundary to at most `max_length` characters (a single
    longer word is cut mid-word). Text without letters or digits gives
    FALLBACK_SLUG, so the result is never empty.
    """
    limit = max(1, max_length)
    slug = _cut_at_word("-".join(romanize(text).split()), limit)
    return slug or FALLBACK_SLUG[:limit]


def unique_slug(
    slug: str, taken: set[str], max_length: int = DEFAULT_MAX_LENGTH
) -> str:
    """`slug`, or the first of slug-2, slug-3 ... not in `taken`.

    The base is trimmed at a word boundary so that the result stays within
    `max_length`. `taken` is not modified.
    """
    slug = slug or FALLBACK_SLUG
    if slug not in taken:
        return slug
    number = 2
    while True:
        suffix = f"-{number}"
        base = _cut_at_word(slug, max(1, max_length - len(suffix)))
        candidate = f"{base}{suffix}"
        if candidate not in taken:
            return candidate
        number += 1
