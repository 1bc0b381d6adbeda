"""Dates as readers see them: Indian time, Hindi names, Devanagari digits on
request. Expected values are written out by hand (a calendar and a clock),
not computed with plugins/hindi_text/dates.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from plugins.hindi_text.dates import (
    hindi_date,
    hindi_datetime,
    hindi_month_year,
    hindi_number,
    hindi_weekday_date,
    iso_datetime,
)

IST = timezone(timedelta(hours=5, minutes=30))
# 2026-12-31 20:00 UTC is 01:30 on 1 January 2027 in India
NEW_YEAR_UTC = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)


def test_a_note_written_without_a_zone_is_taken_as_indian_time():
    naive = datetime(2026, 11, 27, 11, 30)
    assert hindi_datetime(naive) == "27 नवंबर 2026, सुबह 11:30"
    assert iso_datetime(naive) == "2026-11-27T11:30:00+05:30"


def test_an_instant_in_another_zone_is_shown_at_indian_time_and_date():
    assert hindi_date(NEW_YEAR_UTC) == "1 जनवरी 2027"
    assert hindi_month_year(NEW_YEAR_UTC) == "जनवरी 2027"
    assert hindi_datetime(NEW_YEAR_UTC) == "1 जनवरी 2027, रात 1:30"
    assert hindi_weekday_date(NEW_YEAR_UTC) == "शुक्रवार, 1 जनवरी 2027"
    assert iso_datetime(NEW_YEAR_UTC) == "2027-01-01T01:30:00+05:30"


def test_the_clock_is_twelve_hours_with_a_hindi_day_period():
    day = datetime(2026, 11, 27, tzinfo=IST)
    shown = {
        (0, 0): "मध्यरात्रि 12:00",  # midnight is 12, never 0
        (0, 1): "रात 12:01",
        (4, 5): "सुबह 4:05",
        (12, 0): "दोपहर 12:00",
        (13, 9): "दोपहर 1:09",
        (16, 45): "शाम 4:45",
        (20, 30): "रात 8:30",
        (23, 59): "रात 11:59",
    }
    for (hour, minute), clock in shown.items():
        moment = day.replace(hour=hour, minute=minute)
        assert hindi_datetime(moment) == f"27 नवंबर 2026, {clock}", (hour, minute)


def test_devanagari_digits_replace_every_ascii_digit_when_asked():
    moment = datetime(2026, 10, 9, 18, 47, tzinfo=IST)
    assert hindi_date(moment, devanagari=True) == "९ अक्टूबर २०२६"
    assert hindi_datetime(moment, devanagari=True) == "९ अक्टूबर २०२६, शाम ६:४७"
    assert hindi_month_year(moment, devanagari=True) == "अक्टूबर २०२६"
    assert hindi_weekday_date(moment, devanagari=True) == "शुक्रवार, ९ अक्टूबर २०२६"
    assert hindi_number(1234567890, devanagari=True) == "१२३४५६७८९०"
    # and ASCII digits stay by default
    assert hindi_date(moment) == "9 अक्टूबर 2026"
    assert hindi_weekday_date(moment) == "शुक्रवार, 9 अक्टूबर 2026"
    assert hindi_number(1234567890) == "1234567890"
