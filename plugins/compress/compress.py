"""Precompressed copies for web servers: `<file>.gz` and `<file>.br` beside
every HTML, CSS, XML, SVG, JS, JSON and text file of the output, so nginx
(gzip_static, brotli_static) and Caddy (precompressed) send them without
compressing on each request.

On when COMPRESS["enabled"] (publishconf.py): development builds skip it.
Copies are cached under COMPRESS["cache"] by a hash of the file, so a
rebuild compresses only files that changed; each copy takes its file's
modification time, so rsync sends a copy only when its file changed. A
fast build (scripts/fast_production.py) makes the copies of the files it
places with the same functions and cache (`compressed_copies`, `same_time`).

register() only connects signals.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

import brotli
from pelican import signals

from plugins.core.files import cache_folder, data_digest, file_digest, make_missing
from plugins.core.settings import namespaced

logger = logging.getLogger(__name__)

SETTING = "COMPRESS"
DEFAULTS = {
    "enabled": False,
    "cache": "cache/compressed",
    # smaller files gain nothing from compression
    "min_bytes": 256,
}
SUFFIXES = frozenset(
    {".html", ".css", ".xml", ".xsl", ".svg", ".js", ".json", ".txt", ".map"}
)
ENCODINGS = (".gz", ".br")
PARALLEL_MIN = 32


def plugin_settings(settings: dict) -> dict:
    return namespaced(settings, SETTING, DEFAULTS, "compress")


def gzip_bytes(data: bytes) -> bytes:
    """Gzip at level 9 with no name or time inside: the same bytes each time."""
    return gzip.compress(data, compresslevel=9, mtime=0)


# Brotli's best quality (11) takes about 1.4 s of CPU per megabyte: a build
# that adds a note would spend seconds on the sitemap (1.1 MB at 10,000
# notes) and the ten feeds it changes (280 KB each). What readers' browsers
# load (pages, styles, scripts) is far smaller than BIG_BYTES and keeps the
# best quality; a larger file (sitemaps, feeds: read by crawlers and feed
# readers) is compressed at BIG_QUALITY, 20 to 30 times faster, its .br 9%
# (feeds) to 40% (sitemap) larger, still half its .gz or less.
BEST_QUALITY = 11
BIG_BYTES = 128 * 1024
BIG_QUALITY = 9


def brotli_quality(size: int) -> int:
    return BEST_QUALITY if size <= BIG_BYTES else BIG_QUALITY


def brotli_bytes(data: bytes) -> bytes:
    return brotli.compress(data, quality=brotli_quality(len(data)))


def cache_name(digest: str, encoding: str, size: int) -> str:
    """The cached copy's name: the file's digest, and for a .br made at
    another quality than the best, that quality (copies made before the
    qualities differed keep their names).
    """
    quality = brotli_quality(size)
    if encoding == ".br" and quality != BEST_QUALITY:
        return f"{digest}.q{quality}{encoding}"
    return f"{digest}{encoding}"


def render(job: tuple[str, str]) -> bytes:
    """Compress one file (module level: runs in worker processes)."""
    source, encoding = job
    return compressed(Path(source).read_bytes(), encoding)


def render_data(job: tuple[bytes, str]) -> bytes:
    """Compress bytes at hand (a fast build's files, before they are placed)."""
    data, encoding = job
    return compressed(data, encoding)


def compressed(data: bytes, encoding: str) -> bytes:
    return gzip_bytes(data) if encoding == ".gz" else brotli_bytes(data)


def worth(name: str, size: int, min_bytes: int) -> bool:
    """Whether a file of this name and size gets compressed copies."""
    return os.path.splitext(name)[1] in SUFFIXES and size >= min_bytes


def worth_compressing(path: Path, min_bytes: int) -> bool:
    return path.is_file() and worth(path.name, path.stat().st_size, min_bytes)


def compressible(output: Path, min_bytes: int) -> list[Path]:
    return sorted(p for p in output.rglob("*") if worth_compressing(p, min_bytes))


def copy_names(name: str) -> list[str]:
    """The names of a file's compressed copies (`x.html.gz`, `x.html.br`)."""
    return [name + encoding for encoding in ENCODINGS]


def cached_copy(cache: Path, digest: str, encoding: str, size: int) -> Path:
    """Where the cache keeps the copy of a file with this digest and size."""
    return cache / digest[:2] / cache_name(digest, encoding, size)


def same_time(copy: Path, source: Path) -> None:
    """A copy takes its file's access and modification time: rsync (which
    compares sizes and times) sends a copy exactly when its file changed.
    """
    st = source.stat()
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))


def compress_files(files: list[Path], cache: Path, min_bytes: int) -> tuple[int, int]:
    """Write the .gz and .br beside each of `files` worth compressing (the
    whole output of a full build); return (files compressed, copies made).
    """
    files = [p for p in files if worth_compressing(p, min_bytes)]
    cached = {}
    jobs = {}
    for path in files:
        digest = file_digest(str(path))
        size = path.stat().st_size
        for encoding in ENCODINGS:
            copy = cached_copy(cache, digest, encoding, size)
            cached[path.with_name(path.name + encoding)] = (copy, path)
            if not copy.is_file():
                jobs[copy] = (str(path), encoding)
    make_missing(jobs, render, PARALLEL_MIN)
    for target, (copy, source) in cached.items():
        # a copy, not a hard link: each takes its own file's time
        shutil.copyfile(copy, target)
        same_time(target, source)
    return len(files), len(jobs)


def compressed_copies(
    files: Mapping[str, bytes], cache: Path, min_bytes: int
) -> dict[str, bytes]:
    """The .gz and .br of each of `files` ({path: bytes}, not yet written:
    a fast build's) worth compressing, by path (`<path>.gz`...): the same
    bytes, through the same cache, as compress_files gives once they are
    written.
    """
    cached: dict[str, Path] = {}
    jobs: dict[Path, tuple[bytes, str]] = {}
    for rel, data in sorted(files.items()):
        if not worth(rel, len(data), min_bytes):
            continue
        digest = data_digest(data)
        for encoding in ENCODINGS:
            copy = cached_copy(cache, digest, encoding, len(data))
            cached[rel + encoding] = copy
            if not copy.is_file():
                jobs[copy] = (data, encoding)
    make_missing(jobs, render_data, PARALLEL_MIN)
    return {rel: copy.read_bytes() for rel, copy in cached.items()}


def compress_output(output: Path, cache: Path, min_bytes: int) -> tuple[int, int]:
    """Write the .gz and .br of every compressible file; return (files, made)."""
    return compress_files(compressible(output, min_bytes), cache, min_bytes)


def on_finalized(pelican) -> None:
    conf = plugin_settings(pelican.settings)
    if not conf["enabled"]:
        return
    start = time.perf_counter()
    files, made = compress_output(
        Path(pelican.output_path),
        cache_folder(pelican.settings, conf["cache"]),
        conf["min_bytes"],
    )
    logger.info(
        "compress: .gz and .br of %d files (%d copies made) in %.1f s",
        files,
        made,
        time.perf_counter() - start,
    )


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.finalized.connect(on_finalized)
