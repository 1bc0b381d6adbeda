"""Reading time of a note, for the line under its title."""

from __future__ import annotations

import math
import re

# Words per minute for Hindi news prose read on a phone: a conservative
# figure for adult readers of Devanagari (silent reading is usually put
# between 150 and 200 words per minute).
DEFAULT_WPM = 160
# A letter or digit: Python's \w is str.isalnum() plus "_".
LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def count_words(text: str) -> int:
    r"""Words in plain text: space-separated tokens with a letter or digit.

    (Python's \\w does not match Devanagari vowel signs, so splitting at
    non-word characters would cut words apart at every matra.)
    """
    search = LETTER_OR_DIGIT.search
    return sum(1 for token in text.split() if search(token))


def minutes_for(words: int, wpm: int = DEFAULT_WPM) -> int:
    """Whole minutes to read `words` words, at least 1."""
    return max(1, math.ceil(words / wpm))


def reading_minutes(text: str, wpm: int = DEFAULT_WPM) -> int:
    """Whole minutes to read `text`, at least 1."""
    return minutes_for(count_words(text), wpm)
