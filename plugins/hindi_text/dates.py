"""Hindi dates and numbers through Babel's hi_IN data, in Indian time.

Never through the OS locale (many machines have no hi_IN locale installed).
"""

from __future__ import annotations

import functools
from datetime import datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_month_names

IST = ZoneInfo("Asia/Kolkata")
LOCALE = "hi_IN"
DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")
# Babel's Hindi month names, read once: list pages print thousands of dates.
MONTHS = get_month_names("wide", context="format", locale=LOCALE)
MONTHS_STANDALONE = get_month_names("wide", context="stand-alone", locale=LOCALE)


def to_ist(value: datetime) -> datetime:
    """The same instant in Indian time (naive values are taken as IST)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=IST)
    return value.astimezone(IST)


def digits(text: str, devanagari: bool) -> str:
    """Switch ASCII digits to Devanagari ones when asked."""
    return text.translate(DEVANAGARI_DIGITS) if devanagari else text


def hindi_date(value: datetime, devanagari: bool = False) -> str:
    """27 नवंबर 2026 (Babel's pattern "d MMMM y", with the names read once)."""
    day = to_ist(value)
    return digits(f"{day.day} {MONTHS[day.month]} {day.year}", devanagari)


def hindi_datetime(value: datetime, devanagari: bool = False) -> str:
    """27 नवंबर 2026, सुबह 11:30 (Babel's "d MMMM y, B h:mm": the day period
    in Hindi, never am/pm).
    """
    day = to_ist(value)
    hour = day.hour % 12 or 12
    text = (
        f"{day.day} {MONTHS[day.month]} {day.year}, "
        f"{day_period(day.hour, day.minute)} {hour}:{day.minute:02d}"
    )
    return digits(text, devanagari)


@functools.lru_cache(maxsize=24 * 60)  # locale data, not build state
def day_period(hour: int, minute: int) -> str:
    """Babel's Hindi day period (सुबह, दोपहर, शाम, रात …) of a time of day."""
    return format_datetime(
        datetime.combine(datetime(2026, 1, 1), time(hour, minute), tzinfo=IST),
        "B",
        locale=LOCALE,
    )


def hindi_month_year(value: datetime, devanagari: bool = False) -> str:
    """नवंबर 2026 (Babel's pattern "LLLL y", with the names read once)."""
    day = to_ist(value)
    return digits(f"{MONTHS_STANDALONE[day.month]} {day.year}", devanagari)


def hindi_weekday_date(value: datetime, devanagari: bool = False) -> str:
    """शुक्रवार, 27 नवंबर 2026"""
    text = format_datetime(to_ist(value), "EEEE, d MMMM y", locale=LOCALE)
    return digits(text, devanagari)


def iso_datetime(value: datetime) -> str:
    """2026-11-27T11:30:00+05:30, for <time datetime> and feeds."""
    return to_ist(value).isoformat()


def hindi_number(value: int, devanagari: bool = False) -> str:
    """A count as shown to readers."""
    return digits(str(value), devanagari)
