"""Reuse note and list pages that would come out byte for byte as in the
last build.

A note page is a function of the theme and plugin code, the library
versions, the settings, a few site-wide values (the pages in the menu, the
WhatsApp join page) and the fields of the note that its templates print.
Each build records, per note page, a key of all of those and the size and
modification time of the file it wrote. The next build hard-links the
published file into the staging folder instead of rendering it again when
the key is the same and the file was not touched since.

Anything this module cannot describe the same way in every process (an
unknown object among the printed fields or the settings) makes the key
unusable, and the page is rendered: a wrong guess costs time, never a stale
page. Before reusing, the note template and all it extends, includes and
imports are read; a value they read that the key does not hold turns reuse
off for the build, with a warning. Filters and globals the templates call
must depend only on their arguments and the settings (the plugins' do).

List pages (station, category, tag and archive pages and their directories,
LIST_TEMPLATES) are keyed the same way on the site key, and on their page
variables with each note in them described by its metadata, printed fields
and card (note_digest), a variable read only through attributes cut to
those (variable_reads), every context name their templates read, whole, and
their feed links. Their templates are read first as well: a note attribute
outside the key, or a read of FEED_INDEX other than `.listings` and
`.for_page(output_file)`, turns reuse off for that template.
A file a plugin renders itself (the feeds, plugins/feeds) is keyed on the
site key and the inputs the plugin names for it (file_key), its notes
described as on list pages, and linked the same way.
tests/test_reuse.py rebuilds after each kind of edit and compares every file
with a clean build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import os
import struct
import sys
from pathlib import Path
from typing import Any, BinaryIO

from jinja2 import TemplateError, TemplateNotFound, meta, nodes
from pelican.contents import Content
from pelican.utils import sanitised_join
from pelican.writers import Writer

from plugins.core import contract
from plugins.core.code import LOADED, changed_since_loaded, tree_digest
from plugins.core.describe import Unstable, stable
from plugins.core.files import write_streamed
from plugins.press_notes.validate import KNOWN

from .analysis import TemplateAnalyses

logger = logging.getLogger(__name__)

MANIFEST_FOLDER = "page-reuse"  # in CACHE_PATH, one record per output folder
PACKAGES = ("pelican", "jinja2", "markupsafe", "babel")
# Settings no note page reads: the share run `invoke share` asks for (read by
# plugins/whatsapp for the share page and the ledger only), and the folders a
# build writes into and reads its caches from (a staging folder per build).
NOT_PRINTED_SETTINGS = frozenset(
    {
        "WHATSAPP_RUN",
        "OUTPUT_PATH",
        "CACHE_PATH",
        "PAGE_REUSE",
        # Pelican's reader cache: off while notes come from the note snapshot
        "LOAD_CONTENT_CACHE",
        "CACHE_CONTENT",
    }
)

# A note's key holds all its metadata (the front matter fields, KNOWN in
# plugins/press_notes/validate.py, as read and enriched: the station with its
# name, slug and URL...) and the fields Pelican and the plugins set that note
# templates print, as plugins/core/contract.py declares them.
NOTE_FIELDS = contract.PRINTED_NOTE_FIELDS
# Printed fields made from the ones above and site-wide values only.
DERIVED_FIELDS = contract.DERIVED_NOTE_FIELDS
# Site-wide names the note templates read from the context (besides the
# settings, which are all in the key). FEED_INDEX is read per page below.
SITE_NAMES = contract.PRINTED_SITE_NAMES
# Keyword arguments Pelican passes when it writes a note page; with
# output_file, the page's own names in the template context.
NOTE_PAGE_ARGS = frozenset({"article", "category", "blog"})
PAGE_NAMES = NOTE_PAGE_ARGS | {"output_file", "localsiteurl", contract.FEED_INDEX}
# What a template may read on the note (named `article`, or `note` in macros).
READABLE = frozenset(KNOWN) | set(NOTE_FIELDS) | set(DERIVED_FIELDS) | {"metadata"}

# List pages (plugins/listings: station, category, tag, archive pages and
# their directories). Their key holds the page's variables with each note in
# them described by its fields and its card, and every context name the
# templates read, whole, except FEED_INDEX, which they may only read as
# FEED_INDEX.for_page(output_file) and FEED_INDEX.listings (in the key).
LIST_TEMPLATES = contract.LIST_TEMPLATES
LIST_READABLE = READABLE | {contract.CARD_HTML}
FEED_INDEX_READS = frozenset({"listings", "for_page"})


def theme_roots(settings: dict) -> list[Path]:
    roots = [Path(settings["THEME"])]
    roots += [Path(p) for p in settings.get("THEME_TEMPLATES_OVERRIDES", ())]
    return roots


def site_key(settings: dict, context: dict, code_digest: str) -> str:
    """Everything a note page shares with the others, as one hash."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code_digest.encode())
    digest.update(sys.version.encode())
    for package in PACKAGES:
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    printed = {k: v for k, v in settings.items() if k not in NOT_PRINTED_SETTINGS}
    digest.update(stable(printed).encode())
    for name in SITE_NAMES:
        digest.update(f"{name}={stable(context.get(name))}".encode())
    return digest.hexdigest()


def note_fields(article) -> str:
    r"""A digest of the note's metadata and printed fields (NOTE_FIELDS): a
    text field by its own UTF-8, its length first (for a note's HTML a repr
    would be one more pass over it; no description starts with \x01, so a
    text and any other value stay apart), any other value described.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(stable(article.metadata).encode())
    for field in NOTE_FIELDS:
        value = getattr(article, field, None)
        digest.update(b"\0")
        if type(value) is str:
            data = value.encode("utf-8", "surrogatepass")
            digest.update(b"\x01%d:" % len(data))
            digest.update(data)
        else:
            digest.update(stable(value).encode())
    return digest.hexdigest()


def note_key(
    site: str, name: str, template: str, article, extra: str, fields: str = ""
) -> str:
    """The key of one note page: site key, where and how it is written, and
    its fields (note_fields, made here unless given).
    """
    digest = hashlib.blake2b(digest_size=16)
    for part in (site, name, template, extra, fields or note_fields(article)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def note_digest(note, fields: str = "") -> str:
    """A note as a list page may print it: its fields and its card."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update((fields or note_fields(note)).encode())
    digest.update(b"\0")
    digest.update(stable(getattr(note, contract.CARD_HTML, None)).encode())
    return digest.hexdigest()


def describe(value, notes: dict[int, str], fields: dict[int, str] | None = None) -> str:
    """`value` described as stable() does, each note by note_digest (memoised
    in `notes` by id: the notes live as long as the build; `fields` holds the
    notes' note_fields already made for their own pages, each taken out of it
    once the note's digest is made).
    """
    if isinstance(value, Content):
        if id(value) not in notes:
            # the note's fields are needed no more once its digest is made
            made = fields.pop(id(value), "") if fields else ""
            notes[id(value)] = note_digest(value, made)
        return f"note:{notes[id(value)]}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([describe(v, notes, fields) for v in value]) + "]"
    if isinstance(value, dict):
        items = sorted(
            (stable(k), describe(v, notes, fields)) for k, v in value.items()
        )
        return "{" + ",".join([f"{k}:{v}" for k, v in items]) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [
            describe(getattr(value, f.name), notes, fields)
            for f in dataclasses.fields(value)
        ]
        return f"{type(value).__qualname__}(" + ",".join(parts) + ")"
    return stable(value)


NOTE_NAMES = ("article", "note")


def walk(tree):
    """Every node of a template with its parent."""
    stack = [(tree, None)]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        stack += [(child, node) for child in node.iter_child_nodes()]


class Parsed(dict):
    """The trees of one build's templates by name, each parsed once, and
    the source each was parsed from (`sources`, with its environment).
    """

    def __init__(self) -> None:
        super().__init__()
        self.sources: dict[str, tuple[Any, str | None]] = {}


def template_source(env, name: str) -> str | None:
    """Template `name`'s source as `env` loads it (None if it is not there)."""
    try:
        source, _, _ = env.loader.get_source(env, name)
    except TemplateNotFound:
        return None
    return source


def parse(env, name: str, parsed: Parsed | None = None):
    """Template `name` parsed (None if it is not there); `parsed` keeps the
    trees of one build, so each template is parsed once.
    """
    if parsed is not None and name in parsed:
        return parsed[name]
    source = template_source(env, name)
    tree = None if source is None else env.parse(source)
    if parsed is not None:
        parsed[name] = tree
        parsed.sources[name] = (env, source)
    return tree


def sources_unchanged(parsed: Parsed) -> bool:
    """Whether each template parsed still has the source it was parsed
    from: one changed while the build read it, and put back (an editor
    saving in place, a stash and its pop), gave answers of another text.
    """
    return all(
        template_source(env, name) == source
        for name, (env, source) in parsed.sources.items()
    )


def load_templates(
    env, name: str, parsed: Parsed | None = None
) -> tuple[dict, list[str]]:
    """Template `name` and all it extends, includes and imports, parsed.

    Returns {name: tree} and what could not be followed (a template chosen
    at build time, or one that does not parse).
    """
    trees, problems, todo = {}, [], [name]
    while todo:
        current = todo.pop()
        if current in trees:
            continue
        try:
            tree = parse(env, current, parsed)
        except TemplateError as e:
            problems.append(f"{current} ({e.__class__.__name__})")
            continue
        if tree is None:
            continue  # an optional include that is not there reads nothing
        trees[current] = tree
        for ref in meta.find_referenced_templates(tree):
            if ref is None:
                problems.append(f"a template named at build time in {current}")
            else:
                todo.append(ref)
    return trees, problems


def macro_params(trees: dict) -> dict[str, list[str]]:
    """Each macro's parameter names, under its own and its imported names."""
    params = {
        m.name: [a.name for a in m.args]
        for tree in trees.values()
        for m in tree.find_all(nodes.Macro)
    }
    for tree in trees.values():
        for node in tree.find_all(nodes.FromImport):
            for item in node.names:
                if isinstance(item, tuple) and item[0] in params:
                    params[item[1]] = params[item[0]]
    return params


def note_reads(tree, params: dict[str, list[str]]) -> tuple[set[str], set[str]]:
    """Attributes read on the note (`article`, or `note` in macros), and the
    uses of the whole note that cannot be followed (set to another name,
    looped over, filtered, passed to something that is not a macro taking a
    `note` or `article`).
    """
    attrs: set[str] = set()
    whole: set[str] = set()
    for node, parent in walk(tree):
        if not isinstance(node, nodes.Name) or node.name not in NOTE_NAMES:
            continue
        if node.ctx != "load":
            continue
        if isinstance(parent, (nodes.Getattr, nodes.Getitem)) and parent.node is node:
            attr = getattr(parent, "attr", None)
            if attr is None and isinstance(parent, nodes.Getitem):
                arg = parent.arg
                attr = arg.value if isinstance(arg, nodes.Const) else "[?]"
            attrs.add(str(attr))
        elif isinstance(parent, (nodes.If, nodes.CondExpr)) and parent.test is node:
            continue  # only whether it is there
        elif isinstance(parent, nodes.Call) and isinstance(parent.node, nodes.Name):
            callee = parent.node.name
            at = next((i for i, a in enumerate(parent.args) if a is node), None)
            taken = params.get(callee, [])
            if at is None or at >= len(taken) or taken[at] not in NOTE_NAMES:
                whole.add(f"{node.name} passed to {callee}()")
        else:
            whole.add(f"{node.name} used whole ({type(parent).__name__})")
    return attrs, whole


def template_reads(
    env, name: str, parsed: Parsed | None = None
) -> tuple[set[str], set[str], set[str]]:
    """What template `name` (and all it extends, includes, imports) reads.

    Returns the attributes read on the note, the names read from the
    context, and what could not be followed (see note_reads, load_templates).
    """
    trees, problems = load_templates(env, name, parsed)
    params = macro_params(trees)
    attrs: set[str] = set()
    names: set[str] = set()
    defined: set[str] = set()
    unknown: set[str] = set(problems)
    for tree in trees.values():
        names |= meta.find_undeclared_variables(tree)
        defined |= template_defines(tree)
        read, whole = note_reads(tree, params)
        attrs |= read
        unknown |= whole
    return attrs, names - defined, unknown


def template_defines(tree) -> set[str]:
    """Names a template makes itself: macros, imports, top-level sets."""
    defined = {m.name for m in tree.find_all(nodes.Macro)}
    for node in tree.find_all(nodes.FromImport):
        defined |= {n if isinstance(n, str) else n[1] for n in node.names}
    defined |= {n.target for n in tree.find_all(nodes.Import)}
    for node in tree.find_all(nodes.Assign):
        defined |= {n.name for n in node.target.find_all(nodes.Name)}
        if isinstance(node.target, nodes.Name):
            defined.add(node.target.name)
    return defined


def unlisted_reads(
    env, name: str, settings: dict, parsed: Parsed | None = None
) -> list[str]:
    """What template `name` reads that the page key does not hold, as text."""
    attrs, names, unknown = template_reads(env, name, parsed)
    known = set(settings) | set(env.globals) | set(SITE_NAMES) | PAGE_NAMES
    return (
        sorted(f"article.{a}" for a in attrs - READABLE)
        + sorted(names - known)
        + sorted(unknown)
    )


def for_page_calls(tree) -> tuple[int, int]:
    """Calls FEED_INDEX.for_page(output_file), and reads of for_page at all."""
    good = total = 0
    for node, _parent in walk(tree):
        if (
            isinstance(node, nodes.Getattr)
            and node.attr == "for_page"
            and isinstance(node.node, nodes.Name)
        ):
            total += node.node.name == contract.FEED_INDEX
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            callee = node.node
            args = node.args
            if (
                callee.attr == "for_page"
                and isinstance(callee.node, nodes.Name)
                and callee.node.name == contract.FEED_INDEX
                and len(args) == 1
                and not node.kwargs
                and isinstance(args[0], nodes.Name)
                and args[0].name == "output_file"
            ):
                good += 1
    return good, total


def variable_reads(trees: dict, params: dict, var: str) -> frozenset[str] | None:
    """The attributes the templates read on page variable `var`, or None if
    they use it otherwise (whole, looped over, filtered, passed on except to
    a macro parameter of the same name, whose reads are counted here too).
    """
    attrs: set[str] = set()
    for tree in trees.values():
        for node, parent in walk(tree):
            if not isinstance(node, nodes.Name) or node.name != var:
                continue
            if node.ctx == "param":  # a macro's parameter of the same name
                continue
            if node.ctx != "load":
                return None
            if isinstance(parent, nodes.Getattr) and parent.node is node:
                attrs.add(parent.attr)
            elif isinstance(parent, nodes.Call) and isinstance(parent.node, nodes.Name):
                at = next((i for i, a in enumerate(parent.args) if a is node), None)
                taken = params.get(parent.node.name, [])
                if at is None or at >= len(taken) or taken[at] != var:
                    return None
            else:
                return None
    return frozenset(attrs)


def narrowed(variables: dict, reads: dict[str, frozenset[str] | None]) -> dict:
    """Page variables cut to the attributes their template reads on them:
    a dataclass variable read only through attributes keeps only those.
    """
    result = {}
    for var, value in variables.items():
        attrs = reads.get(var)
        if attrs is not None and dataclasses.is_dataclass(value):
            value = {a: getattr(value, a, None) for a in sorted(attrs)}
        result[var] = value
    return result


def page_variable_reads(
    env, name: str, var: str, parsed: Parsed | None = None
) -> list[str] | None:
    """The attributes template `name` (and all it extends, includes,
    imports) reads on page variable `var`, sorted (variable_reads); None if
    it uses the variable otherwise or a template cannot be followed (one
    named at build time, one that does not parse): then all of it counts.
    """
    trees, problems = load_templates(env, name, parsed)
    found = None if problems else variable_reads(trees, macro_params(trees), var)
    return None if found is None else sorted(found)


def kept_page_variable_reads(
    analyses: TemplateAnalyses, env, name: str, var: str, parsed: Parsed
) -> frozenset[str] | None:
    """page_variable_reads, kept in `analyses` from one build to the next."""
    found = analyses.answer(
        env, ("reads", name, var), lambda: page_variable_reads(env, name, var, parsed)
    )
    return None if found is None else frozenset(found)


def list_unlisted_reads(env, name: str, parsed: Parsed | None = None) -> list[str]:
    """What list template `name` reads that a list page's key does not hold.

    The key holds every context name read (whole), so only a note's
    attributes outside its fields and card, whole uses of a note that cannot
    be followed, and reads of FEED_INDEX other than the two allowed are left.
    """
    attrs, _names, unknown = template_reads(env, name, parsed)
    trees, _ = load_templates(env, name, parsed)
    feeds: set[str] = set()
    for tree in trees.values():
        good, total = for_page_calls(tree)
        if good != total:
            feeds.add(f"{contract.FEED_INDEX}.for_page(not output_file)")
        for node, parent in walk(tree):
            if isinstance(node, nodes.Name) and node.name == contract.FEED_INDEX:
                attr = getattr(parent, "attr", None)
                if (
                    not isinstance(parent, nodes.Getattr)
                    or attr not in FEED_INDEX_READS
                ):
                    feeds.add(f"{contract.FEED_INDEX} ({type(parent).__name__})")
    return (
        sorted(f"note.{a}" for a in attrs - LIST_READABLE)
        + sorted(feeds)
        + sorted(unknown)
    )


def make_folder(folder: str) -> None:
    """os.makedirs(folder, exist_ok=True) in one system call when only the
    last folder is missing (each note page has a folder of its own; makedirs
    looks at the parent first, and the page used to be looked for too: two
    system calls more for each of 12,500 pages linked).
    """
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def file_stamp(path: str) -> list[int]:
    st = os.stat(path)
    return [st.st_mtime_ns, st.st_size]


# A page's record as the build keeps it: its key (16 bytes, the 32 hex digits
# of the saved record) and its file's modification time and size.
ENTRY = struct.Struct("<16sqQ")


def packed_entry(key: str, mtime_ns: int, size: int) -> bytes:
    """A page's record in 32 bytes (its record in the JSON file is the list
    [key, mtime_ns, size]: entry_of).
    """
    return ENTRY.pack(bytes.fromhex(key), mtime_ns, size)


def entry_of(packed: bytes) -> list:
    key, mtime_ns, size = ENTRY.unpack(packed)
    return [key.hex(), mtime_ns, size]


def write_manifest(f: BinaryIO, output: str, pages: dict[str, bytes]) -> None:
    """The record of the pages written, the bytes json.dumps would give for
    {"output": output, "pages": {name: entry_of(packed)}}, page by page.
    """
    f.write(b'{"output": %s, "pages": {' % json.dumps(output).encode())
    for n, (name, packed) in enumerate(pages.items()):
        line = f"{', ' if n else ''}{json.dumps(name)}: {json.dumps(entry_of(packed))}"
        f.write(line.encode("utf-8"))
    f.write(b"}}")


class PageReuse:
    """The last build's note pages, and this build's record of them."""

    def __init__(
        self,
        output: Path,
        cache_root: Path,
        settings: dict,
        analyses: Path | None = None,
    ):
        self.output = output
        self.folder = cache_root / MANIFEST_FOLDER
        name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8)
        self.manifest = self.folder / f"{name.hexdigest()}.json"
        self.previous = self._load()
        # Taken before the build loads any template or translation: an edit
        # made while it runs changes the next build's keys.
        self.theme = tree_digest(theme_roots(settings))
        self.settings = settings
        # what the templates read, kept from the last build (analysis.py)
        self.analyses = TemplateAnalyses(analyses or self.folder, self.theme, settings)
        self.written: dict[str, bytes] = {}  # packed_entry of each page
        self.linked: set[str] = set()
        self.site: str | None = None
        self.can_link = True
        self.reused = 0
        self.templates: dict[str, bool] = {}
        # list pages: what their templates read from the context, described
        # once a build, and each note's description
        self.list_reads: dict[str, frozenset[str] | None] = {}
        self.variable_reads: dict[tuple[str, str], frozenset[str] | None] = {}
        self.parsed = Parsed()  # the templates' trees, parsed once
        self.context_parts: dict[str, str] = {}
        self.notes: dict[int, str] = {}
        self.fields: dict[int, str] = {}  # note_fields of each note page keyed
        self.lists_reused = 0
        # described feed links by the ids of the links (kept alive here)
        self.feed_parts: dict[tuple[int, ...], tuple[tuple, str]] = {}
        if changed_since_loaded():
            logger.warning(
                "plugins/ changed since this process started; it builds with the "
                "code it loaded then: restart it (make serve) to use the new code"
            )

    def _load(self) -> dict[str, list]:
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if data.get("output") != str(self.output.resolve()):
            return {}
        pages = data.get("pages")
        return pages if isinstance(pages, dict) else {}

    def template_ok(self, template, settings: dict) -> bool:
        """True if the page key holds everything `template` reads (once a build)."""
        name = template.name
        if name not in self.templates:
            env = template.environment
            unlisted = self.analyses.answer(
                env,
                ("note", name),
                lambda: unlisted_reads(env, name, settings, self.parsed),
            )
            if unlisted:
                logger.warning(
                    "page reuse: off for %s: it reads %s, which "
                    "the page key does not hold; declare it in "
                    "plugins/core/contract.py (HANDED, printed)",
                    name,
                    ", ".join(unlisted),
                )
            self.templates[name] = not unlisted
        return self.templates[name]

    def key(self, name, template, context, settings, article, extra) -> str | None:
        """The page's key, or None when some printed value is not describable."""
        if not self.template_ok(template, settings):
            return None
        try:
            if self.site is None:
                self.site = site_key(settings, context, LOADED + self.theme)
            page_feeds = self.page_feeds(name, context)
            if id(article) not in self.fields:
                self.fields[id(article)] = note_fields(article)
            return note_key(
                self.site,
                name,
                template.name,
                article,
                extra + page_feeds,
                self.fields[id(article)],
            )
        except Unstable as e:
            logger.debug("page reuse: %s: not reusable (%s)", name, e)
            return None

    def page_feeds(self, name: str, context: dict) -> str:
        """The feed links page `name` prints, described (each set of links
        once a build: the links are the feed plan's own objects, alive as
        long as the build, and a note page shares them with its station's).
        """
        feeds = context.get(contract.FEED_INDEX)
        if feeds is None:
            return ""
        links = feeds.for_page(name)
        ids = tuple(map(id, links))
        if ids not in self.feed_parts:
            self.feed_parts[ids] = (links, stable(links))
        return self.feed_parts[ids][1]

    def list_names(self, template) -> frozenset[str] | None:
        """The context names list template reads, or None if its key cannot
        hold all it reads (once a build).
        """
        name = template.name
        if name not in self.list_reads:
            env = template.environment
            unlisted = self.analyses.answer(
                env, ("list", name), lambda: list_unlisted_reads(env, name, self.parsed)
            )
            if unlisted:
                logger.warning(
                    "page reuse: off for %s: it reads %s, which "
                    "the page key does not hold",
                    name,
                    ", ".join(unlisted),
                )
                self.list_reads[name] = None
            else:
                names = self.analyses.answer(
                    env,
                    ("list names", name),
                    lambda: sorted(template_reads(env, name, self.parsed)[1]),
                )
                self.list_reads[name] = frozenset(names or ())
        return self.list_reads[name]

    def read_on(self, template, var: str) -> frozenset[str] | None:
        """Attributes `template` reads on page variable `var` (see
        variable_reads), once a build.
        """
        if (template.name, var) not in self.variable_reads:
            self.variable_reads[template.name, var] = kept_page_variable_reads(
                self.analyses, template.environment, template.name, var, self.parsed
            )
        return self.variable_reads[template.name, var]

    def context_part(self, name: str, context: dict) -> str:
        if name not in self.context_parts:
            value = context.get(name)
            if name == contract.FEED_INDEX and value is not None:
                value = dict(value.listings)  # a read-only mapping
            self.context_parts[name] = describe(value, self.notes, self.fields)
        return self.context_parts[name]

    def list_key(self, name, template, context, settings, variables, extra):
        """A list page's key, or None when its template reads what a key
        cannot hold or some value read is not describable.
        """
        names = self.list_names(template)
        if names is None:
            return None
        try:
            if self.site is None:
                self.site = site_key(settings, context, LOADED + self.theme)
            digest = hashlib.blake2b(digest_size=16)
            for part in (self.site, name, template.name, extra):
                digest.update(part.encode())
                digest.update(b"\0")
            reads = {var: self.read_on(template, var) for var in variables}
            digest.update(
                describe(narrowed(variables, reads), self.notes, self.fields).encode()
            )
            for read in sorted(names - PAGE_NAMES - set(variables)):
                digest.update(f"\0{read}=".encode())
                digest.update(self.context_part(read, context).encode())
            digest.update(self.page_feeds(name, context).encode())
            # every listing's feed links, if the page may print any
            if context.get(contract.FEED_INDEX) is not None and "listings" in (
                self.read_on(template, contract.FEED_INDEX) or ()
            ):
                digest.update(self.context_part(contract.FEED_INDEX, context).encode())
            return digest.hexdigest()
        except Unstable as e:
            logger.debug("page reuse: %s: not reusable (%s)", name, e)
            return None

    def file_key(self, name: str, inputs) -> str | None:
        """The key of a file a plugin renders itself (a feed): the site key
        and `inputs`, everything the file is made from besides the code,
        described (a note as a list page describes it: note_digest). None
        before any page has made the site key, or if not describable.
        """
        if self.site is None:
            return None
        try:
            described = describe(inputs, self.notes, self.fields)
        except Unstable as e:
            logger.debug("page reuse: %s: not reusable (%s)", name, e)
            return None
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.site, name, described):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def link_previous(self, name: str, key: str, path: str, note: bool) -> bool:
        """Hard-link the published page to `path` if it was made with `key`."""
        entry = self.previous.get(name)
        if not self.can_link or not entry or entry[0] != key:
            return False
        published = sanitised_join(str(self.output), name)
        try:
            if file_stamp(published) != entry[1:]:
                return False
            make_folder(os.path.dirname(path))
            os.link(published, path)
        except (FileNotFoundError, FileExistsError):
            return False  # the published file is gone, or this one is written
        except OSError as e:  # a file system without hard links
            logger.info("page reuse: off for this build (%s)", e)
            self.can_link = False
            return False
        self.linked.add(path)
        self.written[name] = packed_entry(*entry)
        if note:
            self.reused += 1
        else:
            self.lists_reused += 1
        return True

    def record(self, name: str, key: str, path: str) -> None:
        self.written[name] = packed_entry(key, *file_stamp(path))

    def save(self) -> None:
        """Save this build's record atomically, once every page is written.

        The record names the published folder's files by size and
        modification time: until the build's output is swapped in (and if it
        never is), the published files differ and nothing is linked from it.

        Nothing is saved if the theme changed while the build ran: some pages
        may have been made with the old templates, some with the new. Records
        of output folders that are gone (`invoke share --dry-run` builds into
        a temporary one) are removed.
        """
        if tree_digest(theme_roots(self.settings)) != self.theme:
            logger.warning(
                "page reuse: the theme changed during the build; the next build "
                "renders every note page"
            )
            return
        output = str(self.output.resolve())

        def write(f: BinaryIO) -> Path:
            write_manifest(f, output, self.written)
            return self.manifest

        write_streamed(self.folder, self.manifest.name, write)
        if sources_unchanged(self.parsed):
            self.analyses.save()
        for other in self.folder.glob("*.json"):
            if other != self.manifest and not recorded_output_exists(other):
                other.unlink(missing_ok=True)


def recorded_output_exists(manifest: Path) -> bool:
    try:
        output = json.loads(manifest.read_text(encoding="utf-8")).get("output")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(output, str) and Path(output).is_dir()


class ReusingWriter(Writer):
    """Pelican's writer, linking unchanged note pages from the last build."""

    reuse: PageReuse

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        key = path = None
        is_note = set(kwargs) == NOTE_PAGE_ARGS
        is_list = template.name in LIST_TEMPLATES
        if name and paginated is None and (is_note or is_list):
            extra = stable([relative_urls, override_output, url, template_name])
            if is_note:
                key = self.reuse.key(
                    name, template, context, self.settings, kwargs["article"], extra
                )
            else:
                key = self.reuse.list_key(
                    name, template, context, self.settings, kwargs, extra
                )
            path = sanitised_join(self.output_path, name)
            if key and self.reuse.link_previous(name, key, path, is_note):
                # Pelican's record of written files (a private attribute, pinned
                # by tests/test_page_reuse_pins.py): a later write to this path
                # must go through _open_w below.
                self._written_files.add(path)
                return
        super().write_file(
            name,
            template,
            context,
            relative_urls=relative_urls,
            paginated=paginated,
            template_name=template_name,
            override_output=override_output,
            url=url,
            **kwargs,
        )
        if key and path:
            self.reuse.record(name, key, path)

    def page_state(self, name, note=None):
        """What writing page `name` (of `note`) recorded here (a worker process
        that wrote it sends this back: plugins/core/note_pages.py and
        page_workers.py), with the note's digest (note_digest) if its key
        made the note's fields: the build's list page keys, and the list
        pages' workers forked after, describe the note with it instead of
        each making it again.
        """
        path = sanitised_join(self.output_path, name)
        reuse = self.reuse
        digest = None
        if note is not None and id(note) in reuse.fields:
            describe(note, reuse.notes, reuse.fields)
            digest = reuse.notes[id(note)]
        return reuse.written.get(name), path in reuse.linked, digest

    def take_page_state(self, name, state, note=None) -> None:
        """Record what a worker process's writing of page `name` (of `note`)
        recorded.
        """
        entry, linked, *digest = state
        if entry is not None:
            self.reuse.written[name] = entry
        if note is not None and digest and digest[0]:
            self.reuse.notes.setdefault(id(note), digest[0])
        if linked:
            self.reuse.linked.add(sanitised_join(self.output_path, name))
            if note is None:  # a list page (plugins/core/page_workers.py)
                self.reuse.lists_reused += 1
            else:
                self.reuse.reused += 1

    def _open_w(self, filename, encoding, override=False):
        # Pelican opens every file it writes through this private method (pinned
        # by tests/test_page_reuse_pins.py): a reused page is a hard link to the
        # published file, so it is unlinked first and never written through.
        if filename in self.reuse.linked:
            os.unlink(filename)
            self.reuse.linked.discard(filename)
        return super()._open_w(filename, encoding, override)
