"""A pytest plugin `invoke mutate` loads into every mutant's test run.

mutmut tests each mutant in a process forked from one that has already run
the tests, so functools caches in plugins/ (romanized words, day periods …)
still hold the results of the unchanged code: a mutant of a cached function
would look harmless. Each run starts with every such cache emptied.
"""

from __future__ import annotations

import sys


def pytest_sessionstart(session) -> None:
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("plugins", "scripts"):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()
