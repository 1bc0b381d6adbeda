"""Reuse note pages that would come out byte for byte as in the last build.

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
tests/test_reuse.py rebuilds after each kind of edit and compares every file
with a clean build.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import sys
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, meta, nodes
from pelican.utils import sanitised_join
from pelican.writers import Writer

from plugins.core import contract
from plugins.core.code import LOADED, changed_since_loaded, tree_digest
from plugins.core.describe import Unstable, stable
from plugins.core.files import write_atomic
from plugins.press_notes.validate import KNOWN

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


def note_key(site: str, name: str, template: str, article, extra: str) -> str:
    """The key of one note page: site key, where and how it is written, fields."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (site, name, template, extra, stable(article.metadata)):
        digest.update(part.encode())
        digest.update(b"\0")
    for field in NOTE_FIELDS:
        digest.update(stable(getattr(article, field, None)).encode())
        digest.update(b"\0")
    return digest.hexdigest()


NOTE_NAMES = ("article", "note")


def walk(tree):
    """Every node of a template with its parent."""
    stack = [(tree, None)]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        stack += [(child, node) for child in node.iter_child_nodes()]


def load_templates(env, name: str) -> tuple[dict, list[str]]:
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
            source, _, _ = env.loader.get_source(env, current)
            trees[current] = tree = env.parse(source)
        except TemplateNotFound:
            continue  # an optional include that is not there reads nothing
        except TemplateError as e:
            problems.append(f"{current} ({e.__class__.__name__})")
            continue
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


def template_reads(env, name: str) -> tuple[set[str], set[str], set[str]]:
    """What template `name` (and all it extends, includes, imports) reads.

    Returns the attributes read on the note, the names read from the
    context, and what could not be followed (see note_reads, load_templates).
    """
    trees, problems = load_templates(env, name)
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


def unlisted_reads(env, name: str, settings: dict) -> list[str]:
    """What template `name` reads that the page key does not hold, as text."""
    attrs, names, unknown = template_reads(env, name)
    known = set(settings) | set(env.globals) | set(SITE_NAMES) | PAGE_NAMES
    return (
        sorted(f"article.{a}" for a in attrs - READABLE)
        + sorted(names - known)
        + sorted(unknown)
    )


def file_stamp(path: str) -> list[int]:
    st = os.stat(path)
    return [st.st_mtime_ns, st.st_size]


class PageReuse:
    """The last build's note pages, and this build's record of them."""

    def __init__(self, output: Path, cache_root: Path, settings: dict):
        self.output = output
        self.folder = cache_root / MANIFEST_FOLDER
        name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8)
        self.manifest = self.folder / f"{name.hexdigest()}.json"
        self.previous = self._load()
        # Taken before the build loads any template or translation: an edit
        # made while it runs changes the next build's keys.
        self.theme = tree_digest(theme_roots(settings))
        self.settings = settings
        self.written: dict[str, list] = {}
        self.linked: set[str] = set()
        self.site: str | None = None
        self.can_link = True
        self.reused = 0
        self.templates: dict[str, bool] = {}
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
            unlisted = unlisted_reads(template.environment, name, settings)
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
            feeds = context.get(contract.FEED_INDEX)
            page_feeds = stable(feeds.for_page(name)) if feeds is not None else ""
            return note_key(self.site, name, template.name, article, extra + page_feeds)
        except Unstable as e:
            logger.debug("page reuse: %s: not reusable (%s)", name, e)
            return None

    def link_previous(self, name: str, key: str, path: str) -> bool:
        """Hard-link the published page to `path` if it was made with `key`."""
        entry = self.previous.get(name)
        if not self.can_link or not entry or entry[0] != key:
            return False
        published = sanitised_join(str(self.output), name)
        try:
            if file_stamp(published) != entry[1:] or os.path.lexists(path):
                return False
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.link(published, path)
        except FileNotFoundError:
            return False
        except OSError as e:  # a file system without hard links
            logger.info("page reuse: off for this build (%s)", e)
            self.can_link = False
            return False
        self.linked.add(path)
        self.written[name] = entry
        self.reused += 1
        return True

    def record(self, name: str, key: str, path: str) -> None:
        self.written[name] = [key, *file_stamp(path)]

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
        data = {"output": str(self.output.resolve()), "pages": self.written}
        write_atomic(self.manifest, json.dumps(data).encode("utf-8"))
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
        if name and paginated is None and set(kwargs) == NOTE_PAGE_ARGS:
            extra = stable([relative_urls, override_output, url, template_name])
            key = self.reuse.key(
                name, template, context, self.settings, kwargs["article"], extra
            )
            path = sanitised_join(self.output_path, name)
            if key and self.reuse.link_previous(name, key, path):
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

    def _open_w(self, filename, encoding, override=False):
        # Pelican opens every file it writes through this private method (pinned
        # by tests/test_page_reuse_pins.py): a reused page is a hard link to the
        # published file, so it is unlinked first and never written through.
        if filename in self.reuse.linked:
            os.unlink(filename)
            self.reuse.linked.discard(filename)
        return super()._open_w(filename, encoding, override)
