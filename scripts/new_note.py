"""Start a new press note: a file with every field to fill, never overwriting."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from plugins.core.errors import CommandError, did_you_mean, display_path
from plugins.core.header import scan_header
from plugins.core.messages import _, set_language
from plugins.hindi_text.dates import IST
from plugins.hindi_text.slugs import slugify, unique_slug
from plugins.press_notes import registry_for
from plugins.press_notes.press_notes import plugin_settings
from plugins.press_notes.registry import CategoryInfo, Registry, Thana
from plugins.press_notes.validate import assign_slugs

from .check import ignored

Entry = Thana | CategoryInfo
THANAS = "content/registry/thanas.toml"
CATEGORIES = "content/registry/categories.toml"


class NewNoteError(CommandError):
    """The note could not be started; the message says why and what to do."""


def _spaced(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def pick_name(value: str, names: Mapping[str, Entry], option: str, where: str) -> str:
    """The registry name `value` means: a name or alias as written (spaces
    as typed), or the entry's URL name ('namli', any case) for those who
    type in English. Else a CommandError with the closest name, or with the
    names to choose from. One picker for `new` and `ingest` (its _pick).
    """
    value = _spaced(value)
    if value in names:
        return names[value].name
    by_slug = {entry.slug: entry.name for entry in names.values()}
    if value.lower() in by_slug:
        return by_slug[value.lower()]
    raise CommandError(
        _(
            "--%(option)s '%(value)s' is not in %(registry)s%(hint)s",
            option=option,
            value=value,
            registry=where,
            hint=name_hint(value, names),
        )
    )


def meant(part: str, names: Mapping[str, Entry]) -> dict[str, str]:
    """The entries (URL name -> name) `part` may stand for: a name, alias or
    URL name that starts with it, or holds it as a word ('जावरा' for both
    Jaora stations, 'रतलाम' for every '… रतलाम' alias).
    """
    lower = part.lower()
    return {
        entry.slug: entry.name
        for key, entry in names.items()
        if key.startswith(part)
        or part in key.split(" ")
        or entry.slug.startswith(lower)
        or lower in entry.slug.split("-")
    }


def name_hint(value: str, names: Mapping[str, Entry]) -> str:
    """What to say of a name the registry lacks: every name it may stand
    for, or the one it is close to — never one of several. Tried on the
    whole value, then on its leading words (`--thana आलेट बाइक चोरी`: a
    misspelt station took the title's words with it).
    """
    by_slug = {entry.slug: entry.name for entry in names.values()}
    words = value.split(" ")
    parts = [" ".join(words[:count]) for count in range(len(words), 0, -1)]
    several = next((found for part in parts if (found := meant(part, names))), {})
    if len(several) == 1:
        return _("; did you mean '%(name)s'?", name=next(iter(several.values())))
    if not several:
        for part in parts:
            if hint := did_you_mean(part, names) or did_you_mean(part.lower(), by_slug):
                return hint
    choices = ", ".join(
        f"{name} ({slug})" for slug, name in (several or by_slug).items()
    )
    return _("; choose one of: %(names)s", names=choices)


def name_lengths(words: Sequence[str], names: Mapping[str, Entry]) -> list[int]:
    """How many of the leading `words` make a registry name (or URL name),
    for each name they start with, longest first. `--thana जावरा शहर` without
    quotes reaches `new` as two words, and the title may follow the name.
    """
    slugs = {entry.slug for entry in names.values()}
    return [
        count
        for count in range(len(words), 0, -1)
        if (candidate := _spaced(" ".join(words[:count]))) in names
        or candidate.lower() in slugs
    ]


def existing_slugs(notes_root: Path, settings: dict | None = None) -> set[str]:
    """Slugs of every note already under `notes_root` (written or made);
    files the build never reads (IGNORE_FILES of `settings`) hold none.
    """
    inside = notes_root.resolve()
    headers = [
        # a note in another encoding still has its slug read (the check names
        # the file); a link is never followed out of content/
        (str(p), scan_header(p.read_bytes().decode("utf-8", "replace")))
        for p in sorted(notes_root.rglob("*.md"))
        if not ignored(p.name, settings or {})
        and not p.is_symlink()
        and p.resolve().is_relative_to(inside)
    ]
    return set(assign_slugs(headers).values())


def note_template(
    *,
    title: str,
    when: datetime,
    district: str,
    thana: str,
    category: str,
    reporter: str,
    slug: str,
) -> str:
    """The text of a new note: all fields present, the ones to fill left
    empty, and `status: draft` last, so a note left half written stops no
    build, share or publish of the desk (the check lists it apart).
    """
    return (
        f"title: {title}\n"
        f"date: {when:%Y-%m-%d %H:%M}\n"
        f"district: {district}\n"
        f"thana: {thana}\n"
        f"category: {category}\n"
        "tags: \n"
        f"reporter: {reporter}\n"
        "summary: \n"
        f"slug: {slug}\n"
        "status: draft\n"
        "\n"
    )


# The fields a note needs before it is published that `new` may leave empty.
TO_FILL = ("category", "reporter", "summary")


def registry_files(settings: dict | None) -> tuple[str, str]:
    """Where the station and category names are, as a reporter finds them."""
    if not settings:
        return THANAS, CATEGORIES
    chosen = plugin_settings(settings)
    content = Path(settings["PATH"])
    return (
        display_path(content / chosen["thana_registry"]),
        display_path(content / chosen["category_registry"]),
    )


def create_note(
    notes_root: Path,
    registry: Registry,
    *,
    title: str,
    thana: str,
    reporter: str,
    category: str = "",
    now: datetime | None = None,
    settings: dict | None = None,
) -> Path:
    """Write a new draft note under notes_root/YYYY/MM/<slug>.md and return
    its path. The station and category are registry names, aliases or URL
    names (written as the registry's name).
    """
    title = _spaced(title)
    if not thana.strip():
        raise NewNoteError(
            _(
                'new: give the note\'s police station: invoke new "<title>" '
                "--thana <station> (a name from thanas.toml)"
            )
        )
    thanas, categories = registry_files(settings)
    try:
        thana = pick_name(thana, registry.thana_by_name, "thana", thanas)
        if category.strip():
            category = pick_name(
                category, registry.category_by_name, "category", categories
            )
    except CommandError as e:
        raise NewNoteError(f"new: {e}") from None
    if not title:
        raise NewNoteError(
            _('new: give the note a title: invoke new "<title>" --thana <station>')
        )
    when = (now or datetime.now(IST)).astimezone(IST)
    slug = unique_slug(slugify(title), existing_slugs(notes_root, settings))
    path = notes_root / f"{when:%Y}" / f"{when:%m}" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = note_template(
        title=title,
        when=when,
        district=registry.district.name,
        thana=thana,
        category=category,
        reporter=_spaced(reporter),
        slug=slug,
    )
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise NewNoteError(
            _(
                "new: %(file)s already exists and was not changed; give the note "
                "another title",
                file=display_path(path),
            )
        ) from None
    return path


def new_note(
    settings: dict, *, title: str, thana: str, category: str, reporter: str
) -> Path:
    """`invoke new`: the reporter is the option, else $BULLETIN_REPORTER, else
    PRESS_NOTES["default_reporter"].
    """
    reporter = (
        reporter
        or os.environ.get("BULLETIN_REPORTER", "")
        or plugin_settings(settings)["default_reporter"]
    )
    return create_note(
        Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0],
        registry_for(settings),
        title=title,
        thana=thana,
        category=category,
        reporter=reporter,
        settings=settings,
    )


def new_command(
    settings: dict, *, title: str, thana: str, category: str, reporter: str
) -> str:
    """`invoke new`: start the note and say, in the reporter's language,
    which fields are still empty and how the draft gets published.
    """
    set_language(settings)
    path = new_note(
        settings, title=title, thana=thana, category=category, reporter=reporter
    )
    header = scan_header(path.read_text(encoding="utf-8"))
    empty = [key for key in TO_FILL if not header.value(key)]
    return _(
        "new: created %(file)s as a draft (status: draft: the build leaves it "
        "out). Fill in the empty fields (%(fields)s) and the text; when the "
        "note is ready, delete the line 'status: draft' and run "
        ".venv/bin/invoke check --file %(file)s",
        file=display_path(path),
        fields=", ".join(empty),
    )


# ---- the words of `invoke new` ------------------------------------------------

OPTIONS = ("title", "thana", "category", "reporter")


def _is_option(word: str) -> bool:
    return (word.startswith("--") and len(word) > 2) or (
        len(word) == 2 and word[0] == "-" and word[1].isalpha()
    )


def _example(option: str, names: Mapping[str, Entry] | None) -> str:
    """`--thana "जावरा शहर"`: a real name with a space when there is one."""
    found = [entry.name for entry in (names or {}).values()]
    spaced = [name for name in found if " " in name] or found or ["…"]
    return f'--{option} "{spaced[0]}"'


def _with_title(values: dict[str, str], loose: list[str]) -> dict[str, str]:
    """The words outside any option as the title, or why there is none."""
    if loose and "title" in values:
        raise NewNoteError(
            _(
                "new: '%(words)s' belongs to no option and --title is given "
                'too; write the title once, in quotes: --title "…"',
                words=" ".join(loose),
            )
        )
    if loose:
        values["title"] = _spaced(" ".join(loose))
    elif "title" not in values and " " in values.get("reporter", ""):
        # `--reporter रमेश आलोट में चोरी --thana आलोट`: the title went
        # into the reporter's name
        raise NewNoteError(
            _(
                "new: no title: --reporter took every word up to the next "
                "option ('%(reporter)s'); write the title first, or the name "
                'in quotes: --reporter "…"',
                reporter=values["reporter"],
            )
        )
    return values


def split_new_words(words: Sequence[str], registry: Registry) -> dict[str, str]:
    """The title and options of `invoke new`'s words, quotes or not.

    The words outside any option are the title. A station or category takes
    the longest registry name (or URL name) its words start with, the words
    after it being the title's; with no name found it takes every word up
    to the next option (the picker then names the closest). `--reporter`
    and `--title` take every word up to the next option. `--option=value`
    works too. A misspelt option, an option with no value or one given twice
    is a NewNoteError saying what to write.
    """
    names: dict[str, Mapping[str, Entry]] = {
        "thana": registry.thana_by_name,
        "category": registry.category_by_name,
    }
    values: dict[str, str] = {}
    loose: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        if not _is_option(word):
            loose.append(word)
            at += 1
            continue
        option, has_value, inline = word.lstrip("-").partition("=")
        if option not in OPTIONS or not word.startswith("--"):
            raise NewNoteError(
                _(
                    "new: there is no option %(option)s%(hint)s; the options "
                    "are --thana, --category, --reporter and --title",
                    option=word.partition("=")[0],
                    hint=did_you_mean(
                        word.partition("=")[0], [f"--{o}" for o in OPTIONS]
                    ),
                )
            )
        end = at + 1
        while end < len(words) and not _is_option(words[end]):
            end += 1
        following = [inline] if has_value else list(words[at + 1 : end])
        end = at + 1 if has_value else end
        if not _spaced(" ".join(following)):
            raise NewNoteError(
                _(
                    "new: --%(option)s needs a value after it, e.g. %(example)s "
                    "(a name with a space may go in quotes)",
                    option=option,
                    example=_example(option, names.get(option)),
                )
            )
        if option in values:
            raise NewNoteError(
                _(
                    "new: --%(option)s is given twice ('%(first)s' and "
                    "'%(second)s'); give it once",
                    option=option,
                    first=values[option],
                    second=_spaced(" ".join(following)),
                )
            )
        taken = len(following)
        if option in names and not has_value:
            lengths = name_lengths(following, names[option])
            if len(lengths) > 1 and lengths[0] < len(following):
                # a shorter name and a longer one, and title words after:
                # where the name ends is a guess (a wrong station, a title
                # short of its first word)
                raise NewNoteError(
                    _(
                        "new: the words after --%(option)s can be read two ways "
                        "('%(long)s' or '%(short)s', the rest being the title); "
                        'put the name in quotes: --%(option)s "%(short)s"',
                        option=option,
                        long=_spaced(" ".join(following[: lengths[0]])),
                        short=_spaced(" ".join(following[: lengths[-1]])),
                    )
                )
            taken = next(iter(lengths), taken)
        values[option] = _spaced(" ".join(following[:taken]))
        loose += following[taken:]
        at = end
    return _with_title(values, loose)


def new_arguments(settings: dict, words: Sequence[str]) -> list[str]:
    """`invoke new`'s words as the options of its task (--title=… …)."""
    set_language(settings)
    values = split_new_words(words, registry_for(settings))
    return [f"--{key}={value}" for key, value in values.items()]
