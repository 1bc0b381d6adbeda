"""The built bulletin in headless Chromium (Debian's chromium, via Playwright)."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
import zxingcpp
from PIL import Image
from support import ARTIFACTS

BILPANK_TITLE = (
    "पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में हुआ ग्राम / नगर रक्षा समितियों के साथ बैठक का आयोजन"
)

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, served):
    """A 360×640 phone page that records every request leaving loopback."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        locale="hi-IN",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.outside_requests = []
    page.on(
        "request",
        lambda r: (
            urlparse(r.url).hostname != "127.0.0.1"
            and page.outside_requests.append(r.url)
        ),
    )
    yield page
    context.close()


def test_home_to_bilpank_note_on_a_phone(phone, served):
    ARTIFACTS.mkdir(exist_ok=True)
    response = phone.goto(f"{served}/")
    assert response.ok
    link = phone.get_by_role("link", name=BILPANK_TITLE)
    link.first.click()
    phone.wait_for_load_state()
    assert (
        urlparse(phone.url).path == "/2026/11/bilpank-gram-nagar-raksha-samiti-baithak/"
    )
    assert phone.locator("h1").inner_text().strip() == BILPANK_TITLE
    assert "मनोहर मालवीय" in phone.locator("main").inner_text()
    phone.screenshot(path=str(ARTIFACTS / "bilpank-note-360x640.png"), full_page=True)
    assert phone.outside_requests == []


def test_home_page_fits_a_phone_without_javascript(phone, served):
    ARTIFACTS.mkdir(exist_ok=True)
    phone.goto(f"{served}/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert phone.locator("html").get_attribute("lang") == "hi"
    phone.screenshot(path=str(ARTIFACTS / "home-360x640.png"))
    assert phone.outside_requests == []


def test_each_join_qr_code_on_the_page_reads_as_its_groups_invite_link(phone, served):
    """What a phone camera gets from the join page: each QR code as Chromium
    draws it, read by a real decoder (zxing-cpp), is the invite link of the
    join button beside it."""
    phone.set_viewport_size({"width": 360, "height": 640})
    phone.goto(f"{served}/whatsapp/")
    cards = phone.locator("li.card:has(img.qr)")
    assert cards.count() > 0
    for i in range(cards.count()):
        card = cards.nth(i)
        card.scroll_into_view_if_needed()
        qr = card.locator("img.qr")
        qr.evaluate("img => img.decode()")  # loading="lazy": wait for it
        shot = Image.open(io.BytesIO(qr.screenshot())).convert("L")
        read = [r.text for r in zxingcpp.read_barcodes(shot)]
        invite = card.locator("a.wa").get_attribute("href")
        assert read == [invite], (i, invite)
    assert phone.outside_requests == []
