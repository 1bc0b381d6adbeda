"""Tasks for the bulletin (run through `make`, or `.venv/bin/invoke <task>`).

A thin list of commands: each parses its arguments and calls into scripts/.
"""

from __future__ import annotations

import functools
import shlex
import subprocess
import sys
from pathlib import Path

from invoke import task

from scripts.cli import adopt, setup_logging

# by their full path: a command typed in a folder of the project (a note's,
# under content/) finds them too; Pelican reads the folders they name
# (content/, output/) from beside them
ROOT = Path(__file__).resolve().parent
SETTINGS = str(ROOT / "pelicanconf.py")
PUBLISH_SETTINGS = str(ROOT / "publishconf.py")
VERBOSE = "also the build's progress lines (English, for developers)"


def _logging(verbose: bool = False) -> None:
    setup_logging(verbose)


def _new_words(words: list[str]) -> list[str]:
    """`invoke new`'s words, typed with or without quotes, as its options."""
    from pelican.settings import read_settings

    from scripts.new_note import new_arguments

    return new_arguments(read_settings(SETTINGS), words)


# invoke's own parse errors in the reporter's language; `new` takes its words
adopt({"new": _new_words})


def help_after_name(body):
    """Let `invoke NAME --help` print the task's help.

    Invoke hands `--help` given after a task name to the task's first
    positional argument that is still empty (`invoke new --help` tried to make
    a note titled "--help"); this prints the help instead.
    """

    @functools.wraps(body)
    def run(c, *args, **kwargs):
        if "--help" in (*args, *kwargs.values()):
            name = body.__name__.replace("_", "-")
            sys.exit(subprocess.call([sys.executable, "-m", "invoke", "--help", name]))
        return body(c, *args, **kwargs)

    return run


def whole_number(value, option: str) -> int:
    """An option that must be a whole number, or a clear stop naming it."""
    from plugins.core.messages import _

    try:
        return int(value)
    except ValueError:
        sys.exit(
            _(
                "%(option)s needs a whole number (got '%(value)s')",
                option=option,
                value=value,
            )
        )


@task(
    help={
        "production": "use publishconf.py (needs BULLETIN_SITEURL); records "
        "every note address in content/registry/published-urls.tsv at once, "
        "as if the output went online: to put the site online use "
        "`invoke publish`, which records only what went live",
        "verbose": VERBOSE,
    }
)
def build(c, production=False, verbose=False):
    """Build the bulletin into output/; --production records addresses as published.

    output/ is replaced only if the build succeeds. With --production every
    note address is recorded in content/registry/published-urls.tsv at once,
    as if the output went online; `invoke publish` records only what went live.
    """
    from scripts.build import build_and_report

    _logging(verbose)
    if not build_and_report(PUBLISH_SETTINGS if production else SETTINGS):
        sys.exit(1)


@task(
    help={
        "port": "port to serve on (default 8000; make serve PORT=8001)",
        "bind": "address",
        "verbose": VERBOSE,
    }
)
def serve(c, port="8000", bind="127.0.0.1", verbose=False):
    """Build, serve on http://127.0.0.1:8000 and rebuild when content changes."""
    from plugins.core.errors import BulletinError
    from scripts.serve import serve as serve_site

    _logging(verbose)
    try:
        serve_site(SETTINGS, bind=bind, port=whole_number(port, "--port"))
    except BulletinError as e:
        sys.exit(str(e))
    except KeyboardInterrupt:
        pass


@task(help={"file": "check only this note (a draft's problems included)"})
def check(c, file=""):
    """Check every press note and the registries without building.

    Drafts not ready to publish are listed apart and stop nothing; with
    --file FILE, only that note is reported.
    """
    from plugins.core.errors import BulletinError
    from scripts.check import check as check_content

    try:
        print(check_content(SETTINGS, file or ""))
    except BulletinError as e:
        sys.exit(str(e))


@task(
    auto_shortflags=False,
    help={
        "title": "the title (also: the words outside any option)",
        "thana": "police station: a name or URL name from "
        "content/registry/thanas.toml, quotes optional",
        "category": "category (name from content/registry/categories.toml)",
        "reporter": "reporter; default: $BULLETIN_REPORTER or PRESS_NOTES setting",
    },
)
def new(c, title="", thana="", category="", reporter=""):
    """Start a draft note: invoke new TITLE --thana STATION (never overwrites).

    The words outside any option are the title; quotes are not needed.
    """
    from pelican.settings import read_settings

    from plugins.core.errors import BulletinError
    from scripts.new_note import new_command

    try:
        print(
            new_command(
                read_settings(SETTINGS),
                title=title,
                thana=thana,
                category=category,
                reporter=reporter,
            )
        )
    except BulletinError as e:
        sys.exit(str(e))


@task(
    help={"text": "Hindi text", "more": "another text (repeat for several)"},
    iterable=["more"],
)
@help_after_name
def slugify(c, text, more=None):
    """Print the romanized URL slug of each text: invoke slugify "…" [-m "…" …]."""
    from plugins.hindi_text.slugs import slugify as make_slug

    for t in [text, *(more or [])]:
        print(make_slug(t))


@task(
    help={
        "file": "the note typed in Kruti Dev (its file under content/)",
        "in_place": "convert the note where it is (the default; kept for old "
        "instructions)",
        "output": "write the Unicode text to this new file outside content/ "
        "instead, leaving the note as it is",
    }
)
@help_after_name
def krutidev(c, file, in_place=False, output=None):
    """Convert a note typed in Kruti Dev 010 to Unicode Hindi in place (.bak kept)."""
    from pelican.settings import read_settings

    from plugins.core.errors import BulletinError
    from plugins.core.messages import set_language
    from scripts.krutidev import convert_command

    settings = read_settings(SETTINGS)
    set_language(settings)
    try:
        print(
            convert_command(
                settings,
                Path(file),
                Path(output) if output else None,
                in_place=in_place,
            )
        )
    except BulletinError as e:
        sys.exit(str(e))


@task(
    help={
        "source": "a file, a folder, or - for a message pasted on standard input",
        "thana": "police station (overrides the guess)",
        "category": "category (overrides the guess)",
        "reporter": "reporter (overrides the byline)",
        "from": "chat exports: only messages from this sender",
        "since": "chat exports: only messages from this day on (YYYY-MM-DD)",
        "min_words": "chat exports: skip shorter messages (default: INGEST setting)",
        "dry_run": "write nothing",
        "json": "print the drafts as a JSON list",
    }
)
@help_after_name
def ingest(
    c,
    source,
    thana="",
    category="",
    reporter="",
    from_="",
    since="",
    min_words=None,
    dry_run=False,
    json=False,
):
    """Make draft notes from WhatsApp messages, chats, pages or WordPress exports.

    Drafts go under content/notes/; nothing is overwritten or published.
    """
    from pelican.settings import read_settings

    from plugins.core.errors import CommandError
    from scripts.ingest import run

    try:
        print(
            run(
                read_settings(SETTINGS),
                source,
                thana=thana,
                category=category,
                reporter=reporter,
                sender=from_,
                since=since or None,
                min_words=None
                if min_words is None
                else whole_number(min_words, "--min-words"),
                dry_run=dry_run,
                as_json=json,
            )
        )
    except CommandError as e:  # IngestError, or the shared name picker's
        sys.exit(f"ingest: {e}")


@task(
    iterable=["group"],
    help={
        "dry_run": "show what would be offered; record nothing (any address)",
        "json": "print the batch as JSON {group id: [note URLs]}; records "
        "exactly when the same run without --json does",
        "group": "only this group id (repeat, or separate with commas)",
        "since": "only notes dated from this day on (YYYY-MM-DD)",
        "production": "use publishconf.py (needs BULLETIN_SITEURL); a run "
        "that records needs it",
        "verbose": VERBOSE,
    },
)
def share(
    c,
    dry_run=False,
    json=False,
    group=None,
    since=None,
    production=False,
    verbose=False,
):
    """Record each WhatsApp group's new notes (needs --production); --dry-run looks.

    The run appends to the share ledger and publishes output/share/; only
    --dry-run records nothing. --json changes the output, not what is recorded.
    """
    import contextlib
    import json as json_lib

    from plugins.core.errors import BulletinError
    from scripts.share import describe
    from scripts.share import share as share_notes

    _logging(verbose)
    groups = [g.strip() for item in group or () for g in item.split(",") if g.strip()]
    try:
        # Pelican reports on stdout; keep stdout for the JSON (or summary) alone.
        with contextlib.redirect_stdout(sys.stderr):
            result = share_notes(
                PUBLISH_SETTINGS if production else SETTINGS,
                dry_run=dry_run,
                groups=groups,
                since=since,
            )
    except (BulletinError, ValueError) as e:
        sys.exit(str(e))
    if json:
        print(json_lib.dumps(result.batch, ensure_ascii=False, indent=2))
    else:
        print(describe(result))


@task(
    help={
        "to": "a folder, or ssh://user@host/path (default: PUBLISH_TARGET)",
        "dry_run": "build and list what would be sent and deleted; change nothing",
        "rollback": "make the release before the live one live again",
        "again": "with --rollback from a site a rollback made live: the "
        "release or commit to go back to (asked for by the refusal)",
        "verbose": VERBOSE,
    }
)
def publish(c, to="", dry_run=False, rollback=False, again="", verbose=False):
    """Build the production site and publish it (needs BULLETIN_SITEURL)."""
    from scripts.publish import PublishError
    from scripts.publish import publish as publish_site

    _logging(verbose)
    try:
        report = publish_site(
            PUBLISH_SETTINGS, to, dry_run=dry_run, rollback=rollback, again=again
        )
    except PublishError as e:
        sys.exit(e.stopped())
    print(report.describe())


@task(
    name="server-config",
    help={
        "kind": "nginx or caddy",
        "root": "the publish target folder on the server (holds current/)",
        "name": "the site's host name, e.g. news.example.org",
        "listen": "nginx: address and port to listen on (default 80)",
    },
)
@help_after_name
def server_config(c, kind, root="", name="", listen="80"):
    """Print the shipped nginx or Caddy configuration for this server."""
    if not root or not name:
        sys.exit("server-config: give --root <folder on the server> --name <host name>")
    from scripts.publish.servers import server_config as config

    try:
        print(config(kind, root, name, listen), end="")
    except ValueError as e:
        sys.exit(str(e))


@task(name="system-deps", help={"tests": "also what the tests need"})
def system_deps(c, tests=False):
    """Install the Debian packages the build (and with --tests, the tests) need."""
    from scripts.system_deps import install_commands, missing_packages

    missing = missing_packages(tests)
    if missing:
        print(f"installing Debian packages: {' '.join(missing)}")
    for command in install_commands(missing):
        c.run(command, env={"DEBIAN_FRONTEND": "noninteractive"})


@task(name="node-deps")
def node_deps(c):
    """Install the pinned Node tools (axe-core, vnu-jar, Lighthouse) if needed."""
    import shlex

    from scripts.bench.node_tools import node_deps_current, npm_ci_command

    if not node_deps_current(Path.cwd()):
        print("installing the Node tools of tests/package-lock.json")
        c.run(shlex.join(npm_ci_command(Path("."))))


@task(
    help={
        "notes": "how many synthetic notes (default 1000)",
        "seed": "random seed of the notes (default 1)",
        "keep": "build in this folder and keep it (default: a temp folder); "
        "the notes an earlier run left there are reused (with --sizes: one "
        "folder growth-N per size), its builds start cold",
        "profile": "write cProfile stats of each build here and summarize them",
        "search": "the project builds make the search index, as production does",
        "sizes": "e.g. 1000,10000,50000: only the growth table: our cold build, "
        "rebuild after one new note and publish-one (path, peak memory of each), "
        "plain Pelican's cold build and rebuild up to --plain-max notes",
        "plain_max": "with --sizes: plain Pelican's builds only up to this many "
        "notes (default 10000)",
        "again": "with --keep DIR: only publish-one, once more, on the site an "
        "earlier run left in DIR (no build of the archive), and the site index "
        "read alone",
        "cold": "e.g. 1,2: only cold builds, plain Pelican's and ours with each "
        "number of worker processes, with the load average",
        "rounds": "with --cold: how many times (default 1)",
        "timeline": "with --cold: the cores each build keeps busy as it runs, "
        "every 2 s, how long at most one core worked and the core-seconds "
        "it left idle",
        "edits": "with --again: the edits after publish-one too (a note's text, "
        "its station, a category's keywords, a station's area, a category's "
        "description), on the kept site "
        "as it is",
    }
)
def bench(
    c,
    notes=1000,
    seed=1,
    keep="",
    profile="",
    search=False,
    sizes="",
    cold="",
    rounds=1,
    plain_max=10000,
    again=False,
    edits=False,
    timeline=False,
):
    """Time this project's build against plain Pelican; last line 'ratio X.XX'."""
    from scripts.bench import BenchError
    from scripts.bench.reports import bench_report, growth_report

    try:
        if timeline and not cold:
            raise BenchError("--timeline needs --cold N: it follows cold builds")
        if cold:
            from scripts.bench.reports import cold_report

            print(
                cold_report(
                    int(notes),
                    Path.cwd(),
                    [whole_number(n, "--cold") for n in cold.split(",") if n.strip()],
                    seed=int(seed),
                    rounds=int(rounds),
                    keep=Path(keep).resolve() if keep else None,
                    profile_dir=Path(profile).resolve() if profile else None,
                    timeline=timeline,
                )
            )
            return
        if again:
            from scripts.bench.reports import publish_again_report

            if not keep:
                raise BenchError("--again needs --keep DIR, the folder of a kept run")
            print(
                publish_again_report(
                    Path.cwd(),
                    Path(keep).resolve(),
                    seed=int(seed),
                    profile_dir=Path(profile).resolve() if profile else None,
                    search=search,
                    edits=edits,
                )
            )
            return
        if sizes:
            counts = [whole_number(n, "--sizes") for n in sizes.split(",") if n.strip()]
            print(
                growth_report(
                    counts,
                    Path.cwd(),
                    seed=int(seed),
                    keep=Path(keep).resolve() if keep else None,
                    plain_max=int(plain_max),
                )
            )
            return
        print(
            bench_report(
                int(notes),
                Path.cwd(),
                seed=int(seed),
                keep=Path(keep).resolve() if keep else None,
                profile_dir=Path(profile).resolve() if profile else None,
                search=search,
            )
        )
    except BenchError as e:
        sys.exit(f"bench: {e}")


@task
def weight(c):
    """Bytes a phone downloads per page type of the sample bulletin (gzip -6)."""
    from scripts.bench.reports import WEIGHED_SETTINGS, built_sample, weight_report

    _logging(verbose=True)
    with built_sample(Path.cwd(), overrides=WEIGHED_SETTINGS) as site:
        table, over = weight_report(site)
    print(table)
    if over:
        sys.exit("over budget:\n" + "\n".join(over))


@task(help={"reports": "folder for the JSON reports (default artifacts/lighthouse)"})
def lighthouse(c, reports="artifacts/lighthouse"):
    """Lighthouse (mobile preset) on the home page and a note of the sample."""
    from scripts.bench.reports import built_sample, lighthouse_report

    _logging(verbose=True)
    node_deps(c)
    with built_sample(Path.cwd()) as site:
        print(lighthouse_report(Path.cwd(), site, Path(reports)))


@task
def lint(c):
    """Ruff (lint rules and format) and the type checker (mypy)."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
    c.run(f"{sys.executable} -m mypy")


@task(
    help={
        "k": "only tests matching this expression",
        "workers": "test processes (default: one per core; 0 runs in this one)",
    }
)
def test(c, k="", workers="auto"):
    """Run the whole test suite (lint first), one test file per process."""
    lint(c)
    select = f" -k {shlex.quote(k)}" if k else ""
    # files in conftest's order (slowest first), not xdist's by test count
    spread = (
        ""
        if str(workers) == "0"
        else f" -n {workers} --dist loadfile --no-loadscope-reorder"
    )
    c.run(f"{sys.executable} -m pytest{spread}{select}", pty=False)


@task(
    help={
        "module": "one module from scripts/mutation/modules.toml (default: all)",
        "jobs": "mutants tested in parallel (default 2)",
        "again": "test only the last run's surviving mutants, with today's tests",
        "report_only": "print the last run's figures (even a stopped run)",
        "sample": "a digit: test only the mutants whose number ends in it (1 in 10)",
    }
)
def mutate(c, module="", jobs=2, again=False, report_only=False, sample=""):
    """Mutation testing: the share of small code changes the tests catch."""
    from scripts.mutate import main

    flags = [
        *(["--again"] if again else []),
        *(["--report-only"] if report_only else []),
        *(["--sample", sample] if sample else []),
    ]
    sys.exit(main([*([module] if module else []), "--jobs", str(jobs), *flags]))
