"""Sample WhatsApp groups never reach a production build by accident.

Sample entries of content/registry/groups.toml carry `sample = true`; a
production build (publishconf.py) refuses them, and any invite link that is
not a real one, unless BULLETIN_ALLOW_SAMPLES=1; the join page then says it
is a demonstration.
"""

from __future__ import annotations

import shutil

import pytest
from support import ROOT, build_site, new_content, note_text, read_html

from plugins.core import messages
from plugins.core.errors import BuildFailed
from plugins.whatsapp.groups import real_invite
from scripts.build import build

pytestmark = pytest.mark.build

PUBLISH = str(ROOT / "publishconf.py")
DEMO = "यह एक प्रदर्शन है"
REAL = "https://chat.whatsapp.com/Kq7Lm2Np9Rt4Vx8Zb3Cd6F"
GROUP = """[[group]]
id = "namli-1"
name = "नामली — ग्राम रक्षा समिति"
thanas = ["नामली"]
invite = "{invite}"
admin = "थाना प्रभारी, थाना नामली"
{extra}"""


def publish(tmp_path, monkeypatch, allow: bool):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    if allow:
        monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")
    else:
        monkeypatch.delenv("BULLETIN_ALLOW_SAMPLES", raising=False)
    output = tmp_path / "output"
    # a production build records what it published under content/: a copy
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    build(
        PUBLISH,
        {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(tmp_path / "c"),
        },
    )
    return output


def test_every_sample_group_is_marked():
    text = (ROOT / "content/registry/groups.toml").read_text(encoding="utf-8")
    assert text.count("[[group]]") == text.count("\nsample = true\n") == 60


def test_a_production_build_refuses_the_sample_groups(tmp_path, monkeypatch):
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.html").write_text("old site", encoding="utf-8")
    monkeypatch.setenv(messages.ENV, "hi")  # what an admin reads
    with pytest.raises(BuildFailed) as e:
        publish(tmp_path, monkeypatch, allow=False)
    message = str(e.value)
    assert "groups.toml [[group]] #1 'station-road-1' [sample]" in message
    assert "#60 " in message
    assert "BULLETIN_ALLOW_SAMPLES=1" in message
    assert "नमूना ग्रुप प्रकाशित नहीं हो सकता" in message
    assert "'sample = true' हटा दें" in message
    assert (output / "keep.html").read_text(encoding="utf-8") == "old site"


def test_a_demonstration_publishes_the_samples_and_says_so(tmp_path, monkeypatch):
    output = publish(tmp_path, monkeypatch, allow=True)
    join = read_html(output / "whatsapp/index.html")
    notice = join.select_one("main .notice")
    assert notice is not None and DEMO in notice.get_text()
    assert join.select("a.wa")


def content_with(tmp_path, invite: str, extra: str = ""):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    (content / "registry/groups.toml").write_text(
        GROUP.format(invite=invite, extra=extra), encoding="utf-8"
    )
    return content


def test_production_refuses_a_fake_invite_not_marked_sample(tmp_path, monkeypatch):
    content = content_with(tmp_path, "https://chat.whatsapp.com/FakeDemoRatlamGroup001")
    monkeypatch.setenv(messages.ENV, "en")  # English by BULLETIN_LANG
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output", PRODUCTION=True)
    message = str(e.value)
    assert "groups.toml [[group]] #1 'namli-1' [invite]" in message
    assert "FakeDemoRatlamGroup001' is not a real invite link" in message
    assert "mark the group 'sample = true' and set BULLETIN_ALLOW_SAMPLES=1" in message


def test_production_publishes_a_real_group_without_notice(tmp_path):
    output = tmp_path / "output"
    build_site(content_with(tmp_path, REAL), output, PRODUCTION=True)
    join = read_html(output / "whatsapp/index.html")
    assert [a["href"] for a in join.select("a.wa")] == [REAL]
    assert join.select_one(".notice") is None
    assert DEMO not in join.get_text()


def test_a_development_build_shows_samples_as_a_demonstration(tmp_path):
    output = tmp_path / "output"
    build_site(content_with(tmp_path, REAL, "sample = true\n"), output)
    join = read_html(output / "whatsapp/index.html")
    assert DEMO in join.select_one("main .notice").get_text()


def test_sample_must_be_true_or_left_out(tmp_path):
    content = content_with(tmp_path, REAL, 'sample = "yes"\n')
    with pytest.raises(BuildFailed, match=r"'namli-1' \[sample\]"):
        build_site(content, tmp_path / "output")


@pytest.mark.parametrize(
    ("link", "real"),
    [
        (REAL, True),
        ("https://chat.whatsapp.com/FakeDemoRatlamGroup001", False),
        ("https://chat.whatsapp.com/ExampleGroupCode123456", False),
        ("https://chat.whatsapp.com/Kq7Lm2Np9Rt4Vx8Zb3Cd", False),  # 20 letters
        ("https://chat.whatsapp.com/invite/abc", False),
        ("http://chat.whatsapp.com/Kq7Lm2Np9Rt4Vx8Zb3Cd6F", False),
    ],
)
def test_real_invite_links(link, real):
    assert real_invite(link) is real
