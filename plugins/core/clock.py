"""The time a build takes as now.

One reading of the clock per rule: which notes are scheduled for later, the
news sitemap's two days, the feeds' dates, the addresses the links ledger
records and whether the fast path's last build was today all ask
`build_now`. A share run builds as of its own time (the WhatsApp run's
"now"); BUILD_TIME fixes the time of every build (an ISO date and time with
its offset: to build a site again exactly as of an earlier moment, and for
tests whose builds must not straddle a midnight); otherwise the clock.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .errors import SettingError

BUILD_TIME_SETTING = "BUILD_TIME"
# A share run builds as of its own time (plugins.whatsapp.settings.RUN_SETTING,
# its "now"): notes scheduled before that time are in it.
SHARE_RUN_SETTING = "WHATSAPP_RUN"


def build_now(settings: dict) -> datetime:
    """The time of this build, in the bulletin's time zone: the time of the
    share run it is part of, BUILD_TIME, or now.
    """
    tz = ZoneInfo(settings.get("TIMEZONE") or "Asia/Kolkata")
    run = settings.get(SHARE_RUN_SETTING)
    if isinstance(run, dict) and isinstance(run.get("now"), str):
        try:
            return datetime.fromisoformat(run["now"]).astimezone(tz)
        except ValueError:
            pass
    fixed = settings.get(BUILD_TIME_SETTING)
    if fixed is None or fixed == "":
        return datetime.now(tz)
    return fixed_time(fixed).astimezone(tz)


def fixed_time(value: object) -> datetime:
    """BUILD_TIME as a time with its offset; SettingError naming it if not."""
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise SettingError(
            f"'{BUILD_TIME_SETTING}' must be a date and time with its offset, "
            f"such as '2026-11-29T10:30:00+05:30' (got {value!r}); leave it "
            "unset to build as of now"
        )
    return when
