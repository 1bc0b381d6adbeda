"""What page reuse learns from reading the templates, kept from one build to
the next.

Before reusing a page, page reuse reads its template and all it extends,
includes and imports (reuse.py: what a note template reads that a page key
does not hold, which context names a list template reads, which attributes
it reads on each page variable). That is the same for the same templates
and code, and took about a second of every build (Jinja compiles each
template to find the names it reads). Each answer is kept in the page-reuse
folder under a name made of everything it is made from: the plugin code,
the theme's files, the Pelican and Jinja versions, the names of the
settings, the JINJA_ENVIRONMENT setting (how templates are parsed), the
template environment's globals, filters, tests and extensions (a template
may read any of them), and the question. A change to any of them asks
again. A process that builds again finds them in memory too (SEEN).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
from collections.abc import Callable
from pathlib import Path

from plugins.core.code import LOADED
from plugins.core.files import write_atomic

logger = logging.getLogger(__name__)

# not *.json: the page-reuse folder's records of output folders are, and
# those of outputs that are gone are removed (reuse.py, PageReuse.save)
FILE_NAME = "template-analysis.answers"
PACKAGES = ("pelican", "jinja2")
Answer = list[str] | None
# The answers this process has kept, by the same keys (each names all an
# answer is made from): a process that builds more than once (make serve,
# the fast path's builds, a test run's sites, each with a cache of its own)
# asks each question once. Filled where the file is written (save), so by
# the same builds only; emptied when it holds more than SEEN_MAX.
SEEN: dict[str, Answer] = {}
SEEN_MAX = 20_000


def valid(answer) -> bool:
    """An answer as answer() makes them: None or a list of names."""
    return answer is None or (
        isinstance(answer, list) and all(isinstance(x, str) for x in answer)
    )


class TemplateAnalyses:
    """Answers about the templates, by question, from the last build or made."""

    def __init__(self, folder: Path, theme_digest: str, settings: dict):
        self.path = folder / FILE_NAME
        digest = hashlib.blake2b(digest_size=16)
        for part in (
            LOADED,
            theme_digest,
            *(f"{p}={importlib.metadata.version(p)}" for p in PACKAGES),
            json.dumps(sorted(settings)),
            # how templates are parsed (delimiters, line statements...)
            json.dumps(settings.get("JINJA_ENVIRONMENT"), sort_keys=True, default=repr),
        ):
            digest.update(part.encode())
            digest.update(b"\0")
        self.base = digest.hexdigest()
        self.kept = self._load()
        self.used: dict[str, Answer] = {}
        self.envs: dict[int, str] = {}  # environment id -> its names, hashed
        self.asked = 0  # answers made this build (not found kept)

    def _load(self) -> dict[str, Answer]:
        # a regular file only (a pipe there would hold the build waiting)
        if not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        answers = data.get("answers") if isinstance(data, dict) else None
        return answers if isinstance(answers, dict) else {}

    def env_names(self, env) -> str:
        """The names a template may read or call in `env`, hashed (once per
        environment a build; each generator has its own).
        """
        if id(env) not in self.envs:
            names = [
                sorted(env.globals),
                sorted(env.filters),
                sorted(env.tests),
                sorted(env.extensions),
            ]
            self.envs[id(env)] = hashlib.blake2b(
                json.dumps(names).encode(), digest_size=16
            ).hexdigest()
        return self.envs[id(env)]

    def answer(self, env, question: tuple[str, ...], make: Callable[[], Answer]):
        """The kept answer to `question` about `env`'s templates, or make()'s."""
        key = hashlib.blake2b(
            json.dumps([self.base, self.env_names(env), *question]).encode(),
            digest_size=16,
        ).hexdigest()
        if key in self.used:
            return self.used[key]
        kept = self.kept.get(key, SEEN.get(key, False))
        if valid(kept):
            found: Answer = kept  # type: ignore[assignment]
        else:
            found = make()
            self.asked += 1
        self.used[key] = found
        return found

    def save(self) -> None:
        """Keep this build's answers (only those: the file does not grow),
        in the file and in this process (SEEN).
        """
        if len(SEEN) + len(self.used) > SEEN_MAX:
            SEEN.clear()
        SEEN.update(self.used)
        logger.info(
            "page reuse: %d answers about the templates kept from the last "
            "build or this process's, %d made",
            len(self.used) - self.asked,
            self.asked,
        )
        if self.used == self.kept:
            return
        data = json.dumps({"answers": self.used}, ensure_ascii=False)
        try:
            write_atomic(self.path, data.encode("utf-8"))
        except OSError as e:  # they only save time: the next build asks again
            # (a developer's line: a warning would count as the build's, and
            # an edit's build alone that warns is the full build's)
            logger.info("page reuse: the answers about the templates not kept: %s", e)
