"""Reading time of a note, for the line under its title."""

from __future__ import annotations

import math
import re

# Words per minute for Hindi news prose read on a phone: a conservative
# figure for adult readers of Devanagari (silent reading is usually put
# between 150 and 200 words per minute).
DEFAULT_WPM = 160
# A token of no letter or digit (Python's \w is str.isalnum() plus "_";
# \s is str.isspace(), where str.split() splits): a dash, a danda, "_".
NO_LETTER_OR_DIGIT = re.compile(r"(?<!\S)(?:[^\w\s]|_)+(?!\S)")


def count_words(text: str) -> int:
    r"""Words in plain text: space-separated tokens with a letter or digit
    (all the tokens less those of none: a few a note, not each token
    searched in turn).

    (Python's \\w does not match Devanagari vowel signs, so splitting at
    non-word characters would cut words apart at every matra.)
    """
    return len(text.split()) - len(NO_LETTER_OR_DIGIT.findall(text))


def minutes_for(words: int, wpm: int = DEFAULT_WPM) -> int:
    """Whole minutes to read `words` words, at least 1."""
    return max(1, math.ceil(words / wpm))


def reading_minutes(text: str, wpm: int = DEFAULT_WPM) -> int:
    """Whole minutes to read `text`, at least 1."""
    return minutes_for(count_words(text), wpm)
