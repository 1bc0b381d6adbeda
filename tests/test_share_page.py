"""The group admins' page /share/ on a phone: the groups by police station at
the top with their note counts and jump links, and copy text that shows
whole (no URL cut off, nothing hidden in the box)."""

from __future__ import annotations

import pytest
from support import ARTIFACTS, ROOT, read_html
from test_quality import AXE_RUN, AXE_TAGS, TAP_TARGETS

from plugins.whatsapp.message import DigestItem
from plugins.whatsapp.pages import GroupDigest, SharePage, share_index
from scripts.bench.node_tools import axe_script

pytestmark = pytest.mark.build

PHONE = {"width": 360, "height": 640}


def digest(group_id: str, thanas: tuple, notes: int) -> GroupDigest:
    items = tuple(DigestItem(f"t{i}", f"http://x/{i}/") for i in range(notes))
    return GroupDigest(group_id, group_id.upper(), "", thanas, items, ())


def test_the_index_groups_digests_by_station_in_registry_order():
    a = digest("a", ("नामली",), 2)
    b = digest("b", ("आलोट", "नामली"), 1)
    gone = digest("gone", (), 3)
    index = share_index(SharePage(digests=[a, b, gone]), ["आलोट", "ताल", "नामली"])
    assert [(s.name, [d.group_id for d in s.digests]) for s in index] == [
        ("आलोट", ["b"]),
        ("नामली", ["a", "b"]),
        ("", ["gone"]),
    ]
    assert [s.notes for s in index] == [1, 3, 3]
    assert share_index(SharePage(), ["आलोट"]) == []


def test_the_list_of_groups_comes_first_and_links_every_digest(site):
    page = read_html(site / "share/index.html")
    main = page.select_one("main")
    nav = main.select_one("nav#groups")
    sections = main.select("section.wa-digest")
    assert sections and nav is not None
    assert nav.find_all_previous("section") == []  # above every group
    linked = {}
    for details in nav.select("details"):
        station = details.summary.get_text(" ", strip=True)
        for a in details.select("a[href^='#g-']"):
            linked.setdefault(a["href"], []).append((station, a.get_text(" ")))
    assert set(linked) == {f"#{s['id']}" for s in sections}
    for section in sections:
        entries = linked[f"#{section['id']}"]
        notes = len(section.select("textarea")[0].get_text().split("\n▪ ")) - 1
        meta = section.select_one(".meta").get_text(" ")
        for station, text in entries:
            assert station.split(" (")[0].removeprefix("थाना ") in meta
            assert f"{notes} सूचना" in text
        assert section.select_one("a[href='#groups']")


@pytest.mark.browser
def test_copy_text_shows_whole_on_a_phone(browser, served):
    context = browser.new_context(viewport=PHONE, locale="hi-IN")
    page = context.new_page()
    try:
        page.goto(f"{served}/share/")
        boxes = page.locator("textarea").evaluate_all(
            """els => els.map(e => ({
                id: e.id, sw: e.scrollWidth, cw: e.clientWidth,
                sh: e.scrollHeight, ch: e.clientHeight}))"""
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        first = page.locator("nav#groups details").first
        first.locator("summary").click()
        link = first.locator("a[href^='#g-']").first
        target = link.get_attribute("href")
        link.click()
        top = page.locator(target).evaluate("e => e.getBoundingClientRect().top")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "share-360x640.png"))
    finally:
        context.close()
    assert width <= PHONE["width"]
    assert boxes
    for box in boxes:
        assert box["sw"] <= box["cw"], box  # nothing cut off at the side
        assert box["sh"] <= box["ch"] + 1, box  # nor hidden below
    assert abs(top) < 2  # the jump link brought the group to the top


@pytest.mark.browser
def test_the_admin_page_passes_axe_with_big_tap_targets(browser, served):
    context = browser.new_context(viewport=PHONE, locale="hi-IN")
    page = context.new_page()
    try:
        page.goto(f"{served}/share/")
        for summary in page.locator("nav#groups summary").all():
            summary.click()  # open every station: its links are measured too
        targets = page.evaluate(TAP_TARGETS, 44)
        page.add_script_tag(path=str(axe_script(ROOT)))
        result = page.evaluate(AXE_RUN, AXE_TAGS)
    finally:
        context.close()
    assert targets["count"] > 20
    assert targets["small"] == []
    assert result["passes"] > 15
    assert result["violations"] == []
