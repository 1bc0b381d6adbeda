"""Kruti Dev 010 to Unicode conversion and detection.

Many offices in Madhya Pradesh still type Hindi in the legacy Kruti Dev 010
font: the file holds ASCII/Latin-1 keystrokes (``iqfyl`` for पुलिस) that only
look like Hindi when the font is applied. This module

* converts such text to NFC-normalised Unicode Devanagari
  (:func:`krutidev_to_unicode`), using the mapping table of
  ``indic_transliteration.font_converter.krutidev2unicode`` plus a few small,
  documented pre- and post-rules for what that converter gets wrong;
* converts a whole Markdown press note without breaking its Pelican metadata
  keys, dates, slugs, URLs or Markdown syntax (:func:`convert_note_text`;
  `invoke krutidev` writes the file, scripts/krutidev.py);
* guesses whether a text is Kruti Dev-typed Hindi (:func:`krutidev_score`,
  :func:`looks_like_krutidev`).

Everything here is a pure function of its input; nothing imports Pelican.
"""

from __future__ import annotations

import re
import unicodedata

from indic_transliteration.font_converter.krutidev2unicode import kru2uni

from plugins.core.header import BEGIN_RE, END_RE, META_MORE_RE, META_RE

__all__ = [
    "HINDI_KEYS",
    "convert_note_text",
    "krutidev_score",
    "krutidev_to_unicode",
    "looks_like_krutidev",
]

# ---------------------------------------------------------------------------
# Character conversion
# ---------------------------------------------------------------------------

# Private-use sentinels that the library passes through untouched.
_REPH = "\ue000"  # a typed reph key (Z), placed by _place_reph()
_KEEP_HALANT = "\ue001"  # shields an explicit word-final halant (~) from removal

_HALANT = "\u094d"
_NUKTA = "\u093c"
_RA_HALANT = "\u0930\u094d"

_LINE_BREAK_RE = re.compile(r"(\r\n|\r|\n)")

# Pre-rules, applied to the Kruti Dev keystrokes before the library runs.
# 1. The library maps "pkS" to चै, but in Kruti Dev 010 चौ is p + kS and चै is
#    p + S ("pkSdh" is चौकी, "pSu" is चैन). "PkkS" spells the same चौ with the
#    full-form key pair Pk, which the library maps correctly.
_PRE_CHAU = ("pkS", "PkkS")
# 2. The library deletes every halant that precedes a space (its "Sanskrit"
#    rule), so an explicitly typed word-final halant (``i'pkr~ `` पश्चात्) is
#    lost. A halant typed with ~ is kept; a half-form glyph before a space
#    (usually a slip) still loses its halant, as in the library.
_PRE_KEEP_HALANT_RE = re.compile(r"~(?= )")
# 3. The reph key Z (but not the Z of bZ = ई) becomes a sentinel that
#    _place_reph() moves in front of the whole preceding consonant cluster.
#    The library only moves it over one consonant plus vowel signs, which
#    breaks reph over conjuncts (dÙkZO; gave कतर्तव्य instead of कर्त्तव्य),
#    and a Z at the start of a line made it skip every later reph.
_PRE_REPH_RE = re.compile(r"(?<!b)Z+")

# Post-rules, applied to the library's Unicode output.
# 4. Kruti Dev typists write ॉ as ा + ॅ (keys k W), e.g. "MkWDVj" डॉक्टर;
#    the library keeps the two signs, Unicode has one: ॉ, and आ + ॅ is ऑ.
_POST_O_CANDRA = (("\u093e\u0945", "\u0949"), ("\u0906\u0945", "\u0911"))
# 5. Kruti Dev has one key (%) for both the colon and the visarga; the library
#    always writes ":". Between two Devanagari letters it is a visarga (दुःख,
#    अंतःकरण), and so it is after a short list of common visarga words.
_VISARGA_INSIDE_RE = re.compile(
    r"(?<=[\u0900-\u094c]):(?=[\u0905-\u0939\u0958-\u095f])"
)
_VISARGA_WORDS = (
    "पुन",
    "अत",
    "प्रात",
    "प्राय",
    "क्रमश",
    "स्वत",
    "नम",
    "अंतत",
    "अन्तत",
    "मुख्यत",
    "सामान्यत",
    "साधारणत",
    "विशेषत",
    "संभवत",
    "सम्भवत",
    "वस्तुत",
    "पूर्णत",
    "मूलत",
    "फलत",
    "अंशत",
)
_VISARGA_WORD_RE = re.compile(
    r"(?<![\u0900-\u097f])(" + "|".join(_VISARGA_WORDS) + r"):(?![\u0900-\u097f])"
)


def _is_consonant(ch: str) -> bool:
    return "\u0915" <= ch <= "\u0939" or "\u0958" <= ch <= "\u095f"


def _is_sign(ch: str) -> bool:
    """A dependent sign that follows its consonant: matra, nukta, bindu."""
    return (
        "\u0900" <= ch <= "\u0903"
        or ch == _NUKTA
        or ("\u093e" <= ch <= "\u094c")
        or "\u0955" <= ch <= "\u0957"
        or "\u0962" <= ch <= "\u0963"
    )


def _cluster_start(text: str, end: int) -> int:
    """Start of the syllable (consonant cluster + signs) ending before `end`."""
    j = end
    while j > 0 and _is_sign(text[j - 1]):
        j -= 1
    if j == 0 or not _is_consonant(text[j - 1]):
        return j
    j -= 1
    # Extend over "consonant [nukta] halant" links: क्ष, त्त, र्द्ध ...
    while j >= 2 and text[j - 1] == _HALANT:
        k = j - 2
        if text[k] == _NUKTA and k > 0:
            k -= 1
        if not _is_consonant(text[k]):
            break
        j = k
    return j


def _place_reph(text: str) -> str:
    """Replace each reph sentinel by र् in front of the preceding syllable."""
    while (i := text.find(_REPH)) >= 0:
        j = _cluster_start(text, i)
        text = text[:j] + _RA_HALANT + text[j:i] + text[i + 1 :]
    return text


def _pre_rules(line: str) -> str:
    line = line.replace(*_PRE_CHAU)
    line = _PRE_KEEP_HALANT_RE.sub("~" + _KEEP_HALANT, line)
    return _PRE_REPH_RE.sub(_REPH, line)


def _post_rules(text: str) -> str:
    text = _place_reph(text).replace(_KEEP_HALANT, "")
    for old, new in _POST_O_CANDRA:
        text = text.replace(old, new)
    text = _VISARGA_INSIDE_RE.sub("\u0903", text)
    return _VISARGA_WORD_RE.sub("\\1\u0903", text)


def _convert_line(line: str) -> str:
    """Convert one line (no line break) of Kruti Dev keystrokes."""
    if not line.strip():
        return line
    # The library takes and returns UTF-8 bytes (it calls .decode() first).
    raw = kru2uni(_pre_rules(line).encode("utf-8")).decode("utf-8")
    return unicodedata.normalize("NFC", _post_rules(raw))


def krutidev_to_unicode(text: str) -> str:
    """Convert Kruti Dev 010 keystrokes to NFC-normalised Unicode Devanagari.

    Every character is read as Kruti Dev (so ``-`` becomes ".", ``A`` "।",
    ``@`` "/", ``:`` रू); ASCII digits stay ASCII digits. Line breaks are
    kept. The text is converted line by line because the library's i-matra
    and reph loops misbehave at line breaks.
    """
    parts = _LINE_BREAK_RE.split(text)
    # split() with a capturing group alternates content and line breaks.
    return "".join(
        part if index % 2 else _convert_line(part) for index, part in enumerate(parts)
    )


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------

# Frequent Hindi words as typed in Kruti Dev 010, with their Unicode form.
_KD_WORDS: dict[str, str] = {
    "ds": "के",
    "dh": "की",
    "dk": "का",
    "gS": "है",
    "gSa": "हैं",
    "esa": "में",
    "ij": "पर",
    "vkSj": "और",
    "fd": "कि",
    "ls": "से",
    "dks": "को",
    "Fkk": "था",
    "Fkh": "थी",
    "Fks": "थे",
    "x;k": "गया",
    "xbZ": "गई",
    "x;h": "गयी",
    "fd;k": "किया",
    "fd;s": "किये",
    "tks": "जो",
    "Hkh": "भी",
    "rFkk": "तथा",
    ",d": "एक",
    ";g": "यह",
    "og": "वह",
    "bl": "इस",
    "ml": "उस",
    "bu": "इन",
    "mu": "उन",
    "ugha": "नहीं",
    "gq,": "हुए",
    "fy,": "लिए",
    "x,": "गए",
    "dj": "कर",
    "djus": "करने",
    "djds": "करके",
    "mDr": "उक्त",
    "iqfyl": "पुलिस",
    "Fkkuk": "थाना",
    "Jh": "श्री",
    "gks": "हो",
}
# Letter sequences that are common in Kruti Dev and rare in English words.
_KD_SEQ_RE = re.compile(
    r"""
      [a-z][A-Z]            # capital after a small letter: gS, fLFkfr
    | q(?!u)                # q without u is the u-matra: iqfyl, dqN
    | [;/{.\[?']k           # k completes a full consonant: ;k /k {k .k [k ?k 'k
    | (?<=[A-Za-z])"k       # ष inside a word: o"kZ
    | kk                    # a-matra after a full consonant: Fkkuk, 'kkafr
    | [a-z;]Z               # reph typed after its syllable: dk;kZy;
    | ~                     # explicit halant
    | [MQtdx;<]\+           # nukta: lM+d, t+Cr
    | [a-z]A(?![A-Za-z])    # danda glued to the word: gSA
    | [A-Za-z]`[A-Za-z]     # ri-matra: usr`Ro, x`g
    | (?<![A-Za-z])f[dgjnptxy;']  # i-matra typed first: fd, fy, fnukad
    """,
    re.VERBOSE,
)
_IGNORED_SPAN_RE = re.compile(
    r"(?:https?|ftp)://\S+|www\.\S+|\]\([^)\s]*\)|[\w.+-]+@[\w-]+\.[\w.-]+"
)
# Kruti Dev punctuation keys that may end a word: ] comma, - full stop,
# A danda, \ question mark, ( semicolon, ^ * quotes. (The keys , . : ; are
# letters in Kruti Dev: ए, ण्, रू, य.)
_TOKEN_TRIM = "]-A\\!?(*^"
# Runs, not single characters: a run's length counts its characters, with a
# match (and a string) a run instead of one a character.
_DEVANAGARI_RE = re.compile(r"[\u0900-\u097f]+")
_ASCII_LETTER_RE = re.compile(r"[A-Za-z]+")

#: Fewer scored words than this is too little evidence: never Kruti Dev.
MIN_TOKENS = 4
#: Score from which :func:`looks_like_krutidev` answers True.
THRESHOLD = 0.4


def _is_krutidev_token(token: str) -> bool:
    if token in _KD_WORDS or token.strip(_TOKEN_TRIM) in _KD_WORDS:
        return True
    return bool(_KD_SEQ_RE.search(token))


def _scored_tokens(text: str) -> list[str]:
    """Whitespace tokens with a small ASCII letter, minus URLs and e-mails.

    All-capital tokens (FIR, SP, CCTV) and numbers are left out: they say
    nothing about the font.
    """
    text = _IGNORED_SPAN_RE.sub(" ", text)
    return [t for t in text.split() if any("a" <= c <= "z" for c in t)]


def _latin_share(text: str) -> float:
    """Share of ASCII letters among ASCII letters and Devanagari characters."""
    latin = sum(map(len, _ASCII_LETTER_RE.findall(text)))
    if not latin:
        return 0.0  # Unicode Hindi: its characters need no counting
    devanagari = sum(map(len, _DEVANAGARI_RE.findall(text)))
    return latin / (latin + devanagari) if latin + devanagari else 0.0


def krutidev_score(text: str) -> float:
    """How much `text` looks like Kruti Dev-typed Hindi, from 0 to 1.

    Heuristic: Kruti Dev text is made of ASCII letters and punctuation only,
    and its "words" are unlike English ones. The score is

        (share of Kruti Dev-looking words) * (share of ASCII letters among
        ASCII letters + Devanagari characters)

    where the words are the whitespace tokens that hold a small ASCII letter,
    after URLs, Markdown link targets and e-mail addresses are removed. A word
    looks like Kruti Dev if it is a frequent Hindi function word in its Kruti
    Dev spelling (``ds`` के, ``gS`` है, ``esa`` में, ``ij`` पर, ``fd;k``
    किया, ...) or holds a sequence that is common in Kruti Dev and rare in
    English: a capital right after a small letter (``gS``, ``fLFkfr``), ``q``
    without ``u`` (``iqfyl``), ``;k /k 'k {k .k [k ?k`` (full consonants),
    ``kk``, a reph ``Z`` after a small letter (``dk;kZy;``), the halant ``~``,
    a nukta ``+``, a danda ``A`` glued to a word (``gSA``), the ri-matra key
    (a backtick) inside a word (``x`g`` गृह), or a word-initial ``f`` (the
    i-matra, typed before its consonant) before a letter that rarely follows
    an initial f in English (``fd``, ``fy,``, ``fnukad``). Any Devanagari in
    the text (already-Unicode Hindi) pulls the score down in proportion.
    Typical values: Kruti Dev prose 0.7-1.0, English prose 0-0.1, Unicode
    Hindi 0.
    """
    tokens = _scored_tokens(text)
    if not tokens:
        return 0.0
    hits = sum(1 for t in tokens if _is_krutidev_token(t))
    return hits / len(tokens) * _latin_share(text)


def looks_like_krutidev(text: str) -> bool:
    """True when `text` is most likely Kruti Dev-typed Hindi.

    Needs at least :data:`MIN_TOKENS` scored words (so short strings are never
    flagged) and a :func:`krutidev_score` of at least :data:`THRESHOLD`.
    """
    # The score is at most the share of ASCII letters: Unicode Hindi stops here.
    if _latin_share(text) < THRESHOLD:
        return False
    return len(_scored_tokens(text)) >= MIN_TOKENS and krutidev_score(text) >= THRESHOLD


# ---------------------------------------------------------------------------
# Markdown press notes
# ---------------------------------------------------------------------------

#: Metadata holding Hindi text: the only header values converted, and the
#: only ones the check reads for Kruti Dev (plugins/press_notes/validate.py).
#: Every other field (date, slug, image, source, source_hash, URLs, status)
#: is an identifier, a date, a path or a hash, and is kept as written.
HINDI_KEYS = (
    "title",
    "summary",
    "reporter",
    "tags",
    "image_alt",
    "correction",
    "reason",
    # names from the registries, typed in the same font as the rest
    "district",
    "thana",
    "category",
)

_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
_RULE_RE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
# Block markers at the start of a line: heading, quote, list item. Each must
# be followed by a space (or end the line): a Kruti Dev line may well start
# with > (झ, ">kcqvk" झाबुआ) or # (रु).
_BLOCK_MARKER_RE = re.compile(r"^[ \t]*(?:(?:#{1,6}|>|[-*+]|\d{1,9}[.)])(?:[ \t]+|$))*")
# Inline spans kept as they are. Group "text" of a link is converted.
_PROTECTED_RE = re.compile(
    r"""
      (?P<open>!?\[)(?P<text>[^\]\n]*)(?P<close>\]\([^)\s]+(?:\s+"[^"\n]*")?\))
    | <(?:https?|ftp|mailto):[^>\s]+>
    | (?:(?:https?|ftp)://|www\.)[^\s<>\]]*[^\s<>\]\-.,;:!?'"]
    | [\w.+-]+@[\w-]+\.[A-Za-z][\w.-]*[A-Za-z]
    | \*\*|__
    | (?<![A-Za-z0-9'";/{}\[|~`+\\.?])
      (?=[A-Z]*[CDEFHILOPRSTUWXYZ])[A-Z]{2,}
      (?![A-Za-z0-9'";/{}\[|~`+.?])
    """,
    re.VERBOSE,
)


def convert_inline(text: str) -> str:
    """Convert a line's Kruti Dev text, keeping URLs and inline Markdown.

    Kept verbatim: bare and <angle> URLs, e-mail addresses, Markdown link and
    image targets (the link text is converted), ``**``/``__`` emphasis marks
    and all-capital Latin abbreviations such as FIR, SP or CCTV (only those
    holding a letter that is a half form or sign in Kruti Dev, so that a real
    Kruti Dev word like ``NB`` छठ is still converted).
    """
    out: list[str] = []
    pos = 0
    for m in _PROTECTED_RE.finditer(text):
        out.append(krutidev_to_unicode(text[pos : m.start()]))
        if m.group("open"):
            out += [m["open"], krutidev_to_unicode(m["text"]), m["close"]]
        else:
            out.append(m.group())
        pos = m.end()
    out.append(krutidev_to_unicode(text[pos:]))
    return "".join(out)


def _convert_body_line(line: str) -> str:
    """Convert one body line; keep Markdown block markers and Unicode lines."""
    if _DEVANAGARI_RE.search(line) or _RULE_RE.match(line):
        return line  # already Unicode Hindi, or a horizontal rule
    marker = _BLOCK_MARKER_RE.match(line)
    cut = marker.end() if marker else 0
    return line[:cut] + convert_inline(line[cut:])


def _split_lines(text: str) -> list[tuple[str, str]]:
    """(content, line break) pairs; the last line break may be empty."""
    parts = _LINE_BREAK_RE.split(text)
    parts.append("")
    return [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]


def _header_length(lines: list[str]) -> int:
    """Number of leading lines that form the metadata header (with fences)."""
    i = 1 if lines and BEGIN_RE.match(lines[0]) else 0
    start = i
    while i < len(lines):
        line = lines[i]
        if not line.strip() or END_RE.match(line):
            return i + 1  # the blank line or closing fence ends the header
        if not (META_RE.match(line) or (i > start and META_MORE_RE.match(line))):
            break
        i += 1
    return i if i > start else 0


def _convert_header_line(line: str, key: str | None) -> tuple[str, str | None]:
    """Convert one header line; return it and the key it belongs to."""
    m = META_RE.match(line)
    if m:
        key = m["key"].lower()
        prefix, value = m["prefix"], m["value"]
    else:
        more = META_MORE_RE.match(line)
        if not more:  # a fence, or the blank line that ends the header
            return line, key
        prefix, value = more["indent"], more["value"]
    if key not in HINDI_KEYS or _DEVANAGARI_RE.search(value):
        return line, key
    return prefix + convert_inline(value), key


def convert_note_text(text: str) -> str:
    r"""Convert a Kruti Dev Markdown press note to Unicode, keeping its syntax.

    * Metadata header (Python-Markdown ``meta`` rules, as Pelican reads it):
      keys, the ``:`` separator, ``---`` fences and indentation stay as they
      are. Only the values of :data:`HINDI_KEYS` are converted (not
      ``date``, ``slug``, ``image``, ``source``, ``source_hash``, ..., which
      are ASCII identifiers, dates, paths or hashes), and of those only the
      values that do not already contain Devanagari. Note that
      ``tags``/``category`` values are converted as Kruti Dev, so their
      separator must be typed as Kruti Dev's comma key ``]``.
    * Body: fenced code blocks and horizontal rules are kept; lines that
      already contain Devanagari are kept (they are Unicode already);
      heading/quote/list markers at the start of a line and the inline spans
      listed in :func:`convert_inline` (URLs, link targets, ...) are kept;
      everything else is read as Kruti Dev. Latin words other than
      all-capital abbreviations are therefore converted too.
    * Line breaks (``\\n`` or ``\\r\\n``) and a leading BOM are kept.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = _split_lines(text[len(bom) :])
    n_header = _header_length([content for content, _ in lines])
    out: list[str] = [bom]
    key: str | None = None
    in_fence = False
    for index, (line, brk) in enumerate(lines):
        if index < n_header:
            line, key = _convert_header_line(line, key)
        elif _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            line = _convert_body_line(line)
        out += [line, brk]
    return "".join(out)
