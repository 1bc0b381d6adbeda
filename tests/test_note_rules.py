"""What a reporter is told about a note's header, checked without a build:
every problem names the file, the line and the field, and says what to do.
Messages are compared with the English text (tests run with BULLETIN_LANG=en).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from pelican.settings import read_settings
from support import (
    ROOT,
    SETTINGS,
    build_site,
    forget_logged_warnings,
    new_content,
    note_text,
)

from plugins.core import parallel
from plugins.press_notes.forwards import INGEST_RULES, read_clutter
from plugins.press_notes.press_notes import registry_for
from plugins.press_notes.validate import (
    NOTES_CHECKED,
    Rules,
    check_all,
    check_note,
)
from scripts.check import check

PATH = "content/notes/x.md"
# note_text() writes its fields in this order, one a line, from line 1
LINES = {
    "title": 1,
    "date": 2,
    "district": 3,
    "thana": 4,
    "category": 5,
    "tags": 6,
    "reporter": 7,
    "summary": 8,
    "slug": 9,
}


@pytest.fixture(scope="module")
def rules():
    settings = read_settings(SETTINGS)
    return Rules(registry=registry_for(settings), content_root=ROOT / "content")


def problems(text: str, rules: Rules) -> list[tuple[int | None, str | None, str]]:
    _, found = check_note(PATH, text, rules)
    assert all(p.path == PATH for p in found)
    return [(p.line, p.field, p.message) for p in found]


def test_an_empty_field_and_a_missing_one_are_told_apart(rules):
    assert problems(note_text(reporter=""), rules) == [
        (
            LINES["reporter"],
            "reporter",
            "'reporter' is empty; add a line 'reporter: …' to the header",
        )
    ]
    assert problems(note_text(reporter=None), rules) == [
        (
            None,
            "reporter",
            "'reporter' is missing; add a line 'reporter: …' to the header",
        )
    ]


def test_a_field_going_on_over_an_indented_line_is_refused_except_the_summary(
    rules,
):
    text = note_text(reporter="पुलिस जनसंपर्क कक्ष\n    रतलाम")
    assert problems(text, rules) == [
        (
            LINES["reporter"] + 1,  # the indented line
            "reporter",
            (
                "'reporter' goes on over an indented line, which the build would "
                "read differently; write the whole value on one line"
            ),
        )
    ]
    assert problems(note_text(summary="पहला वाक्य।\n    दूसरा वाक्य।"), rules) == []


def test_an_empty_modified_line_is_named_and_a_missing_date_does_not_hide_it(
    rules,
):
    empty = (
        "'modified' is empty; write the date of the change as YYYY-MM-DD HH:MM, "
        "or leave the line out"
    )
    assert problems(note_text(modified=""), rules) == [(10, "modified", empty)]
    # without a date, 'modified' is still checked
    found = problems(note_text(date="", modified="कल"), rules)
    assert (LINES["date"], "date") in [(line, f) for line, f, _ in found]
    assert (
        10,
        "modified",
        (
            "'कल' is not a date; write it as YYYY-MM-DD HH:MM in Indian time, "
            "e.g. 2026-11-24 11:30"
        ),
    ) in found


def test_a_date_that_is_not_a_date_is_quoted_back(rules):
    assert problems(note_text(date="24/11/2026"), rules) == [
        (
            LINES["date"],
            "date",
            (
                "'24/11/2026' is not a date; write it as YYYY-MM-DD HH:MM in Indian "
                "time, e.g. 2026-11-24 11:30"
            ),
        )
    ]


def test_a_date_more_than_a_day_ahead_is_a_typo_unless_scheduled(rules):
    now = datetime(2026, 10, 5, 10, 30)
    at = Rules(rules.registry, rules.content_root, now=now)
    # exactly one day ahead is still accepted (notes written before midnight)
    assert problems(note_text(date="2026-10-06 10:30"), at) == []
    ahead = note_text(date="2026-10-06 10:31")
    assert problems(ahead, at) == [
        (
            LINES["date"],
            "date",
            (
                "'2026-10-06 10:31' is more than a day ahead; correct the year or the "
                "month, or add the line 'status: scheduled' to publish the note on "
                "that date"
            ),
        )
    ]
    assert problems(note_text(date="2026-10-06 10:31", status="scheduled"), at) == []
    # a past date is never refused
    assert problems(note_text(date="2025-10-05 10:30"), at) == []


def test_an_address_of_origin_must_be_a_web_address(rules):
    for key in ("source_url", "old_url"):
        assert problems(note_text(**{key: "https://example.org/a"}), rules) == []
        assert problems(note_text(**{key: "example.org/a"}), rules) == [
            (
                10,
                key,
                (
                    "'example.org/a' is not a web address; write it as https://… "
                    "or leave the line out"
                ),
            )
        ]


def test_a_withdrawn_note_without_a_reason_is_refused_at_its_status_line(rules):
    assert problems(note_text(status="withdrawn"), rules) == [
        (
            10,
            "reason",
            (
                "a withdrawn note needs 'reason: …': one Hindi sentence readers see "
                "at its address, saying why it was withdrawn"
            ),
        )
    ]


def test_a_title_that_romanizes_to_nothing_gets_a_note_address(rules):
    text = note_text(title="🚓 🚨", slug=None)
    checked = check_all([(PATH, text)], rules)
    assert checked.problems == []
    assert re.fullmatch(r"note-[0-9a-f]{8}", checked.slugs[PATH]), checked.slugs


def test_a_note_that_passed_before_still_counts_against_new_notes(
    rules, tmp_path, caplog
):
    """An unchanged note is not checked again, but its address and its
    title, date and thana still count against the notes next to it."""
    # paths of their own: Pelican's logger never repeats a message it logged
    a, b = f"{tmp_path}/a.md", f"{tmp_path}/b.md"
    first = check_all([(a, note_text(image="images/x.jpg"))], rules)
    assert [p.field for p in first.problems] == ["image", "image_alt"]
    assert first.passed == {}  # a note with a problem is checked again next time
    first = check_all([(a, note_text())], rules)
    assert list(first.passed) == [a]
    # b: the same address and the same news as a, which is not read again
    caplog.set_level(logging.WARNING)
    later = check_all([(b, note_text())], rules, passed_before=first.passed)
    assert set(later.passed) == {a, b}
    assert [(p.path, p.line, p.field) for p in later.problems] == [
        (b, LINES["slug"], "slug")
    ]
    assert "2026/10/namli-yatayat-shivir/ is already used by " + a in (
        later.problems[0].message
    )
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"{b}: the same note as {a}"
    ]
    # the other way round: the note read before is the later path, so the
    # clash is named at its slug line, read from what was kept of it
    z = f"{tmp_path}/z.md"
    first = check_all([(z, note_text())], rules)
    later = check_all([(a, note_text())], rules, passed_before=first.passed)
    assert [(p.path, p.line, p.field) for p in later.problems] == [
        (z, LINES["slug"], "slug")
    ]


def test_a_withdrawal_says_why_and_a_reason_belongs_only_to_one(rules):
    reason = "तथ्य की त्रुटि के कारण वापस लिया गया।"
    assert problems(note_text(status="withdrawn", reason=reason), rules) == []
    # an empty reason line is named itself
    assert [
        (line, f)
        for line, f, _ in problems(note_text(status="withdrawn", reason=""), rules)
    ] == [(11, "reason")]
    assert problems(note_text(reason=reason), rules) == [
        (
            10,
            "reason",
            (
                "'reason' is only for a withdrawn note: add 'status: withdrawn', "
                "or remove the line (for a correction, use 'correction: …')"
            ),
        )
    ]
    assert problems(note_text(correction="शीर्षक में थाने का नाम सुधारा गया।"), rules) == []
    assert problems(note_text(correction=""), rules) == [
        (
            10,
            "correction",
            (
                "'correction' is empty: write the Hindi correction notice, "
                "or remove the line"
            ),
        )
    ]


NOTE = ROOT / "content" / "notes" / "2026" / "10" / "x.md"
OUTSIDE = (
    "the link '%s' points outside content/images/; links with {static} may "
    "point only to photos there"
)


@pytest.mark.parametrize(
    "link",
    [
        "{static}/images/a.jpg",
        "|static|/images/a.jpg",
        "{attach}/images/2026/a.jpg#top",
        "{static}/images/a.jpg?w=480",
        "{static}../../../images/a.jpg",  # relative to the note's folder
        # what follows # or ? is no part of the file's path
        "{static}/images/a.jpg#/../../registry",
        "{static}/images/a.jpg?from=/../../registry",
    ],
)
def test_a_link_to_a_photo_is_allowed(rules, link):
    body = f"पहला अनुच्छेद।\n\n![चित्र]({link})"
    _, found = check_note(str(NOTE), note_text(body=body), rules)
    assert found == []


@pytest.mark.parametrize(
    "link",
    [
        "{static}/registry/thanas.toml",
        "|attach|/pelicanconf.py",
        "{static}images/a.jpg",  # content/notes/2026/10/images/a.jpg
        "{static}/images/../registry/groups.toml",
        "{static}/imagesx/a.jpg",
        "{static}/pages/about.md#images/",
        "{static}/Ximages/a.jpg",
    ],
)
def test_a_link_into_any_other_file_of_content_is_refused_at_its_line(rules, link):
    body = f"पहला अनुच्छेद।\n\n[सूची]({link}) देखें।"
    _, found = check_note(str(NOTE), note_text(body=body), rules)
    assert [(p.line, p.field, p.message) for p in found] == [
        (13, None, OUTSIDE % link)  # header 9 lines, a blank line, the text
    ]


def test_a_link_is_named_at_its_own_line_of_a_paragraph(rules):
    body = "पहला अनुच्छेद।\n[सूची]({static}/registry/thanas.toml) देखें।"
    _, found = check_note(str(NOTE), note_text(body=body), rules)
    assert [p.line for p in found] == [12]


def test_a_file_without_a_header_is_told_how_to_start(rules):
    assert problems("बस पाठ\n", rules) == [
        (
            1,
            None,
            (
                "no metadata header; start the file with 'title: …', 'date: …' "
                "and the other fields, then a blank line"
            ),
        )
    ]


def test_a_note_whose_photo_broke_since_it_passed_is_checked_again(rules, tmp_path):
    from PIL import Image

    from plugins.press_notes.check_cache import load, save, still_passing

    (tmp_path / "images").mkdir()
    Image.new("RGB", (80, 60), "red").save(tmp_path / "images" / "p.jpg")
    here = Rules(rules.registry, tmp_path)
    text = note_text(image="images/p.jpg", image_alt="चित्र")
    checked = check_all([(PATH, text)], here)
    save(tmp_path / "cache", "k", {PATH: ([1, 2], checked.passed[PATH])})
    entry = load(tmp_path / "cache", "k")[PATH]
    assert still_passing(entry, [1, 2], tmp_path) == checked.passed[PATH]
    (tmp_path / "images" / "p.jpg").write_bytes(b"a text saved as .jpg")
    assert still_passing(entry, [1, 2], tmp_path) is None


def test_a_note_read_from_outside_content_links_as_if_in_notes(rules, tmp_path):
    body = "[अ]({static}../images/a.jpg) [ब]({static}images/b.jpg)"
    _, found = check_note(str(tmp_path / "x.md"), note_text(body=body), rules)
    assert [p.message for p in found] == [OUTSIDE % "{static}images/b.jpg"]


def test_a_text_too_long_for_a_phone_is_named_with_its_size(rules):
    small = Rules(rules.registry, rules.content_root, body_max_bytes=3000)
    # 1,000 Devanagari letters are 3,000 bytes of UTF-8: at the limit
    assert problems(note_text(body="क" * 1000), small) == []
    # 4,002 bytes: shown as whole KB of 1,000 bytes
    assert problems(note_text(body="क" * 1334), small) == [
        (
            11,
            None,
            (
                "the text is 4 KB, more than 3 KB; split it into several notes "
                "or shorten it"
            ),
        )
    ]


@pytest.mark.parametrize(
    ("where", "line", "field"),
    [("title", 1, "title"), ("summary", 8, "summary"), ("body", 11, None)],
)
def test_a_hidden_control_character_is_named_at_its_line_and_field(
    rules, where, line, field
):
    text = note_text(**{where: "पुलिस \u202e ने"})
    assert problems(text, rules) == [
        (
            line,
            field,
            (
                "the line holds U+202E RIGHT-TO-LEFT OVERRIDE, which cannot be "
                "published (it breaks lines or hides text); delete it and type "
                "the text again"
            ),
        )
    ]


def test_a_line_that_breaks_the_header_is_named(rules):
    text = note_text().replace("reporter:", "रतलाम पुलिस\nreporter:")
    assert problems(text, rules) == [
        (
            7,
            None,
            (
                "line 7 is not a `field: value` line, so the header ends before "
                "it and the fields below it are read as text; join it to the "
                "line above (or indent it by four spaces), and leave one blank "
                "line after the header"
            ),
        )
    ]


KRUTI = (
    "the text looks like Kruti Dev (typed in the old Kruti Dev font), not "
    "Unicode Hindi; convert it with '.venv/bin/invoke krutidev "
    f"{PATH} --in-place' (a backup *.krutidev.bak is kept), check the "
    "result, then build again"
)


def test_a_note_typed_in_kruti_dev_is_named_once_at_its_first_place(rules):
    # पुलिस अधीक्षक के निर्देशन में थाना प्रभारी ने बैठक ली typed in Kruti Dev
    sentence = "iqfyl v/kh{kd ds funsZ'ku esa Fkkuk izHkkjh us cSBd yh"
    assert problems(note_text(summary=sentence), rules) == [
        (LINES["summary"], "summary", KRUTI)
    ]
    assert problems(note_text(body=sentence), rules) == [(11, None, KRUTI)]
    both = note_text(title=sentence, body=sentence)
    assert problems(both, rules) == [(LINES["title"], "title", KRUTI)]


def test_short_kruti_dev_fields_are_caught_together(rules):
    # नामली थाना, रतलाम, नामली, यातायात, हेलमेट, पुलिस, बैठक: each too short
    # to tell alone, so a note is read whole
    fields = {
        "title": "ukeyh Fkkuk",
        "district": "jryke",
        "thana": "ukeyh",
        "category": ";krk;kr",
        "tags": "gsyesV",
        "reporter": "iqfyl",
        "summary": "cSBd",
    }
    for key, value in fields.items():
        alone = problems(note_text(**{key: value}), rules)
        assert KRUTI not in [m for _, _, m in alone], key
    text = note_text(**fields, body="cSBd gqbZ")
    assert problems(text, rules) == [(LINES["title"], "title", KRUTI)]


def test_a_draft_that_passed_before_is_still_the_one_whose_address_clashes(
    rules, tmp_path
):
    """The draft is not read again, but what was kept of it says it is a
    draft: the published note keeps the address, the draft waits."""
    draft, note = f"{tmp_path}/a-draft.md", f"{tmp_path}/b.md"
    first = check_all([(draft, note_text(status="draft", title="मसौदा"))], rules)
    assert first.problems == [] and list(first.passed) == [draft]
    later = check_all([(note, note_text())], rules, passed_before=first.passed)
    assert later.problems == []
    assert [(p.path, p.field) for p in later.draft_problems] == [(draft, "slug")]


def test_drafts_not_ready_and_drafts_linking_to_them_are_left_out_with_their_photo(
    rules, tmp_path
):
    here = Rules(registry=rules.registry, content_root=tmp_path)
    notes = tmp_path / "notes" / "2026" / "11"
    notes.mkdir(parents=True)
    unready = notes / "adhura.md"
    linking = notes / "jodne-wali.md"
    texts = {
        unready: note_text(
            status="draft",
            thana="",
            slug="adhura",
            image="images/adhura.jpg",
            image_alt="चित्र",
        ),
        linking: note_text(
            status="draft",
            slug="jodne-wali",
            body=(
                "पिछली खबर [यहाँ]({filename}/notes/2026/11/adhura.md) पढ़ें।\n"
                "और [वहाँ]({filename}/notes/2026/11/nahin-hai.md) भी।"
            ),
        ),
    }
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    checked = check_all([(str(p), t) for p, t in texts.items()], here)
    assert checked.problems == []
    # each draft is left out under its own name, and the photo with it
    assert sorted(checked.drafts) == [str(unready), str(linking)]
    assert checked.draft_photos == {"images/adhura.jpg"}
    # nine fields, the status, a blank line, then the text's two lines
    no_file = (
        "the link '{filename}/notes/2026/11/nahin-hai.md' leads to no file "
        "under content/; write the path of a note from content/, e.g. "
        "{filename}/notes/2026/11/name.md, or remove the link"
    )
    to_draft = (
        "the link '{filename}/notes/2026/11/adhura.md' leads to a draft not "
        "ready to publish (left out of the build); finish that draft, or "
        "remove the link"
    )
    assert [(p.line, p.message) for p in checked.drafts[str(linking)]] == [
        (13, no_file),
        (12, to_draft),
    ]


def test_notes_checked_in_worker_processes_give_what_the_build_finds_alone(
    rules, tmp_path, monkeypatch
):
    """A cold build checks its notes in forked workers: the same problems,
    drafts, addresses and kept keys as one process finds, and the count of
    notes checked says where they were checked."""
    notes = [
        (f"{tmp_path}/{n}.md", note_text(slug=f"suchna-{n}", title=f"सूचना {n}"))
        for n in range(6)
    ]
    notes[1] = (notes[1][0], note_text(slug="suchna-1", thana="अज्ञात"))
    notes[2] = (notes[2][0], note_text(slug="suchna-2", status="draft", reporter=""))

    def outcome(parallel_min: int):
        monkeypatch.setattr(parallel, "PARALLEL_MIN", parallel_min)
        monkeypatch.setattr(parallel, "WORKERS", 2)
        checked = check_all(notes, rules)
        (done,) = [r for r in parallel.LAST_RUNS if r[0] == NOTES_CHECKED][-1:]
        found = (checked.problems, checked.drafts, checked.slugs, checked.passed)
        return found, done

    alone, counted_alone = outcome(10**9)
    forked, counted_forked = outcome(1)
    assert counted_alone == (NOTES_CHECKED, 0, 6)
    assert counted_forked == (NOTES_CHECKED, 6, 0)
    assert forked == alone
    problems, drafts, slugs, passed = alone
    assert [(p.path, p.field) for p in problems] == [(notes[1][0], "thana")]
    assert [(p.path, p.field) for ps in drafts.values() for p in ps] == [
        (notes[2][0], "reporter")
    ]
    assert slugs == {path: f"suchna-{n}" for n, (path, _) in enumerate(notes)}
    assert sorted(passed) == [notes[n][0] for n in (0, 3, 4, 5)]


# ---- a WhatsApp forward pasted into a note --------------------------------------

FORWARD = """Forwarded
🚨🚨 *आलोट पुलिस की बड़ी कार्यवाही* 🚨🚨

आलोट पुलिस ने सूने मकान में हुई चोरी का खुलासा किया।

*जब्त माल* :-
1️⃣ सोने की चेन
2️⃣ नकद 15,000 रुपये

_थाना प्रभारी_ ने बताया कि पूछताछ जारी है, ~गलत~ सही।

📲 खबर को शेयर करें 🙏
https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv"""


TEXT_LINE = "नामली थाना पुलिस ने वाहन चालकों को यातायात नियम बताए। "


@pytest.fixture(scope="module")
def forward_rules(rules):
    clutter = read_clutter(ROOT / "content" / INGEST_RULES)
    return replace(rules, clutter=clutter)


def test_a_pasted_whatsapp_forward_is_warned_about_line_by_line(forward_rules, caplog):
    text = note_text(body=FORWARD)
    body = LINES["slug"] + 2  # the text's first line
    caplog.set_level(logging.WARNING)
    checked = check_all([(PATH, text)], forward_rules)
    # a warning, not a problem: the note builds
    assert checked.problems == [] and checked.drafts == {}
    said = [w.split(": ", 1) for w in checked.warnings]
    assert [where for where, _ in said] == [
        f"{PATH}:{body + n}" for n in (0, 1, 5, 6, 9, 11, 12)
    ]
    assert said[0][1].startswith("'Forwarded' is left from a WhatsApp forward")
    assert "invoke ingest FILE" in said[0][1]
    assert said[1][1].startswith("*आलोट पुलिस की बड़ी कार्यवाही*: WhatsApp's marks")
    assert said[3][1].startswith(f"lines {body + 6}–{body + 7}, numbered with emoji")
    assert said[4][1].startswith("_थाना प्रभारी_, ~गलत~: WhatsApp's marks")
    assert said[5][1].startswith("'📲 खबर को शेयर करें 🙏' is left from")
    assert said[6][1].startswith("'https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv'")
    # logged for the build, as the check found them
    assert [r.getMessage() for r in caplog.records] == checked.warnings
    # never kept as passed: the next check warns again
    assert checked.passed == {}
    # Markdown's own marks, the list with blank lines, a fenced block: quiet
    clean = "**आलोट** पुलिस\n\n1️⃣ चेन\n\n2️⃣ नकद\n\n```\nForwarded\n```"
    checked = check_all([(PATH, note_text(body=clean))], forward_rules)
    assert checked.warnings == [] and list(checked.passed) == [PATH]
    # a paragraph of news is not clutter, whatever words it holds
    news = "पीड़ित परिवार को आर्थिक सहयोग दिया गया। " + TEXT_LINE * 5
    checked = check_all([(PATH, note_text(body=news))], forward_rules)
    assert checked.warnings == []
    # a note ingest wrote: its *…* is the Markdown it made of WhatsApp's _…_
    ingested = note_text(body="*साइबर ठगी* से बचें", source="whatsapp msg.txt")
    assert check_all([(PATH, ingested)], forward_rules).warnings == []


def test_a_copied_pages_shortcodes_are_warned_about(forward_rules):
    """The sample press note, copied from a news site, carries the site's
    `[responsive-slider id=1466]`: ingest removes it, a pasted note kept it
    and published it as text."""
    sample = (ROOT / "tests/fixtures/bilpank-meeting-kismat-news.txt").read_text(
        encoding="utf-8"
    )
    (line,) = [n for n, t in enumerate(sample.splitlines()) if "[responsive" in t]
    body = LINES["slug"] + 2
    checked = check_all([(PATH, note_text(body=sample))], forward_rules)
    said = dict(w.split(": ", 1) for w in checked.warnings)
    assert said[f"{PATH}:{body + line}"].startswith(
        "[responsive-slider id=1466] is a website's code, left from a copied web page"
    )
    inline = "बैठक [caption id=7]हुई[/caption] और [लिंक](https://example.org) भी"
    checked = check_all([(PATH, note_text(body=inline))], forward_rules)
    (warning,) = checked.warnings
    assert warning.startswith(f"{PATH}:{body}: [caption id=7], [/caption] is a")
    # Markdown links, reference links, a bracketed word, a task list, a
    # code span and Hindi in brackets are not codes
    for plain in [
        "देखें [थाना समाचार](https://example.org) और [१] टिप्पणी",
        "पूरी सूची [यहाँ देखें][list]।\n\n[list]: https://example.org/suchi",
        'आरोपी ने कहा "मैंने [sic] चोरी नहीं की"। ईमेल: ratlam[at]mp[dot]gov',
        "- [x] आरोपी गिरफ्तार\n- [ ] माल बरामद",
        "कोड `[gallery]` ऐसे लिखें",
    ]:
        checked = check_all([(PATH, note_text(body=plain))], forward_rules)
        assert checked.warnings == [], plain


def test_the_check_repeats_a_forward_s_warnings_in_hindi(tmp_path, monkeypatch):
    content = new_content(tmp_path, {"2026/10/forward.md": note_text(body=FORWARD)})
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nCACHE_PATH = {str(tmp_path / 'cache')!r}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    for _run in range(2):  # the second run reads the check cache
        report = check(str(conf))
        assert report.endswith(
            "7 चेतावनियाँ (ऊपर दी गई हैं): ये कुछ नहीं रोकतीं, पर इनमें बताई बातें ठीक करें"
        ), report


@pytest.mark.build
def test_the_build_warns_about_a_forward_and_publishes_the_note(tmp_path, caplog):
    content = new_content(tmp_path, {"2026/10/forward.md": note_text(body=FORWARD)})
    forget_logged_warnings()
    with caplog.at_level(logging.WARNING):
        result = build_site(content, tmp_path / "output")
    page = tmp_path / "output/2026/10/namli-yatayat-shivir/index.html"
    assert page.is_file()
    said = [r.getMessage() for r in caplog.records]
    first = LINES["slug"] + 2
    where = f"{content}/notes/2026/10/forward.md:{first}: "
    assert f"{where}'Forwarded' is left from a WhatsApp forward" in "\n".join(said)
    assert result.warnings >= 7


def test_notes_given_as_files_are_read_where_they_are_checked(
    rules, tmp_path, monkeypatch
):
    """A cold build hands the checks each note's file, read in the worker
    that checks it (the build's process never holds every note's text): the
    same problems, slugs and passes as the texts given, and a file that is
    not UTF-8 named as unreadable instead of checked.
    """
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    texts = {
        f"{tmp_path}/a.md": note_text(slug="a"),
        f"{tmp_path}/b.md": note_text(slug="b", title="दूसरी खबर", image="x.jpg"),
        f"{tmp_path}/c.md": note_text(title="तीसरी खबर", slug=None),
    }
    for path, text in texts.items():
        Path(path).write_text(text, encoding="utf-8")
    odd = tmp_path / "d.md"
    odd.write_bytes("title: caf\u00e9 \u00b6\n".encode("cp1252"))
    from_texts = check_all(list(texts.items()), rules)
    from_files = check_all([(p, Path(p)) for p in texts] + [(str(odd), odd)], rules)
    assert from_files.problems == from_texts.problems != []
    assert from_files.slugs == from_texts.slugs
    assert from_files.passed == from_texts.passed
    assert from_files.unreadable == [str(odd)]
    assert from_texts.unreadable == []
