"""Which notes each group is offered in a share run (pure functions).

A note concerns a group if its police station is one of the group's, or if
it is district-wide (`scope: district`): those go to every group. A group is
offered each concerning note once. Its window for a scope (a station, or the
district) begins when that scope first appears for it, reaching back
`new_group_days`: a new group, or a station newly added to a group, starts
with the last week's notes, not the whole archive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .groups import Group
from .ledger import SCOPE_SEP, LedgerState, Run

DISTRICT = "district"


@dataclass(frozen=True)
class ShareNote:
    """What a share run needs of a published note."""

    url: str  # site-relative, e.g. "2026/11/bilpank-baithak/"
    title: str
    date: datetime  # aware
    thana_slug: str
    district_wide: bool = False

    @property
    def scope_key(self) -> str:
        return DISTRICT if self.district_wide else f"station:{self.thana_slug}"


def scope_keys(group: Group) -> list[str]:
    return [f"station:{t.slug}" for t in group.thanas] + [DISTRICT]


def concerns(note: ShareNote, group: Group) -> bool:
    return note.district_wide or note.thana_slug in group.thana_slugs


def run_id(now: datetime, token: str) -> str:
    return f"{now:%Y%m%d-%H%M%S}-{token}"


def plan_run(
    *,
    run: str,
    now: datetime,
    groups: Sequence[Group],
    notes: Iterable[ShareNote],
    state: LedgerState,
    new_group_days: int,
    only: Iterable[str] | None = None,
    since: datetime | None = None,
) -> Run:
    """The run's new window starts and offers (oldest note first per group).

    `only` (group ids) and `since` narrow the run; notes they leave out stay
    unoffered for a later run.
    """
    notes = sorted(notes, key=lambda n: (n.date, n.url))
    wanted = set(only) if only else None
    offered = state.offered()
    starts = state.starts()
    default_start = now - timedelta(days=new_group_days)
    result = Run(id=run, time=now.isoformat(timespec="seconds"))
    for group in groups:
        if wanted is not None and group.id not in wanted:
            continue
        window = {}
        for key in scope_keys(group):
            window[key] = starts.get((group.id, key), default_start)
        opened = [k for k in scope_keys(group) if (group.id, k) not in starts]
        if opened:
            result.starts.append(
                (
                    group.id,
                    SCOPE_SEP.join(opened),
                    default_start.isoformat(timespec="seconds"),
                )
            )
        done = offered.get(group.id, set())
        for note in notes:
            if (
                concerns(note, group)
                and note.date >= window[note.scope_key]
                and (since is None or note.date >= since)
                and note.url not in done
            ):
                result.offers.append((group.id, note.url, note.title))
    return result


def batch_runs(state: LedgerState) -> list[Run]:
    """The runs the admin page shows: every run not yet shown, else the last.

    A run recorded but never published (a crash, a failed build) stays in
    the batch until a share run publishes it, so nothing offered is lost.
    """
    unshown = [r for r in state.runs if not r.shown and r.offers]
    if unshown:
        return unshown
    return [r for r in state.runs if r.offers][-1:]


def unshown_runs(state: LedgerState) -> list[str]:
    return [r.id for r in state.runs if not r.shown]


def offers_by_group(runs: Sequence[Run]) -> dict[str, list[tuple[str, str]]]:
    """(url, title) per group id, in ledger order."""
    result: dict[str, list[tuple[str, str]]] = {}
    for run in runs:
        for group, url, title in run.offers:
            result.setdefault(group, []).append((url, title))
    return result
