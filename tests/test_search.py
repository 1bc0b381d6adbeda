"""Search (/khoj/, plugins/search): Pagefind over note pages only, Hindi and
Latin-typed queries, filters, a Hindi page without JavaScript.

The browser tests open the sample bulletin's search page in Chromium with
JavaScript on (this page only) and read the notes it lists. The query lists
tests/data/search_queries.tsv and search_queries_unseen.tsv (written without
seeing the first) are scored as recall at 5.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import unicodedata
from hashlib import sha256
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, quote, urlparse

import pytest
from pelican.settings import read_settings
from support import (
    ROOT,
    SETTINGS,
    build_site,
    new_content,
    note_text,
    read_html,
    search_script_path,
)

from plugins.core.errors import ContentError
from plugins.hindi_text.slugs import tokens
from plugins.search import search as search_plugin
from plugins.search.terms import (
    DEVANAGARI_QUERY_RULES,
    is_phrase,
    phrase_synonyms,
    search_forms,
    search_terms,
    skeleton,
    spelling,
    synonyms,
    synonyms_of,
    word_forms,
    word_terms,
)
from scripts.bench.node_tools import axe_script
from scripts.serve import served as serving

QUERIES = ROOT / "tests" / "data" / "search_queries.tsv"
# Queries written by a reviewer who had read the notes but not QUERIES
# (recall 0.793 when written, 0.976 since; see the README): held to the same
# 0.90.
UNSEEN_QUERIES = ROOT / "tests" / "data" / "search_queries_unseen.tsv"
# Written by a second reviewer after the fixes for the first (recall 0.942 when
# written); held to the same 0.90.
UNSEEN_QUERIES_2 = ROOT / "tests" / "data" / "search_queries_unseen2.tsv"
# Written before the synonym table, with the words readers use for the notes'
# own (खोया for गुम, bike for मोटरसाइकिल, liquor for शराब).
UNSEEN_QUERIES_3 = ROOT / "tests" / "data" / "search_queries_unseen3.tsv"
# Written after the synonym table, before any of it was run: the table's
# measure on queries it was not made from. Recall 0.830 when written, 0.929
# since (two-wheeler and pickpocket groups, dewali, whole-word matching):
# held there, a floor against regression, not the target (afeem, self
# defence and gram suraksha samiti name what no note says; see the README).
UNSEEN_QUERIES_4 = ROOT / "tests" / "data" / "search_queries_unseen4.tsv"
UNSEEN_4_FLOOR = 0.92
# Written from the notes before the whole-word check, the split synonym
# groups and the two-index layout, and committed before any of it was run:
# recall 0.985 when first run, the same as on the code it was written on;
# held to the same 0.90.
UNSEEN_QUERIES_5 = ROOT / "tests" / "data" / "search_queries_unseen5.tsv"
UNSEEN_5_FLOOR = 0.90
# Written from the notes and committed before any of it was run, after the
# newest-year-first loading, before the vowel-length, word-ending and gold
# changes: recall 1.000 when first run, but हाथी and hathi (elephant) found
# the note with हाथ (hand); held at the 1.000 reached, with no absent word
# finding a note (a floor against regression).
UNSEEN_QUERIES_6 = ROOT / "tests" / "data" / "search_queries_unseen6.tsv"
UNSEEN_6_FLOOR = 1.0
# The checked-in and the sixth list on the sample's notes spread over three
# years (two indexes): 1.000 and 1.000 when first run, held there.
SPLIT_FLOOR = 1.0
SPLIT_6_FLOOR = 1.0
RECALL_AT_5_MIN = 0.90
BILPANK = "bilpank-gram-nagar-raksha-samiti-baithak"
JAORA_CHORI = "jaora-chori-ki-motorcycle-baramad"
BADAWDA = "badawda-gram-police-chaupal"
PIPLODA = "piploda-deepawali-shanti-samiti-baithak"
ALOT = "alot-avaidh-sharab-jabt"
RAOTI = "raoti-nasha-mukti-jagrukta-rally"
INDEX_ON = {"SEARCH": {"index": True}}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def query_rows(path: Path = QUERIES) -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, kind, expected = line.split("\t")
            rows.append((query, kind, expected.split()))
    return rows


# ------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    "variants",
    [
        ("bilpank", "bilpaank", "Bilpank"),
        ("samiti", "samitee", "samitiyon"),
        ("jaora", "jawra"),
        ("shanti", "santi", "shaanti"),
        ("awaidh", "avaidh"),
        ("choora", "chura", "chur"),
        ("deepawali", "dipavli"),
        ("dashahara", "dashahra", "dashhara"),  # a dropped a joins s and h
        ("thana", "thane", "thanon", "thaana"),
        ("whatsapp", "watsapp", "wattsapp"),
    ],
)
def test_spelling_variants_share_a_skeleton(variants):
    assert len({skeleton(v) for v in variants}) == 1, [skeleton(v) for v in variants]


def test_different_words_keep_different_skeletons():
    words = ["bilpank", "jaora", "chori", "samiti", "raksha", "police", "mobile"]
    assert len({skeleton(w) for w in words}) == len(words)


def test_a_note_carries_romanized_words_and_their_skeletons():
    terms = search_terms(["जावरा में मोटरसाइकिल चोरी", "पुलिस"]).split()
    for word in ("jaora", "motorcycle", "chori", "police", "pulis"):
        assert word in terms
    assert {skeleton("jawra"), skeleton("chouri")} <= set(terms)
    # the Devanagari ones are other forms of a synonym group (बाइक, दोपहिया)
    hindi = {t for t in terms if not t.isascii()}
    assert hindi and hindi <= set(synonyms_of("मोटरसाइकिल"))


def test_a_flap_is_indexed_read_as_r_too():
    """kalukhera and barawda found nothing: ड़ was only romanized d."""
    for word, typed in (("कालूखेड़ा", "kalukhera"), ("बड़ावदा", "barawda")):
        terms = search_terms([word]).split()
        assert skeleton(typed) in terms
        assert skeleton(typed.replace("r", "d")) in terms


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("सुरक्षा एडवाइजरी", "advisory"),  # the slug rules read edvaijri
        ("12 नवम्बर", "november"),  # in another spelling than the list's
        ("ट्रॉलियों पर", "trolley"),  # a plural
        ("हेलमेटों की जांच", "helmet"),
        ("फर्जी लकी ड्रॉ", "lucky"),
        ("फर्जी लकी ड्रॉ", "draw"),
    ],
)
def test_a_loanword_is_indexed_in_english_too(text, typed):
    assert skeleton(typed) in search_terms([text]).split()


def test_the_loanword_list_holds_only_loanwords(tmp_path):
    from plugins.search.terms import loanwords

    assert loanwords()["सितंबर"] == "september"
    bad = tmp_path / "loanwords.toml"
    bad.write_text('[words]\n"बस" = "Bus stand"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no loanword"):
        loanwords.__wrapped__(bad)


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("गुम मोबाइल", ["खोया", "lost"]),
        ("गुमशुदा बालिका", ["लापता", "missing"]),
        ("सड़क दुर्घटनाओं में", ["हादसा", "accident"]),  # an oblique plural
        ("पटाखों की दुकानें", ["पटाखे", "crackers"]),
        ("चोरी की 6 मोटरसाइकिलें", ["बाइक", "bike", "theft"]),
        ("दोपहिया वाहन", ["स्कूटी", "scooty", skeleton("twowheeler")]),
        ("जेबकतरे सक्रिय", ["pickpocket", skeleton("pocketmaar")]),
        ("दीपावली", ["दिवाली", "diwali"]),
        ("दशहरा पर्व", [skeleton("dussera"), skeleton("dasehra")]),
        ("साइबर ठगी", ["सायबर", "fraud"]),
        ("अवैध शराब", ["दारू", "liquor"]),
    ],
)
def test_a_note_word_carries_the_other_forms_of_its_synonym_group(text, typed):
    terms = search_terms([text]).split()
    assert set(typed) <= set(terms), set(typed) - set(terms)


def test_a_word_of_no_group_carries_no_synonym():
    for word in ("बिलपांक", "थानेदार", "मोहल्लों", "अवैध", "सोनेरा"):
        assert synonyms_of(word) == (), word
    assert "missing" not in search_terms(["गुमटी हटाई"]).split()


@pytest.mark.parametrize(
    ("text", "other_sense"),
    [
        # a lost phone is no missing person, nor are stolen goods (गायब)
        ("गुम मोबाइल", ["missing", "लापता", "गुमशुदा"]),
        ("गुमशुदा बालक", ["lost", "खोया", "गुम"]),
        ("जेवर व नकदी गायब", ["missing", "lost", "लापता", "खोया"]),
        # सोने is also "to sleep"; station every note's थाना
        ("रात में सोने वाले", ["gold"]),
        ("थाना परिसर में", ["station"]),
        # a motorcycle is a two-wheeler, not every two-wheeler a motorcycle
        ("दोपहिया वाहन", ["bike", "motorcycle", "बाइक"]),
    ],
)
def test_a_synonym_group_holds_one_sense_only(text, other_sense):
    terms = set(search_terms([text]).split())
    assert not terms & set(other_sense), terms & set(other_sense)


def test_the_synonym_table_keeps_each_form_in_one_group():
    table = synonyms()
    assert len(table) > 100
    assert table[spelling("लापता")] == table["missing"]
    assert "missing" not in table[spelling("शराब")]


BROKEN_SYNONYMS = [
    (
        '[groups]\nlost = ["गुम", "लापता"]\nbike = ["बाइक", "Motor Cycle"]\n',
        3,
        "Motor Cycle",
    ),
    ('[groups]\nlost = ["गुम"]\n', 2, "at least two"),
    ('[groups]\n\nlost = ["missing", "lost"]\n', 3, "no word in Devanagari"),
    ('[groups]\nlost = ["गुम", "लापता"]\ngone = ["गायब", "लापता"]\n', 3, "(line 2)"),
    ('[groups]\n"लापता" = ["गुम", "लापता"]\n', 2, "lowercase English"),
    ('[groups]\nlost = ["गुम", "लापता"\nbike = 2\n', 3, "TOML"),
    ('[words]\n"गुम" = "lost"\n', None, "[groups]"),
]


def test_a_phrase_form_brings_its_group_only_where_the_note_has_the_phrase(tmp_path):
    """gold found nothing: सोने (gold, and "to sleep") was left out of the
    gold group, and no note writes स्वर्ण."""
    assert "gold" in search_terms(["चोरी गए सोने-चाँदी के जेवर बरामद"]).split()
    assert "gold" in search_terms(["सोने का मंगलसूत्र"]).split()
    assert "gold" not in search_terms(["रात में सोने वाले लोगों को समझाया"]).split()
    path = tmp_path / "synonyms.toml"
    path.write_text('[groups]\ngold = ["स्वर्ण", "gold", "सोने चांदी"]\n', encoding="utf-8")
    assert synonyms.__wrapped__(path)["सोने चांदी"][1] == "gold"
    path.write_text('[groups]\ngold = ["स्वर्ण", "सोने के दो चार जेवर"]\n', encoding="utf-8")
    with pytest.raises(ContentError, match="two to four"):
        synonyms.__wrapped__(path)


def phrase_forms_by_every_window(words: list[str]) -> list[str]:
    """What phrase_synonyms finds, by trying every phrase length at every word."""
    table = synonyms()
    lengths = sorted({len(k.split(" ")) for k in table if is_phrase(k)}, reverse=True)
    spelled = [spelling(w) for w in words]
    found: dict[str, None] = {}
    for i in range(len(spelled)):
        for n in lengths:
            group = table.get(" ".join(spelled[i : i + n]))
            if group and i + n <= len(spelled):
                found.update((f, None) for f in group if not is_phrase(f))
    return list(found)


def text_of_phrases(rng: random.Random, phrases: list[list[str]]) -> list[str]:
    """Words: whole phrases, phrases cut short, and other words, at random."""
    others = ["रात", "में", "वाले", "के", "जेवर", "police"]
    words: list[str] = []
    for _ in range(rng.randint(0, 8)):
        phrase = rng.choice(phrases)
        pick = rng.random()
        if pick < 0.5:
            words += phrase
        elif pick < 0.75:
            words += phrase[: rng.randint(1, len(phrase))]
        else:
            words.append(rng.choice(others))
    return words


def test_phrases_are_found_as_by_trying_every_length_at_every_word():
    """phrase_synonyms looks further only at words that start a phrase; the
    same forms, in the same order, as trying each phrase length at each word,
    on texts made of the table's phrases, their words and other words (a
    phrase at the very end, cut short, overlapping another).
    """
    phrases = [k.split(" ") for k in synonyms() if is_phrase(k)]
    assert phrases
    rng = random.Random(16)
    texts = [text_of_phrases(rng, phrases) for _ in range(300)]
    assert sum(bool(phrase_forms_by_every_window(t)) for t in texts) > 100
    for words in texts:
        assert phrase_synonyms(words) == phrase_forms_by_every_window(words)


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_SYNONYMS)
def test_a_broken_synonym_line_is_named_by_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "synonyms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        synonyms.__wrapped__(path)
    problem = caught.value.problems[0]
    assert (problem.path.endswith("synonyms.toml"), problem.line) == (True, line)
    assert message in problem.message


def test_a_broken_synonym_line_is_reported_in_hindi(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    path = tmp_path / "synonyms.toml"
    path.write_text('[groups]\nbike = ["बाइक", "Motor Cycle"]\n', encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        synonyms.__wrapped__(path)
    text = str(caught.value)
    assert "synonyms.toml:2" in text
    assert "समूह 'bike' में 'Motor Cycle' देवनागरी" in text


def test_plural_endings_pagefind_keeps_are_cut_from_a_query():
    import re

    pattern, replacement = DEVANAGARI_QUERY_RULES[0]
    py = replacement.replace("\\1", r"\1")
    assert re.sub(pattern, py, "समितियों") == "समिती"
    assert re.sub(pattern, py, "चोरियों") == "चोरी"
    assert re.sub(pattern, py, "थाना") == "थाना"


def test_long_independent_vowels_are_typed_short_on_both_sides():
    """हाइवे did not find a note with हाईवे: Pagefind drops vowel signs but
    keeps the independent vowels ई and इ apart."""
    assert "हाइवे" in search_terms(["हाईवे पर कोहरा"]).split()
    assert "उपर" in search_terms(["ऊपर"]).split()
    query = "हाईवे"
    for pattern, replacement in DEVANAGARI_QUERY_RULES:
        query = re.sub(pattern, replacement.replace("\\1", r"\1"), query)
    assert query == "हाइवे"


@pytest.mark.parametrize(
    "variants",
    [
        ("पिपलोदा", "पिपलौदा"),  # ो/ौ
        ("व्हाट्सऐप", "व्हाट्सएप"),  # ै/े
        ("ऐप", "एप"),
        ("औषधि", "ओषधि"),
        ("सितम्बर", "सितंबर"),  # half nasal before a consonant
        ("ठण्डा", "ठंडा", "ठन्डा"),
        ("गाँव", "गांव"),
        ("गणेश", "गनेश"),
        ("हाईवे", "हाइवे"),
        ("कॉलेज", "कालेज"),  # ॉ typed as ा
        ("ट्रॉली", "ट्राली"),
        ("ऑपरेशन", "आपरेशन"),
    ],
)
def test_spelling_variants_share_one_spelling(variants):
    assert len({spelling(v) for v in variants}) == 1, [spelling(v) for v in variants]
    decomposed = [unicodedata.normalize("NFD", v) for v in variants]
    assert {spelling(v) for v in decomposed} == {spelling(variants[0])}


def test_different_words_keep_different_spellings():
    """A half nasal is an anusvara only before a consonant of its class:
    not before a nasal (सम्मान, अन्न) or य, र, ल, व, श, स, ह (कन्या)."""
    for word in ("अमन", "सम्मान", "अन्न", "कन्या", "नम्र", "इन्साफ"):
        assert spelling(word) == word


def test_a_note_word_is_indexed_in_the_shared_spelling_too():
    terms = search_terms(["12 सितम्बर को पिपलौदा में व्हाट्सऐप"]).split()
    for word in ("सितंबर", "पिपलोदा", "व्हाट्सएप"):
        assert word in terms
    query = "सितम्बर"
    for pattern, replacement in DEVANAGARI_QUERY_RULES:
        query = re.sub(pattern, replacement.replace("\\1", r"\1"), query)
    assert query == "सितंबर"


def test_query_rules_need_no_lookbehind():
    """The search page compiles these in the reader's browser: a lookbehind
    is a syntax error before Safari 16.4, and the page would lose search."""
    from plugins.search.terms import SKELETON_RULES, SPELLING_RULES

    patterns = [p for p, _ in SKELETON_RULES + DEVANAGARI_QUERY_RULES]
    patterns += [p for p, _ in SPELLING_RULES]
    assert [p for p in patterns if "(?<" in p] == []


def test_bundle_setting_must_be_one_folder():
    with pytest.raises(ValueError, match="SEARCH"):
        search_plugin.plugin_settings({"SEARCH": {"bundle": "../x"}})


# ------------------------------------------------------------------ the build


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    """The sample bulletin built with its search index (as in production)."""
    output = tmp_path_factory.mktemp("indexed") / "output"
    cache = str(output.parent / "search-cache")
    build_site(ROOT / "content", output, SEARCH={"index": True, "cache": cache})
    return output


@pytest.fixture(scope="module")
def indexed_pages(indexed) -> dict:
    return {str(p.relative_to(indexed)): read_html(p) for p in indexed.rglob("*.html")}


@pytest.fixture(scope="module")
def served(indexed):
    with serving(indexed) as base:
        yield base


def search_script(output: Path) -> str:
    """The search page's script as the page loads it (support.search_script_path
    on the built search page)."""
    return search_script_path((output / "khoj" / "index.html").read_text("utf-8"))


def test_the_index_is_made_in_production_builds_only(monkeypatch, html_pages):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    production = read_settings(str(ROOT / "publishconf.py"))
    assert search_plugin.plugin_settings(production)["index"] is True
    assert search_plugin.plugin_settings(read_settings(SETTINGS))["index"] is False
    # a development build says so on the search page, with no script or form
    page = html_pages["khoj/index.html"]
    assert "खोज उपलब्ध नहीं" in page.get_text()
    assert not page("script") and not page.select("form")
    assert {a["href"] for a in page.select("#khoj-browse a")} == {
        "/thana/",
        "/shreni/",
        "/archive/",
    }


def test_only_note_pages_are_marked_for_the_index(indexed_pages):
    marked = {
        p for p, soup in indexed_pages.items() if soup.select("[data-pagefind-body]")
    }
    notes = {p for p in indexed_pages if p.count("/") == 3 and p[:4].isdigit()}
    assert notes and marked == notes


def test_the_index_holds_every_note_page_and_nothing_else(indexed, indexed_pages):
    # the sample's notes are all of 2026: one index, no older years
    assert shards_listed(indexed) == [("2026", ["2026"])]
    entry = json.loads((indexed / "pagefind/2026/pagefind-entry.json").read_text())
    notes = sum(1 for p in indexed_pages if p.count("/") == 3 and p[:4].isdigit())
    assert entry["languages"]["hi"]["page_count"] == notes


def test_every_page_links_the_search_page_from_its_header(html_pages):
    missing = [
        path
        for path, soup in html_pages.items()
        if not soup.select('header nav a[href="/khoj/"]')
    ]
    assert missing == []


def test_only_the_search_page_has_a_script(indexed, indexed_pages):
    with_scripts = {
        path
        for path, soup in indexed_pages.items()
        if soup.find("script", src=True)
        or any(s.get("type") != "application/ld+json" for s in soup("script"))
    }
    assert with_scripts == {"khoj/index.html"}
    # khoj.js is loaded by the page's own check, from this host only
    (script,) = indexed_pages["khoj/index.html"].find_all("script")
    assert "http" not in script.get_text()
    # named by its content, so a year of caching is safe (plugins/assets)
    src = search_script(indexed)
    assert re.fullmatch(r"/theme/js/khoj\.[0-9a-f]{10}\.js", src)
    published = indexed / src.lstrip("/")
    assert sha256(published.read_bytes()).hexdigest()[:10] == src.split(".")[-2]
    assert published.read_bytes() == (ROOT / "theme/static/js/khoj.js").read_bytes()
    assert not (indexed / "theme/js/khoj.js").exists()


def test_romanized_words_are_hidden_from_readers(html_pages):
    soup = html_pages[f"2026/11/{BILPANK}/index.html"]
    heading = soup.find(id="khoj-shabd")
    block = heading.parent
    assert block.has_attr("hidden")  # display:none: not shown, not read aloud
    assert "bilpank" in heading.get_text().split()
    assert "raksha" in block.get_text()
    filters = {
        p["data-pagefind-filter"]: p.get_text()
        for p in block.select("p")
        if p.has_attr("data-pagefind-filter")
    }
    assert filters == {"thana": "बिलपांक", "shreni": "सामुदायिक पुलिसिंग", "varsh": "2026"}


def test_without_javascript_the_page_says_so_and_offers_listings(indexed_pages):
    soup = indexed_pages["khoj/index.html"]
    nojs = soup.find(id="khoj-nojs")
    # the no-JavaScript line only where scripts are off; the waiting line is
    # hidden there by a style inside <noscript>
    assert "जावास्क्रिप्ट" in nojs.noscript.get_text()
    assert "जावास्क्रिप्ट" not in nojs.find(id="khoj-wait").get_text()
    assert "#khoj-wait{display:none}" in str(soup.head.noscript)
    links = soup.select("#khoj-browse a")
    assert {a["href"] for a in links} == {"/thana/", "/shreni/", "/archive/"}
    assert soup.select_one("form.khoj-form").has_attr("hidden")


def test_the_index_is_reused_only_while_no_note_page_changes(tmp_path):
    notes = {
        "2026/10/a.md": note_text(),
        "2026/10/b.md": note_text(
            title="जावरा में मोटरसाइकिल चोरी", slug="jaora-chori", thana="जावरा शहर"
        ),
    }
    content = new_content(tmp_path, notes)
    output = tmp_path / "output"
    search_plugin.LAST_RUN.clear()
    build_site(content, output, **INDEX_ON)
    build_site(content, output, **INDEX_ON)
    (content / "notes" / "2026/10/b.md").write_text(
        note_text(
            title="जावरा में दो मोटरसाइकिल चोरी", slug="jaora-chori", thana="जावरा शहर"
        ),
        encoding="utf-8",
    )
    build_site(content, output, **INDEX_ON)
    assert [r.reused for r in search_plugin.LAST_RUN] == [False, True, False]
    assert [r.pages for r in search_plugin.LAST_RUN] == [2, 2, 2]
    assert (output / "pagefind" / "pagefind.js").is_file()
    kept = list((tmp_path / "cache" / "search" / "2026").iterdir())
    assert len(kept) == 1  # older bundles are removed


def test_a_kept_index_short_of_a_file_is_made_again(tmp_path):
    """A kept index whose files are not all there as Pagefind made them (the
    cache cleaned by hand, a disk that filled) is made again: the build does
    not publish an index that names a file it lacks.
    """
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    output = tmp_path / "output"
    search_plugin.LAST_RUN.clear()
    build_site(content, output, **INDEX_ON)
    made = {p.relative_to(output).as_posix() for p in output.rglob("*.pf_fragment")}
    [kept] = (tmp_path / "cache" / "search" / "2026").iterdir()
    [fragment] = kept.rglob("*.pf_fragment")
    fragment.unlink()
    build_site(content, output, **INDEX_ON, BUILD_TIME="2026-11-27T12:30:00+05:30")
    assert [r.reused for r in search_plugin.LAST_RUN] == [False, False]
    live = {p.relative_to(output).as_posix() for p in output.rglob("*.pf_fragment")}
    assert live == made


@pytest.fixture(scope="module")
def one_index(tmp_path_factory):
    """year_notes built as one index of every note (split_by_year False),
    and what the index step did."""
    tmp = tmp_path_factory.mktemp("one-index")
    output = tmp / "output"
    search_plugin.LAST_RUN.clear()
    build_site(
        new_content(tmp, year_notes()),
        output,
        SEARCH={"index": True, "split_by_year": False},
    )
    return output, search_plugin.LAST_RUN[-1]


def test_the_index_can_be_one_index_of_every_note(one_index):
    output, run = one_index
    assert (run.shards, run.made) == (("all",), ("all",))
    assert shards_listed(output) == [("all", ["2026", "2025", "2024"])]
    entry = json.loads((output / "pagefind/all/pagefind-entry.json").read_text())
    assert entry["languages"]["hi"]["page_count"] == 5  # not the withdrawn one


@pytest.mark.browser
def test_one_index_of_every_note_is_searched_and_filtered_by_year(browser, one_index):
    output, _ = one_index
    with serving(output) as base:
        page = search_page(browser, base)
        try:
            found = [
                r["slug"] for r in results(search_here(page, "चोरी", varsh="2025"))
            ]
            ordered = [
                r["slug"] for r in results(search_here(page, "चोरी", kram="naye"))
            ]
        finally:
            page.context.close()
    assert found == ["chori-2025"]
    assert ordered == ["chori-2026", "chori-2025", "chori-2024", "chori-2024-b"]


def year_notes() -> dict[str, str]:
    """Notes of three years, and one of a fourth year that is withdrawn."""
    notes = {}
    for year, thana, slug in (
        ("2024", "आलोट", "chori-2024"),
        ("2025", "ताल", "chori-2025"),
        ("2026", "नामली", "chori-2026"),
    ):
        notes[f"{year}/03/{slug}.md"] = note_text(
            title=f"{thana} में मोटरसाइकिल चोरी का खुलासा",
            date=f"{year}-03-10 10:00",
            thana=thana,
            slug=slug,
            body=f"{thana} पुलिस ने चोरी की मोटरसाइकिल बरामद की।",
        )
    # A second note of 2024 with चोरी: Pagefind scores a sorted search's
    # results per index, so an older index's first result outranked the
    # newer ones when the indexes' results were merged by score.
    notes["2024/01/chori-2024-b.md"] = note_text(
        title="आलोट में दुकान में चोरी",
        date="2024-01-05 10:00",
        thana="आलोट",
        slug="chori-2024-b",
        body="आलोट पुलिस ने दुकान में हुई चोरी का मामला दर्ज किया।",
    )
    notes["2025/07/helmet-2025.md"] = note_text(
        date="2025-07-01 09:00", slug="helmet-2025"
    )
    notes["2023/05/vapas-2023.md"] = note_text(
        # a note's text naming the attribute does not make its year indexed
        title="मोटरसाइकिल चोरी की वापस ली गई सूचना data-pagefind-body",
        date="2023-05-01 09:00",
        slug="vapas-2023",
        status="withdrawn",
        reason="गलत जानकारी के कारण यह सूचना वापस ली गई।",
    )
    return notes


def shards_listed(output: Path) -> list[tuple[str, list[str]]]:
    listed = json.loads((output / "pagefind" / "shards.json").read_text())
    return [(s["name"], s["years"]) for s in listed["shards"]]


def test_the_index_is_the_newest_year_and_the_older_ones_a_change_makes_its_part(
    tmp_path,
):
    """Pagefind reads every page it indexes: with one index, a new note made
    the index of every note again (2.5 times plain Pelican's rebuild at
    10,000 notes); with one index a year, a first query fetched a large index
    part from every year (पुलिस: 2,311 KB against 672 at 10,000 notes)."""
    content = new_content(tmp_path, year_notes())
    output = tmp_path / "output"
    search_plugin.LAST_RUN.clear()
    build_site(content, output, **INDEX_ON)
    build_site(content, output, **INDEX_ON)  # nothing changed
    note = content / "notes" / "2025/03/chori-2025.md"
    note.write_text(
        note.read_text("utf-8").replace("खुलासा", "खुलासा, दो गिरफ्तार"), "utf-8"
    )
    build_site(content, output, **INDEX_ON)
    (content / "notes" / "2026/04").mkdir()
    (content / "notes" / "2026/04/naya.md").write_text(
        note_text(date="2026-04-01 09:00", slug="naya"), encoding="utf-8"
    )
    build_site(content, output, **INDEX_ON)
    runs = search_plugin.LAST_RUN
    # a year whose only note is withdrawn has no index: Pagefind would have
    # indexed its whole page, as no page of that year is marked
    assert [r.shards for r in runs] == [("2026", "older")] * 4
    assert [r.made for r in runs] == [("2026", "older"), (), ("older",), ("2026",)]
    assert shards_listed(output) == [("2026", ["2026"]), ("older", ["2025", "2024"])]
    for name in ("2026", "older"):
        assert (output / "pagefind" / name / "pagefind-entry.json").is_file()
    entry = json.loads((output / "pagefind/older/pagefind-entry.json").read_text())
    assert entry["languages"]["hi"]["page_count"] == 4  # 2025 and 2024, not 2023
    assert sorted(p.name for p in (output / "pagefind").iterdir()) == [
        "2026",
        "older",
        "pagefind.js",
        "shards.json",
        "spellings.json",
    ]
    assert sorted(p.name for p in (tmp_path / "cache" / "search").iterdir()) == [
        "2026",
        "older",
    ]


def remove_year(content: Path, year: str) -> None:
    shutil.rmtree(content / "notes" / year)


@pytest.mark.browser
def test_deleting_every_note_of_a_year_keeps_the_index_and_its_list_right(
    browser, tmp_path
):
    """An older year's notes all deleted: the older index is made again
    without them; the newest year's: the year before becomes the newest,
    and its notes leave the older index."""
    content = new_content(tmp_path, year_notes())
    output = tmp_path / "output"
    cache = tmp_path / "cache" / "search"
    search_plugin.LAST_RUN.clear()
    build_site(content, output, **INDEX_ON)
    remove_year(content, "2024")
    build_site(content, output, **INDEX_ON)
    assert search_plugin.LAST_RUN[-1].made == ("older",)
    assert shards_listed(output) == [("2026", ["2026"]), ("older", ["2025"])]
    entry = json.loads((output / "pagefind/older/pagefind-entry.json").read_text())
    assert entry["languages"]["hi"]["page_count"] == 2
    assert len(list((cache / "older").iterdir())) == 1  # the old bundle dropped
    remove_year(content, "2026")
    build_site(content, output, **INDEX_ON)
    run = search_plugin.LAST_RUN[-1]
    assert (run.shards, run.made) == (("2025",), ("2025",))
    assert shards_listed(output) == [("2025", ["2025"])]
    assert sorted(p.name for p in (output / "pagefind").iterdir()) == [
        "2025",
        "pagefind.js",
        "shards.json",
        "spellings.json",
    ]
    assert sorted(p.name for p in cache.iterdir()) == ["2025"]
    with serving(output) as base:
        page = open_search(browser, base, "मोटरसाइकिल चोरी")
        try:
            found = [r["slug"] for r in results(page)]
            status = page.inner_text("#khoj-status")
        finally:
            page.context.close()
    assert found == ["chori-2025"] and status.startswith("मिली खबरें")


def test_the_index_can_be_left_out(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    build_site(content, tmp_path / "output", SEARCH={"index": False})
    assert not (tmp_path / "output" / "pagefind").exists()
    page = (tmp_path / "output" / "khoj" / "index.html").read_text("utf-8")
    assert "खोज उपलब्ध नहीं" in page


# ------------------------------------------------------------------- browser


def open_search(browser, served: str, query: str, **params):
    context = browser.new_context(
        locale="hi-IN", viewport={"width": 360, "height": 640}
    )
    page = context.new_page()
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    page.goto(f"{served}/khoj/?q={quote(query)}{extra}")
    page.wait_for_selector("#khoj[data-done]", timeout=15_000)
    return page


def results(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#khoj-results li",
        """els => els.map(li => ({
            slug: li.querySelector('a').getAttribute('href').split('/').at(-2),
            meta: li.querySelector('.meta').textContent,
            excerpt: li.querySelector('p:last-child').innerHTML}))""",
    )


def search_page(browser, base: str):
    """One search page, for the tests about what a search finds: each search
    runs from the page's form, in the page (as a reader's next search does),
    so Pagefind and its WebAssembly are loaded once, not once a query."""
    context = browser.new_context(
        locale="hi-IN", viewport={"width": 360, "height": 640}
    )
    page = context.new_page()
    page.goto(f"{base}/khoj/")
    page.wait_for_selector("#khoj[data-done]", timeout=15_000)
    return page


def search_here(page, query: str, **params):
    """Run a search from the form of the search page `page` and wait for it."""
    before = page.get_attribute("#khoj", "data-run")
    page.evaluate(
        """([q, params]) => {
            const form = document.querySelector('form.khoj-form');
            form.elements.q.value = q;
            for (const name of ['thana', 'shreni', 'varsh', 'kram']) {
              form.elements[name].value = params[name] || '';
            }
            form.requestSubmit();
        }""",
        [query, params],
    )
    page.wait_for_function(
        """before => {
            const k = document.getElementById('khoj');
            return k.dataset.run !== before && k.dataset.done;
        }""",
        arg=before,
        timeout=15_000,
    )
    return page


@pytest.fixture(scope="module")
def sample_page(browser, served):
    page = search_page(browser, served)
    yield page
    page.context.close()


# (query, the notes that must come first, in any order)
FIRST = [
    ("बिलपांक", {BILPANK}),  # a Hindi word
    ("समितियों", {BILPANK}),  # an inflected form (the note has समितियों and समिति)
    ("बडावदा", {BADAWDA}),  # no nukta; the note writes बड़ावदा
    (unicodedata.normalize("NFD", "बड़ावदा चौपाल"), {BADAWDA}),
    ("bilpank", {BILPANK}),
    ("bilpaank", {BILPANK}),
    ("raksha samiti", {BILPANK, BADAWDA}),  # both are about raksha samitis
    ("motorcycle chori", {JAORA_CHORI}),
    ("jaora chori", {JAORA_CHORI}),
    ("bilpank baithak", {BILPANK}),
    # Spellings that Pagefind finds but the page's own word check once
    # rejected (the page listed nothing).
    ("पिपलौदा", {PIPLODA}),  # the note writes पिपलोदा
    ("पिपलोदा", {PIPLODA}),
    ("आलोट 12 सितम्बर", {ALOT}),  # the note writes सितंबर
    ("नशामुक्ति", {RAOTI}),  # the note writes नशा मुक्ति
    ("गाव में चौपाल", {BADAWDA}),  # the note writes गांव
    ("व्हाट्सऐप", {BADAWDA, BILPANK}),  # the notes write व्हाट्सएप
    # ड़ typed r; doda (skeleton dod) as the beginning of dodachura.
    ("kalukhera doda", {"kalukheda-dodachura-jabt"}),
    ("advisory", {"station-road-deepawali-bazar-suraksha-advisory"}),  # a loanword
    ("bilpānk", {BILPANK}),  # a Latin accent
    ("ｂｉｌｐａｎｋ", {BILPANK}),  # fullwidth letters
    # Words readers use for the notes' own (plugins/search/synonyms.toml).
    ("खोया मोबाइल", {"audyogik-kshetra-gum-mobile-lautaye"}),  # गुम
    ("liquor", {ALOT}),  # शराब
    ("bike chori", {JAORA_CHORI}),  # मोटरसाइकिल
    ("dussera", {"deendayal-nagar-navratri-dussehra-shanti-samiti"}),  # दशहरा
    ("सायबर", {"namli-cyber-thagi-se-bachav-jagrukta"}),  # साइबर
    # ॉ typed as ा (the note writes कॉलेज)
    ("कालेज", {"mahila-thana-abhimanyu-abhiyan-mahavidyalaya"}),
]


@pytest.mark.browser
@pytest.mark.parametrize(("query", "first"), FIRST)
def test_a_query_finds_the_expected_notes_first(sample_page, query, first):
    page = search_here(sample_page, query)
    found = [r["slug"] for r in results(page)]
    status = page.inner_text("#khoj-status")
    assert set(found[: len(first)]) == first, found
    assert status.startswith("मिली खबरें")


@pytest.mark.browser
def test_a_search_from_the_form_runs_in_the_page_and_back_returns(sample_page):
    """Each search from the form loaded the page again, and Pagefind, its
    WebAssembly and the index parts with it."""
    page = search_here(sample_page, "bilpank")
    first = [r["slug"] for r in results(page)]
    requested: list[str] = []

    def seen(request):
        requested.append(urlparse(request.url).path)

    page.on("request", seen)
    try:
        search_here(page, "jaora chori")
        second = [r["slug"] for r in results(page)]
        address = page.url
        before = page.get_attribute("#khoj", "data-run")
        page.go_back()
        page.wait_for_function(
            """before => {
                const k = document.getElementById('khoj');
                return k.dataset.run !== before && k.dataset.done;
            }""",
            arg=before,
        )
        back = [r["slug"] for r in results(page)]
        typed = page.input_value("#q")
    finally:
        page.remove_listener("request", seen)
    assert first[0] == BILPANK and second[0] == JAORA_CHORI
    assert parse_qs(urlparse(address).query)["q"] == ["jaora chori"]
    assert back == first and typed == "bilpank"
    assert "/khoj/" not in requested  # no page load
    assert not [p for p in requested if p.endswith((".js", ".pagefind"))], requested


@pytest.mark.browser
def test_a_result_shows_date_station_and_a_highlighted_excerpt(sample_page):
    page = search_here(sample_page, "मोटरसाइकिलें")
    first = results(page)[0]
    assert first["slug"] == JAORA_CHORI
    assert "2026" in first["meta"] and "जावरा शहर" in first["meta"]
    assert "<mark>" in first["excerpt"] and "<script" not in first["excerpt"]


@pytest.mark.browser
def test_filters_narrow_the_results(sample_page):
    counts = {}
    for label, params in {
        "all": {},
        "thana": {"thana": "जावरा शहर"},
        "shreni": {"shreni": "यातायात"},
        "both": {"thana": "ताल", "shreni": "यातायात"},
    }.items():
        page = search_here(sample_page, "पुलिस", **params)
        counts[label] = results(page)
        counts[label + " status"] = page.inner_text("#khoj-status")
        counts[label + " address"] = page.url
    # a search from the form changes the address: it can be shared
    assert parse_qs(urlparse(counts["thana address"]).query)["thana"] == ["जावरा शहर"]
    assert len(counts["all"]) == 10  # one page of results; there are more
    assert 0 < len(counts["thana"]) < len(counts["all"])
    assert all("जावरा शहर" in r["meta"] for r in counts["thana"])
    assert 0 < len(counts["shreni"]) < len(counts["all"])
    assert counts["both"] == [] and "कोई खबर नहीं" in counts["both status"]


@pytest.mark.browser
def test_a_filter_value_the_form_does_not_offer_is_left_out(browser, served):
    """A mistyped or hostile link (?thana=<b>x</b>&varsh=1999) used to filter
    by a value the form showed as a blank choice: nothing found, no way to
    see why. Such a value is left out, and the page says so (a year with no
    note left listed every year's notes as if they were that year's)."""
    plain = open_search(browser, served, "पुलिस")
    odd = open_search(
        browser, served, "पुलिस", thana="<b>x</b>", varsh="1999", kram="<i>"
    )
    try:
        expected = [r["slug"] for r in results(plain)]
        found = [r["slug"] for r in results(odd)]
        chosen = odd.eval_on_selector_all(
            "#thana, #varsh, #kram", "els => els.map(e => e.value)"
        )
        injected = odd.locator("#khoj b, #khoj i").count()
        said = odd.locator("#khoj-dropped").inner_text()
        quiet = plain.locator("#khoj-dropped").is_hidden()
    finally:
        plain.context.close()
        odd.context.close()
    assert found == expected and len(found) == 10
    assert chosen == ["", "", ""] and injected == 0
    # the page says so: the reader must not take these for 1999's notes
    assert quiet and "छोड़ दिया गया" in said
    assert all(f"‘{v}’" in said for v in ("<b>x</b>", "1999", "<i>")), said


@pytest.mark.browser
@pytest.mark.parametrize(
    # ईद (Eid) found इंदौर: the anusvara dropped, then the beginning matched
    "query",
    ["हत्या", "बाढ़", "qqqq", "kidnapping", "dowry", "ईद"],
)
def test_a_word_no_note_has_finds_nothing_and_says_so(sample_page, query):
    """हत्या found 7 notes (Pagefind took होती for it once vowel signs were
    dropped), qqqq 20 (its skeleton was k), kidnapping 10 (ki), dowry 5 (its
    skeleton dor began दौरान's doran)."""
    page = search_here(sample_page, query)
    found = results(page)
    status = page.inner_text("#khoj-status")
    browse = page.eval_on_selector_all(
        "#khoj-browse a",
        "els => els.filter(a => a.offsetParent).map(a => a.getAttribute('href'))",
    )
    assert found == []
    assert "कोई खबर नहीं" in status
    assert browse == ["/thana/", "/shreni/", "/archive/"]


def show_all(page) -> None:
    """Tap More results until every result has been read."""
    while page.locator("#khoj-more").is_visible():
        page.click("#khoj-more")
        page.wait_for_function("() => !document.getElementById('khoj-more').disabled")


@pytest.mark.browser
def test_more_results_tapped_twice_adds_each_note_once(browser, served):
    """Two taps before the next page had loaded added it twice and lost the
    rest of the results."""
    page = open_search(browser, served, "पुलिस")
    try:
        assert len(results(page)) == 10
        assert page.inner_text("#khoj-status").endswith("और अधिक")
        page.evaluate(
            "() => { const b = document.getElementById('khoj-more');"
            " b.click(); b.click(); }"
        )
        page.wait_for_function("() => !document.getElementById('khoj-more').disabled")
        page.wait_for_timeout(300)  # a second page, had it been asked for
        show_all(page)
        slugs = [r["slug"] for r in results(page)]
        status = page.inner_text("#khoj-status")
    finally:
        page.context.close()
    assert len(slugs) == len(set(slugs)) > 10
    assert status == f"मिली खबरें: {len(slugs)}"


@pytest.mark.browser
def test_a_result_that_could_not_be_read_is_read_again_and_none_is_lost(
    browser, served
):
    """A dropped request for one result's text lost results for good: the
    pager moved on before the reads were done and the error went uncaught."""
    page = open_search(browser, served, "पुलिस")
    try:
        show_all(page)
        every = [r["slug"] for r in results(page)]
    finally:
        page.context.close()
    context = browser.new_context(locale="hi-IN")
    page = context.new_page()
    state = {"seen": 0, "down": True}
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def flaky(route):
        state["seen"] += 1
        if state["down"] and state["seen"] >= 2:
            route.abort()
        else:
            route.continue_()

    page.route("**/pagefind/*/fragment/**", flaky)
    try:
        page.goto(f"{served}/khoj/?q={quote('पुलिस')}")
        page.wait_for_selector("#khoj[data-done]", timeout=15_000)
        during = page.inner_text("#khoj-status")
        more_during = page.locator("#khoj-more").is_visible()
        state["down"] = False
        show_all(page)
        after = [r["slug"] for r in results(page)]
        status = page.inner_text("#khoj-status")
    finally:
        context.close()
    assert "कुछ नतीजे खुल नहीं पाए" in during and more_during
    assert after == every
    assert status == f"मिली खबरें: {len(every)}"
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("part", ["index", "filter"])
def test_an_index_part_that_could_not_load_says_search_failed_and_retries(
    browser, served, part
):
    """A failed index or filter part was reported as no note having the
    words."""
    context = browser.new_context(locale="hi-IN")
    page = context.new_page()
    page.route(f"**/pagefind/*/{part}/**", lambda route: route.abort())
    try:
        page.goto(f"{served}/khoj/?q=bilpank&varsh=2026")
        page.wait_for_selector("#khoj[data-done]", timeout=15_000)
        status = page.inner_text("#khoj-status")
        listed = results(page)
        page.unroute(f"**/pagefind/*/{part}/**")
        page.click("#khoj-again")
        page.wait_for_selector("#khoj[data-done]", timeout=15_000)
        again = [r["slug"] for r in results(page)]
    finally:
        context.close()
    assert "खोज खुल नहीं पाई" in status and "कोई खबर नहीं" not in status
    assert listed == []
    assert again[0] == BILPANK


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "first"),
    [("bilpank zxcvb", BILPANK), ("जावरा मोटरसाइकिल zxcvb", JAORA_CHORI)],
)
def test_one_unknown_word_falls_back_to_notes_with_all_the_others(
    sample_page, query, first
):
    """One word no note has emptied the search (bilpank meeting found
    nothing)."""
    page = search_here(sample_page, query)
    found = [r["slug"] for r in results(page)]
    status = page.inner_text("#khoj-status")
    partial = page.get_attribute("#khoj", "data-partial")
    lacks = page.eval_on_selector_all(
        "#khoj-results li", "els => els.map(li => li.innerText)"
    )
    assert found and found[0] == first
    assert status.startswith("किसी खबर में ये सभी शब्द नहीं मिले") and partial
    # never counted as notes found for the whole query; each says what it lacks
    assert "मिली खबरें" not in status
    assert "एक को छोड़ बाकी सभी शब्दों वाली खबरें:" in status
    assert all("इस खबर में नहीं: zxcvb" in text for text in lacks), lacks


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("bilpank thane me baithak hui", BILPANK),
        ("बिलपांक थाने में बैठक हुई", BILPANK),
        ("alot me sharab kab pakdi", ALOT),
        ("namli me cyber thagi se kaise bache", "namli-cyber-thagi-se-bachav-jagrukta"),
        ("ताल में चोरी कैसे हुई", "tal-soone-makan-chori-khulasa"),
        ("मोबाइल गुम हो गया तो क्या करें", "audyogik-kshetra-gum-mobile-lautaye"),
        # negation: न was in no note's words as typed beside हेलमेट
        ("हेलमेट न पहनने पर चालान", "yatayat-helmet-checking-abhiyan"),
    ],
)
def test_a_query_written_as_a_sentence_finds_its_note(sample_page, query, first):
    """Filler words (me, kab, kaise, कैसे, तो, क्या) are in no note's words
    as typed: two of them emptied the search, one sent it to the all-but-one
    list."""
    page = search_here(sample_page, query)
    found = [r["slug"] for r in results(page)]
    lacks = page.eval_on_selector_all(
        ".khoj-lacks", "els => els.map(e => e.textContent)"
    )
    assert found[:1] == [first], found
    fillers = {"me", "hui", "kab", "se", "kaise", "में", "हुई", "कैसे", "तो", "क्या", "न"}
    named = {w.strip() for line in lacks for w in line.split(":")[-1].split(",")}
    assert not named & fillers, lacks


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "only"),
    [
        # durga's skeleton durg began दुर्घटना's durghatn: accident notes first
        ("durga", {"deendayal-nagar-navratri-dussehra-shanti-samiti"}),
        # गुम (lost) began गुमशुदा (missing): the missing girl second
        ("गुम", {"audyogik-kshetra-gum-mobile-lautaye"}),
    ],
)
def test_a_short_word_or_a_skeleton_begins_no_compound(sample_page, query, only):
    page = search_here(sample_page, query)
    show_all(page)
    found = [r["slug"] for r in results(page)]
    assert set(found) == only, found


@pytest.mark.browser
def test_notes_sharing_only_consonants_are_not_listed(sample_page, indexed_pages):
    """Pagefind drops vowel signs, so चोरी (चर) also listed notes with चार
    and चर्चा, three of them in the first five."""
    page = search_here(sample_page, "चोरियों")
    show_all(page)
    slugs = [r["slug"] for r in results(page)]
    pages = {
        p.split("/")[2]: soup for p, soup in indexed_pages.items() if p.count("/") == 3
    }
    assert JAORA_CHORI in slugs[:2]
    unrelated = [s for s in slugs if "चोर" not in pages[s].article.get_text()]
    assert unrelated == []


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "खबर का कोई शब्द लिखें"),
        ("   ", "खबर का कोई शब्द लिखें"),
        ("!!! ??? ...", "केवल चिह्न"),
        ("\u200f\u202e", "केवल चिह्न"),
    ],
)
def test_an_empty_or_sign_only_query_gets_a_hindi_line_and_examples(
    browser, served, query, message
):
    page = open_search(browser, served, query)
    try:
        status = page.inner_text("#khoj-status")
        examples = page.eval_on_selector_all(
            "#khoj-help a", "els => els.filter(a => a.offsetParent).map(a => a.href)"
        )
        browse = page.locator("#khoj-browse").is_visible()
        # an example runs its search
        page.goto(examples[0])
        page.wait_for_selector("#khoj[data-done]", timeout=15_000)
        found = results(page)
    finally:
        page.context.close()
    assert message in status
    assert len(examples) >= 3 and browse
    assert found


@pytest.mark.browser
def test_a_script_that_could_not_load_is_not_called_javascript_off(
    browser, served, indexed
):
    context = browser.new_context(locale="hi-IN")
    page = context.new_page()
    blocked = []
    page.route(
        served + search_script(indexed),
        lambda route: blocked.append(route.request.url) or route.abort(),
    )
    try:
        page.goto(f"{served}/khoj/?q=bilpank")
        page.wait_for_load_state("load")
        visible = page.inner_text("#khoj")
    finally:
        context.close()
    assert blocked  # the page's own script was the one blocked
    assert "खोज खुल नहीं पाई" in visible
    assert "जावास्क्रिप्ट" not in visible
    assert "थाने" in visible and "पुरालेख" in visible


@pytest.mark.browser
@pytest.mark.parametrize("name", ["pagefind.js", "shards.json", "spellings.json"])
def test_an_index_that_could_not_load_says_so_and_offers_listings(
    browser, served, name
):
    context = browser.new_context(locale="hi-IN")
    page = context.new_page()
    page.route(f"**/pagefind/{name}", lambda route: route.abort())
    try:
        page.goto(f"{served}/khoj/?q=bilpank")
        page.wait_for_selector("#khoj[data-done]", timeout=15_000)
        status = page.inner_text("#khoj-status")
        browse = page.locator("#khoj-browse").is_visible()
        visible = page.inner_text("#khoj")
    finally:
        context.close()
    assert "खोज खुल नहीं पाई" in status and browse
    assert "जावास्क्रिप्ट" not in visible


# What an old browser lacks, simulated before the page's scripts run: ES
# modules, \p{} regexes, newer syntax (optional chaining), Array.at,
# WebAssembly.
OLD_BROWSERS = {
    "no modules": "delete HTMLScriptElement.prototype.noModule;",
    "no \\p{} regexes": """{
        const Native = RegExp;
        window.RegExp = function (pattern, flags) {
          if (String(pattern).includes('\\\\p{')) throw new SyntaxError('\\\\p');
          return new Native(pattern, flags);
        };
    }""",
    "no optional chaining": """{
        const Native = Function;
        window.Function = function (...args) {
          if (String(args.at(-1)).includes('?.')) throw new SyntaxError('?.');
          return Native(...args);
        };
    }""",
    "no Array.at": "delete Array.prototype.at;",
    "no WebAssembly": "delete window.WebAssembly;",
}


@pytest.mark.browser
@pytest.mark.parametrize("lacks", list(OLD_BROWSERS), ids=list(OLD_BROWSERS))
def test_an_old_browser_gets_the_hindi_fallback_not_a_broken_page(
    browser, served, lacks
):
    context = browser.new_context(locale="hi-IN")
    context.add_init_script(OLD_BROWSERS[lacks])
    page = context.new_page()
    errors: list[str] = []
    requested: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    try:
        page.goto(f"{served}/khoj/?q=bilpank")
        page.wait_for_load_state("load")
        visible = page.inner_text("#khoj")
        browse = page.eval_on_selector_all(
            "#khoj-browse a",
            "els => els.filter(a => a.offsetParent).map(a => a.getAttribute('href'))",
        )
        form = page.locator("form.khoj-form").is_visible()
    finally:
        context.close()
    assert "इस ब्राउज़र में खोज नहीं चलती" in visible
    assert "खोज खुल रही है" not in visible and "जावास्क्रिप्ट" not in visible
    assert browse == ["/thana/", "/shreni/", "/archive/"] and not form
    assert "/khoj/" in requested  # the requests were seen: none of these
    assert not any("/theme/js/khoj." in p or "/pagefind/" in p for p in requested)
    assert errors == []


@pytest.mark.browser
def test_a_browser_with_everything_search_needs_is_not_told_it_is_old(browser, served):
    page = open_search(browser, served, "bilpank")
    try:
        old = page.locator("#khoj-old").is_visible()
        found = [r["slug"] for r in results(page)]
    finally:
        page.context.close()
    assert not old and found[:1] == [BILPANK]


@pytest.mark.browser
def test_newest_first_is_an_option(sample_page):
    page = search_here(sample_page, "पुलिस", kram="naye")
    hrefs = page.eval_on_selector_all(
        "#khoj-results li h2 a", "els => els.map(a => a.getAttribute('href'))"
    )
    months = [h.split("/")[1:3] for h in hrefs]
    assert len(months) == 10 and months == sorted(months, reverse=True)
    assert months[0] == ["2026", "11"]


@pytest.mark.browser
def test_search_page_makes_no_request_to_another_host(browser, served):
    page = open_search(browser, served, "raksha samiti")
    try:
        requested = list(page.requested)
        shown = len(results(page))
    finally:
        page.context.close()
    host = urlparse(served).netloc
    assert shown > 0
    assert any("/pagefind/" in u for u in requested)
    assert [u for u in requested if urlparse(u).netloc != host] == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_no_violations_with_results_showing(browser, served, width):
    page = open_search(browser, served, "शांति समिति", thana="पिपलौदा")
    try:
        page.set_viewport_size({"width": width, "height": 800})
        assert len(results(page)) > 0
        page.add_script_tag(path=str(axe_script(ROOT)))
        result = page.evaluate(
            """async (tags) => {
              const r = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
              return {passes: r.passes.length,
                      violations: r.violations.map(v => [v.id, v.nodes.length])};
            }""",
            AXE_TAGS,
        )
    finally:
        page.context.close()
    assert result["passes"] > 15
    assert result["violations"] == []


@pytest.mark.browser
def test_without_javascript_no_form_only_the_listings(browser, served):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{served}/khoj/?q=bilpank")
        nojs = page.locator("#khoj-nojs").is_visible()
        form = page.locator("form.khoj-form").is_visible()
        visible = page.inner_text("#khoj")
        browse = page.locator("#khoj-browse").is_visible()
    finally:
        context.close()
    assert nojs and not form and browse
    assert "जावास्क्रिप्ट" in visible and "खोज खुल रही है" not in visible


def recall_at_5(page, capsys, path: Path, label: str = "") -> tuple[float, list[str]]:
    """Recall at 5 of the query list `path` on the search page `page`,
    printed with its misses; and the absent words that found a note."""
    rows = query_rows(path)
    kinds = {kind for _, kind, _ in rows}
    assert kinds == {"hindi", "inflected", "variant", "latin", "absent"}
    present = [row for row in rows if row[1] != "absent"]
    absent = [row for row in rows if row[1] == "absent"]
    assert len(present) >= 40 and len(absent) >= 10
    assert sum(kind == "latin" for _, kind, _ in rows) >= 5
    scores: list[float] = []
    misses: list[str] = []
    wrong: list[str] = []
    fallback: list[str] = []
    through_partial: list[float] = []
    # Each query typed into the page's form, as a reader's next search.
    for query, kind, expected in rows:
        search_here(page, query)
        top = [r["slug"] for r in results(page)[:5]]
        if kind == "absent":
            # A list of notes holding all words but one is said to be so.
            partial = page.get_attribute("#khoj", "data-partial")
            if top and not partial:
                wrong.append(f"{query}: found {top}")
            elif top:
                fallback.append(f"{query}: all words but one in {top}")
            continue
        score = len(set(expected) & set(top)) / len(expected)
        scores.append(score)
        if page.get_attribute("#khoj", "data-partial"):
            through_partial.append(score)
        if score < 1:
            misses.append(f"{query} [{kind}]: {score:.2f}, top 5 {top}")
    recall = sum(scores) / len(scores)
    with capsys.disabled():
        print(
            f"\nsearch recall@5 ({path.name}{label}): {recall:.3f}"
            f" over {len(scores)} queries"
        )
        for miss in misses:
            print(f"  missed {miss}")
        # What the list of notes with all words but one adds to recall.
        without = (sum(scores) - sum(through_partial)) / len(scores)
        print(
            f"found through the all-but-one list: {len(through_partial)} queries;"
            f" recall without it {without:.3f}"
        )
        print(f"absent words finding a note: {len(wrong)} of {len(absent)}")
        for line in wrong + fallback:
            print(f"  {line}")
    return recall, wrong


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "floor"),
    [
        (QUERIES, RECALL_AT_5_MIN),
        (UNSEEN_QUERIES, RECALL_AT_5_MIN),
        (UNSEEN_QUERIES_2, RECALL_AT_5_MIN),
        (UNSEEN_QUERIES_3, RECALL_AT_5_MIN),
        (UNSEEN_QUERIES_4, UNSEEN_4_FLOOR),
        (UNSEEN_QUERIES_5, UNSEEN_5_FLOOR),
        (UNSEEN_QUERIES_6, UNSEEN_6_FLOOR),
    ],
    ids=[
        "checked-in",
        "unseen",
        "unseen-2",
        "unseen-3",
        "unseen-4",
        "unseen-5",
        "unseen-6",
    ],
)
def test_recall_at_5_of_the_query_list(sample_page, capsys, path, floor):
    recall, wrong = recall_at_5(sample_page, capsys, path)
    assert recall >= floor
    assert wrong == []


@pytest.fixture(scope="module")
def split_page(browser, tmp_path_factory):
    """The sample bulletin's notes over three years (September's in 2024,
    October's in 2025, November's in 2026): two indexes, newest year first."""
    tmp = tmp_path_factory.mktemp("split")
    year = {"09": "2024", "10": "2025", "11": "2026"}
    notes = {}
    for path in sorted((ROOT / "content" / "notes").rglob("*.md")):
        month = path.parent.name
        text = re.sub(
            r"^date: 2026-",
            f"date: {year[month]}-",
            path.read_text("utf-8"),
            flags=re.M,
        )
        notes[f"{year[month]}/{month}/{path.name}"] = text
    content = new_content(tmp, notes)
    shutil.copytree(ROOT / "content" / "images", content / "images")
    output = tmp / "output"
    build_site(content, output, **INDEX_ON)
    assert [name for name, _ in shards_listed(output)] == ["2026", "older"]
    with serving(output) as base:
        page = search_page(browser, base)
        yield page
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "floor"), [(QUERIES, SPLIT_FLOOR), (UNSEEN_QUERIES_6, SPLIT_6_FLOOR)]
)
def test_recall_at_5_with_the_notes_over_three_years(split_page, capsys, path, floor):
    """No query list measured the two indexes: the sample's notes are all of
    one year. The same notes over three years, each query typed into one
    page (the older years' index loaded when a query first needs it)."""
    recall, wrong = recall_at_5(split_page, capsys, path, " over three years")
    assert recall >= floor
    assert wrong == []


@pytest.mark.parametrize(
    "path",
    [
        QUERIES,
        UNSEEN_QUERIES,
        UNSEEN_QUERIES_2,
        UNSEEN_QUERIES_3,
        UNSEEN_QUERIES_4,
        UNSEEN_QUERIES_5,
        UNSEEN_QUERIES_6,
    ],
    ids=lambda p: p.name,
)
def test_query_list_names_real_notes(path):
    slugs = {p.stem for p in Path(ROOT / "content" / "notes").rglob("*.md")}
    named = {
        s
        for _, kind, expected in query_rows(path)
        if kind != "absent"
        for s in expected
    }
    assert named <= slugs, named - slugs


@pytest.mark.build
def test_hidden_and_withdrawn_notes_are_never_indexed(tmp_path):
    """Pagefind indexes only pages marked data-pagefind-body: a hidden or a
    withdrawn note's page must not carry it (it would be found by search)."""
    from support import build_site, new_content, note_text, read_html

    notes = {
        "2026/10/khula.md": note_text(slug="khula", title="खुली सूचना"),
        "2026/10/chhipa.md": note_text(
            slug="chhipa", title="छिपी सूचना", status="hidden"
        ),
        "2026/10/vapas.md": note_text(
            slug="vapas",
            title="वापस ली गई सूचना",
            status="withdrawn",
            reason="गलत जानकारी के कारण यह सूचना वापस ली गई।",
        ),
    }
    output = tmp_path / "output"
    build_site(new_content(tmp_path, notes), output)
    marked = {
        slug: read_html(output / f"2026/10/{slug}/index.html").find(
            attrs={"data-pagefind-body": True}
        )
        is not None
        for slug in ("khula", "chhipa", "vapas")
    }
    assert marked == {"khula": True, "chhipa": False, "vapas": False}


# ------------------------------------------------- newest year and older years


@pytest.fixture(scope="module")
def years_site(tmp_path_factory):
    """Notes of 2024, 2025 and 2026 (2026 indexed apart from the older
    years) and a withdrawn 2023 note."""
    tmp = tmp_path_factory.mktemp("years")
    output = tmp / "output"
    build_site(new_content(tmp, year_notes()), output, **INDEX_ON)
    with serving(output) as base:
        yield base


@pytest.mark.browser
def test_a_search_finds_notes_of_every_year_once_and_loads_pagefind_once(
    browser, years_site
):
    page = open_search(browser, years_site, "मोटरसाइकिल चोरी")
    try:
        found = [r["slug"] for r in results(page)]
        requested = [urlparse(u).path for u in page.requested]
    finally:
        page.context.close()
    assert sorted(found) == ["chori-2024", "chori-2025", "chori-2026"]
    # the WebAssembly and the script are fetched once, from the newest year
    assert [p for p in requested if "wasm" in p] == ["/pagefind/2026/wasm.hi.pagefind"]
    assert [p for p in requested if p.endswith(".js")].count(
        "/pagefind/pagefind.js"
    ) == 1
    entries = [p for p in requested if p.endswith("pagefind-entry.json")]
    assert entries == [
        "/pagefind/2026/pagefind-entry.json",
        "/pagefind/older/pagefind-entry.json",
    ]
    assert not any("/2023/" in p for p in requested)


@pytest.mark.browser
def test_newest_first_orders_notes_across_the_indexes(browser, years_site):
    page = open_search(browser, years_site, "चोरी", kram="naye")
    try:
        found = [r["slug"] for r in results(page)]
    finally:
        page.context.close()
    assert found == ["chori-2026", "chori-2025", "chori-2024", "chori-2024-b"]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("year", "index", "slug", "order"),
    [
        ("2025", "older", "chori-2025", {}),
        ("2026", "2026", "chori-2026", {}),
        # newest first searches year by year: only the year chosen
        ("2024", "older", "chori-2024", {"kram": "naye"}),
    ],
)
def test_a_year_filter_loads_only_the_index_holding_it(
    browser, years_site, year, index, slug, order
):
    page = open_search(browser, years_site, "मोटरसाइकिल", varsh=year, **order)
    try:
        found = [r["slug"] for r in results(page)]
        requested = [urlparse(u).path for u in page.requested]
    finally:
        page.context.close()
    assert found == [slug]
    indexes = {
        p.split("/")[2]
        for p in requested
        if p.startswith("/pagefind/") and p.count("/") > 2
    }
    assert indexes == {index}


@pytest.mark.browser
def test_a_station_filter_narrows_across_the_indexes(browser, years_site):
    page = open_search(browser, years_site, "चोरी", thana="ताल")
    try:
        found = [r["slug"] for r in results(page)]
    finally:
        page.context.close()
    assert found == ["chori-2025"]


def decade_notes() -> dict[str, str]:
    """Notes over ten years (2017-2026): two that hold मोटरसाइकिल and चोरी
    (2018, the words often; 2021, once), newer ones with मोटरसाइकिल and
    चौराहा only (Pagefind drops the vowel signs: चौराहा begins like चोरी),
    and one with चोरी only."""
    notes = {}
    loose = ("2019", "2020", "2022", "2023", "2024", "2025", "2026", "2026")
    for i, year in enumerate(loose):
        slug = f"chauraha-{year}-{i}"
        notes[f"{year}/06/{slug}.md"] = note_text(
            title="चौराहे पर मोटरसाइकिल चालकों की जांच",
            date=f"{year}-06-{10 + i} 10:00",
            slug=slug,
            tags="हेलमेट",
            summary="दो बत्ती चौराहा पर मोटरसाइकिल चालकों की जांच की गई।",
            body="यातायात पुलिस ने चौराहा पर मोटरसाइकिल चालकों को समझाइश दी।",
        )
    notes["2018/04/chori-2018.md"] = note_text(
        title="जावरा में मोटरसाइकिल चोरी, चोरी की मोटरसाइकिलें बरामद",
        date="2018-04-02 10:00",
        thana="जावरा शहर",
        slug="chori-2018",
        tags="वाहन चोरी",
        summary="मोटरसाइकिल चोरी का खुलासा।",
        body="पुलिस ने मोटरसाइकिल चोरी करने वाले आरोपी से चोरी की मोटरसाइकिल बरामद की।",
    )
    notes["2021/08/chori-2021.md"] = note_text(
        title="ताल में मोटरसाइकिल चोरी का मामला दर्ज",
        date="2021-08-03 10:00",
        thana="ताल",
        slug="chori-2021",
        tags="प्रकरण",
        summary="एक प्रकरण दर्ज।",
        body="ताल पुलिस ने प्रकरण दर्ज किया।",
    )
    notes["2017/02/dukan-2017.md"] = note_text(
        title="आलोट में दुकान में चोरी",
        date="2017-02-05 10:00",
        thana="आलोट",
        slug="dukan-2017",
        tags="प्रकरण",
        summary="दुकान में चोरी।",
        body="आलोट पुलिस ने दुकान में हुई चोरी का प्रकरण दर्ज किया।",
    )
    return notes


def patrol_notes() -> dict[str, str]:
    """56 notes with the word गश्त (patrol): 14 of 2026, 42 of 2017-2025,
    the word written one to four times, so that the order by score is not
    the order by date."""
    notes = {}
    for i in range(56):
        year = 2026 if i < 14 else 2017 + i % 9
        month, day = 1 + i % 11, 1 + i % 27  # none after 2026-11-27
        slug = f"gasht-{year}-{i:02d}"
        notes[f"{year}/{month:02d}/{slug}.md"] = note_text(
            title="रात्रि गश्त में समझाइश",
            date=f"{year}-{month:02d}-{day:02d} {10 + i % 10}:{i:02d}",
            slug=slug,
            summary="थाना स्टाफ ने रात्रि गश्त की।",
            body=" ".join(["थाना स्टाफ ने रात्रि गश्त की।"] * (1 + i % 4)),
        )
    return notes


def mention_notes() -> dict[str, str]:
    """12 notes of 2026 that mention डोडाचूरा once, in passing, and one of
    2024 about it (title, tags, summary)."""
    notes = {
        f"2026/0{1 + i % 9}/zikr-{i:02d}.md": note_text(
            title="थाना परिसर में पर्व को लेकर चर्चा",
            date=f"2026-0{1 + i % 9}-{10 + i} 11:00",
            slug=f"zikr-{i:02d}",
            summary="नागरिकों से अपील की गई।",
            body="बैठक में बताया गया कि पिछले वर्ष डोडाचूरा के प्रकरण भी दर्ज हुए थे।",
        )
        for i in range(12)
    }
    notes["2024/05/dodachura-2024.md"] = note_text(
        title="पिकअप से 4 क्विंटल डोडाचूरा जब्त",
        date="2024-05-06 10:00",
        slug="dodachura-2024",
        tags="डोडाचूरा, मादक पदार्थ",
        summary="पुलिस ने पिकअप वाहन से डोडाचूरा जब्त किया।",
        body="पुलिस ने नाकाबंदी कर पिकअप वाहन से 20 बोरी डोडाचूरा जब्त किया।",
    )
    return notes


def patrol_by_date() -> list[str]:
    """The slugs of patrol_notes, newest first."""
    dated = [
        (
            re.search(r"^date: (.+)$", text, re.M)[1],
            re.search(r"^slug: (.+)$", text, re.M)[1],
        )
        for text in patrol_notes().values()
    ]
    return [slug for _, slug in sorted(dated, reverse=True)]


@pytest.fixture(scope="module")
def decade_output(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("decade")
    output = tmp / "output"
    notes = {**decade_notes(), **patrol_notes(), **mention_notes()}
    build_site(new_content(tmp, notes), output, **INDEX_ON)
    return output


@pytest.fixture(scope="module")
def decade_site(decade_output):
    with serving(decade_output) as base:
        yield base


@pytest.fixture(scope="module")
def decade_page(browser, decade_site):
    page = search_page(browser, decade_site)
    yield page
    page.context.close()


def listed(page) -> tuple[list[str], str, str | None, list[str]]:
    """The slugs listed, the status, data-partial and each item's text."""
    return (
        [r["slug"] for r in results(page)],
        page.inner_text("#khoj-status"),
        page.get_attribute("#khoj", "data-partial"),
        page.eval_on_selector_all(
            "#khoj-results li", "els => els.map(li => li.innerText)"
        ),
    )


@pytest.mark.browser
@pytest.mark.parametrize("query", ["मोटरसाइकिल चोरी", "motorcycle chori", "bike chori"])
def test_newest_first_finds_the_notes_holding_every_word_wherever_they_rank(
    decade_page, query
):
    """Newest first decided from its first five results, the newest notes,
    which only begin like the query's words: it said no note held them all
    and listed the notes with all words but one by score."""
    page = search_here(decade_page, query, kram="naye")
    found, status, partial, _ = listed(page)
    assert found == ["chori-2021", "chori-2018"], found
    assert status.startswith("मिली खबरें") and not partial


@pytest.mark.browser
def test_best_match_lists_the_same_notes_as_newest_first(decade_page):
    page = search_here(decade_page, "मोटरसाइकिल चोरी")
    found, status, partial, _ = listed(page)
    assert status.startswith("मिली खबरें")
    assert found == ["chori-2018", "chori-2021"], found  # by score
    assert not partial


@pytest.mark.browser
@pytest.mark.parametrize("kram", ["naye", ""])
def test_the_all_but_one_list_keeps_the_order_chosen(decade_page, kram):
    """The list of notes with all words but one was ranked by score even
    when newest first was chosen."""
    page = search_here(decade_page, "मोटरसाइकिल चोरी zxcvb", kram=kram)
    found, status, partial, texts = listed(page)
    assert status.startswith("किसी खबर में ये सभी शब्द नहीं मिले")
    expected = ["chori-2021", "chori-2018"] if kram else ["chori-2018", "chori-2021"]
    assert found == expected and partial
    assert all("इस खबर में नहीं: zxcvb" in t for t in texts), texts


def older_requested(page) -> bool:
    return any("/pagefind/older/" in urlparse(u).path for u in page.requested)


@pytest.mark.browser
def test_a_first_query_loads_the_newest_years_index_alone(browser, decade_site):
    """A first query loaded both indexes: at 10,000 notes पुलिस cost 1,360 KB
    against 674 for one index. The newest year's index alone fills the first
    page; the older years' is loaded when the reader taps More results."""
    page = open_search(browser, decade_site, "गश्त")
    try:
        first, status, _, _ = listed(page)
        before = older_requested(page)
        show_all(page)
        every, after, _, _ = listed(page)
    finally:
        page.context.close()
    assert len(first) == 10 and all("-2026-" in s for s in first), first
    assert not before
    # two sentences: "10 and more" is not read as "10 and more older notes"
    assert status == (
        "मिली खबरें: 10 और अधिक। पुराने वर्षों की खबरें भी खोजने के लिए ‘और नतीजे’ दबाएँ।"
    )
    # the rest by score from every year, none twice, none lost
    assert every[:10] == first and sorted(every) == sorted(patrol_by_date())
    assert after == "मिली खबरें: 56"


@pytest.mark.browser
def test_the_weight_report_weighs_the_first_query_and_a_tap_of_more(
    browser, decade_output
):
    """invoke weight's search rows: the first query fetches the newest
    year's index only; More results fetches the older years' then."""
    from scripts.bench.search_weight import format_search_weight, measure_search

    weighed = measure_search(decade_output, "गश्त", browser)
    first = [r.url for r in weighed.resources]
    more = [r.url for r in weighed.more]
    assert weighed.results == 10 and weighed.more_results == 10
    assert any("/pagefind/2026/" in u for u in first)
    assert not any("/pagefind/older/" in u for u in first)
    assert any("/pagefind/older/" in u for u in more) and not set(more) & set(first)
    assert weighed.other_hosts == ()
    report = format_search_weight(weighed)
    assert re.search(r"^search \(More\) +\d+ files more: [\d,]+ bytes", report, re.M)


@pytest.mark.browser
@pytest.mark.parametrize("query", ["डोडाचूरा", "dodachura"])
def test_an_older_note_about_the_word_comes_before_newer_ones_mentioning_it(
    decade_page, query
):
    """The first page came from the newest year's index whenever it had ten
    notes holding the words: twelve notes of 2026 that mention डोडाचूरा in
    passing pushed the 2024 note about it to the second page."""
    page = search_here(decade_page, query)
    found, status, _, _ = listed(page)
    assert found[:1] == ["dodachura-2024"], found
    assert "पुराने वर्षों" not in status  # both indexes read already


@pytest.mark.browser
@pytest.mark.parametrize("query", ["गश्त", "गश्त zxcvb"])
def test_newest_first_lists_every_note_in_date_order(browser, decade_site, query):
    """The list of notes with all words but one put only the best 50 by
    score in date order, and listed no more; a newest-first search loaded
    the older years' index for its first page."""
    page = open_search(browser, decade_site, query, kram="naye")
    try:
        first, line, partial, _ = listed(page)
        before = older_requested(page)
        show_all(page)
        every, status, _, _ = listed(page)
    finally:
        page.context.close()
    assert every == patrol_by_date()
    assert bool(partial) == ("zxcvb" in query)
    # the next tap lists newer notes, not the older years': no line on them
    assert "पुराने वर्षों" not in line
    if not partial:
        assert first == patrol_by_date()[:10] and not before
        assert status == "मिली खबरें: 56"


@pytest.mark.browser
@pytest.mark.parametrize("query", ["चोरी", "chori", "मोटरसायकल चोरी"])
def test_a_word_is_matched_whole_not_by_its_beginning(sample_page, query):
    """चोरी (folded चोर) began चौराहा (चोराह): the helmet drive, a traffic
    note, was listed among the thefts."""
    page = search_here(sample_page, query)
    show_all(page)
    found, _, _, _ = listed(page)
    assert JAORA_CHORI in found
    assert "yatayat-helmet-checking-abhiyan" not in found, found


def sense_notes() -> dict[str, str]:
    """Notes whose words a too broad synonym group joined: a lost phone, a
    missing boy, stolen jewellery (गायब), a night patrol (सोने: to sleep),
    a meeting at a थाना, the railway station, a country-made pistol and
    country liquor (देशी)."""
    notes = {
        "phone": ("गुम मोबाइल लौटाए", "पुलिस ने गुम मोबाइल खोजकर मालिकों को लौटाए।"),
        "balak": ("गुमशुदा बालक दस्तयाब", "चार दिन से लापता बालक परिजनों को सौंपा।"),
        "jevar": (
            "सूने मकान से जेवर गायब",
            "अलमारी से सोने-चाँदी के जेवर व नकदी गायब मिले।",
        ),
        "gasht": ("रात्रि गश्त में समझाइश", "रात में सड़क किनारे सोने वाले लोगों को समझाया।"),
        "baithak": ("थाना परिसर में बैठक", "थाना परिसर में व्यापारियों की बैठक हुई।"),
        "railway": (
            "रेलवे स्टेशन पर जांच",
            "रेलवे स्टेशन पर यात्रियों के हाथ के सामान की जांच की गई।",
        ),
        "sunwai": ("जनसुनवाई में समझाइश", "थाना प्रभारी ने ग्रामीणों की शिकायतें सुनीं।"),
        "katta": ("देशी कट्टा बरामद", "आरोपी से एक देशी कट्टा और दो कारतूस बरामद।"),
        "sharab": ("देशी शराब जब्त", "आरोपी से बीस पेटी देशी शराब जब्त की गई।"),
    }
    return {
        f"2026/10/{slug}.md": note_text(
            title=title,
            slug=slug,
            tags="प्रकरण",
            summary=body,
            body=body,
            date=f"2026-10-{10 + i:02d} 10:00",
        )
        for i, (slug, (title, body)) in enumerate(notes.items())
    }


@pytest.fixture(scope="module")
def sense_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("senses")
    output = tmp / "output"
    build_site(new_content(tmp, sense_notes()), output, **INDEX_ON)
    with serving(output) as base:
        yield base


@pytest.fixture(scope="module")
def sense_page(browser, sense_site):
    page = search_page(browser, sense_site)
    yield page
    page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "first", "never"),
    [
        ("missing", "balak", {"phone", "jevar"}),
        ("गुमशुदा", "balak", {"phone", "jevar"}),
        ("lost", "phone", {"balak", "jevar"}),
        ("खोया मोबाइल", "phone", {"balak"}),
        ("station", "railway", {"baithak"}),
        # gold: सोने next to चाँदी, not सोने वाले (to sleep)
        ("gold", "jevar", {"gasht"}),
        # long and short vowels: सूना (deserted) is not सुना/सुनी (heard)
        ("सूना", "jevar", {"sunwai"}),
        ("सूनी", "jevar", {"sunwai"}),
        ("सुना", "sunwai", {"jevar"}),
        # a word ending in a consonant is not one ending in a vowel sign
        ("हाथ", "railway", set()),
        ("हाथों", "railway", set()),
        ("हाथी", None, {"railway"}),
        ("desi katta", "katta", {"sharab"}),
        ("desi sharab", "sharab", {"katta"}),
    ],
)
def test_a_query_in_one_sense_does_not_list_notes_of_another(
    sense_page, query, first, never
):
    """missing listed a lost phone before the missing girl and the stolen
    jewellery third; station listed every note with थाना; gold a note on
    people sleeping (सोने), and then nothing (सोने-चाँदी had no gold);
    सूना (deserted) the notes with सुनी (heard), हाथी (elephant) those with
    हाथ (hand)."""
    page = search_here(sense_page, query)
    found = [r["slug"] for r in results(page)]
    if first:
        assert found[:1] == [first], found
    assert not set(found) & never, found


# ------------------------------------------------- digits and zero-width joins

ZWJ, ZWNJ = "\u200d", "\u200c"


@pytest.fixture(scope="module")
def digits_site(tmp_path_factory):
    """Two notes: one writes its numbers in Devanagari digits and a word with
    a ZWJ, the other ASCII digits and a word with a ZWNJ."""
    tmp = tmp_path_factory.mktemp("digits")
    notes = {
        "2026/10/devanagari.md": note_text(
            slug="devanagari-ank",
            title="कार से २५ पेटी शराब जब्त",
            body=f"औद्योगिक क्{ZWJ}षेत्र में २५ पेटी शराब मिली।",
        ),
        "2026/10/ascii.md": note_text(
            slug="ascii-ank",
            title="चालकों से 1480 रुपये समन शुल्क वसूला",
            body=f"यातायात पुलिस ने शिव{ZWNJ}पुरी मार्ग पर 1480 रुपये वसूले।",
        ),
    }
    output = tmp / "output"
    build_site(new_content(tmp, notes), output, **INDEX_ON)
    with serving(output) as base:
        yield base


@pytest.fixture(scope="module")
def digits_page(browser, digits_site):
    page = search_page(browser, digits_site)
    yield page
    page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("२५ पेटी", "devanagari-ank"),
        ("25 पेटी", "devanagari-ank"),
        ("25 peti", "devanagari-ank"),
        ("१४८०", "ascii-ank"),
        ("1480", "ascii-ank"),
        ("क्षेत्र", "devanagari-ank"),
        (f"क्{ZWJ}षेत्र", "devanagari-ank"),
        (f"क्{ZWNJ}षेत्र", "devanagari-ank"),
        ("शिवपुरी", "ascii-ank"),
        (f"शिव{ZWNJ}पुरी", "ascii-ank"),
        (f"शिव{ZWJ}पुरी", "ascii-ank"),
    ],
)
def test_digits_and_zero_width_joins_find_the_same_note(digits_page, query, slug):
    """Devanagari digits in a query were dropped; a ZWJ or ZWNJ split a word
    in two. Both scripts' digits find a note, with or without joiners."""
    page = search_here(digits_page, query)
    found = [r["slug"] for r in results(page)]
    assert found == [slug]


# --------------------------------------------------------------- hostile use


@pytest.mark.browser
def test_markup_in_a_query_is_only_text(browser, served):
    page = open_search(browser, served, '<img src=x onerror="alert(1)">bilpank')
    dialogs = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    try:
        injected = page.locator("#khoj img").count()
        typed = page.input_value("#q")
        found = [r["slug"] for r in results(page)]
    finally:
        page.context.close()
    assert injected == 0 and dialogs == []
    assert typed.startswith("<img")  # shown as typed, in the box only
    assert found == []  # img, src, onerror, alert are in no note


@pytest.mark.browser
def test_a_very_long_query_is_cut_not_run_whole(browser, served, indexed):
    """A pasted page was searched whole: Pagefind looks every word up."""
    query = "bilpank " + " ".join(f"shabd{i}" for i in range(3000))
    page = open_search(browser, served, query)
    try:
        searched = page.evaluate(
            "async ([src, q]) => (await import(src)).normalizeQuery(q)",
            [search_script(indexed), query],
        )
        status = page.inner_text("#khoj-status")
    finally:
        page.context.close()
    assert searched.split()[0] == "bilpank" and len(searched.split()) <= 8
    assert "कोई खबर नहीं" in status


@pytest.mark.browser
def test_direction_marks_around_a_query_are_dropped(sample_page):
    page = search_here(sample_page, "\u202bबिलपांक\u200f \u202ebilpank\u202c")
    found = [r["slug"] for r in results(page)]
    assert found[:1] == [BILPANK]


def test_a_skeleton_is_never_one_or_two_letters():
    """qqqq became k and hatya hty: Pagefind matched them as the beginning
    of unrelated words (ka, ki, ko)."""
    assert skeleton("qqqq") == "qqqq"
    assert skeleton("hatya") == "haty"
    assert skeleton("kidnapping") == "kidnaping"
    for word in ("aa", "ki", "ee", "ho", "rally", "nasha"):
        assert len(skeleton(word)) >= min(3, len(word)), word


@pytest.mark.slow
def test_bench_can_time_the_project_builds_with_search_on(tmp_path):
    """invoke bench --search: the rebuild ratio as production builds pay it."""
    from scripts.bench.bench import format_report, run_bench

    report = format_report(run_bench(5, tmp_path / "work", ROOT, search=True))
    assert re.search(r"^project cold: search index \(Pagefind\) made in", report, re.M)
    assert re.search(
        r"^project rebuild: search index \(Pagefind\) made in", report, re.M
    ), report
    assert re.search(r"^ratio \d+\.\d\d$", report, re.M)


def terms_word_by_word(texts: list[str]) -> str:
    """search_terms as first written: every word of every text, repeated
    ones too, each form added in turn.
    """
    seen: dict[str, None] = {}
    for text in texts:
        words = tokens(text)
        for word in words:
            for form in word_terms(word):
                seen.setdefault(form, None)
        for form in phrase_synonyms(words):
            seen.setdefault(form, None)
            for each in word_terms(form):
                seen.setdefault(each, None)
    return " ".join(seen)


def test_hidden_words_are_those_of_adding_every_word_in_turn():
    """search_terms adds each word's forms once and note_search_terms drops
    the title's words from a dict of them: the same words, in the same
    order, as adding every word's forms in turn and filtering the joined
    text, on texts of a note's words, repeated, and the table's phrases.
    """
    phrases = [k for k in synonyms() if is_phrase(k)]
    words = [*tokens(note_text()), "Police", "थाने", "थानों", "१२", "bike", "ॐ"]
    rng = random.Random(17)
    for _ in range(200):
        texts = [
            " ".join(rng.choices(words + phrases, k=rng.randint(0, 40)))
            for _ in range(rng.randint(1, 4))
        ]
        assert search_terms(texts) == terms_word_by_word(texts)
        named = search_plugin.note_title_terms(rng.choice(words))
        skip = set(named.split())
        content = f"<p>{texts[0]}</p>"
        expected = terms_word_by_word([texts[-1], texts[0], "रमेश", "रतलाम"])
        assert search_plugin.note_search_terms(
            content, texts[-1], "रमेश", "रतलाम", named
        ) == " ".join(w for w in expected.split() if w not in skip)


def test_a_words_forms_are_shared_read_only():
    """word_forms is cached: every caller gets the same mapping, so none may
    change what the next one gets.
    """
    forms = word_forms("थाना")
    assert forms is word_forms("थाना")
    assert list(forms) == list(dict.fromkeys(word_terms("थाना")))
    with pytest.raises(TypeError):
        forms["x"] = None  # type: ignore[index]


def test_search_forms_leave_the_shared_forms_as_they_were():
    """search_forms adds each word's shared forms to its own dict and
    changes none of them: a later note, and word_forms, see each word's
    forms as word_terms makes them, and a text's forms are its words' in
    the order first met.
    """
    texts = [
        "थाना पुलिस ने सोने-चांदी के जेवर बरामद किए, थाना प्रभारी",
        "पुलिस थाना रतलाम bike चोरी",
    ]
    words = [w for text in texts for w in tokens(text)]
    words += [f for text in texts for f in phrase_synonyms(tokens(text))]
    before = {w: list(word_forms(w)) for w in words}
    first = search_forms(texts)
    assert search_forms(texts) == first
    assert list(search_forms(texts[::-1])) != list(first)  # order first met
    assert {w: list(word_forms(w)) for w in words} == before
    assert all(before[w] == list(dict.fromkeys(word_terms(w))) for w in words)
    expected: dict[str, None] = {}
    for text in texts:
        for word in tokens(text):
            expected.update(dict.fromkeys(word_terms(word)))
        for form in phrase_synonyms(tokens(text)):
            expected.setdefault(form, None)
            expected.update(dict.fromkeys(word_terms(form)))
    assert list(first) == list(expected)


def json_ld_page(locality: str, text: str = "यातायात जागरूकता शिविर हुआ।") -> bytes:
    """A note page as the theme prints one, its JSON-LD naming `locality`."""
    data = {"@type": "NewsArticle", "contentLocation": {"addressLocality": locality}}
    ld = json.dumps(data, ensure_ascii=False)
    return (
        '<!doctype html><html lang="hi"><head><title>शिविर</title>'
        f'<script type="application/ld+json">{ld}</script></head><body>'
        "<article data-pagefind-body><h1>नामली थाने में शिविर</h1>"
        '<p data-pagefind-filter="thana" data-pagefind-meta="thana">नामली</p>'
        f"<p>{text}</p></article></body></html>"
    ).encode()


def test_a_pages_json_ld_is_not_what_pagefind_reads(tmp_path):
    """A station's area is printed in its note pages' JSON-LD alone: a
    page's record is named without it (SearchPage.digest, so a kept part of
    the index stays), and Pagefind makes the same files whatever it says;
    the page's text is read.
    """
    rel = "2026/10/shivir/index.html"
    pages = {
        "was": json_ld_page("रतलाम ग्रामीण"),
        "area": json_ld_page("रतलाम ग्रामीण अंचल"),
        "text": json_ld_page("रतलाम ग्रामीण", "यातायात नियम शिविर हुआ।"),
    }
    records = {k: search_plugin.search_page(rel, v) for k, v in pages.items()}
    assert records["was"] == records["area"]
    assert records["text"].digest != records["was"].digest
    assert records["was"].digest != sha256(pages["was"]).hexdigest()
    executable = search_plugin.get_executable()
    made = {}
    for name, data in pages.items():
        page = tmp_path / name / rel
        page.parent.mkdir(parents=True)
        page.write_bytes(data)
        bundle = tmp_path / f"{name}-bundle"
        search_plugin.make_bundle(executable, {rel: page}, bundle)
        made[name] = {
            p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in bundle.rglob("*")
            if p.is_file()
        }
    assert made["area"] == made["was"]
    assert made["text"] != made["was"]


def test_title_words_are_those_of_adding_every_text_in_turn():
    """note_title_terms makes the station's and category's forms once (texts
    many notes share, kept by the text): the same words, in the same order,
    as adding every word of the title, those texts and the tags in turn; and
    a caller changing what it got changes no later note's words.
    """
    from plugins.press_notes.registry import Thana

    thana = Thana("माणकचौक", "manak-chowk", "रतलाम शहर", "", ("माणक चौक",))
    category = SimpleNamespace(name="चोरी")
    tags = [SimpleNamespace(name="सोने चांदी", slug="sone-chandi")]
    # the station's name and slug (not its other spellings: spellings.json)
    shared = ["माणकचौक", "manak chowk", "चोरी"]
    texts = [*shared, "सोने चांदी", "sone chandi"]
    for title in ("हाईवे पर बाइक चोरी", "सोने-चाँदी के जेवर बरामद", ""):
        expected = terms_word_by_word([title, *texts])
        assert search_plugin.note_title_terms(title, thana, category, tags) == expected
        search_forms([title, *texts], shared).clear()
        search_forms(shared, shared)["x"] = None
        assert search_terms([title, *texts], shared) == expected
    other = Thana("माणकचौक", "manak-chowk", "रतलाम शहर", "", ("चौक बाजार",))
    words = search_plugin.note_title_terms("चोरी", other, category, tags).split()
    assert "bajar" not in words
    spelt = search_plugin.station_spellings([thana, other])
    assert spelt == {"माणकचौक": search_terms(["चौक बाजार"])}


@pytest.mark.build
def test_a_registry_edit_changes_the_spellings_file_not_the_note_pages(tmp_path):
    """A station's other spelling added to the registry, or taken out, is
    in spellings.json at the next build of the same process (the words of
    a text many notes share are kept by the text), and its notes' pages
    stay as they were.
    """
    content = new_content(tmp_path, {"2026/10/shivir.md": note_text()})
    output = tmp_path / "output"
    page = output / "2026/10/namli-yatayat-shivir/index.html"

    def built() -> tuple[list[str], bytes]:
        build_site(content, output, **INDEX_ON)
        listed = json.loads((output / "pagefind" / "spellings.json").read_bytes())
        return listed["spellings"].get("नामली", "").split(), page.read_bytes()

    registry = content / "registry" / "thanas.toml"
    listed = registry.read_text(encoding="utf-8")
    words, was = built()
    assert "bajar" not in words
    station = 'name = "नामली"\nslug = "namli"\n'
    assert station in listed
    registry.write_text(
        listed.replace(station, f'{station}aliases = ["नामली बाजार"]\n'),
        encoding="utf-8",
    )
    words, now = built()
    assert "bajar" in words and now == was
    registry.write_text(listed, encoding="utf-8")
    words, now = built()
    assert "bajar" not in words and now == was


# ------------------------------------------- other spellings, on the search page

# Stations given other spellings in the fixture's registry (a multi-word
# Latin one and a Devanagari one; one Latin word, tekdi, in both), and one
# of none whose note's text holds a spelling's word (ज़ोरबाग).
SPELT = {
    "namli": ["Zorbagh Tekdi", "ज़ोरबाग"],
    "shivgarh": ["Tekdi Bhagwanpur"],
}


def spelt_notes() -> dict[str, str]:
    notes = {
        "murga-namli": ("नामली", "नामली में मुर्गा बरामद", "थाना पुलिस ने मुर्गा बरामद किया।"),
        "baithak-namli": ("नामली", "नामली में बैठक", "ग्राम में शांति बैठक हुई।"),
        "murga-shivgarh": ("शिवगढ़", "शिवगढ़ में मुर्गा विवाद", "मुर्गा को लेकर विवाद।"),
        "vyapari-dhamnod": (
            "धामनोद",
            "धामनोद में ज़ोरबाग के व्यापारी",
            "ज़ोरबाग से आए व्यापारी का मुर्गा मिला।",
        ),
        "dangal-dhamnod": ("धामनोद", "धामनोद में दंगल", "गांव में दंगल का आयोजन हुआ।"),
        "dangal-shivgarh": ("शिवगढ़", "शिवगढ़ में दंगल", "दंगल में पहलवान आए।"),
        "shivir-namli": ("नामली", "नामली में शिविर", "स्वास्थ्य शिविर लगाया गया।"),
    }
    return {
        f"2026/10/{slug}.md": note_text(
            title=title,
            slug=slug,
            thana=thana,
            tags="प्रकरण",
            summary=body,
            body=body,
            date=f"2026-10-{10 + i:02d} 10:00",
        )
        for i, (slug, (thana, title, body)) in enumerate(notes.items())
    }


def with_spellings(content: Path, spellings: dict[str, list[str]]) -> None:
    """The fixture's registry: the stations of `spellings` given those."""
    registry = content / "registry" / "thanas.toml"
    text = registry.read_text(encoding="utf-8")
    for slug, aliases in spellings.items():
        listed = ", ".join(json.dumps(a, ensure_ascii=False) for a in aliases)
        text, n = re.subn(
            rf'(slug = "{slug}"\n(?:area = "[^"\n]*"\n)?)(?:aliases = [^\n]*\n)?',
            rf"\g<1>aliases = [{listed}]\n",
            text,
        )
        assert n == 1, slug
    registry.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def spelt_output(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("spelt")
    content = new_content(tmp, spelt_notes())
    with_spellings(content, SPELT)
    output = tmp / "output"
    # blocks of three: the year's two parts, each searched on its own
    build_site(content, output, SEARCH={"index": True, "block": 3})
    return output


@pytest.fixture(scope="module")
def spelt_page(browser, spelt_output):
    with serving(spelt_output) as base:
        page = search_page(browser, base)
        yield page
        page.context.close()


def station_spellings_of(output: Path) -> dict[str, set[str]]:
    data = json.loads((output / "pagefind" / "spellings.json").read_bytes())
    return {name: set(forms.split()) for name, forms in data["spellings"].items()}


def indexed_words(
    output: Path, pages: str = "2026/10/*/index.html"
) -> dict[str, tuple[str, set[str]]]:
    """{note slug: (its station, the words of what Pagefind indexes of its
    page)}, of the note pages `pages` matches."""
    found = {}
    for path in output.glob(pages):
        article = read_html(path).select_one("[data-pagefind-body]")
        station = article.select_one('[data-pagefind-filter="thana"]').get_text()
        found[path.parent.name] = (station, set(tokens(article.get_text(" "))))
    return found


def spelt_matches(
    output: Path, typed: list[str], pages: str = "2026/10/*/index.html"
) -> dict[str, int]:
    """{note slug: how many of the Latin words `typed` it does not hold},
    its words being its page's and its station's other spellings' forms: a
    word is held as the search page holds it (its skeleton one of the words,
    or as typed the start of a word of COMPOUND_REST more letters). The
    queries are of words whose skeleton has three consonants or more, or
    ends in one (the page's rule for a word typed with a final vowel, hathi
    not hath, is not repeated here)."""
    spellings = station_spellings_of(output)
    lacking = {}
    for slug, (station, words) in indexed_words(output, pages).items():
        held = words | spellings.get(station, set())

        def holds(word: str, held: set[str] = held) -> bool:
            return skeleton(word) in held or any(
                w.startswith(word) and len(w) - len(word) >= 3 for w in held
            )

        lacking[slug] = sum(not holds(w) for w in typed)
    return lacking


def test_note_pages_hold_no_other_spelling_the_spellings_file_does(spelt_output):
    spellings = station_spellings_of(spelt_output)
    stations = {"नामली": "namli", "शिवगढ़": "shivgarh"}
    # a station with none is not listed (धामनोद has none)
    assert set(stations) <= set(spellings)
    assert "धामनोद" not in spellings
    for name, slug in stations.items():
        written = " ".join(SPELT[slug])
        assert spellings[name] == set(search_forms([written]))
    # forms only a spelling gives (not the notes' own words; a Latin word's
    # form is its skeleton, the word as written being the text's)
    only = {skeleton(w) for w in ("zorbagh", "tekdi", "bhagwanpur")}
    assert only <= spellings["नामली"] | spellings["शिवगढ़"]
    for slug, (_station, words) in indexed_words(spelt_output).items():
        assert not words & only, (slug, words & only)
    # ज़ोरबाग's forms are on the page whose text holds it, and on no other
    zorbag = set(search_forms(["ज़ोरबाग"]))
    for slug, (_station, words) in indexed_words(spelt_output).items():
        assert bool(words & zorbag) == (slug == "vyapari-dhamnod"), slug


@pytest.mark.browser
@pytest.mark.parametrize(
    "query",
    [
        "zorbagh",  # a Latin spelling alone
        "zorbag",  # the Devanagari one's form, also in another station's note
        "tekdi",  # one word of two stations' spellings
        "zorbagh tekdi",  # a spelling of two words
        "tekdi murga",  # a spelling's word and a word of the text
        "zorbag murga",
        "jorb",  # the beginning of a spelling's word (jorbagh)
        "bhagwanpur dangal",
    ],
)
@pytest.mark.parametrize("kram", ["", "naye"])
def test_a_station_is_found_by_its_other_spellings_from_the_search_page(
    spelt_page, spelt_output, query, kram
):
    """The notes listed are those holding every word of the query, their
    station's other spellings counted as their words (as when the note
    pages carried them), in either order."""
    lacking = spelt_matches(spelt_output, query.split())
    expected = {slug for slug, n in lacking.items() if n == 0}
    assert expected  # the case is one where spellings find notes
    page = search_here(spelt_page, query, kram=kram)
    show_all(page)
    found, _status, partial, _texts = listed(page)
    assert partial is None
    assert sorted(found) == sorted(expected), query
    assert len(found) == len(set(found))
    if kram:
        dates = {slug: i for i, slug in enumerate(spelt_notes_order())}
        assert found == sorted(found, key=lambda s: -dates[s])


def spelt_notes_order() -> list[str]:
    """The fixture's notes, oldest first (their dates follow their order)."""
    return [rel.split("/")[-1].removesuffix(".md") for rel in spelt_notes()]


@pytest.mark.browser
@pytest.mark.parametrize("kram", ["", "naye"])
def test_a_spelling_of_two_words_typed_as_one_finds_its_notes(
    spelt_page, spelt_output, kram
):
    """zorbaghtekdi, नामली's spelling Zorbagh Tekdi written as one word: no
    indexed word begins with it, so Pagefind finds it by the longest word it
    begins with (jorbagh, when the note pages held the spelling's forms),
    and the page by the two forms joined. The notes listed are those of the
    two words typed apart (the page listed none)."""
    lacking = spelt_matches(spelt_output, ["zorbagh", "tekdi"])
    expected = {slug for slug, n in lacking.items() if n == 0}
    assert expected
    page = search_here(spelt_page, "zorbaghtekdi", kram=kram)
    show_all(page)
    found, _status, partial, _texts = listed(page)
    assert partial is None
    assert sorted(found) == sorted(expected)


@pytest.mark.browser
def test_a_spelling_and_a_word_no_note_of_its_station_holds_find_none_of_it(
    spelt_page, spelt_output
):
    """zorbagh dangal: no note of नामली holds दंगल, and no note holds
    zorbagh but by नामली's spellings: no note holds both words, and the
    notes holding one of them are listed as such."""
    query = "zorbagh dangal"
    lacking = spelt_matches(spelt_output, query.split())
    assert not [slug for slug, n in lacking.items() if n == 0]
    page = search_here(spelt_page, query)
    show_all(page)
    found, _status, partial, _texts = listed(page)
    assert partial == "true"
    assert sorted(found) == sorted(slug for slug, n in lacking.items() if n == 1)
    assert {"murga-namli", "dangal-dhamnod"} <= set(found)


@pytest.mark.browser
def test_a_station_filter_keeps_only_its_notes_found_by_spellings(
    spelt_page, spelt_output
):
    lacking = spelt_matches(spelt_output, ["tekdi"])
    stations = {s: st for s, (st, _w) in indexed_words(spelt_output).items()}
    expected = {s for s, n in lacking.items() if n == 0 and stations[s] == "शिवगढ़"}
    assert expected
    page = search_here(spelt_page, "tekdi", thana="शिवगढ़")
    show_all(page)
    found, _status, _partial, _texts = listed(page)
    assert sorted(found) == sorted(expected)


def crowded_notes(rows=None) -> dict[str, str]:
    """Notes of September 2026, one a day, from (station, title, text)
    rows; by default two notes of शिवगढ़ and 24 of नामली titled दंगल
    (dangal).
    """
    if rows is None:
        rows = [("शिवगढ़", f"शिवगढ़ में बैठक {n}", f"ग्राम बैठक {n} हुई।") for n in (1, 2)]
        rows += [
            ("नामली", f"दंगल प्रतियोगिता {n}", f"दंगल {n} में पहलवान आए।") for n in range(24)
        ]
    return {
        f"2026/09/crowd-{i}.md": note_text(
            title=title,
            slug=f"crowd-{i}",
            thana=thana,
            summary=body,
            body=body,
            date=f"2026-09-{1 + i:02d} 10:00",
        )
        for i, (thana, title, body) in enumerate(rows)
    }


@pytest.mark.browser
def test_a_spelling_no_note_holds_itself_is_not_drowned_by_a_shorter_word(
    browser, tmp_path
):
    """dangalpura, शिवगढ़'s spelling, is no indexed word: Pagefind finds the
    query as typed by the longest word it begins with, dangal, in 24 notes
    of another station, best first; searched too, they filled the 20
    results read to decide whether any note holds the words, and the page
    said none did."""
    content = new_content(tmp_path, crowded_notes())
    with_spellings(content, {"shivgarh": ["Dangalpura"]})
    output = tmp_path / "output"
    build_site(content, output, **INDEX_ON)
    lacking = spelt_matches(output, ["dangalpura"], "2026/09/*/index.html")
    expected = {slug for slug, n in lacking.items() if n == 0}
    assert expected == {"crowd-0", "crowd-1"}
    with serving(output) as base:
        page = open_search(browser, base, "dangalpura")
        try:
            show_all(page)
            found, _status, partial, _texts = listed(page)
        finally:
            page.context.close()
    assert partial is None
    assert sorted(found) == sorted(expected)


@pytest.mark.browser
def test_a_spelling_added_while_the_page_is_open_is_found_by_the_next_search(
    browser, tmp_path
):
    """The page asks for spellings.json with each search: a spelling added
    by a build while the page is open finds its station's notes at the next
    search, though the page has read those notes before (their words, kept
    for the next checks, are read again with the new spellings)."""
    content = new_content(tmp_path, crowded_notes())
    output = tmp_path / "output"
    build_site(content, output, **INDEX_ON)
    shivgarh = {"crowd-0", "crowd-1"}
    with serving(output) as base:
        page = search_page(browser, base)
        try:
            # शिवगढ़'s notes read (by a word of theirs), before the spelling
            found, *_ = listed(show_all_of(search_here(page, "baithak")))
            assert shivgarh <= set(found)
            found, *_ = listed(show_all_of(search_here(page, "dangalpura")))
            assert not shivgarh & set(found)
            with_spellings(content, {"shivgarh": ["Dangalpura"]})
            build_site(content, output, **INDEX_ON)
            found, _status, partial, _ = listed(
                show_all_of(search_here(page, "dangalpura"))
            )
        finally:
            page.context.close()
    assert partial is None
    assert sorted(found) == sorted(shivgarh)


def show_all_of(page):
    """`page` once every result has been read (show_all)."""
    show_all(page)
    return page


@pytest.mark.browser
def test_a_word_beginning_a_spelling_and_notes_own_words_reads_no_note_of_it(
    browser, tmp_path
):
    """jorbaghwala begins with jorbagh, नामली's spelling's form, and begins
    two notes' own words: Pagefind did not fall back to jorbagh, so no
    note of नामली was offered. The page lists the two, and reads none of
    नामली's 24 notes (it read every one, the pager reading on for a note
    holding the word)."""
    fair = "जोरबाघवाला मेला"
    rows = [("धामनोद", f"{fair} {n}", f"{fair} {n} लगा।") for n in (1, 2)]
    rows += [("नामली", f"दंगल प्रतियोगिता {n}", f"दंगल {n} हुआ।") for n in range(24)]
    content = new_content(tmp_path, crowded_notes(rows))
    with_spellings(content, {"namli": ["Zorbagh Tekdi"]})
    output = tmp_path / "output"
    build_site(content, output, **INDEX_ON)
    assert "jorbagh" in station_spellings_of(output)["नामली"]
    with serving(output) as base:
        page = open_search(browser, base, "jorbaghwala")
        try:
            show_all(page)
            found, _status, partial, _texts = listed(page)
            fragments = [u for u in page.requested if "/fragment/" in u]
        finally:
            page.context.close()
    assert partial is None
    assert sorted(found) == ["crowd-0", "crowd-1"]
    assert len(fragments) < 10, len(fragments)
