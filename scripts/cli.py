"""What the bulletin's commands share: invoke's own slips answered in the
reporter's language, and the log a command shows.

`.venv/bin/invoke` stays the command (README). tasks.py calls `adopt()` when
invoke loads it: the running invoke program then parses the tasks as a
`BulletinProgram`, which

- hands `invoke new` its words as typed (`--thana जावरा शहर` without quotes,
  a title of several unquoted words), split by scripts/new_note.py;
- reads an option typed after a long dash (`—thana`, copied from a chat
  or typed on a phone) as the option (`--thana`);
- answers invoke's parse errors (an unknown or misspelt option, an option
  without its value, a word too many, a missing FILE) through the catalog,
  naming the slip and what to type instead, exit status 1;
- prints a task's help (`invoke new --help`) and the list of tasks
  (`invoke --list`) in the reporter's language: a task whose docstring the
  catalog translates gets its docstring and its options' help from the
  catalog; the developers' tasks keep invoke's English help.
"""

from __future__ import annotations

import copy
import difflib
import inspect
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from invoke import Exit, ParseError, Program
from invoke.parser import ParserContext

# plugins.core (the catalog, babel) is imported only when a message is made:
# `invoke --list` and every task load this module.

# What invoke 3 says (invoke/parser/parser.py); tests/test_commands.py runs
# each slip, so an invoke that words them otherwise fails there.
UNKNOWN = re.compile(r"No idea what '(?P<word>.*)' is!", re.S)
NO_VALUE = re.compile(r"Flag <Argument: (?P<name>[^ (>]+)")
NO_POSITIONAL = re.compile(
    r"'(?P<task>[^']+)' did not receive required positional arguments: (?P<names>.*)"
)
TAKES_NO_VALUE = re.compile(
    r"Flag <Argument: (?P<name>[^ (>]+).*doesn't take any value"
)

COMMAND = ".venv/bin/invoke"


class BulletinProgram(Program):
    """invoke's Program with `word_tasks` (task name -> function turning
    its words into invoke options) and parse errors in the catalog's words.
    """

    word_tasks: ClassVar[dict[str, Callable[[list[str]], list[str]]]] = {}

    def parse_tasks(self) -> None:
        from plugins.core.messages import _

        typed = list(self.core.unparsed)
        if typed and (found := DASHES.fullmatch(typed[0])):
            # `invoke —list`: a core option typed with a long dash
            raise Exit(
                _(
                    "'%(word)s' begins with a long dash; type two hyphens: "
                    "%(command)s --%(name)s",
                    word=typed[0],
                    command=COMMAND,
                    name=found["name"].lower(),
                ),
                code=1,
            )
        # of a copy: invoke's tasks give their help texts away once asked
        contexts = {c.name: c for c in copy.deepcopy(self.collection).to_contexts()}
        context = contexts.get(typed[0]) if typed else None
        if context is not None:
            typed = self.core.unparsed = [typed[0], *plain_dashes(typed[1:], context)]
        if self.core.remainder:
            # no command takes words after "--" (invoke would drop them
            # without a word: a title typed "चोरी -- आरोपी गिरफ्तार" lost its end)
            raise Exit(left_out(typed[0] if typed else "", self.core.remainder), code=1)
        if typed and typed[0] in self.word_tasks and wants_help(typed[1:]):
            # `new बाइक चोरी --help`: the help, whatever the other words
            self.core.unparsed = [typed[0], "--help"]
        elif typed and typed[0] in self.word_tasks:
            from plugins.core.errors import BulletinError

            try:
                options = self.word_tasks[typed[0]](typed[1:])
            except BulletinError as e:
                raise Exit(str(e), code=1) from None
            self.core.unparsed = [typed[0], *options]
        try:
            super().parse_tasks()
        except ParseError as e:
            raise Exit(explain(e, typed, list(contexts.values())), code=1) from None

    def print_task_help(self, name: str) -> None:
        task = self.collection[name]
        words = translated(inspect.getdoc(task) or "")
        if words is None:
            super().print_task_help(name)
            return
        from plugins.core.messages import _

        tuples = [
            (spec, translated(text) or text if text else text)
            for spec, text in self.parser.contexts[name].help_tuples()
        ]
        usage = (
            "Usage: %(command)s %(task)s [options]"
            if tuples
            else "Usage: %(command)s %(task)s"
        )
        print(_(usage, command=COMMAND, task=name))
        print("")
        for line in words.splitlines():
            print(self.leading_indent + line if line.strip() else "")
        print("")
        if tuples:
            print(_("Options:"))
            self.print_columns(tuples)

    def task_list_opener(self, extra: str = "") -> str:
        from plugins.core.messages import _, language

        if language() == "en":
            return super().task_list_opener(extra)
        return _(
            "Commands (%(command)s NAME --help says what each takes)", command=COMMAND
        )

    def display_with_columns(self, pairs, extra: str = "") -> None:
        super().display_with_columns(
            [(n, first_line(n, h, self.collection)) for n, h in pairs], extra
        )


def translated(text: str) -> str | None:
    """`text` in the reporter's language, or None when the catalog has no
    translation of it (or the language is English).
    """
    from plugins.core.messages import _

    if not text:
        return None
    words = _(text)
    return None if words == text else words


def first_line(name: str, helpline: str | None, collection) -> str | None:
    """The first line of a task's docstring, translated when the catalog
    translates the docstring.
    """
    task = collection.tasks.get(name.split(" ")[0])
    words = translated(inspect.getdoc(task) or "") if task is not None else None
    return words.splitlines()[0] if words else helpline


def adopt(word_tasks: dict[str, Callable[[list[str]], list[str]]]) -> None:
    """Make the invoke program now loading tasks.py a BulletinProgram.

    invoke's `invoke` command (and `python -m invoke`) runs one module-level
    Program, `invoke.main.program`, and loads tasks.py before it parses the
    task words; only that object's class changes, nothing else of invoke.
    """
    from invoke import main

    BulletinProgram.word_tasks = word_tasks
    if type(main.program) is Program:
        main.program.__class__ = BulletinProgram


# Dashes a phone, a word processor or a chat app puts for "--" (en dash,
# em dash, minus sign and their look-alikes, alone or beside a hyphen):
# `—thana` copied from a message, `–-thana` from a keyboard's "---".
DASHES = re.compile(
    r"(?=[-]*[\u2010-\u2015\u2212\ufe58\ufe63\uff0d])"
    r"[-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]{1,3}"
    r"(?P<name>[A-Za-z][\w-]*)(?P<rest>=.*)?",
    re.S,
)


def plain_dashes(words: Sequence[str], context: ParserContext) -> list[str]:
    """The words with an option of the task typed after a long dash (`—thana`,
    `–file=x`, `—h`) written as the option (`--thana`, `-h`); one close to
    an option the task has too (`—thanaa`: then named with the nearest).
    Any other word, a dash inside a title (`चोरी — आरोपी`, `—IPL`) among
    them, as it was.
    """
    longs = [f for f in context.flags if f.startswith("--")] + ["--help"]
    plain = []
    for word in words:
        if found := DASHES.fullmatch(word):
            name, rest = found["name"], found["rest"] or ""
            short, option = f"-{name}", f"--{name.lower()}"
            if len(name) == 1 and (short in context.flags or name == "h"):
                word = short + rest
            elif difflib.get_close_matches(option, longs, n=1, cutoff=0.8):
                word = option + rest
        plain.append(word)
    return plain


def left_out(task: str, words: str) -> str:
    """Why words after `--` are refused (no command takes them)."""
    from plugins.core.messages import _

    if task == "new":
        return _(
            "the words after '--' (%(words)s) would be left out: '--' "
            "ends the command's words; write a title with a dash in "
            'quotes, the dash included: "बाइक चोरी — आरोपी गिरफ्तार"',
            words=words,
        )
    return _(
        "the words after '--' (%(words)s) would be left out: '--' ends the "
        "command's words; remove the '--'",
        words=words,
    )


def wants_help(words: Sequence[str]) -> bool:
    return any(w in ("--help", "-h") for w in words)


def _flag_of(context: ParserContext | None, name: str) -> str:
    """The long option (--dry-run) of an argument's name (dry_run)."""
    if context is not None:
        for flag, argument in context.flags.items():
            if argument.name == name and flag.startswith("--"):
                return flag
    return "--" + name.replace("_", "-")


def _takes_no_value(task: str, flag: str) -> str:
    from plugins.core.messages import _

    return _(
        "%(task)s: %(option)s takes no value; write %(option)s alone",
        task=task,
        option=flag,
    )


def _unexpected(word: str, context: ParserContext, typed: Sequence[str]) -> str:
    """A word invoke did not expect: a boolean option's `=value`, a name
    with spaces typed without quotes, or a word too many.
    """
    from plugins.core.errors import did_you_mean
    from plugins.core.messages import _

    task = context.name or ""
    see = f"{COMMAND} {task} --help"
    if word.startswith("-"):
        option = word.partition("=")[0]
        return _(
            "%(task)s: there is no option %(option)s%(hint)s; %(see)s "
            "lists the options",
            task=task,
            option=option,
            hint=did_you_mean(option, [f for f in context.flags if f[:2] == "--"]),
            see=see,
        )
    for token in typed:
        flag, equals, value = token.partition("=")
        argument = context.flags.get(flag)
        if equals and value == word and argument and not argument.takes_value:
            return _takes_no_value(task, flag)
    if (fixed := quoted_command(typed, context)) is None:
        return _(
            "%(task)s: '%(word)s' was not expected here; %(see)s shows what "
            "the command takes",
            task=task,
            word=word,
            see=see,
        )
    return _(
        "%(task)s: '%(word)s' was not expected here; a name with a "
        "space goes in quotes: %(example)s",
        task=task,
        word=word,
        example=f"{COMMAND} {fixed}",
    )


# A word that names a file: a folder in it, or a suffix (sandesh.txt).
FILE_WORD = re.compile(r".*(?:/.*|\.[A-Za-z0-9]{1,5})")


def _quoted(words: Sequence[str]) -> str:
    text = " ".join(words)
    return f'"{text}"' if len(words) > 1 else text


def _value_and_file(run: Sequence[str], takes_file: bool) -> tuple[list, list]:
    """An option's words split into its value and a file after it (when the
    task takes a file): the longest tail that names a file or folder there
    is, else a last word that looks like a file's name.
    """
    if takes_file:
        for at in range(1, len(run)):
            if os.path.exists(" ".join(run[at:])):
                return list(run[:at]), list(run[at:])
        if len(run) > 1 and FILE_WORD.fullmatch(run[-1]):
            return list(run[:-1]), list(run[-1:])
    return list(run), []


def quoted_command(typed: Sequence[str], context: ParserContext) -> str | None:
    """The command as it should have been typed: the words of each option
    and of the file joined in quotes (`--thana "जावरा शहर" sandesh.txt`);
    None when no run of several words is there to join.
    """
    takes_file = bool(context.positional_args)
    out, joined, at = [typed[0]], False, 1
    while at < len(typed):
        word = typed[at]
        end = at + (1 if word.startswith("-") else 0)
        while end < len(typed) and not typed[end].startswith("-"):
            end += 1
        if word.startswith("-"):
            out.append(word)
            run = typed[at + 1 : end]
            argument = context.flags.get(word.partition("=")[0])
            takes_value = argument is not None and argument.takes_value
            if run and takes_value and "=" not in word:
                value, file = _value_and_file(run, takes_file)
                out += [_quoted(value), *([_quoted(file)] if file else [])]
                joined |= len(value) > 1 or len(file) > 1
            elif run:  # the file after a switch
                out.append(_quoted(run))
                joined |= len(run) > 1
        else:
            out.append(_quoted(typed[at:end]))
            joined |= end - at > 1
        at = end
    return " ".join(out) if joined else None


def explain(error: ParseError, typed: Sequence[str], contexts) -> str:
    """The parse error of invoke as a message naming the slip and the fix."""
    from plugins.core.errors import did_you_mean
    from plugins.core.messages import _

    message = str(error)
    context = error.context
    task = context.name if context is not None and context.name else ""
    see = f"{COMMAND} {task} --help" if task else f"{COMMAND} --list"
    if found := UNKNOWN.fullmatch(message):
        if context is None or not context.name:
            return _(
                "there is no command '%(word)s'%(hint)s; %(command)s --list "
                "lists the commands",
                word=found["word"],
                hint=did_you_mean(found["word"], [c.name for c in contexts]),
                command=COMMAND,
            )
        return _unexpected(found["word"], context, typed)
    if found := TAKES_NO_VALUE.search(message):
        return _takes_no_value(task, _flag_of(context, found["name"]))
    if found := NO_VALUE.search(message):
        return _(
            "%(task)s: %(option)s needs a value after it; %(see)s says what to write",
            task=task,
            option=_flag_of(context, found["name"]),
            see=see,
        )
    if found := NO_POSITIONAL.fullmatch(message):
        names = re.findall(r"'([^']+)'", found["names"])
        wanted = " ".join(name.upper() for name in names)
        return _(
            "%(task)s: give the %(what)s: %(command)s %(task)s %(what)s",
            task=found["task"],
            what=wanted,
            command=COMMAND,
        )
    return _(
        "%(task)s: the command was not understood; %(see)s shows what it takes",
        task=task or "invoke",
        see=see,
    )


# ---- what a command's log shows ---------------------------------------------


class ReporterFormatter(logging.Formatter):
    """A plain line for the summary, a Hindi (or English) word before a
    warning or an error; developer INFO lines are not shown at all.
    """

    def format(self, record: logging.LogRecord) -> str:
        from plugins.core.messages import _

        text = record.getMessage()
        if record.exc_info:
            text = f"{text}\n{self.formatException(record.exc_info)}"
        if record.levelno >= logging.ERROR:
            return _("error: %(message)s", message=text)
        if record.levelno >= logging.WARNING:
            return _("warning: %(message)s", message=text)
        return text


# Loggers whose INFO lines are for the reporter (the Hindi build summary).
REPORTER_LOGGERS = ("scripts.build",)


def setup_logging(verbose: bool = False) -> None:
    """What a command prints on stderr: by default warnings, errors and the
    build's Hindi summary; `--verbose` adds every INFO line of the build and
    its plugins and Pelican's own "Done: Processed …" line.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    root.addHandler(handler)
    logging.getLogger("pelican").setLevel(logging.WARNING)
    if verbose:
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        root.setLevel(logging.INFO)
        return
    handler.setFormatter(ReporterFormatter())
    root.setLevel(logging.WARNING)
    for name in REPORTER_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    quiet_pelican_console()


def quiet_pelican_console() -> None:
    """Pelican prints "Done: Processed N articles, …" (English) on its
    rich console, not through logging; a reporter has the Hindi summary.
    """
    from pelican.log import console

    console.quiet = True


def readable_file(path: str, command: str) -> Path:
    """`path` as a Path if it is a file this user can read; else a
    CommandError saying why in the reporter's language (the system's own
    reason, e.g. "No such file or directory", is English).
    """
    from plugins.core.errors import CommandError, display_path
    from plugins.core.messages import _

    file = Path(path)
    shown = display_path(file)
    if not file.exists():
        raise CommandError(
            _(
                "%(command)s: %(file)s was not found; check the file's name and "
                "folder (ls %(folder)s lists the files there)",
                command=command,
                file=shown,
                folder=display_path(file.parent),
            )
        )
    if file.is_dir():
        raise CommandError(
            _(
                "%(command)s: %(file)s is a folder; give the note's file",
                command=command,
                file=shown,
            )
        )
    if not os.access(file, os.R_OK):
        raise CommandError(
            _(
                "%(command)s: this user may not read %(file)s; ask whoever set "
                "up the computer to give you access",
                command=command,
                file=shown,
            )
        )
    return file
