"""The station and category registries kept under content/registry/.

One file each; every other part of the bulletin reads them through here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from plugins.core.errors import ContentError, Problem
from plugins.core.header import BAD_CHAR_RE, char_name
from plugins.core.messages import _
from plugins.core.toml_files import load_toml
from plugins.hindi_text.slugs import slugify

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class District:
    name: str
    slug: str
    state: str = ""


@dataclass(frozen=True)
class Thana:
    """A police station as listed in the registry."""

    name: str
    slug: str
    area: str
    url: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    slug: str
    description: str
    url: str


@dataclass(frozen=True)
class Registry:
    district: District
    thanas: tuple[Thana, ...]
    categories: tuple[CategoryInfo, ...]
    thana_by_name: dict[str, Thana] = field(repr=False)
    category_by_name: dict[str, CategoryInfo] = field(repr=False)


def text_field(entry: dict, key: str, where: str, problems: list[Problem]) -> str:
    """A required text value of a registry entry, NFC-normalized."""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem(
                where,
                None,
                key,
                _("'%(name)s' must be a non-empty text value", name=key),
            )
        )
        return ""
    return optional_text(entry, key, where, problems)


def optional_text(entry: dict, key: str, where: str, problems: list[Problem]) -> str:
    """A text value an entry may leave out ("" then), NFC-normalized."""
    value = entry.get(key, "")
    if not isinstance(value, str):
        problems.append(
            Problem(where, None, key, _("'%(name)s' must be a text value", name=key))
        )
        return ""
    if bad := bad_char(value, key, where):
        problems.append(bad)
        return ""
    return unicodedata.normalize("NFC", value.strip())


def bad_char(value: str, key: str, where: str) -> Problem | None:
    """The problem of a registry value holding a character that cannot be
    published (a control character: no feed can carry it), or None.
    """
    bad = BAD_CHAR_RE.search(value)
    if bad is None:
        return None
    return Problem(
        where,
        None,
        key,
        _(
            "the value holds %(char)s, which cannot be published; "
            "delete it and type the text again",
            char=char_name(bad.group()),
        ),
    )


def _slug(entry: dict, where: str, problems: list[Problem]) -> str:
    """The entry's `slug`, or one romanized from its `name` when left out."""
    if "slug" not in entry and isinstance(entry.get("name"), str):
        return slugify(entry["name"])
    slug = text_field(entry, "slug", where, problems)
    if slug and not SLUG_RE.match(slug):
        problems.append(
            Problem(
                where,
                None,
                "slug",
                _(
                    "'%(value)s' must be lowercase ASCII words joined by hyphens",
                    value=slug,
                ),
            )
        )
    return slug


def alias_values(entry: dict, where: str, problems: list[Problem]) -> tuple[str, ...]:
    """A station's other spellings, NFC-normalized: a list of names, none
    blank and none holding a character that cannot be published (they are
    printed among its note pages' search words); a bad one is a problem and
    left out.
    """
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problems.append(Problem(where, None, "aliases", _("must be a list of names")))
        return ()
    kept = []
    for alias in aliases:
        if not alias.strip():
            problems.append(
                Problem(
                    where, None, "aliases", _("a name in the list is empty; delete it")
                )
            )
        elif bad := bad_char(alias, "aliases", where):
            problems.append(bad)
        else:
            kept.append(unicodedata.normalize("NFC", alias.strip()))
    return tuple(kept)


def parse_thanas(
    data: dict, path: str, url_pattern: str
) -> tuple[District | None, list[Thana], list[Problem]]:
    """Read the district and its police stations from parsed TOML data."""
    problems: list[Problem] = []
    district_data = data.get("district")
    district = None
    if not isinstance(district_data, dict):
        problems.append(Problem(path, None, "district", _("add a [district] table")))
    else:
        where = f"{path} [district]"
        district = District(
            name=text_field(district_data, "name", where, problems),
            slug=_slug(district_data, where, problems),
            state=str(district_data.get("state", "")),
        )
    thanas = []
    for i, entry in enumerate(data.get("thana", []), start=1):
        where = f"{path} [[thana]] #{i}"
        slug = _slug(entry, where, problems)
        thanas.append(
            Thana(
                name=text_field(entry, "name", where, problems),
                slug=slug,
                area=text_field(entry, "area", where, problems),
                url=url_pattern.format(slug=slug),
                aliases=alias_values(entry, where, problems),
            )
        )
    if not thanas:
        problems.append(Problem(path, None, "thana", _("list at least one [[thana]]")))
    return district, thanas, problems


def parse_categories(
    data: dict, path: str, url_pattern: str
) -> tuple[list[CategoryInfo], list[Problem]]:
    problems: list[Problem] = []
    categories = []
    for i, entry in enumerate(data.get("category", []), start=1):
        where = f"{path} [[category]] #{i}"
        slug = _slug(entry, where, problems)
        description = optional_text(entry, "description", where, problems)
        categories.append(
            CategoryInfo(
                name=text_field(entry, "name", where, problems),
                slug=slug,
                description=description,
                url=url_pattern.format(slug=slug),
            )
        )
    if not categories:
        problems.append(
            Problem(path, None, "category", _("list at least one [[category]]"))
        )
    return categories, problems


def _index(items, names_of, kind: str, path: str, problems: list[Problem]) -> dict:
    """Map every name (and alias) to its item; duplicates are problems."""
    index: dict = {}
    slugs: set[str] = set()
    for item in items:
        if item.slug in slugs:
            problems.append(
                Problem(
                    path,
                    None,
                    "slug",
                    _(
                        "%(kind)s slug '%(value)s' is repeated",
                        kind=kind,
                        value=item.slug,
                    ),
                )
            )
        slugs.add(item.slug)
        for name in names_of(item):
            if name in index:
                problems.append(
                    Problem(
                        path,
                        None,
                        "name",
                        _(
                            "%(kind)s name '%(value)s' is repeated",
                            kind=kind,
                            value=name,
                        ),
                    )
                )
            index[name] = item
    return index


def load_registry(
    thana_path: Path, category_path: Path, thana_url: str, category_url: str
) -> Registry:
    """Load both registries or raise ContentError listing every problem."""
    problems: list[Problem] = []
    thana_data, found = load_toml(thana_path)
    problems += found
    category_data, found = load_toml(category_path)
    problems += found
    district: District | None = None
    thanas: list[Thana] = []
    categories: list[CategoryInfo] = []
    if thana_data is not None:
        district, thanas, found = parse_thanas(thana_data, str(thana_path), thana_url)
        problems += found
    if category_data is not None:
        categories, found = parse_categories(
            category_data, str(category_path), category_url
        )
        problems += found
    thana_by_name = _index(
        thanas, lambda t: (t.name, *t.aliases), "thana", str(thana_path), problems
    )
    category_by_name = _index(
        categories, lambda c: (c.name,), "category", str(category_path), problems
    )
    if problems or district is None:
        raise ContentError(problems)
    return Registry(
        district=district,
        thanas=tuple(thanas),
        categories=tuple(categories),
        thana_by_name=thana_by_name,
        category_by_name=category_by_name,
    )
