"""Compiled templates kept from one build to the next: a Jinja bytecode
cache, in memory for a process that builds again and in the site's cache
folder for the next process.

Jinja compiles each template it loads to Python code, in every build and
in each of its environments (one a generator): about 0.4 s of a 10,000-note
site's publish of one note, a fifth of a small site's build. That code is
made from the template's source and from the environment that compiles it:
its syntax settings, extensions, autoescaping, which filters and tests it
has and how each is called (`environment_parts`; an environment with an
extension other than Jinja's own keeps nothing). It can also hold values
worked out while compiling: a filter or test applied to constants
(`{{ "x"|upper }}`) is called then and its result written into the code,
so that code depends on what the filter does, which no key can tell: such
a template is compiled in every build, never kept (`folds_constants`).

Each compiled template is kept under a key made of its name, its file and
the environment's parts, with the digest of the source it was compiled
from (Jinja's bucket checksum): a template edited is compiled again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache, bc_magic

from plugins.core.code import LOADED
from plugins.core.files import write_atomic

logger = logging.getLogger(__name__)

# the folder under a cache folder
FOLDER = "templates-compiled"
SUFFIX = ".code"
# code compiled or read in this process, by key: (source digest, code);
# emptied when it holds more than SEEN_MAX
SEEN: dict[str, tuple[str, CodeType]] = {}
SEEN_MAX = 2000
DIGEST = 32  # the code's digest, in hex: a file damaged is compiled again


def qualified(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def passes(functions: dict) -> list[list[str]]:
    """Each filter's or test's name and what Jinja passes it first (its
    context, evaluation context, environment or nothing): the code calls it
    so, and a name missing is an error written into the code.
    """
    return sorted(
        [name, str(getattr(f, "jinja_pass_arg", None))] for name, f in functions.items()
    )


def environment_parts(env: jinja2.Environment, name: str) -> list:
    """What template `name`'s code is made from besides its source."""
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return [
        jinja2.__version__,
        LOADED,  # the plugins' code (an extension of theirs)
        qualified(type(env)),
        qualified(env.code_generator_class),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        bool(autoescape),
        sorted(
            [key, qualified(type(ext)), ext.priority]
            for key, ext in env.extensions.items()
        ),
        getattr(env, "newstyle_gettext", None),
        repr(sorted(env.policies.items())),
        passes(env.filters),
        passes(env.tests),
    ]


def template_key(env: jinja2.Environment, name: str, filename: str | None) -> str:
    parts = [name, filename, environment_parts(env, name)]
    return hashlib.blake2b(
        json.dumps(parts, default=repr).encode(), digest_size=16
    ).hexdigest()


def recording(function: Any, calls: list[str], name: str) -> Any:
    """`function`, noting each call in `calls`, passed what Jinja passes it."""

    def call(*args, **kwargs):
        calls.append(name)
        return function(*args, **kwargs)

    # jinja_pass_arg and the like: how Jinja calls it
    call.__dict__.update(getattr(function, "__dict__", {}))
    return call


def folds_constants(env: jinja2.Environment, source: str, name: str) -> bool:
    """Whether compiling `source` calls a filter or test (its result is then
    written into the code): compiled again in an environment like `env`
    whose filters and tests note their calls, so every place Jinja's
    optimizer and code generator work a value out counts, in the evaluation
    context each has there (an `{% autoescape %}` block's). A template that
    does not compile is not kept either.
    """
    calls: list[str] = []
    probe = env.overlay(cache_size=0)
    probe.filters = {k: recording(f, calls, k) for k, f in env.filters.items()}
    probe.tests = {k: recording(f, calls, k) for k, f in env.tests.items()}
    try:
        probe.compile(source, name)
    except jinja2.TemplateError:
        return True
    return bool(calls)


class TemplateBucket(Bucket):
    """A bucket that knows its template (to tell whether to keep its code)."""

    def __init__(self, env, key: str, checksum: str, name: str, source: str):
        super().__init__(env, key, checksum)
        self.name = name
        self.source = source


class CompiledTemplates(BytecodeCache):
    """Compiled templates in memory (SEEN) and in `folder` (None: memory
    only). The files hold Jinja's magic, their key, the source's checksum,
    the digest of the code and the code, marshalled; one that does not read
    as such is compiled again.
    """

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.unwritable = False

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        key = template_key(environment, name, filename)
        checksum = self.get_source_checksum(source)
        bucket = TemplateBucket(environment, key, checksum, name, source)
        self.load_bytecode(bucket)
        return bucket

    def path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{key}{SUFFIX}"

    def load_bytecode(self, bucket: Bucket) -> None:
        seen = SEEN.get(bucket.key)
        if seen is not None and seen[0] == bucket.checksum:
            bucket.code = seen[1]
            return
        path = self.path(bucket.key)
        if path is None or not path.is_file():  # (not a pipe: it would wait)
            return
        try:
            data = path.read_bytes()
        except OSError:
            return
        head = header(bucket)
        if not data.startswith(head):
            return
        digest, body = data[len(head) : len(head) + DIGEST], data[len(head) + DIGEST :]
        if digest != body_digest(body):  # damaged
            return
        try:
            code = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(code, CodeType):
            bucket.code = code
            remember(bucket.key, bucket.checksum, code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is None or not isinstance(bucket, TemplateBucket):
            return
        if folds_constants(bucket.environment, bucket.source, bucket.name):
            return
        remember(bucket.key, bucket.checksum, bucket.code)
        path = self.path(bucket.key)
        if path is None:
            return
        body = marshal.dumps(bucket.code)
        data = header(bucket) + body_digest(body) + body
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except OSError as e:  # it only saves time: the next build compiles
            # (a developer's line, once: a warning would count as the build's)
            if not self.unwritable:
                logger.info("compiled templates: not kept in %s: %s", self.folder, e)
            self.unwritable = True


def header(bucket: Bucket) -> bytes:
    """Jinja's magic, the key and the source's checksum: a file read under
    another key (copied, swapped), or of another source, is not used.
    """
    return bc_magic + bucket.key.encode() + bucket.checksum.encode()


def body_digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=DIGEST // 2).hexdigest().encode()


def remember(key: str, checksum: str, code: CodeType) -> None:
    if len(SEEN) >= SEEN_MAX:
        SEEN.clear()
    SEEN[key] = (checksum, code)


def cache_folder(cache_path: str) -> Path:
    """The folder of compiled templates in the cache folder `cache_path`."""
    return Path(cache_path) / FOLDER


def keep_compiled(env: jinja2.Environment, folder: Path | None) -> None:
    """Give `env` the compiled templates of `folder` and of this process,
    unless it finalizes what it prints (Jinja calls `finalize` on constant
    output while compiling), has an extension not Jinja's own (whose
    settings, which may change how it parses, no key here holds) or a
    bytecode cache of its own.
    """
    own = all(type(e).__module__ == "jinja2.ext" for e in env.extensions.values())
    if env.finalize is None and env.bytecode_cache is None and own:
        env.bytecode_cache = CompiledTemplates(folder)
