"""The time a build takes as now (plugins/core/clock.py): BUILD_TIME fixes
it for every rule that asks (the news sitemap, the links ledger, the fast
path's day), a share run's own time comes first, a wrong value is named.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from support import build_site, new_content, note_text

from plugins.core.clock import build_now
from plugins.core.errors import BuildFailed, SettingError
from plugins.links.ledger import read as read_ledger

pytestmark = pytest.mark.build

NOTE_DAY = "2026-10-05 10:30"
NEXT_MORNING = "2026-10-06T09:00:00+05:30"
A_WEEK_LATER = "2026-10-12T09:00:00+05:30"


def test_build_time_is_the_build_s_now_in_the_bulletin_s_time_zone():
    now = build_now({"BUILD_TIME": "2026-10-06T03:30:00+00:00"})
    assert now == datetime.fromisoformat(NEXT_MORNING)
    assert now.utcoffset().total_seconds() == 5.5 * 3600


def test_a_share_run_s_own_time_comes_before_build_time():
    settings = {
        "BUILD_TIME": A_WEEK_LATER,
        "WHATSAPP_RUN": {"now": NEXT_MORNING},
    }
    assert build_now(settings) == datetime.fromisoformat(NEXT_MORNING)


def test_without_build_time_the_build_takes_the_clock():
    before = datetime.now().astimezone()
    now = build_now({"BUILD_TIME": ""})
    assert before <= now <= datetime.now().astimezone()


@pytest.mark.parametrize(
    "value", ["2026-10-06 09:00", "कल सुबह", 20261006, "2026-13-01T09:00+05:30"]
)
def test_a_build_time_that_is_not_a_time_with_its_offset_is_named(value):
    with pytest.raises(SettingError, match="BUILD_TIME") as caught:
        build_now({"BUILD_TIME": value})
    assert repr(value) in str(caught.value)


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("clock")
    return new_content(tmp, {"2026/shivir.md": note_text(date=NOTE_DAY)})


def test_the_news_sitemap_and_the_ledger_are_as_of_build_time(content, tmp_path):
    site = tmp_path / "next-morning"
    build_site(content, site, BUILD_TIME=NEXT_MORNING, LINKS={"record": True})
    assert "shivir" in (site / "news-sitemap.xml").read_text(encoding="utf-8")
    ledger = read_ledger(content / "registry" / "published-urls.tsv")
    assert {r.time for r in ledger.records} == {NEXT_MORNING}
    # a week after the note, it is no longer news
    later = tmp_path / "week-later"
    build_site(content, later, BUILD_TIME=A_WEEK_LATER)
    assert (later / "index.html").exists()
    assert not (later / "news-sitemap.xml").exists()


def test_a_build_with_a_wrong_build_time_stops_naming_it(content, tmp_path):
    with pytest.raises(BuildFailed, match="BUILD_TIME"):
        build_site(content, tmp_path / "out", BUILD_TIME="next tuesday")
    assert not (tmp_path / "out").exists()
