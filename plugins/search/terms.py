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
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from itertools import chain
from pathlib import Path
from types import MappingProxyType

from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.messages import _
from plugins.core.toml_files import load_toml
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
    # wh is typed w as often (whatsapp, watsapp, wattsapp).
    ("wh", "w"),
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
# Words a reader types in a query written as a sentence (bilpank thane me
# baithak hui, ताल में चोरी कैसे हुई) that say nothing of the note sought:
# postpositions, forms of to be and to happen, question words. The search
# page drops them from a query that has other words; notes rarely hold
# them all (कब, कैसे, क्या), and a query word no note holds empties the
# search.
QUERY_FILLERS: tuple[str, ...] = (
    *("me", "mein", "main", "men", "ka", "ki", "ke", "ko", "se", "ne", "par"),
    *("pe", "aur", "hui", "hua", "hue", "hai", "hain", "tha", "thi", "the"),
    *("kab", "kaise", "kese", "kya", "kyon", "kyu", "kahan", "to", "ho"),
    *("gaya", "gayi", "gai", "kare", "karen", "kaha", "se"),
    *("में", "का", "की", "के", "को", "से", "ने", "पर", "पे", "और", "हुई", "हुआ"),
    *("हुए", "है", "हैं", "था", "थी", "थे", "कब", "कैसे", "क्या", "क्यों"),
    *("कहां", "कहाँ", "तो", "हो", "गया", "गई", "करें", "कि"),
    # Negation (हेलमेट न पहनने पर चालान): notes say what was done.
    *("न", "नहीं", "ना", "na", "nahi", "nahin"),
)
# Spellings of one Devanagari word that readers and notes use at will, each
# rewritten to one of them: the independent long vowels ई and ऊ typed short
# (हाइवे for हाईवे), ऐ/ए and औ/ओ and their signs (व्हाट्सऐप, व्हाट्सएप;
# पिपलौदा, पिपलोदा), a half nasal before a consonant of its class written
# as anusvara (सितम्बर, सितंबर; not सम्मान or कन्या), chandrabindu as
# anusvara, ण as न (गनेश for गणेश), and ॉ/ऑ as ा/आ (कालेज for कॉलेज).
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
    # ॉ (the o of college, trolley) typed as ा: कालेज, ट्राली.
    ("\u0949", "\u093e"),
    ("ऑ", "आ"),
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


@lru_cache(maxsize=65536)
def spelling(word: str) -> str:
    """`word` (NFC or NFD) in the one spelling SPELLING_RULES choose
    (remembered: a note's every word is spelled for its phrases).
    """
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
SYNONYMS = Path(__file__).with_name("synonyms.toml")
_LATIN_WORD = re.compile("[a-z]+")
# ड़ and ढ़ are typed r and rh as often as d and dh (kalukhera, barawda).
_FLAPS = (("\u0921\u093c", "\u0930"), ("\u0922\u093c", "\u0930\u094d\u0939"))
# The plural and oblique endings a note's word takes, each with what it
# replaces (ट्रॉलियों, हेलमेटों, मोटरसाइकिलें, दुर्घटनाओं, पटाखे, पटाखों):
# a word is looked up in the loanword and synonym tables as written, then
# with each ending replaced, in this order.
_ENDINGS = (
    ("ि?(यों|याँ|यां)$", "ी"),
    ("(ों|ें)$", ""),
    ("ा(ओं|एं|एँ)$", "ा"),
    ("े$", "ा"),
    ("ों$", "ा"),
)
_DEVANAGARI_WORD = re.compile("[\u0900-\u0963\u0971-\u097f]+")
# A phrase form: two to four Devanagari words, one space apart (सोने चांदी).
_DEVANAGARI_PHRASE = re.compile(
    "[\u0900-\u0963\u0971-\u097f]+( [\u0900-\u0963\u0971-\u097f]+){1,3}"
)
PHRASE_WORDS = 4
_GROUP_NAME = re.compile("[a-z][a-z0-9_]*")
_TOML_LINE = re.compile(r"at line (\d+)")


def word_stems(word: str) -> list[str]:
    """A Devanagari word in the shared spelling, then with each plural or
    oblique ending replaced (_ENDINGS): the keys it is looked up by.
    """
    word = spelling(word)
    return [word] + [re.sub(p, r, word) for p, r in _ENDINGS]


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
    return next((table[s] for s in word_stems(word) if s in table), None)


def synonym_key(form: str) -> str:
    """How a form is compared: Devanagari in the shared spelling (a phrase's
    words one space apart), Latin as is.
    """
    return spelling(form) if _DEVANAGARI.search(form) else form


def is_phrase(form: str) -> bool:
    """Whether a synonym form is a phrase (several words): it is looked for
    in a note's text, and not itself carried as a hidden word.
    """
    return " " in form


def _line_of(text: str, name: str) -> int | None:
    key = rf"^[ \t]*([\"']?){re.escape(name)}\1[ \t]*="
    found = re.search(key, text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _group_problems(name: str, forms: object) -> list[str]:
    """What is wrong with one group of synonyms.toml (messages), or []."""
    found = []
    if not _GROUP_NAME.fullmatch(name):
        found.append(
            _(
                "group name '%(name)s': use lowercase English letters, "
                "digits and _ (like lost)",
                name=name,
            )
        )
    if (
        not isinstance(forms, list)
        or len(forms) < 2
        or not all(isinstance(f, str) for f in forms)
    ):
        found.append(
            _(
                "group '%(name)s' must be a list of at least two words in "
                'quotes, like ["गुम", "लापता", "missing"]',
                name=name,
            )
        )
        return found
    for form in forms:
        nfc = unicodedata.normalize("NFC", form)
        if not (
            _LATIN_WORD.fullmatch(nfc)
            or _DEVANAGARI_WORD.fullmatch(nfc)
            or _DEVANAGARI_PHRASE.fullmatch(nfc)
        ):
            found.append(
                _(
                    "'%(word)s' in group '%(name)s' is not one word in Devanagari "
                    "or in lowercase English letters (a-z), nor two to four "
                    "Devanagari words one space apart; write each form without "
                    "signs or capitals",
                    word=form,
                    name=name,
                )
            )
    if not any(_DEVANAGARI.search(f) for f in forms):
        found.append(
            _(
                "group '%(name)s' has no word in Devanagari: notes are "
                "found through it by their Hindi words",
                name=name,
            )
        )
    return found


def synonym_table(
    data: dict, text: str, shown: str
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """The synonym groups of a parsed synonyms.toml (`data`, its `text` for
    line numbers, `shown` naming it): each form's key (synonym_key) with every
    form of its group, and a problem for each group that breaks the rules.
    """
    if set(data) != {"groups"} or not isinstance(data["groups"], dict):
        message = _("one section, [groups], expected, with one group a line")
        return {}, [Problem(shown, None, None, message)]
    problems: list[Problem] = []
    table: dict[str, tuple[str, ...]] = {}
    owner: dict[str, tuple[str, int | None]] = {}
    for name, forms in data["groups"].items():
        line = _line_of(text, name)
        wrong = _group_problems(name, forms)
        problems += [Problem(shown, line, None, m) for m in wrong]
        if wrong:
            continue
        group = tuple(dict.fromkeys(unicodedata.normalize("NFC", f) for f in forms))
        for form in group:
            key = synonym_key(form)
            if key in owner:
                other, other_line = owner[key]
                message = _(
                    "'%(word)s' is in group '%(name)s' and in group "
                    "'%(other)s' (line %(line)s); keep it in one group",
                    word=form,
                    name=name,
                    other=other,
                    line=other_line,
                )
                problems.append(Problem(shown, line, None, message))
                continue
            owner[key] = (name, line)
            table[key] = group
    return table, problems


@lru_cache(maxsize=1)
def synonyms(path: Path = SYNONYMS) -> dict[str, tuple[str, ...]]:
    """The synonym table (plugins/search/synonyms.toml): each form's key with
    every form of its group. A file that breaks the rules raises ContentError
    naming the file and line.
    """
    shown = display_path(path)
    data, problems = load_toml(path)
    if data is None:
        found = _TOML_LINE.search(problems[0].message)
        line = int(found.group(1)) if found else None
        raise ContentError([Problem(shown, line, None, problems[0].message)])
    table, problems = synonym_table(data, path.read_text(encoding="utf-8"), shown)
    if problems:
        raise ContentError(problems)
    return table


def synonyms_of(word: str) -> tuple[str, ...]:
    """The other forms of the synonym group of `word` (or of it without a
    plural or oblique ending), or ().
    """
    table = synonyms()
    keys = word_stems(word) if _DEVANAGARI.search(word) else [word.lower()]
    for key in keys:
        if key in table:
            return tuple(
                f for f in table[key] if synonym_key(f) != keys[0] and not is_phrase(f)
            )
    return ()


@lru_cache(maxsize=1)
def phrase_starts() -> dict[str, tuple[int, ...]]:
    """The first word of each of the synonym table's phrases, with the
    numbers of words of the phrases it starts, longest first.
    """
    starts: dict[str, set[int]] = {}
    for key in synonyms():
        if is_phrase(key):
            words = key.split(" ")
            starts.setdefault(words[0], set()).add(len(words))
    return {word: tuple(sorted(n, reverse=True)) for word, n in starts.items()}


def phrase_synonyms(words: list[str]) -> list[str]:
    """The single-word forms of every synonym group one of whose phrases
    `words` (a text's words, in order) holds: सोने-चांदी के जेवर holds the
    gold group's सोने चांदी, so the note also carries gold and स्वर्ण, while
    रात में सोने वाले (to sleep) holds no phrase of it. Only the words that
    start a phrase of the table are looked at further.
    """
    table = synonyms()
    starts = phrase_starts()
    if not starts:
        return []
    # spelling() leaves a Latin word (tokens: a-z and 0-9) as it is.
    spelled = list(map(spelling, words))
    if starts.keys().isdisjoint(spelled):
        return []  # most texts: no word starts a phrase (one set lookup each)
    found: dict[str, None] = {}
    for i in [i for i, first in enumerate(spelled) if first in starts]:
        for n in starts[spelled[i]]:
            group = table.get(" ".join(spelled[i : i + n]))
            if group and i + n <= len(spelled):
                for form in group:
                    if not is_phrase(form):
                        found.setdefault(form, None)
    return list(found)


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


@lru_cache(maxsize=16384)
def word_terms(word: str) -> tuple[str, ...]:
    """The hidden forms of one word: its Latin forms, its shared spelling
    when it differs, and the same of each other form of its synonym group
    (a form of the group itself is kept as written).
    """
    forms: list[str] = []
    for i, each in enumerate((word, *synonyms_of(word))):
        if i:
            forms.append(each)
        forms += latin_forms(each)
        if _DEVANAGARI.search(each):
            forms.append(spelling(each))
    written = unicodedata.normalize("NFC", word)
    return tuple(f for f in dict.fromkeys(forms) if f and f != written)


@lru_cache(maxsize=16384)
def word_forms(word: str) -> Mapping[str, None]:
    """word_terms(word) as a mapping's keys (shared by every caller, so
    read-only).
    """
    return MappingProxyType(dict.fromkeys(word_terms(word)))


def text_forms(text: str) -> dict[str, None]:
    """Every hidden form of the words of one text (word_terms), each once, in
    the order first met: its words' (each word once: a word met again adds
    no form), then those of the synonym groups of the phrases it holds.
    """
    words = tokens(text or "")
    seen = dict.fromkeys(chain.from_iterable(map(word_terms, dict.fromkeys(words))))
    for form in phrase_synonyms(words):
        seen.setdefault(form, None)
        seen.update(dict.fromkeys(word_terms(form)))
    return seen


@lru_cache(maxsize=1024)
def _shared_forms(text: str) -> dict[str, None]:
    """text_forms(text) of a text many notes share (a station's name, a
    category's, a reporter's), made once; not a note's tags (6,984 sets of
    tags in 10,000 bench notes). Its key is the text itself, so an edited
    registry value is another text, made anew. Shared by every call, so
    never changed: only search_forms reads it, adding it to its own dict at
    once (a dict.update from a read-only view goes key by key).
    """
    return text_forms(text)


def search_forms(texts: Iterable[str], shared: Collection[str] = ()) -> dict[str, None]:
    """Every hidden form of the words of `texts`, each once, in the order
    first met (a dict's keys; no form holds a space): the forms of each text
    in turn, which are those of adding every word of every text in turn. A
    text also in `shared` (one many notes share: a station's name, a
    category's) is made once (_shared_forms).
    """
    seen: dict[str, None] = {}
    for text in texts:
        seen.update(_shared_forms(text) if text in shared else text_forms(text))
    return seen


def search_terms(texts: Iterable[str], shared: Collection[str] = ()) -> str:
    """Every hidden form of the words of `texts` (search_forms), each once,
    space-separated.
    """
    return " ".join(search_forms(texts, shared))
