"""The lines a bench worker (worker.py) prints for the bench to read.

Kept apart from worker.py: the package imports these, and a module the
package imports would be imported again when `python -m` runs it.
"""

from __future__ import annotations

# The last line a worker prints: its own peak memory (see measure.py).
PEAK_MARK = "bench worker peak memory kB:"
# How many note pages a project build linked from the last build.
REUSED_MARK = "bench worker note pages reused:"
# the path a project build took (scripts/fast_build.py) and why
PATH_MARK = "bench worker build path:"
# How many notes a project build restored from the last build's snapshot.
RESTORED_MARK = "bench worker notes restored:"
# How long the search index step of a project build took (plugins/search),
# and whether it reused the last index (1) or made one (0).
SEARCH_MS_MARK = "bench worker search index ms:"
SEARCH_REUSED_MARK = "bench worker search index reused:"
# The search worker: the index made from nothing, then made again with the
# kept bundle (no note page changed).
SEARCH_MADE_MARK = "bench worker search index made ms:"
SEARCH_KEPT_MARK = "bench worker search index kept ms:"
# The site index read alone: its bytes on disk, the milliseconds to read it,
# the resident memory (kB) before reading it.
INDEX_BYTES_MARK = "bench worker site index bytes:"
INDEX_MS_MARK = "bench worker site index read ms:"
INDEX_RSS_MARK = "bench worker site index rss before kB:"
