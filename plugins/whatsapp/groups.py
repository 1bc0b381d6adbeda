"""The WhatsApp group registry, content/registry/groups.toml.

One [[group]] table per community group: a stable ASCII id, a Hindi name,
the police stations it covers (names from the station registry), its invite
link and its admin, and `sample = true` on a made-up entry. Every problem is
reported at once, naming the file, the group and the field.

A production build publishes real groups only (publishable_problems): no
sample entry and no invite link that is not a real one, unless the settings
allow samples (a demonstration); the join page then says it is one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.messages import _
from plugins.core.toml_files import load_toml
from plugins.press_notes.registry import SLUG_RE, Registry, Thana, text_field

INVITE_RE = re.compile(r"^https://chat\.whatsapp\.com/(?P<code>[A-Za-z0-9]{20,24})$")
# A real invite code is 22 letters and digits; sample codes name themselves.
REAL_CODE_RE = re.compile(r"^[A-Za-z0-9]{22}$")
PLACEHOLDER_RE = re.compile(r"fake|demo|sample|example|placeholder|x{4,}|0{6,}", re.I)
FIELDS = ("id", "name", "thanas", "invite", "admin", "sample")
# What publishconf.py reads to let a production build publish sample groups.
ALLOW_SAMPLES_ENV = "BULLETIN_ALLOW_SAMPLES=1"


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    thanas: tuple[Thana, ...]
    invite: str
    admin: str
    sample: bool = False

    @property
    def thana_slugs(self) -> frozenset[str]:
        return frozenset(t.slug for t in self.thanas)


def _thanas(
    entry: dict, where: str, registry: Registry, problems: list[Problem]
) -> tuple[Thana, ...]:
    names = entry.get("thanas")
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(n, str) for n in names)
    ):
        problems.append(
            Problem(
                where,
                None,
                "thanas",
                _(
                    "'thanas' must be a list of police station names, e.g. %(example)s",
                    example='thanas = ["नामली"]',
                ),
            )
        )
        return ()
    found: dict[str, Thana] = {}
    for raw in names:
        name = unicodedata.normalize("NFC", raw.strip())
        thana = registry.thana_by_name.get(name)
        if thana is None:
            problems.append(
                Problem(
                    where,
                    None,
                    "thanas",
                    _(
                        "'%(name)s' is not a police station in the registry; use "
                        "a name from %(registry)s",
                        name=name,
                        registry="content/registry/thanas.toml",
                    ),
                )
            )
        else:
            found[thana.slug] = thana
    return tuple(found.values())


def _invite(entry: dict, where: str, problems: list[Problem]) -> str:
    link = text_field(entry, "invite", where, problems)
    if link and not INVITE_RE.match(link):
        problems.append(
            Problem(
                where,
                None,
                "invite",
                _(
                    "'%(link)s' is not a WhatsApp group invite link; copy it "
                    "from the group's 'Invite via link' screen: %(prefix)s "
                    "followed by a 22-letter code",
                    link=link,
                    prefix="https://chat.whatsapp.com/",
                ),
            )
        )
    return link


def _sample(entry: dict, where: str, problems: list[Problem]) -> bool:
    value = entry.get("sample", False)
    if not isinstance(value, bool):
        problems.append(
            Problem(
                where,
                None,
                "sample",
                _("'sample' must be true (a made-up entry) or left out"),
            )
        )
        return False
    return value


def real_invite(link: str) -> bool:
    """Whether `link` looks like a real group's invite link (not a sample)."""
    match = INVITE_RE.match(link)
    if match is None:
        return False
    code = match["code"]
    return bool(REAL_CODE_RE.match(code)) and not PLACEHOLDER_RE.search(code)


def is_demonstration(group: Group) -> bool:
    return group.sample or not real_invite(group.invite)


def publishable_problems(groups: list[Group], path: str) -> list[Problem]:
    """Why these groups may not be published: sample entries and invite
    links that are not real (for a production build without samples).
    """
    problems = []
    for i, g in enumerate(groups, start=1):
        where = f"{path} [[group]] #{i} '{g.id}'"
        if g.sample:
            problems.append(
                Problem(
                    where,
                    None,
                    "sample",
                    _(
                        "a sample group cannot be published: put the group's "
                        "real invite link in 'invite' and delete 'sample = "
                        "true' (or delete the group); to publish a "
                        "demonstration, set %(env)s",
                        env=ALLOW_SAMPLES_ENV,
                    ),
                )
            )
        elif not real_invite(g.invite):
            problems.append(
                Problem(
                    where,
                    None,
                    "invite",
                    _(
                        "'%(link)s' is not a real invite link; copy it from the "
                        "group's 'Invite via link' screen (%(prefix)s followed "
                        "by a 22-letter code); to publish a demonstration, "
                        "mark the group 'sample = true' and set %(env)s",
                        link=g.invite,
                        prefix="https://chat.whatsapp.com/",
                        env=ALLOW_SAMPLES_ENV,
                    ),
                )
            )
    return problems


def parse_groups(data: dict, path: str, registry: Registry) -> tuple[list, list]:
    """Groups from parsed TOML data, and every problem found."""
    problems: list[Problem] = []
    groups: list[Group] = []
    entries = data.get("group")
    if not isinstance(entries, list) or not entries:
        return [], [Problem(path, None, "group", _("list at least one [[group]]"))]
    for i, entry in enumerate(entries, start=1):
        label = entry.get("id") if isinstance(entry.get("id"), str) else ""
        where = f"{path} [[group]] #{i}" + (f" '{label}'" if label else "")
        for key in sorted(set(entry) - set(FIELDS)):
            problems.append(
                Problem(
                    where,
                    None,
                    key,
                    _(
                        "unknown field '%(key)s'; known fields: %(known)s",
                        key=key,
                        known=", ".join(FIELDS),
                    ),
                )
            )
        group_id = text_field(entry, "id", where, problems)
        if group_id and not SLUG_RE.match(group_id):
            problems.append(
                Problem(
                    where,
                    None,
                    "id",
                    _(
                        "'%(id)s' must be lowercase ASCII words joined by "
                        "hyphens; never change an id once used (the share "
                        "ledger refers to it)",
                        id=group_id,
                    ),
                )
            )
        groups.append(
            Group(
                id=group_id,
                name=text_field(entry, "name", where, problems),
                thanas=_thanas(entry, where, registry, problems),
                invite=_invite(entry, where, problems),
                admin=text_field(entry, "admin", where, problems),
                sample=_sample(entry, where, problems),
            )
        )
    problems += _repeats(groups, path)
    return groups, problems


def _repeats(groups: list[Group], path: str) -> list[Problem]:
    problems = []
    for key in ("id", "invite"):
        seen: set[str] = set()
        for g in groups:
            value = getattr(g, key)
            if value and value in seen:
                problems.append(
                    Problem(
                        f"{path} [[group]] '{g.id}'",
                        None,
                        key,
                        _(
                            "%(key)s '%(value)s' is used by another group",
                            key=key,
                            value=value,
                        ),
                    )
                )
            seen.add(value)
    return problems


def load_groups(
    path: Path, registry: Registry, publish_samples: bool = True
) -> list[Group]:
    """Read and check the group registry; raise ContentError listing problems.

    Without `publish_samples` (a production build), sample groups and invite
    links that are not real are problems too.
    """
    data, problems = load_toml(path)
    if data is None:
        raise ContentError(problems)
    shown = display_path(path)
    groups, problems = parse_groups(data, shown, registry)
    if not problems and not publish_samples:
        problems = publishable_problems(groups, shown)
    if problems:
        raise ContentError(problems)
    return groups


def groups_by_thana(groups: list[Group], registry: Registry) -> list[tuple]:
    """(area, [(thana, [groups])]) in registry order, for the join page."""
    areas: dict[str, list] = {}
    for thana in registry.thanas:
        covering = [g for g in groups if thana.slug in g.thana_slugs]
        areas.setdefault(thana.area, []).append((thana, covering))
    return list(areas.items())
