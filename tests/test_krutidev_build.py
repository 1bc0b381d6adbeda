"""A note typed in Kruti Dev stops the build with the fix; the fix works."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, build_site, new_content, note_text, read_html

from plugins.core.errors import BuildFailed, ContentError
from scripts.check import check
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


# ---- a note saved as UTF-16 or UTF-32 (Notepad's "Unicode") -------------------

UNICODE_NOTE = note_text(status=None)


def invoke_krutidev(note: Path, lang: str = "hi") -> subprocess.CompletedProcess:
    """`invoke krutidev NOTE` as a reporter runs it, in the reporter's language."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", "krutidev", str(note)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "BULLETIN_LANG": lang},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check_folder(tmp_path: Path, content: Path) -> str:
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nCACHE_PATH = {str(tmp_path / 'cache')!r}\n",
        encoding="utf-8",
    )
    return check(str(conf))


WIDE = {
    "utf-16-bom": ("UTF-16", codecs.BOM_UTF16_LE + UNICODE_NOTE.encode("utf-16-le")),
    "utf-16-be-bom": ("UTF-16", codecs.BOM_UTF16_BE + UNICODE_NOTE.encode("utf-16-be")),
    "utf-32-bom": ("UTF-32", UNICODE_NOTE.encode("utf-32")),
    # no mark: Latin text is every other byte NUL (here valid UTF-8)
    "utf-16-no-bom": ("UTF-16", "title: Alot\n\ntext\n".encode("utf-16-le")),
}


@pytest.mark.parametrize("kind", sorted(WIDE))
def test_a_utf16_note_gets_the_notepad_fix_and_never_the_krutidev_one(
    tmp_path, monkeypatch, kind
):
    encoding, data = WIDE[kind]
    content = new_content(tmp_path)
    note = content / "notes/2026/11/notepad.md"
    note.parent.mkdir(parents=True)
    note.write_bytes(data)
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    with pytest.raises(ContentError) as failure:
        check_folder(tmp_path, content)
    (problem,) = failure.value.problems
    assert problem.path.endswith("notes/2026/11/notepad.md")
    assert f"फ़ाइल {encoding} में सहेजी गई है" in problem.message
    assert "Notepad" in problem.message and "UTF-8" in problem.message
    assert "krutidev" not in str(failure.value)
    assert note.read_bytes() == data


def test_a_utf16_draft_is_listed_as_a_draft_and_the_build_agrees(tmp_path):
    """The draft's status is read through the UTF-16: it stops nothing; the
    same file to publish stops the build with the same message."""
    content = new_content(tmp_path)
    note = content / "notes/2026/11/notepad.md"
    note.parent.mkdir(parents=True)
    note.write_bytes(
        codecs.BOM_UTF16_LE + note_text(status="draft").encode("utf-16-le")
    )
    report = check_folder(tmp_path, content)
    assert "nothing stops the build" in report
    assert "notepad.md: the file is saved as UTF-16" in report
    note.write_bytes(codecs.BOM_UTF16_LE + UNICODE_NOTE.encode("utf-16-le"))
    with pytest.raises(BuildFailed) as failure:
        build_site(content, tmp_path / "output")
    assert "notepad.md: the file is saved as UTF-16 (Notepad calls it" in str(
        failure.value
    )
    assert "krutidev" not in str(failure.value)


def test_krutidev_refuses_a_utf16_note_and_changes_nothing(tmp_path):
    note = tmp_path / "notepad.md"
    data = codecs.BOM_UTF16_LE + KRUTIDEV_NOTE.encode("utf-16-le")
    note.write_bytes(data)
    done = invoke_krutidev(note)
    assert done.returncode == 1, done.stdout
    assert "notepad.md में कोई बदलाव नहीं किया गया" in done.stderr
    assert "UTF-16" in done.stderr and "Notepad" in done.stderr
    assert note.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notepad.md"]


# ---- what `invoke krutidev` converts -------------------------------------------

MIXED_NOTE = """title: iqfyl v/kh{kd ds funsZ'ku ij cSBd
date: 2026-11-28 10:00
district: रतलाम
thana: बिलपांक
category: अपराध
reporter: मनोहर मालवीय
summary: cSBd gqbZA
slug: kdtest2
image: images/2026/11/bilpank-baithak.jpg
image_alt: cSBd
source: whatsapp press-note.txt
source_hash: db53b19cf49ed122
source_url: https://kismatnews.com/2026/11/bilpank-baithak/
old_url: https://kismatnews.com/?p=1466
status: draft

iqfyl v/kh{kd Jh vfer dqekj ds funsZ'ku esa cSBd gqbZA
"""


def test_krutidev_converts_only_the_hindi_fields_and_the_text(tmp_path):
    note = tmp_path / "kd.md"
    note.write_text(MIXED_NOTE, encoding="utf-8")
    convert_file(note)
    before = MIXED_NOTE.split("\n")
    after = note.read_text(encoding="utf-8").split("\n")
    changed = [n for n, (b, a) in enumerate(zip(before, after, strict=True)) if a != b]
    # title, summary, image_alt and the text; never source, source_hash,
    # slug, image or the addresses
    assert changed == [0, 6, 9, 16]
    assert after[0] == "title: पुलिस अधीक्षक के निर्देशन पर बैठक"
    assert "source_hash: db53b19cf49ed122" in after
    assert "source: whatsapp press-note.txt" in after


def test_krutidev_leaves_a_unicode_note_alone_and_says_so(tmp_path):
    says = "में कृतिदेव में टाइप किया कोई पाठ नहीं है, इसलिए इसे नहीं बदला गया"
    note = tmp_path / "unicode.md"
    text = note_text(source="whatsapp msg.txt", source_hash="db53b19cf49ed122")
    note.write_text(text, encoding="utf-8")
    done = invoke_krutidev(note)
    assert done.returncode == 1, done.stdout
    assert f"unicode.md {says}" in done.stderr
    assert note.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unicode.md"]
