"""A note typed in Kruti Dev stops the build with the fix; the fix works."""

from __future__ import annotations

import pytest
from support import build_site, new_content, read_html

from plugins.core.errors import BuildFailed
from scripts.krutidev import convert_file

pytestmark = pytest.mark.build

KRUTIDEV_NOTE = """title: iqfyl v/kh{kd ds funsZ'ku ij fcyikad Fkkus esa cSBd
date: 2026-11-20 11:00
district: jryke
thana: fcyikad
category: lkeqnkf;d iqfyflax
reporter: euksgj ekyoh;
summary: cSBd esa xzke j{kk lfefr ds lnL; 'kkfey gq,A
slug: bilpank-baithak

fcyikad Fkkuk iqfyl us xzke j{kk lfefr ds lnL;ksa ds lkFk cSBd dhA cSBd esa
vijk/k jksdus ij ppkZ gqbZA
"""


def test_kruti_dev_note_stops_the_build_and_names_the_command(tmp_path):
    content = new_content(tmp_path, {"2026/11/baithak.md": KRUTIDEV_NOTE})
    with pytest.raises(BuildFailed) as failure:
        build_site(content, tmp_path / "output")
    message = str(failure.value)
    assert "1 problem" in message
    assert "baithak.md" in message and "Kruti Dev" in message
    assert "invoke krutidev" in message and "--in-place" in message


def test_converted_note_builds_with_unicode_hindi(tmp_path):
    content = new_content(tmp_path, {"2026/11/baithak.md": KRUTIDEV_NOTE})
    note = content / "notes/2026/11/baithak.md"
    convert_file(note, in_place=True)
    assert (note.parent / "baithak.md.krutidev.bak").read_text() == KRUTIDEV_NOTE
    output = tmp_path / "output"
    build_site(content, output)
    page = read_html(output / "2026/11/bilpank-baithak/index.html")
    assert page.h1.get_text() == "पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में बैठक"
    assert "ग्राम रक्षा समिति के सदस्यों के साथ बैठक की।" in page.main.get_text()
    assert "मनोहर मालवीय" in page.main.get_text()


def test_a_note_that_is_not_utf8_gets_a_clear_message(tmp_path):
    content = new_content(tmp_path)
    path = content / "notes/2026/11/purana.md"
    path.parent.mkdir(parents=True)
    path.write_bytes("title: caf\u00e9 \u00b6\n".encode("cp1252"))
    with pytest.raises(BuildFailed) as failure:
        build_site(content, tmp_path / "output")
    assert "purana.md" in str(failure.value) and "not UTF-8" in str(failure.value)
