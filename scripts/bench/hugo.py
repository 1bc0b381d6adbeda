"""Hugo's full build of the benchmark's notes, for comparison.

The same Markdown bodies, with each note's header written as JSON front
matter (Hugo does not read Python-Markdown's `key: value` headers), and
minimal templates: a page per note, paginated lists of notes per station,
category, tag and month, the lists of those terms, the home page and its RSS
feed. Hugo leaves out notes dated in the future unless told otherwise, so it
runs with --buildFuture and the note pages it wrote are counted.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from plugins.core.header import scan_header

# Debian's package (0.111 in bookworm).
HUGO = "hugo"
INDIAN_TIME = "+05:30"
PER_PAGE = 20
FEED_ITEMS = 50

CONFIG = f"""\
baseURL = "http://127.0.0.1:8000/"
languageCode = "hi"
title = "bench"
paginate = {PER_PAGE}
rssLimit = {FEED_ITEMS}
disableKinds = ["sitemap", "robotsTXT", "404"]

[permalinks]
  notes = "/:year/:month/:slug/"

[taxonomies]
  thana = "thanas"
  category = "categories"
  tag = "tags"
  month = "months"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
"""

HEAD = (
    '<!doctype html><html lang="hi"><head><meta charset="utf-8">'
    "<title>{{ .Title }}</title></head><body>"
)
TAIL = "</body></html>\n"
LAYOUTS = {
    "_default/single.html": (
        HEAD + "<h1>{{ .Title }}</h1>"
        '<p>{{ .Date.Format "2006-01-02 15:04" }}'
        '{{ range .GetTerms "thanas" }} · <a href="{{ .RelPermalink }}">'
        "{{ .LinkTitle }}</a>{{ end }}"
        '{{ range .GetTerms "categories" }} · <a href="{{ .RelPermalink }}">'
        "{{ .LinkTitle }}</a>{{ end }}</p>"
        "{{ .Content }}"
        '<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">'
        "{{ .LinkTitle }}</a></li>{{ end }}</ul>" + TAIL
    ),
    "_default/list.html": (
        HEAD + "<h1>{{ .Title }}</h1><ul>"
        "{{ range (.Paginate .RegularPagesRecursive).Pages }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
        "<p>{{ .Params.summary }}</p></li>{{ end }}</ul>"
        '{{ template "_internal/pagination.html" . }}' + TAIL
    ),
    "_default/terms.html": (
        HEAD + "<h1>{{ .Title }}</h1><ul>"
        "{{ range .Data.Terms.Alphabetical }}"
        '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> '
        "{{ .Count }}</li>{{ end }}</ul>" + TAIL
    ),
}


def hugo_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, Markdown body) of one note, as Hugo reads them."""
    header = scan_header(text)
    date = header.value("date").replace(" ", "T")
    tags = [t.strip() for t in header.value("tags").split(",") if t.strip()]
    matter = {
        "title": header.value("title"),
        "date": f"{date}:00{INDIAN_TIME}",
        "slug": header.value("slug"),
        "summary": header.value("summary"),
        "thanas": [header.value("thana")],
        "categories": [header.value("category")],
        "tags": tags,
        "months": [date[:7]],
    }
    return matter, header.body


def make_hugo_site(content: Path, site: Path) -> int:
    """A Hugo site under `site` holding every note of `content/notes`;
    returns how many notes it holds.
    """
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "notes").mkdir(parents=True)
    (site / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    count = 0
    for note in sorted((content / "notes").rglob("*.md")):
        matter, body = hugo_front_matter(note.read_text(encoding="utf-8"))
        target = site / "content" / "notes" / note.relative_to(content / "notes")
        target.parent.mkdir(parents=True, exist_ok=True)
        front = json.dumps(matter, ensure_ascii=False, indent=1)
        target.write_text(f"{front}\n\n{body}", encoding="utf-8")
        count += 1
    return count


def hugo_command(site: Path, public: Path) -> list[str]:
    """A full build from nothing: no cache, every page written."""
    return [
        HUGO,
        "--source",
        str(site),
        "--destination",
        str(public),
        "--cacheDir",
        str(site / "hugo-cache"),
        "--buildFuture",
        "--ignoreCache",
        "--cleanDestinationDir",
        "--quiet",
    ]


def hugo_note_pages(public: Path) -> int:
    """How many note pages Hugo wrote (/YYYY/MM/slug/index.html)."""
    return sum(1 for _ in public.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
