"""What `invoke check`, `new`, `krutidev` and `share` tell a reporter or a
group admin, end to end: the invoke task run in a copy of the repository,
in Hindi (the default) and in English (BULLETIN_LANG=en); a share run that
records only with the public address; one note after a Kruti Dev conversion.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import shlex
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican.settings import read_settings
from support import ROOT, SETTINGS, build_site, new_content, note_text
from test_krutidev_build import KRUTIDEV_NOTE

from plugins.core.header import scan_header
from plugins.core.urls import is_public_address
from plugins.hindi_text.krutidev import convert_note_text
from plugins.press_notes import registry_for
from plugins.press_notes.validate import Rules, check_all, note_keys
from scripts.new_note import create_note

IST = ZoneInfo("Asia/Kolkata")
PUBLIC = "https://bulletin.example.org"
# The Kruti Dev note without its slug: the converted note and a copy of it
# would both be published (the second as ...-2) if the copy were read.
KRUTIDEV_NO_SLUG = KRUTIDEV_NOTE.replace("slug: bilpank-baithak\n", "")


def make_repo(tmp_path: Path, notes: dict[str, str] | None = None) -> Path:
    """A copy of the repository's commands and settings with its own content."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        (repo / name).write_text((ROOT / name).read_text(encoding="utf-8"))
    (repo / "theme").symlink_to(ROOT / "theme")
    new_content(repo, notes)
    return repo


def invoke(repo: Path, *args: str, lang: str, **env: str):
    environment = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "BULLETIN_LANG": lang,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def recent(days_ago: float) -> str:
    return (datetime.now(IST) - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")


# ---- invoke share -----------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://bulletin.example.org",
        "http://news.example.org/ratlam",
        "https://203.0.113.7",
    ],
)
def test_public_addresses(address):
    assert is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "/",
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "https://[::1]:8443",
        "http://0.0.0.0:8000",
        "http://app.localhost",
        "ftp://news.example.org",
        "news.example.org",
    ],
)
def test_addresses_a_phone_cannot_open(address):
    assert not is_public_address(address)


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["share"], {}),
        (["share", "--json"], {}),
        (["share", "--production"], {"BULLETIN_SITEURL": "http://127.0.0.1:8000"}),
        (["share", "--json", "--production"], {"BULLETIN_SITEURL": "http://localhost"}),
    ],
)
@pytest.mark.parametrize("lang", ["hi", "en"])
def test_a_share_run_that_records_refuses_a_local_address(tmp_path, args, env, lang):
    repo = make_repo(tmp_path, {"2026/11/n.md": note_text(date=recent(1))})
    ledger = repo / "content/registry/share-ledger.tsv"
    before = ledger.read_bytes()
    done = invoke(repo, *args, lang=lang, **env)
    assert done.returncode != 0
    assert done.stdout == ""
    assert "BULLETIN_SITEURL=https://" in done.stderr
    assert "--production" in done.stderr and "--dry-run" in done.stderr
    if lang == "hi":
        assert "सार्वजनिक पता" in done.stderr
        assert "कुछ भी दर्ज नहीं हुआ" in done.stderr
    else:
        assert "needs the public address" in done.stderr
        assert "nothing was recorded" in done.stderr
    assert ledger.read_bytes() == before
    assert not (repo / "output").exists()


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_production_without_an_address_says_what_to_set(tmp_path, lang):
    repo = make_repo(tmp_path)
    done = invoke(repo, "share", "--production", lang=lang)
    assert done.returncode != 0
    assert "BULLETIN_SITEURL=https://news.example.org" in done.stderr
    expected = "सार्वजनिक पता दें" if lang == "hi" else "set BULLETIN_SITEURL"
    assert expected in done.stderr


@pytest.mark.build
def test_share_json_with_the_public_address_records_and_prints_json(tmp_path):
    repo = make_repo(tmp_path, {"2026/11/n.md": note_text(date=recent(1))})
    ledger = repo / "content/registry/share-ledger.tsv"
    ledger.unlink()
    done = invoke(
        repo,
        "share",
        "--production",
        "--json",
        lang="hi",
        BULLETIN_SITEURL=PUBLIC,
        BULLETIN_ALLOW_SAMPLES="1",  # the sample registry's groups
    )
    assert done.returncode == 0, done.stderr[-3000:]
    batch = json.loads(done.stdout)
    urls = [u for group in batch.values() for u in group]
    assert urls and all(u.startswith(PUBLIC + "/") for u in urls)
    assert "\toffer\t" in ledger.read_text(encoding="utf-8")


@pytest.mark.build
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("hi", "whatsapp: केवल जाँच, कुछ दर्ज नहीं हुआ: "),
        ("en", "whatsapp: dry run, nothing recorded: would offer "),
    ],
)
def test_a_dry_run_says_nothing_was_recorded(tmp_path, lang, expected):
    repo = make_repo(tmp_path, {"2026/11/n.md": note_text(date=recent(1))})
    ledger = repo / "content/registry/share-ledger.tsv"
    before = ledger.read_bytes()
    done = invoke(repo, "share", "--dry-run", lang=lang)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith(expected), done.stdout
    assert ledger.read_bytes() == before


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("hi", "इसे YYYY-MM-DD लिखें"),
        ("en", "write it as YYYY-MM-DD"),
    ],
)
def test_a_wrong_since_says_the_format(tmp_path, lang, expected):
    repo = make_repo(tmp_path)
    done = invoke(repo, "share", "--dry-run", "--since", "28/11/2026", lang=lang)
    assert done.returncode != 0
    assert "--since '28/11/2026'" in done.stderr and expected in done.stderr


# ---- invoke check -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "good", "bad"),
    [
        ("hi", "2 विज्ञप्तियाँ जाँची गईं: कोई समस्या नहीं", "सामग्री में 1 समस्या:"),
        ("en", "2 notes checked: no problems", "1 problem in the content:"),
    ],
)
def test_invoke_check_in_each_language(tmp_path, lang, good, bad):
    notes = {
        "2026/11/a.md": note_text(slug="a-note"),
        "2026/11/b.md": note_text(slug="b-note", title="दूसरी सूचना"),
        # a copy older versions of `invoke krutidev` left: never read
        "2026/11/a.unicode.md": note_text(slug="a-note"),
    }
    repo = make_repo(tmp_path, notes)
    done = invoke(repo, "check", lang=lang)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == good
    (repo / "content/notes/2026/11/c.md").write_text(
        note_text(slug="c-note", thana="कहीं नहीं"), encoding="utf-8"
    )
    done = invoke(repo, "check", lang=lang)
    assert done.returncode == 1
    assert done.stderr.startswith(bad)
    assert "content/notes/2026/11/c.md:4 [thana]" in done.stderr
    assert "publish" not in done.stderr and "प्रकाशित" not in done.stderr


# ---- invoke new ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "created", "unknown"),
    [
        ("hi", " मसौदे के रूप में बन गई (status: draft", "में नहीं है"),
        ("en", "new: created content/notes/", "is not in content/registry"),
    ],
)
def test_invoke_new_in_each_language(tmp_path, lang, created, unknown):
    repo = make_repo(tmp_path)
    done = invoke(repo, "new", "नामली में बैठक", "--thana", "नामली", lang=lang)
    assert done.returncode == 0, done.stderr
    assert created in done.stdout and "invoke check" in done.stdout
    done = invoke(repo, "new", "बिलपांक में बैठक", "--thana", "बिलपाक", lang=lang)
    assert done.returncode == 1
    assert "--thana 'बिलपाक'" in done.stderr and "thanas.toml" in done.stderr
    assert unknown in done.stderr and "'बिलपांक'" in done.stderr
    assert len(list((repo / "content/notes").rglob("*.md"))) == 1


def notes_under(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted((repo / "content").rglob("*"))
        if p.is_file()
    }


def test_invoke_new_takes_its_words_with_or_without_quotes(tmp_path):
    """Six stations and two categories have two words: unquoted, they and
    the title reach `new` whole; a URL name (namli) names the station."""
    repo = make_repo(tmp_path)
    notes = repo / "content/notes"
    written = {}
    for args in [
        ("new", "जावरा में चोरी", "--thana", "जावरा", "शहर"),
        ("new", "आलोट", "में", "चोरी", "--thana", "आलोट", "--category", "जन", "जागरूकता"),
        ("new", "--thana", "जावरा", "औद्योगिक", "क्षेत्र", "कारखाने", "में", "आग"),
        ("new", "नामली में बैठक", "--thana", "namli", "--reporter", "रमेश", "कुमार"),
    ]:
        before = set(notes.rglob("*.md"))
        done = invoke(repo, *args, lang="hi")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        (path,) = set(notes.rglob("*.md")) - before
        header = scan_header(path.read_text(encoding="utf-8"))
        written[path.stem] = tuple(
            header.value(k) for k in ("title", "thana", "category", "reporter")
        )
        shown = str(path.relative_to(repo))
        # the draft and how it gets published, the fields still empty
        assert "मसौदे के रूप में बन गई" in done.stdout
        assert "'status: draft' वाली पंक्ति हटाएँ" in done.stdout
        assert f"invoke check --file {shown}" in done.stdout
        empty = ", ".join(
            k for k in ("category", "reporter", "summary") if not header.value(k)
        )
        assert f"खाली फ़ील्ड ({empty})" in done.stdout
        assert header.value("status") == "draft"
    assert written == {
        "jaora-mein-chori": ("जावरा में चोरी", "जावरा शहर", "", ""),
        "alot-mein-chori": ("आलोट में चोरी", "आलोट", "जन जागरूकता", ""),
        "karkhane-mein-ag": (
            "कारखाने में आग",
            "जावरा औद्योगिक क्षेत्र",
            "",
            "",
        ),
        "namli-mein-baithak": ("नामली में बैठक", "नामली", "", "रमेश कुमार"),
    }


def test_an_option_typed_after_a_long_dash_is_the_option(tmp_path):
    """A command copied from a chat or typed on a phone gets `—thana` (em
    dash) or `–category` (en dash) for `--thana`: it is the option; a dash
    inside the title stays in the title; an option the command lacks is named
    with the nearest one."""
    repo = make_repo(tmp_path)
    notes = repo / "content/notes"
    written = {}
    for args in [
        ("new", "आलोट में चोरी", "—thana", "आलोट", "–category", "जन", "जागरूकता"),
        ("new", "चोरी", "—", "आरोपी", "पकड़ा", "−thana", "नामली"),
    ]:
        before = set(notes.rglob("*.md"))
        done = invoke(repo, *args, lang="en")
        assert done.returncode == 0, done.stderr
        (path,) = set(notes.rglob("*.md")) - before
        header = scan_header(path.read_text(encoding="utf-8"))
        written[path.stem] = tuple(
            header.value(k) for k in ("title", "thana", "category")
        )
    assert written == {
        "alot-mein-chori": ("आलोट में चोरी", "आलोट", "जन जागरूकता"),
        "chori-aropi-pakda": ("चोरी — आरोपी पकड़ा", "नामली", ""),
    }
    before = notes_under(repo)
    done = invoke(repo, "new", "चोरी", "—thanaa", "आलोट", lang="en")
    assert done.returncode == 1
    assert "there is no option --thanaa; did you mean '--thana'?" in done.stderr
    done = invoke(repo, "check", "–file=content/notes/none.md", lang="en")
    assert done.returncode == 1
    assert "not expected here" not in done.stderr
    assert "content/notes/none.md" in done.stderr
    assert notes_under(repo) == before


def test_words_after_a_double_hyphen_are_refused_not_dropped(tmp_path):
    """Typists write ' -- ' for a dash: invoke kept the words after it apart
    and `new` made the note without them."""
    repo = make_repo(tmp_path)
    before = notes_under(repo)
    for args in [
        ("new", "बाइक", "चोरी", "--thana", "आलोट", "--", "आरोपी", "गिरफ्तार"),
        ("new", "--", "-10", "डिग्री", "ठंड", "--thana", "आलोट"),
        ("check", "--", "x.md"),
    ]:
        done = invoke(repo, *args, lang="hi")
        assert done.returncode == 1, args
        assert "'--' के बाद के शब्द" in done.stderr
        words = " ".join(args[args.index("--") + 1 :])
        assert f"({words})" in done.stderr
    assert notes_under(repo) == before


@pytest.mark.parametrize(
    ("words", "said"),
    [
        # a misspelt station took the title with it: the station is named
        (
            ("--thana", "आलेट", "बाइक", "चोरी"),
            (
                "--thana 'आलेट बाइक चोरी' is not in content/registry/thanas.toml; "
                "did you mean 'आलोट'?"
            ),
        ),
        # the start of two names: both, not one of them
        (
            ("चोरी", "--thana", "जावरा"),
            (
                "choose one of: जावरा शहर (jaora-shahar), "
                "जावरा औद्योगिक क्षेत्र (jaora-audyogik-kshetra)"
            ),
        ),
        # a station and the title's words: never one of two stations alone
        (
            ("--thana", "जावरा", "बाइक", "चोरी"),
            (
                "choose one of: जावरा शहर (jaora-shahar), "
                "जावरा औद्योगिक क्षेत्र (jaora-audyogik-kshetra)"
            ),
        ),
        (
            ("--thana", "jaora", "chori"),
            (
                "choose one of: जावरा शहर (jaora-shahar), "
                "जावरा औद्योगिक क्षेत्र (jaora-audyogik-kshetra)"
            ),
        ),
        # a word of several stations' other names: all of them
        (("चोरी", "--thana", "रतलाम"), "(station-road), माणकचौक (manak-chowk)"),
        (
            ("चोरी", "--thana", "jaora"),
            (
                "choose one of: जावरा शहर (jaora-shahar), "
                "जावरा औद्योगिक क्षेत्र (jaora-audyogik-kshetra)"
            ),
        ),
    ],
)
def test_a_station_slip_is_named_before_a_missing_title(tmp_path, words, said):
    repo = make_repo(tmp_path)
    before = notes_under(repo)
    done = invoke(repo, "new", *words, lang="en")
    assert done.returncode == 1
    assert said in done.stderr
    assert "give the note a title" not in done.stderr
    assert notes_under(repo) == before


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        (
            "--dry-run --thana जावरा शहर sandesh.txt",
            '--dry-run --thana "जावरा शहर" sandesh.txt',
        ),
        (
            "--dry-run sandesh.txt --thana जावरा शहर --category जन जागरूकता",
            '--dry-run sandesh.txt --thana "जावरा शहर" --category "जन जागरूकता"',
        ),
        (
            "--dry-run --thana जावरा शहर --category अपराध sandesh.txt",
            '--dry-run --thana "जावरा शहर" --category अपराध sandesh.txt',
        ),
        (
            "--dry-run --thana नामली WhatsApp Chat with Ratlam.txt",
            '--dry-run --thana नामली "WhatsApp Chat with Ratlam.txt"',
        ),
    ],
)
def test_the_advice_to_quote_a_name_works_when_typed_back(tmp_path, typed, advice):
    """`ingest --thana जावरा शहर sandesh.txt`: the advice quoted the file into
    the station's name, or glued the next option's word to it; followed, it
    failed again. The advice is the whole command, as it should be typed."""
    repo = make_repo(tmp_path)
    text = "जावरा शहर पुलिस ने चोरी का खुलासा किया, दो आरोपी गिरफ्तार।\n"
    for name in ("sandesh.txt", "WhatsApp Chat with Ratlam.txt"):
        (repo / name).write_text(text, encoding="utf-8")
    done = invoke(repo, "ingest", *typed.split(" "), lang="en")
    assert done.returncode == 1
    command = done.stderr.split("goes in quotes: ", 1)[1].strip()
    assert command == f".venv/bin/invoke ingest {advice}"
    followed = invoke(repo, *shlex.split(command)[1:], lang="en")
    assert followed.returncode == 0, followed.stderr
    assert "Traceback" not in followed.stderr


def test_help_after_a_title_is_the_help(tmp_path):
    repo = make_repo(tmp_path)
    before = notes_under(repo)
    for words in (
        ("बाइक", "चोरी", "--help"),
        ("बाइक", "चोरी", "--thana", "नामली", "-h"),
        ("बाइक", "चोरी", "—help"),
        ("बाइक", "चोरी", "—h"),
    ):
        done = invoke(repo, "new", *words, lang="hi")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("उपयोग: .venv/bin/invoke new [विकल्प]"), words
    assert notes_under(repo) == before


def test_a_long_dash_only_makes_an_option_the_command_has(tmp_path):
    repo = make_repo(tmp_path)
    done = invoke(
        repo, "new", "बाइक", "चोरी", "—IPL", "सट्टा", "—Thana", "नामली", lang="en"
    )
    assert done.returncode == 0, done.stderr
    (path,) = (repo / "content/notes").rglob("bike-chori*.md")
    header = scan_header(path.read_text(encoding="utf-8"))
    assert (header.value("title"), header.value("thana")) == (
        "बाइक चोरी —IPL सट्टा",
        "नामली",
    )
    # a hyphen beside an en dash (a keyboard's "---") is the option too
    done = invoke(repo, "new", "–-thana", "नामली", "चोरी", lang="en")
    assert done.returncode == 0, done.stderr
    # a core option typed with a long dash
    done = invoke(repo, "—list", lang="hi")
    assert done.returncode == 1
    assert "दो हाइफ़न टाइप करें: .venv/bin/invoke --list" in done.stderr
    # words after "--" of a command without a title: no talk of a title
    done = invoke(repo, "check", "--", "x.md", lang="en")
    assert done.returncode == 1
    assert "(x.md) would be left out" in done.stderr
    assert "title" not in done.stderr


SLIPS = [
    # (arguments, Hindi, English): the slip and what to type instead
    (
        ("new", "--thana", "आलोट"),
        ["विज्ञप्ति का शीर्षक दें", 'invoke new "<शीर्षक>"'],
        ["give the note a title"],
    ),
    (
        ("new", "आलोट में चोरी", "--thana"),
        ["--thana के बाद नाम लिखें", '--thana "स्टेशन रोड"'],
        ["--thana needs a value after it", '--thana "स्टेशन रोड"'],
    ),
    (
        ("new", "आलोट में चोरी", "--thana", "आलोट", "--catgory", "अपराध"),
        ["--catgory नाम का कोई विकल्प नहीं", "क्या आपका मतलब '--category' था?"],
        ["no option --catgory", "did you mean '--category'?"],
    ),
    (
        ("new", "जावरा में चोरी", "--thana", "jaora"),
        ["'jaora' content/registry/thanas.toml में नहीं है", "जावरा शहर (jaora-shahar)"],
        ["'jaora' is not in content/registry/thanas.toml", "(jaora-audyogik-kshetra)"],
    ),
    (
        ("ingest", "whatsapp", "sandesh.txt"),
        ["उद्धरण चिह्नों में लिखें", '"whatsapp sandesh.txt"'],
        ["goes in quotes", '"whatsapp sandesh.txt"'],
    ),
    (
        ("check", "--file", "content/notes/2026/11/a", "b.md"),
        ["उद्धरण चिह्नों में लिखें", '--file "content/notes/2026/11/a b.md"'],
        ["goes in quotes", '--file "content/notes/2026/11/a b.md"'],
    ),
    (
        ("check", "--fil", "a.md"),
        ["--fil नाम का कोई विकल्प नहीं", "'--file'", "invoke check --help"],
        ["no option --fil", "did you mean '--file'?", "invoke check --help"],
    ),
    (
        ("krutidev",),
        ["krutidev: FILE दें: .venv/bin/invoke krutidev FILE"],
        ["krutidev: give the FILE: .venv/bin/invoke krutidev FILE"],
    ),
    (
        ("krutidev", "missing.md"),
        ["missing.md नहीं मिली", "फ़ाइल का नाम और फ़ोल्डर जाँचें"],
        ["missing.md was not found"],
    ),
    (
        ("share", "--dry-run", "--since"),
        ["--since के बाद उसका मान लिखें", "invoke share --help"],
        ["--since needs a value after it", "invoke share --help"],
    ),
    (
        ("publish", "--dry-run=yes"),
        ["--dry-run के साथ कोई मान नहीं", "केवल --dry-run लिखें"],
        ["--dry-run takes no value"],
    ),
    (
        ("nwe", "आलोट में चोरी"),
        ["'nwe' नाम की कोई कमांड नहीं है", "क्या आपका मतलब 'new' था?"],
        ["there is no command 'nwe'", "did you mean 'new'?"],
    ),
]


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_slips_on_the_command_line_are_named_with_the_fix(tmp_path, lang):
    """invoke's own parse errors (English, one line) and an unreadable
    FILE: a message in the reporter's language, exit 1, nothing written."""
    repo = make_repo(tmp_path)
    before = notes_under(repo)
    for args, hindi, english in SLIPS:
        done = invoke(repo, *args, lang=lang)
        said = f"{args}: {done.stderr}"
        assert done.returncode == 1, said
        assert "Traceback" not in done.stderr, said
        assert done.stdout == "", said
        for expected in hindi if lang == "hi" else english:
            assert expected in done.stderr, said
        if lang == "hi":
            # no English sentence of invoke's or of the system's
            assert not re.search(r"No idea|needed value|did not receive|No such", said)
    assert notes_under(repo) == before
    assert not (repo / "output").exists()


@pytest.mark.build
def test_a_started_note_stops_no_build_and_the_build_speaks_hindi(tmp_path):
    """A note just begun with `invoke new` is a draft: the build succeeds
    without it and `check` lists it apart. The build shows the reporter
    Hindi only (no developer INFO lines, no Pelican "Done: Processed");
    --verbose shows both."""
    repo = make_repo(tmp_path, {"2026/11/n.md": note_text(date=recent(1))})
    done = invoke(repo, "new", "ताल में जुआ पकड़ा", "--thana", "ताल", lang="hi")
    assert done.returncode == 0, done.stderr
    draft = "content/notes/" + done.stdout.split("content/notes/")[1].split()[0]
    done = invoke(repo, "build", lang="hi")
    assert done.returncode == 0, done.stderr[-3000:]
    said = done.stdout + done.stderr
    assert "Traceback" not in said
    assert "1 विज्ञप्ति" in said and "HTML पेज" in said, said
    assert "चेतावनी: 1 मसौदा प्रकाशन के लिए तैयार नहीं है" in said, said
    assert draft in said
    assert not re.search(r"^(INFO|WARNING|ERROR)\b|Done: Processed", said, re.M), said
    pages = {p.parent.name for p in (repo / "output").glob("20*/*/*/index.html")}
    assert pages == {"namli-yatayat-shivir"}
    done = invoke(repo, "check", lang="hi")
    assert done.returncode == 0, done.stderr
    assert "1 मसौदा प्रकाशन के लिए तैयार नहीं" in done.stdout
    assert f"{draft}:8 [summary]" in done.stdout
    done = invoke(repo, "build", "--verbose", lang="en")
    assert done.returncode == 0, done.stderr[-3000:]
    said = done.stdout + done.stderr
    assert "Done: Processed 1 article" in said and "\nINFO " in said, said


# ---- the README's first screen ---------------------------------------------

# The commands a reporter, an admin or the desk types: their help is in the
# reporter's language (the developers' tasks keep invoke's English help).
FOR_EVERYONE = (
    "build",
    "serve",
    "check",
    "new",
    "slugify",
    "krutidev",
    "ingest",
    "share",
    "publish",
    "server-config",
)


def test_every_reporters_command_has_its_help_in_the_catalog():
    import importlib.util

    from invoke import Collection

    from plugins.core.messages import LOCALE_DIR, catalog_path, missing_translations

    # a module of its own: invoke's tasks give their help away once asked
    spec = importlib.util.spec_from_file_location("tasks_help", ROOT / "tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    collection = Collection.from_module(module)
    texts = set()
    for name in FOR_EVERYONE:
        task = collection.tasks[name]
        arguments = task.get_arguments()
        assert arguments, name
        unhelped = [a.name for a in arguments if not a.help]
        assert unhelped == [], name
        texts |= {inspect.getdoc(task), *(a.help for a in arguments)}
    po = catalog_path(LOCALE_DIR, "hi")
    assert missing_translations(po, "hi", texts) == []


@pytest.mark.parametrize("name", ["new", "krutidev", "publish"])
@pytest.mark.parametrize("form", ["after", "before"])
def test_a_commands_help_speaks_the_reporters_language(tmp_path, name, form):
    """`invoke NAME --help` (and `invoke --help NAME`): Hindi by default,
    invoke's English help with BULLETIN_LANG=en."""
    repo = make_repo(tmp_path)
    before = notes_under(repo)
    args = (name, "--help") if form == "after" else ("--help", name)
    hindi = invoke(repo, *args, lang="hi")
    english = invoke(repo, *args, lang="en")
    for done in (hindi, english):
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert hindi.stdout.startswith(f"उपयोग: .venv/bin/invoke {name} [विकल्प]\n")
    assert "विकल्प:" in hindi.stdout
    assert re.search(r"[\u0900-\u097f]{3}", hindi.stdout.split("विकल्प:")[1])
    # nothing of invoke's English frame, nor of the English help texts
    assert not re.search(r"Usage|Docstring|Options|the note|a folder", hindi.stdout)
    assert english.stdout.startswith("Usage: ")
    assert "Docstring:" in english.stdout
    assert not re.search(r"[\u0900-\u097f]", english.stdout)
    assert notes_under(repo) == before


def test_the_list_of_commands_speaks_the_reporters_language(tmp_path):
    repo = make_repo(tmp_path)
    hindi = invoke(repo, "--list", lang="hi")
    english = invoke(repo, "--list", lang="en")
    assert hindi.returncode == english.returncode == 0
    assert hindi.stdout.startswith(
        "कमांड (हर कमांड के विकल्प: .venv/bin/invoke नाम --help)"
    )
    lines = {
        line.split()[0]: line for line in hindi.stdout.splitlines() if line[:2] == "  "
    }
    assert re.search(r"[\u0900-\u097f]", lines["new"])
    assert "Start a draft" not in hindi.stdout
    # a developers' task keeps its English line
    assert "Time this project's build" in lines["bench"]
    assert english.stdout.startswith("Available tasks:")
    assert "Start a draft note" in english.stdout


README = ROOT / "README.md"


def readme_blocks() -> list[str]:
    """The ```sh blocks before the README's first section."""
    text = README.read_text(encoding="utf-8")
    first_screen = text[: text.index("\n## ")]
    return re.findall(r"```sh\n(.*?)```", first_screen, re.S)


def test_the_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first is not None and text[: first.start()].count("\n") == 2
    commands = [line.split("#")[0].strip() for line in first[1].splitlines()]
    assert commands == ["make serve", "make test"]


@pytest.mark.build
def test_the_readmes_publish_dry_run_works_as_written(tmp_path):
    """The first screen's dry run (address, sample groups, --to) builds the
    production site and lists what would be sent; nothing is written."""
    (block,) = [b for b in readme_blocks() if "publish" in b]
    words = shlex.split(block.replace("\\\n", " "))
    env = dict(w.split("=", 1) for w in words if re.match(r"[A-Z_]+=", w))
    args = [w for w in words if not re.match(r"[A-Z_]+=", w)]
    assert args[0] == ".venv/bin/invoke" and "--dry-run" in args
    target = tmp_path / "site"
    args = [str(target) if a == "/tmp/site" else a for a in args[1:]]
    assert str(target) in args
    repo = make_repo(tmp_path, {"2026/11/n.md": note_text(date=recent(1))})
    registry = notes_under(repo)
    done = invoke(repo, *args, lang="hi", **env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "भेजें" in done.stdout, done.stdout[-2000:]
    assert not target.exists()
    assert notes_under(repo) == registry


# ---- invoke krutidev ------------------------------------------------------------


@pytest.mark.build
def test_krutidev_leaves_one_note_that_builds(tmp_path):
    repo = make_repo(tmp_path, {"2026/11/baithak.md": KRUTIDEV_NO_SLUG})
    notes = repo / "content/notes/2026/11"
    done = invoke(repo, "krutidev", "content/notes/2026/11/baithak.md", lang="hi")
    assert done.returncode == 0, done.stderr
    assert "यूनिकोड हिंदी में बदल दी गई" in done.stdout
    assert "content/notes/2026/11/baithak.md.krutidev.bak" in done.stdout
    assert sorted(p.name for p in notes.iterdir()) == [
        "baithak.md",
        "baithak.md.krutidev.bak",
    ]
    # and a Unicode copy an older version of the command wrote beside it
    (notes / "baithak.unicode.md").write_text(
        convert_note_text(KRUTIDEV_NO_SLUG), encoding="utf-8"
    )
    output = tmp_path / "output"
    result = build_site(repo / "content", output)
    assert result.notes == 1
    pages = sorted(p.parent.name for p in (output / "2026/11").glob("*/index.html"))
    assert len(pages) == 1 and not pages[0].endswith("-2"), pages
    assert result.warnings == 0


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("hi", "दूसरी बार प्रकाशित कर देगा"),
        ("en", "would publish the note a second time"),
    ],
)
def test_krutidev_output_inside_content_is_refused(tmp_path, lang, expected):
    repo = make_repo(tmp_path, {"2026/11/baithak.md": KRUTIDEV_NOTE})
    note = repo / "content/notes/2026/11/baithak.md"
    args = ["krutidev", "content/notes/2026/11/baithak.md"]
    done = invoke(repo, *args, "--output", "content/notes/2026/11/b2.md", lang=lang)
    assert done.returncode == 1 and expected in done.stderr
    assert sorted(p.name for p in note.parent.iterdir()) == ["baithak.md"]
    done = invoke(repo, *args, "--output", "converted.md", lang=lang)
    assert done.returncode == 0, done.stderr
    assert "converted.md" in done.stdout
    assert note.read_text(encoding="utf-8") == KRUTIDEV_NOTE
    done = invoke(repo, *args, lang=lang)
    assert done.returncode == 0
    done = invoke(repo, *args, lang=lang)  # again: the backup is never replaced
    assert done.returncode == 1
    assert "baithak.md.krutidev.bak" in done.stderr
    assert (note.parent / "baithak.md.krutidev.bak").read_text(
        encoding="utf-8"
    ) == KRUTIDEV_NOTE


# ---- the same note twice --------------------------------------------------------


def test_the_same_note_twice_is_a_warning_naming_both_files(tmp_path, caplog):
    content = new_content(tmp_path)
    settings = read_settings(SETTINGS, override={"PATH": str(content)})
    rules = Rules(registry=registry_for(settings), content_root=content)
    first = note_text(slug="pehli", thana="माणकचौक")
    # the station by another spelling, other spacing: still the same note
    second = note_text(
        slug="doosri",
        thana="माणक चौक",
        title="नामली  थाने में यातायात जागरूकता शिविर",
    )
    # more than a week later: other news under the same title
    other = note_text(slug="teesri", thana="माणकचौक", date="2026-10-13 10:31")
    notes = [("a.md", first), ("b.md", second), ("c.md", other)]
    with caplog.at_level(logging.WARNING):
        checked = check_all(notes, rules)
    assert checked.problems == []
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert warnings[0].startswith("b.md: the same note as a.md")
    # a note that passed before (kept in the check cache) counts too
    caplog.clear()
    passed = {"a.md": note_keys(scan_header(first))}
    with caplog.at_level(logging.WARNING):
        check_all([("d.md", second)], rules, passed)
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == [warnings[0]] and warnings[0].startswith("d.md: the same")


@pytest.mark.build
def test_a_build_warns_about_the_same_note_twice(tmp_path, caplog):
    notes = {
        "2026/10/shivir.md": note_text(slug="shivir"),
        "2026/10/shivir-copy.md": note_text(slug="shivir-copy"),
    }
    content = new_content(tmp_path, notes)
    with caplog.at_level(logging.WARNING):
        result = build_site(content, tmp_path / "output")
    assert result.warnings >= 1
    (warning,) = [
        r.getMessage() for r in caplog.records if "same note" in r.getMessage()
    ]
    assert "2026/10/shivir-copy.md" in warning and "2026/10/shivir.md" in warning


def test_invoke_new_does_not_count_a_copy_the_build_never_reads(tmp_path):
    title = "नामली में बैठक"
    copy = note_text(title=title, slug=None)
    content = new_content(tmp_path, {"2026/11/old.unicode.md": copy})
    settings = read_settings(SETTINGS, override={"PATH": str(content)})
    path = create_note(
        content / "notes",
        registry_for(settings),
        title=title,
        thana="नामली",
        reporter="संवाददाता",
        settings=settings,
    )
    assert path.stem == "namli-mein-baithak"
    # the same copy as a note the build reads does take the slug
    (content / "notes/2026/11/old.md").write_text(copy, encoding="utf-8")
    again = create_note(
        content / "notes",
        registry_for(settings),
        title=title,
        thana="नामली",
        reporter="संवाददाता",
        settings=settings,
    )
    assert again.stem == "namli-mein-baithak-3"


# ---- invoke test ------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def pytest_line(*args: str) -> list[str]:
    """The pytest command `invoke test ARGS` runs (invoke's --dry prints it)."""
    done = invoke(ROOT, "--dry", "test", *args, lang="en")
    assert done.returncode == 0, done.stderr
    lines = [ANSI.sub("", line) for line in done.stdout.splitlines()]
    found = [shlex.split(line) for line in lines if " -m pytest" in line]
    assert len(found) == 1, lines
    return found[0][found[0].index("pytest") + 1 :]


SPREAD = ["--dist", "loadfile", "--no-loadscope-reorder"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--workers", "3", "-k", "reader and not $HOME's"),
            ["-n", "3", *SPREAD, "-k", "reader and not $HOME's"],
        ),
        ((), ["-n", "auto", *SPREAD]),
        (("--workers", "0"), []),
    ],
)
def test_invoke_test_runs_pytest_with_the_workers_and_selection_given(args, expected):
    assert pytest_line(*args) == expected


def test_the_test_command_gives_each_file_to_one_worker():
    """The pytest options of `invoke test --workers 2`, run on two small
    files: every test passes, each file's tests on one worker, both used."""
    files = ["tests/test_dates.py", "tests/test_feed_ids.py"]
    options = pytest_line("--workers", "2", "-k", "not slow")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *options,
            "-p",
            "no:cacheprovider",
            "-v",
            *files,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    ran = re.findall(r"\[(gw\d+)\][^\n]* PASSED (tests/[\w.]+)::", done.stdout)
    assert {name for _worker, name in ran} == set(files), done.stdout[-2000:]
    workers = {name: {w for w, n in ran if n == name} for name in files}
    assert all(len(w) == 1 for w in workers.values()), workers
    assert len(set().union(*workers.values())) == 2, workers


def test_commands_typed_in_a_note_folder_find_the_project(tmp_path):
    """A reporter whose terminal is in the folder of their notes: check, new
    and build work there as from the top folder (no traceback about
    pelicanconf.py), and name files from where they are."""
    repo = make_repo(tmp_path, {"2026/10/a.md": note_text()})
    folder = repo / "content" / "notes" / "2026"
    checked = invoke(folder, "check", lang="hi")
    assert checked.returncode == 0, checked.stderr
    assert "1 विज्ञप्ति" in checked.stdout and "Traceback" not in checked.stderr
    made = invoke(folder, "new", "आलोट में चोरी", "--thana", "आलोट", lang="hi")
    assert made.returncode == 0, made.stderr
    [note] = (repo / "content" / "notes").rglob("alot-mein-chori.md")
    assert f"{note.relative_to(folder)}" in made.stdout + made.stderr
    built = invoke(folder, "build", lang="hi")
    assert built.returncode == 0, built.stderr
    assert (
        repo / "output" / "2026" / "10" / "namli-yatayat-shivir" / "index.html"
    ).is_file()
    assert not (folder / "output").exists()
