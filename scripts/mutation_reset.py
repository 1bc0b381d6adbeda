"""A pytest plugin `invoke mutate` loads into every test run of mutmut's.

functools caches in plugins/ (romanized words, day periods …) must start
empty for each test:

- mutmut tests each mutant in a process forked from one that has already run
  the tests, so the caches still hold the results of the unchanged code: a
  mutant of a cached function would look harmless;
- mutmut ties each test to the functions it runs, in a first run of all the
  tests: a test that finds a word cached by an earlier test runs none of the
  code that romanizes it, so it would not be run against that code's mutants
  (a word of its own, tested by name, killed nothing).

Pelican's log filter drops a warning (or lower) it has already let through
in the same process. mutmut runs every test twice in the process it forks
the mutants from, so a test that expects a warning would find it dropped,
fail, and count every mutant it runs against as killed. Each test starts
with no message seen.

mutmut learns which mutant finished by waiting for any child of its process.
A test run in that process (its first run, which ties tests to code) that
leaves a child running, such as the build's background removal of a
replaced site, would end mutmut's run when that child ends (KeyError in
wait_for_result): a test run ends once those children have.
"""

from __future__ import annotations

import os
import sys
import time


def clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("plugins", "scripts"):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def forget_logged_messages() -> None:
    log = sys.modules.get("pelican.log")
    if log is not None:
        log.LimitFilter._raised_messages.clear()
        log.LimitFilter._group_count.clear()


def pytest_runtest_setup(item) -> None:
    clear_caches()
    forget_logged_messages()


def reap_children(limit: float = 60.0) -> bool:
    """Wait (at most `limit` seconds) for every child of this process to end,
    and collect it. True when none is left.
    """
    deadline = time.monotonic() + limit
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


def pytest_sessionfinish(session, exitstatus) -> None:
    reap_children()
