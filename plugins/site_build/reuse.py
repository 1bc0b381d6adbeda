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

import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from jinja2 import meta, nodes
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import Writer

from plugins.press_notes.validate import KNOWN

logger = logging.getLogger(__name__)

MANIFEST_NAME = "page-reuse.json"
PLUGINS = Path(__file__).resolve().parent.parent
PACKAGES = ("pelican", "jinja2", "markupsafe", "babel")

# A note's key holds all its metadata (the front matter fields, KNOWN in
# plugins/press_notes/validate.py, as read and enriched: the station with its
# name, slug and URL...) and these fields, set by Pelican and the plugins.
NOTE_FIELDS = (
    "content",
    "summary_text",
    "canonical_url",
    "reading_minutes",
    "og_image",
)
# Printed fields made from the ones above and site-wide values only.
DERIVED_FIELDS = {
    # canonical_url is the site's base URL (a setting) joined with url
    "url": ("canonical_url",),
    # plugins/whatsapp: note_share_url(title, summary_text, canonical_url,
    # the WHATSAPP setting, SITENAME, the theme's _whatsapp_words.html)
    "whatsapp_url": ("title", "summary_text", "canonical_url"),
}
# Site-wide names the note templates read from the context (besides the
# settings, which are all in the key). FEED_INDEX is read per page below.
SITE_NAMES = ("pages", "whatsapp_join_url", "FEEDS_PAGE_URL")
# Keyword arguments Pelican passes when it writes a note page; with
# output_file, the page's own names in the template context.
NOTE_PAGE_ARGS = frozenset({"article", "category", "blog"})
PAGE_NAMES = NOTE_PAGE_ARGS | {"output_file", "localsiteurl", "FEED_INDEX"}
# What a template may read on the note (named `article`, or `note` in macros).
READABLE = frozenset(KNOWN) | set(NOTE_FIELDS) | set(DERIVED_FIELDS) | {"metadata"}


class Unstable(ValueError):
    """A value has no description that is the same in every process."""


SCALARS = (str, int, float, bool, type(None))


def stable(value) -> str:
    """Describe `value` the same way in every process, or raise Unstable."""
    if isinstance(value, SCALARS):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([stable(v) for v in value]) + "]"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        items = sorted([(stable(k), stable(v)) for k, v in value.items()])
        return "{" + ",".join([f"{k}:{v}" for k, v in items]) + "}"
    if isinstance(value, URLWrapper):
        # its URL is made from the slug and the settings (in the site key)
        extra = getattr(value, "description", None)
        return f"{type(value).__qualname__}({value.name!r},{value.slug!r},{extra!r})"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [stable(getattr(value, f.name)) for f in dataclasses.fields(value)]
        return f"{type(value).__qualname__}(" + ",".join(parts) + ")"
    if isinstance(value, Path):
        return repr(str(value))
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted([stable(v) for v in value])) + "}"
    if isinstance(value, Content):  # a page in the menu: all its fields
        return f"{type(value).__qualname__}({value.url!r},{stable(value.metadata)})"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"
    raise Unstable(f"{type(value).__module__}.{type(value).__qualname__}")


def tree_digest(roots: Iterable[Path]) -> str:
    """Hash of every file's path and bytes under `roots` (caches skipped)."""
    digest = hashlib.blake2b(digest_size=16)
    for root in roots:
        if not root.is_dir():
            digest.update(f"missing {root}".encode())
            continue
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


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
    digest.update(stable(settings).encode())
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


def template_reads(env, name: str) -> tuple[set[str], set[str]]:
    """What template `name` (and all it extends, includes, imports) reads.

    Returns the attributes read on `article` or `note`, and the names it
    reads from the context.
    """
    attrs: set[str] = set()
    names: set[str] = set()
    defined: set[str] = set()
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source, _, _ = env.loader.get_source(env, current)
        tree = env.parse(source)
        todo += [t for t in meta.find_referenced_templates(tree) if t]
        names |= meta.find_undeclared_variables(tree)
        defined |= template_defines(tree)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            owner = node.node
            if isinstance(owner, nodes.Name) and owner.name in ("article", "note"):
                attr = getattr(node, "attr", None)
                if attr is None:
                    arg = node.arg
                    attr = arg.value if isinstance(arg, nodes.Const) else "[?]"
                attrs.add(str(attr))
    return attrs, names - defined


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
    attrs, names = template_reads(env, name)
    known = set(settings) | set(env.globals) | set(SITE_NAMES) | PAGE_NAMES
    return sorted(f"article.{a}" for a in attrs - READABLE) + sorted(names - known)


def file_stamp(path: str) -> list[int]:
    st = os.stat(path)
    return [st.st_mtime_ns, st.st_size]


class PageReuse:
    """The last build's note pages, and this build's record of them."""

    def __init__(self, output: Path, manifest: Path):
        self.output = output
        self.manifest = manifest
        self.previous = self._load()
        self.written: dict[str, list] = {}
        self.linked: set[str] = set()
        self.site: str | None = None
        self.can_link = True
        self.reused = 0
        self.templates: dict[str, bool] = {}

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
                    "plugins/site_build/reuse.py does not hold in the page key; "
                    "list it there (NOTE_FIELDS or SITE_NAMES)",
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
                code = tree_digest([PLUGINS, *theme_roots(settings)])
                self.site = site_key(settings, context, code)
            feeds = context.get("FEED_INDEX")
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

    def forget(self) -> None:
        """Drop the saved record (before the output changes)."""
        self.manifest.unlink(missing_ok=True)

    def save(self) -> None:
        """Save this build's record atomically (after its output is in place)."""
        self.manifest.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest.with_name(f".{self.manifest.name}.{os.getpid()}")
        data = {"output": str(self.output.resolve()), "pages": self.written}
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.manifest)


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
            if path in self.reuse.linked:
                # never write through a link into the published site
                os.unlink(path)
                self.reuse.linked.discard(path)
            elif key and self.reuse.link_previous(name, key, path):
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


def writer_for(reuse: PageReuse) -> Callable[[object], type[Writer]]:
    """A get_writer receiver giving Pelican a writer bound to `reuse`."""
    cls = type("ReusingWriter", (ReusingWriter,), {"reuse": reuse})
    return lambda _sender: cls
