"""The list pages new notes change, planned from the site index.

plugins/listings plans every station, category, tag and archive page and
the directories (`plan_pages`) from the notes, newest first: the full build
from Pelican's notes, the fast path from the index entries with the new
notes in front (they are newer than every note: the FAST CASE). The same
function, over entries that name each station, category and tag as the
records do (plugins/core/records.py), gives the same pages with the same
notes on each.

A page changes when what its template reads of its variables changes. The
templates read some variables only through attributes (a station page's
`listing` through its name, URL and description, not its notes: a numbered
page keeps its notes when new notes arrive, stable pagination); `reads`
says which (page reuse's analysis of the theme's templates,
plugins/page_reuse/reuse.py `variable_reads`), and None means the whole
value, every note in it by its file. A page compared so and found the same
is the same page: its template, the site and its notes' cards are the same
in the FAST CASE. The home page is made by Pelican's own template and
always changes with a new note.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from plugins.core import contract
from plugins.listings.listings import plan_pages, plugin_settings
from plugins.listings.pages import NoteGroups, PageToWrite, lead_story, period_urls

from . import fast_notes
from .site_index import FAST_CODE, NoteEntry

# (template, page variable) -> the attributes the template reads on it, or
# None if it uses it whole
Reads = Callable[[str, str], frozenset[str] | None]


def with_new(notes: tuple[NoteEntry, ...], new: Iterable[NoteEntry]) -> tuple:
    """Every published note, newest first, the new ones (all newer) in front."""
    return (*sorted(new, key=lambda n: n.date, reverse=True), *notes)


def planned(
    settings: dict,
    registry,
    notes,
    only: frozenset[str] | None = None,
    grouped: NoteGroups | None = None,
) -> dict[str, PageToWrite]:
    """plugins/listings' pages for these notes, by the file each is saved as
    (`only`: the pages of these lists alone, and the directories; `grouped`:
    the notes' groups, if made already).
    """
    pages = plan_pages(settings, registry, notes, only, grouped)
    return {page.save_as: page for page in pages}


def lists_of(settings: dict, notes: Iterable[NoteEntry]) -> frozenset[str]:
    """The URLs of the lists these notes are on: their station, category,
    tags, month and year. Only these lists' pages can change when the
    notes come, go or change (and the directories and archives page, which
    count every list): the other lists hold the same notes.
    """
    found: set[str] = set()
    for n in notes:
        found |= {n.thana.url, n.category.url, *(t.url for t in n.tags)}
        found |= set(
            period_urls(
                n.date, settings["YEAR_ARCHIVE_URL"], settings["MONTH_ARCHIVE_URL"]
            )
        )
    return frozenset(found)


def unplanned(
    only: frozenset[str],
    before: Mapping[str, PageToWrite],
    after: Mapping[str, PageToWrite],
) -> str:
    """Why the plans restricted to the lists `only` do not hold a page of
    each of them, or "" (a list named otherwise than the plan names it
    would leave its pages unplanned: the full build runs).
    """
    urls = {p.url for p in before.values()} | {p.url for p in after.values()}
    if missing := sorted(only - urls):
        return f"the list {missing[0]} is not among the planned pages"
    return ""


def shape(value: Any, attrs: frozenset[str] | None = None) -> Any:
    """What a template can print of `value`: a note as its file, a dataclass
    as the attributes read on it (all of them when `attrs` is None),
    collections item by item.
    """
    if isinstance(value, NoteEntry):
        return ("note", value.path)
    if is_record(value):
        return (
            type(value).__name__,
            tuple(
                (n, shape(getattr(value, n, None))) for n in record_names(value, attrs)
            ),
        )
    if isinstance(value, (list, tuple)):
        return tuple(shape(v) for v in value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), shape(v)) for k, v in value.items()))
    return value


def same_shape(a: Any, b: Any, attrs: frozenset[str] | None = None) -> bool:
    """shape(a, attrs) == shape(b, attrs), compared as the shapes are
    walked, to the first difference: the archives page's years hold every
    note, and a new note changes them at once (both shapes made whole took
    two thirds of the comparison of the pages at 50,000 notes). Values of
    two kinds, or mappings whose keys print alike, are shaped whole.
    """
    if isinstance(a, NoteEntry) and isinstance(b, NoteEntry):
        return a.path == b.path
    if (
        is_record(a)
        and is_record(b)
        and not isinstance(a, NoteEntry)
        and not isinstance(b, NoteEntry)
    ):
        names = record_names(a, attrs)
        return (
            type(a).__name__ == type(b).__name__
            and names == record_names(b, attrs)
            and all(same_shape(getattr(a, n, None), getattr(b, n, None)) for n in names)
        )
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(map(same_shape, a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys_a, keys_b = sorted(map(str, a)), sorted(map(str, b))
        if len(set(keys_a)) == len(a) and len(set(keys_b)) == len(b):
            by_a = {str(k): v for k, v in a.items()}
            by_b = {str(k): v for k, v in b.items()}
            return keys_a == keys_b and all(
                same_shape(by_a[k], by_b[k]) for k in keys_a
            )
    if not any(
        isinstance(v, (NoteEntry, list, tuple, Mapping)) or is_record(v) for v in (a, b)
    ):
        return a == b
    return shape(a, attrs) == shape(b, attrs)


def is_record(value: Any) -> bool:
    """A dataclass instance (not a class)."""
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def record_names(value: Any, attrs: frozenset[str] | None) -> list[str]:
    """The attributes `shape` takes of a dataclass instance."""
    if attrs is not None:
        return sorted(attrs)
    return [f.name for f in dataclasses.fields(value)]


def page_shape(page: PageToWrite, reads: Reads) -> tuple:
    return (
        page.template,
        page.url,
        tuple(
            (var, shape(value, reads(page.template, var)))
            for var, value in sorted(page.variables.items())
        ),
    )


def shown_notes(page: PageToWrite, reads: Reads) -> set[str]:
    """The notes (by file) a page can print (what its template reads of its
    variables): those whose cards rendering it may need.
    """
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, tuple):
            if len(value) == 2 and value[0] == "note" and isinstance(value[1], str):
                found.add(value[1])
            else:
                for v in value:
                    walk(v)

    walk(page_shape(page, reads))
    return found


def changed_pages(
    before: Mapping[str, PageToWrite],
    after: Mapping[str, PageToWrite],
    reads: Reads,
    shrink: bool = False,
) -> list[str] | str:
    """The pages of `after` that are new or print something else than in
    `before` (by the file each is saved as), or why the fast path cannot
    tell (a page gone: new notes never remove one; `shrink`: an edit may,
    and its caller removes them).
    """
    if (gone := sorted(set(before) - set(after))) and not shrink:
        return f"the list page {gone[0]} would be removed"
    # an equal page (the same template, address and variables: both plans
    # hold the index's own entries, compared by identity first) is the same
    # page; only the others are compared by what their templates print (at
    # 50,000 notes the shapes of every page took 2 s)
    return [
        name
        for name, page in after.items()
        if name not in before or not same_page(before[name], page, reads)
    ]


def same_page(old: PageToWrite, new: PageToWrite, reads: Reads) -> bool:
    """Whether two plans of a page print the same (page_shape), compared
    variable by variable: an equal variable (the index's own entries,
    compared by identity first) prints the same, the others are compared
    by what the template reads of them (a numbered page's list has new
    notes, but the page prints its name and address alone).
    """
    if (old.template, old.url) != (new.template, new.url):
        return False
    if old.variables.keys() != new.variables.keys():
        return False
    return all(
        value is new.variables[var]
        or value == new.variables[var]
        or same_shape(value, new.variables[var], reads(old.template, var))
        for var, value in old.variables.items()
    )


# In the site's cache folder: the answers of TemplateReads, from one fast
# build to the next (filed under everything they are made from: analysis.py)
LISTS_ANALYSES = "templates-lists"


class TemplateReads:
    """`Reads` from the theme's templates in `env` (page reuse's analysis,
    kept_page_variable_reads), each template parsed once; the answers are kept
    in the site's cache folder (save) and taken from there while the code,
    theme and settings they were made from stay the same.
    """

    def __init__(self, env, settings: dict):
        from plugins.core.code import tree_digest
        from plugins.page_reuse.analysis import TemplateAnalyses
        from plugins.page_reuse.reuse import Parsed, theme_roots

        self.env = env
        self.roots = theme_roots(settings)
        # taken before any template is read (see PageReuse.save)
        self.theme = tree_digest(self.roots)
        folder = Path(settings["CACHE_PATH"]) / LISTS_ANALYSES
        # the environment is the fast path's own (theme_env): its code too
        made_from = f"{self.theme} {FAST_CODE}"
        self.analyses = TemplateAnalyses(folder, made_from, settings)
        self.parsed = Parsed()
        self.found: dict[tuple[str, str], frozenset[str] | None] = {}

    def __call__(self, template: str, var: str) -> frozenset[str] | None:
        from plugins.page_reuse.reuse import kept_page_variable_reads

        if (template, var) not in self.found:
            self.found[template, var] = kept_page_variable_reads(
                self.analyses, self.env, template, var, self.parsed
            )
        return self.found[template, var]

    def save(self) -> None:
        """Keep the answers, unless the theme changed since they were made
        or a template read is not as it was read (sources_unchanged).
        """
        from plugins.core.code import tree_digest
        from plugins.page_reuse.reuse import sources_unchanged

        if tree_digest(self.roots) == self.theme and sources_unchanged(self.parsed):
            self.analyses.save()


def theme_env(settings: dict):
    """The Jinja environment Pelican makes for this site's generators, with
    the plugins' filters and translations installed (their generator_init),
    without reading any note.
    """
    from pelican import Pelican
    from pelican.generators import Generator

    # with a cache folder of its own: the plugins' start (page reuse reads
    # its record of every page of the live site, 1.5 s at 50,000 notes)
    # reads nothing of the live site's caches; the environment needs none
    with tempfile.TemporaryDirectory(prefix="theme-env-") as scratch:
        reuse = {
            **(settings.get("PAGE_REUSE") or {}),
            "compiled": fast_notes.compiled_folder(settings),
        }
        settings = {**settings, "CACHE_PATH": scratch, "PAGE_REUSE": reuse}
        Pelican(settings)  # loads and initializes the plugins
        generator = Generator(
            context=dict(settings),
            settings=settings,
            path=settings["PATH"],
            theme=settings["THEME"],
            output_path=settings["OUTPUT_PATH"],
        )
        return generator.env


class NotInIndex(LookupError):
    """A page reads of a note what the site index does not keep (its one
    argument says what): the fast path stops, the full build reads the note.
    """


class MissingCard(NotInIndex):
    """A page prints the card of a note the index keeps no card of."""


@dataclasses.dataclass(frozen=True, eq=False)
class Shown:
    """A note as a list page shows it: its entry, and its card if kept (a
    page that prints a card not kept raises MissingCard while rendering).
    """

    entry: NoteEntry
    cards: Mapping[str, str]

    @property
    def card_html(self) -> str:
        try:
            return self.cards[self.entry.path]
        except KeyError:
            why = f"the card of {self.entry.path} is not in the site index"
            raise MissingCard(why) from None

    def __getattr__(self, name: str):
        """The entry's value; a value it does not keep (the note's text...)
        is not left for the template to print as empty: NotInIndex (Python's
        own names, `__html__`..., are looked for and missed as usual).
        """
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(self.entry, name)
        except AttributeError:
            why = (
                f"a page prints the {name} of {self.entry.path}, not in the site index"
            )
            raise NotInIndex(why) from None


class ShownItems(Sequence):
    """A list or tuple of a page's variables whose notes give their cards,
    each item made so when a template reads it (once: the same object each
    time). A list page's variables hold every note of its list (the station,
    its numbered pages, the archive's months): made all at once, they took
    1.5 s of a fast build under the profiler at 50,000 notes.
    """

    def __init__(self, items: Sequence, cards: Mapping[str, str]):
        self._items = items
        self._cards = cards
        self._made: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return ShownItems(self._items[i], self._cards)
        i = range(len(self._items))[i]  # a negative index, or IndexError
        if i not in self._made:
            self._made[i] = shown(self._items[i], self._cards)
        return self._made[i]

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self._items)))


def shown(value: Any, cards: Mapping[str, str]) -> Any:
    """`value` with each note in it able to give its card (in a list or
    tuple when read: ShownItems).
    """
    if isinstance(value, NoteEntry):
        return Shown(value, cards)
    if isinstance(value, (list, tuple)):
        return ShownItems(value, cards)
    if is_record(value):
        return dataclasses.replace(
            value,
            **{
                f.name: shown(getattr(value, f.name), cards)
                for f in dataclasses.fields(value)
                if f.init
            },
        )
    return value


def render_file(
    save_as: str, template: str, context: dict, env, settings: dict, **variables
) -> bytes:
    """One page rendered as a generator renders it: the theme's template,
    Pelican's writer, the build's context and the page's variables.
    """
    from pelican.writers import Writer

    with tempfile.TemporaryDirectory() as scratch:
        Writer(scratch, settings).write_file(
            save_as,
            env.get_template(template),
            context,
            relative_urls=settings["RELATIVE_URLS"],
            **variables,
        )
        return (Path(scratch) / save_as).read_bytes()


class MissedCards(dict):
    """Cards by note file that, asked for a card they lack, note the file
    and give "" (a page rendered with them is thrown away if any was
    missed: `missed` names the notes whose cards it needs).
    """

    def __init__(self, cards: Mapping[str, str]):
        super().__init__(cards)
        self.missed: set[str] = set()

    def __missing__(self, path: str) -> str:
        self.missed.add(path)
        return ""


def missed_cards(
    pages: list[PageToWrite],
    cards: Mapping[str, str],
    context: dict,
    env,
    settings: dict,
) -> tuple[dict[str, bytes], set[str]] | str:
    """The pages rendered as render_pages renders them, and the notes whose
    cards are not in `cards` (when there are any, the pages are not those a
    full build writes); or why not (a page reads of a note what the index
    does not keep: NotInIndex).
    """
    found = MissedCards(cards)
    made = render_pages(pages, found, context, env, settings)
    if isinstance(made, str):
        return made
    return made, found.missed


def render_pages(
    pages: list[PageToWrite],
    cards: Mapping[str, str],
    context: dict,
    env,
    settings: dict,
) -> dict[str, bytes] | str:
    """The bytes of each page, rendered as plugins/listings renders it, each
    note in it given its card, or why not.
    """
    made = {}
    for page in pages:
        variables = {k: shown(v, cards) for k, v in page.variables.items()}
        try:
            made[page.save_as] = render_file(
                page.save_as,
                page.template,
                context,
                env,
                settings,
                url=page.url,
                **variables,
            )
        except NotInIndex as e:
            return e.args[0]
    return made


def home_page(
    notes: tuple[NoteEntry, ...],
    made: Mapping[str, Any],
    cards: Mapping[str, str],
    context: dict,
    env,
    settings: dict,
) -> bytes | str:
    """The home page for these notes (newest first), rendered as Pelican
    renders it (its `index` direct template, with the home page's notes
    plugins/listings chooses), or why not. `made`: the new notes as the
    build of the new notes alone made them, by file. The lead story is
    printed from the whole note (its photo, summary...): it must be a new
    note.
    """
    conf = plugin_settings(settings)
    latest = notes[: conf["home_notes"]]
    lead, rest = lead_story(latest, conf["lead_within"])
    if lead is None or lead.path not in made:
        return "the home page's lead story is an older note"
    other = [made.get(n.path) or Shown(n, cards) for n in rest]
    # Pelican's every note (the template's `articles`, `dates`): the new
    # ones as built, the others read from the index as list pages read them
    every = ShownItems([made.get(n.path) or n for n in notes], cards)
    home = {
        **context,
        contract.LEAD_NOTE: made[lead.path],
        contract.OTHER_NOTES: other,
        contract.LATEST_NOTES: [made[lead.path], *other],
    }
    try:
        return render_file(
            settings.get("INDEX_SAVE_AS", "index.html"),
            "index.html",
            home,
            env,
            settings,
            articles=every,
            dates=every,
            blog=True,
            template_name="index",
            page_name="index",
            url=settings.get("INDEX_URL", "index.html"),
        )
    except NotInIndex as e:
        return e.args[0]
