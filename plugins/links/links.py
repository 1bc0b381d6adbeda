"""Links that never break: old note addresses redirect, withdrawn notes keep
a page, and a build that would drop a published address stops.

register() only connects signals; the ledger is in ledger.py, the planning
and the server redirect files in plan.py.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from plugins.core import contract as c
from plugins.core.clock import build_now
from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.files import relative_path
from plugins.core.messages import _
from plugins.core.settings import namespaced
from plugins.core.urls import canonical_url, site_base
from plugins.hindi_text.dates import to_ist

from . import ledger
from .plan import (
    ManualRedirect,
    Written,
    caddy_redirects,
    imported_redirects,
    netlify_redirects,
    nginx_map,
    nginx_query_map,
    parse_redirects,
    plan_links,
    query_redirects,
    written,
)

logger = logging.getLogger(__name__)

SETTING = "LINKS"
DEFAULTS = {
    "ledger": "registry/published-urls.tsv",
    "redirects": "registry/redirects.tsv",
    # production builds (publishconf.py) record what they publish
    "record": False,
    # `invoke publish` sets the target: the addresses go to a pending file,
    # recorded once the deploy succeeded (ledger.py)
    "pending_target": "",
}
# Redirect lists for web servers, written into the output root.
NGINX_MAP = "redirects.nginx.map"
# old addresses with a query (WordPress /?p=123): matched on "$uri?$args"
NGINX_QUERY_MAP = "redirects.query.nginx.map"
CADDY_REDIRECTS = "redirects.caddy"
STATIC_HOST_REDIRECTS = "_redirects"


def plugin_settings(settings: dict) -> dict:
    return namespaced(settings, SETTING, DEFAULTS, "links")


def content_file(settings: dict, rel: str) -> Path:
    return Path(settings["PATH"]) / rel


def note_pages(context: dict) -> list:
    """Notes with a page at their address: listed, hidden and withdrawn."""
    return [*context.get("articles", ()), *context.get("hidden_articles", ())]


def output_files(output: Path, known: Mapping[str, str] | None = None) -> list[str]:
    """Every file the build wrote so far, relative with / (one os.walk: the
    pathlib glob it replaced took about a second at 10,000 notes; like it,
    a link to a folder is neither listed nor entered); a path in `known`
    is its string there (a note page's: the note's own save_as).
    """
    known = known or {}
    found = []
    for folder, _folders, files in os.walk(output):
        where = relative_path(folder, output).replace(os.sep, "/")
        prefix = "" if where == "." else where + "/"
        found += [known.get(path, path) for path in [prefix + name for name in files]]
    return found


def notes_own_paths(notes) -> dict[str, str]:
    """The notes' pages and folders in the output, each its note's own string
    (save_as, url: the records hold those, not copies).
    """
    return {path: path for n in notes for path in (n.save_as, n.url) if path}


@dataclass(frozen=True)
class LinkNote:
    """A note with a page (listed, hidden or withdrawn) as the redirects
    and the ledger need it.
    """

    note_file: str  # its path under content/ ("" if Pelican gave none)
    url: str  # site-relative
    old_url: str = ""  # an address it had before (WordPress import)
    day: str = ""  # its date's day in IST, YYYY-MM-DD (the ledger's)


@dataclass(frozen=True)
class LinkRecords:
    """Every note with a page and the first days the ledger gave them; once
    the build's output is complete, what it wrote before the redirects (the
    files their plan was made with) and the redirects planned.
    """

    notes: tuple[LinkNote, ...]
    written: Written | None = None
    # note file -> its first day as the ledger read by the build has it
    # (notes with a page the ledger names)
    first_days: dict[str, str] = field(default_factory=dict)
    # old path -> absolute URL of the new page (LinkFiles.redirects)
    redirects: dict[str, str] | None = None


def first_days_of(notes, first_days: dict[str, str]) -> dict[str, str]:
    """The ledger's first days of these notes' files (those it names)."""
    files = {n.note_file for n in notes}
    return {f: day for f, day in first_days.items() if f in files}


def feed_days(records: LinkRecords) -> dict[str, str]:
    """Each note's day in its feed id (plugins/feeds/ids.py): the first day
    the ledger gave it, else its date's.
    """
    return {
        n.note_file: records.first_days.get(n.note_file, n.day)
        for n in records.notes
        if n.note_file
    }


def link_note(note) -> LinkNote:
    return LinkNote(
        note_file=getattr(note, "note_file", None) or "",
        url=note.url,
        old_url=getattr(note, "old_url", "") or "",
        # one string a day, not one a note (the records live to the build's end)
        day=sys.intern(to_ist(note.date).date().isoformat()),
    )


def first_day(note, first_days: dict[str, str]) -> date | None:
    """The day the ledger recorded the note's file first published, if any."""
    day = first_days.get(getattr(note, "note_file", ""))
    return date.fromisoformat(day) if day else None


@dataclass(frozen=True)
class LinkFiles:
    """What the links plugin writes: a redirect page per old address (with
    the theme's `redirect` template, to the absolute URL), and the web
    servers' redirect lists ({file name in the output root: text}).
    """

    redirects: dict[str, str]  # old path -> absolute URL of the new page
    files: dict[str, str]


def refused_warning(note_file: str, old_url: str) -> str:
    return _(
        "links: %(note)s: old_url %(url)s cannot be redirected (an "
        "address of folders of letters, digits and ._~+- is needed, "
        "or a query like ?p=123); shared links to it will not lead "
        "to the note",
        note=note_file or "?",
        url=old_url,
    )


def link_files(
    records: LinkRecords,
    settings: dict,
    built: Written,
    recorded: ledger.Ledger,
    manual: list[ManualRedirect],
    problems: list[Problem] | None = None,
) -> LinkFiles:
    """The redirects of every old address, from the notes' records, what
    the build wrote (`built`: every output file), the ledger and the manual
    redirects; stops with every problem (those of redirects.tsv first) if
    one would break. Logs a warning per old_url that cannot be redirected.
    """
    conf = plugin_settings(settings)
    notes = records.notes
    old_urls = {n.old_url: n for n in notes if n.old_url}
    imported, refused = imported_redirects({u: n.url for u, n in old_urls.items()})
    for old_url in refused:
        logger.warning("%s", refused_warning(old_urls[old_url].note_file, old_url))
    plan = plan_links(
        recorded.records,
        manual,
        {n.note_file: n.url for n in notes if n.note_file},
        built,
        content_file(settings, conf["ledger"]),
        content_file(settings, conf["redirects"]),
        imported,
    )
    if problems or plan.problems:
        raise ContentError([*(problems or []), *plan.problems])
    queries = query_redirects({u: n.url for u, n in old_urls.items()})
    base = site_base(settings)
    redirects = plan.redirects
    return LinkFiles(
        redirects={
            old: canonical_url(base, new) for old, new in sorted(redirects.items())
        },
        files={
            NGINX_MAP: nginx_map(redirects),
            NGINX_QUERY_MAP: nginx_query_map(queries),
            CADDY_REDIRECTS: caddy_redirects(redirects, queries),
            STATIC_HOST_REDIRECTS: netlify_redirects(redirects),
        },
    )


@dataclass(frozen=True)
class LinkInputs:
    """What the redirects are planned with besides the notes and the output:
    the ledger of published addresses and the redirects written by hand
    (with the problems of their lines).
    """

    recorded: ledger.Ledger
    manual: list[ManualRedirect]
    problems: list[Problem]


def link_inputs(settings: dict) -> LinkInputs:
    """The ledger and content/registry/redirects.tsv (if there), read."""
    conf = plugin_settings(settings)
    redirects_path = content_file(settings, conf["redirects"])
    manual: list[ManualRedirect] = []
    problems: list[Problem] = []
    if redirects_path.is_file():
        manual, problems = parse_redirects(
            redirects_path.read_text(encoding="utf-8"), redirects_path
        )
    return LinkInputs(
        ledger.read(content_file(settings, conf["ledger"])), manual, problems
    )


def ledger_rows(records: LinkRecords, now: str) -> list[tuple[str, str, str, str]]:
    """The ledger's rows for the notes' addresses, by address."""
    rows = [(now, n.url, n.note_file, n.day) for n in records.notes if n.note_file]
    return sorted(rows, key=lambda r: r[1])


# Builds whose redirects are planned when the output is complete, by
# output folder (each build writes into a staging folder of its own).
WAITING: dict[str, LinksGenerator] = {}


class LinksGenerator(Generator):
    """Plans redirects (or stops the build), writes them, records the ledger.

    The plan needs every address the build writes (search, feeds, tag and
    archive pages, static files…): it is made from the output folder once
    every generator has written it (on `finalized`, before the search index
    and the compressed copies are made), and not from a list of its own.
    """

    def generate_context(self):
        # the problems of redirects.tsv are reported with the plan's, all in
        # one message
        self.inputs = link_inputs(self.settings)
        first_days = self.inputs.recorded.first_days()
        notes = note_pages(self.context)
        for note in notes:
            setattr(note, c.FIRST_DAY, first_day(note, first_days))
        linked = tuple(map(link_note, notes))
        self.context[c.LINK_RECORDS] = LinkRecords(
            linked, first_days=first_days_of(linked, first_days)
        )

    def generate_output(self, writer):
        self.writer = writer
        WAITING[str(Path(self.output_path).resolve())] = self

    def finish(self) -> None:
        """Plan with the complete output; write redirects; record the ledger."""
        output = Path(self.output_path)
        known = notes_own_paths(note_pages(self.context))
        built = written(output_files(output, known), known=known)
        del known
        records = replace(self.context[c.LINK_RECORDS], written=built)
        made = link_files(
            records,
            self.settings,
            built,
            self.inputs.recorded,
            self.inputs.manual,
            self.inputs.problems,
        )
        records = replace(records, redirects=made.redirects)
        self.context[c.LINK_RECORDS] = records
        template = self.get_template("redirect")
        for old, target in made.redirects.items():
            self.writer.write_file(
                f"{old}index.html",
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=old,
                target_url=target,
            )
        for name, text in made.files.items():
            (output / name).write_text(text, encoding="utf-8")
        record_addresses(self.settings, records)


def record_addresses(settings: dict, records: LinkRecords) -> None:
    """Record the notes' addresses as the LINKS setting asks: appended to
    the ledger (a production build), or written to the pending file of a
    publish (`pending_target`), or not at all (development).
    """
    conf = plugin_settings(settings)
    if not (conf["record"] or conf["pending_target"]):
        return
    now = build_now(settings).replace(microsecond=0).isoformat()
    rows = ledger_rows(records, now)
    path = content_file(settings, conf["ledger"])
    if conf["pending_target"]:
        ledger.write_pending(path, conf["pending_target"], rows)
        logger.info("links: %d note addresses pending the publish", len(rows))
        return
    added = ledger.record(path, rows)
    logger.info(
        "%s",
        _(
            "links: %(num)s new note addresses recorded in %(ledger)s as "
            "published: a production build (invoke build --production) "
            "records at once, as if its output went online. To put the "
            "site online use invoke publish, which records only what went "
            "live.",
            num=added,
            ledger=display_path(path),
        ),
    )


def on_finalized(pelican) -> None:
    generator = WAITING.pop(str(Path(pelican.output_path).resolve()), None)
    if generator is not None:
        generator.finish()


def get_generators(pelican):
    return LinksGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)
    # builds run one at a time: a generator still waiting is a failed build's
    WAITING.clear()


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(on_finalized)
