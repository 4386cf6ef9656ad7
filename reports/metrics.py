"""What each reported number means, as one pure function of a ticket and its history.

The history read is the ticket's comments (their current visibility) and its status
changes (TicketEvent). A ticket contributes to the rollups (reports.models.ReportDay) through
``contributions``: counts per day of the account's time zone, under the ticket's current
group, assignee, channel, priority, type and organization (a report "by group" shows the group that
holds the ticket now, as Zendesk Explore does). The incremental path and
``rebuild_reports`` both call it, so they agree by construction; the property test in
tests/reports proves it over random histories.

Definitions:
- created: the ticket's creation, on its day.
- solved: tickets whose status is Solved or Closed now, counted once, on the day of the
  last move into Solved (a reopened and solved again ticket moves to its last solve day).
- reopened: every move from Solved back to an unsolved status, on its day.
- full resolution time: creation to the last solve, for the solved tickets, on the solve
  day (calendar time: business hours are not applied yet).
- agent replies: public comments by an agent or admin, the ticket's opening comment
  excluded; ``solved_replies`` counts a solved ticket's replies on its solve day, for
  "replies per solved ticket".
- first reply time: creation to the first agent reply, on the reply's day. A ticket
  opened by an agent (a proactive ticket: the agent spoke first) has none.
- satisfaction: the ticket's current rating, on the day it was given.
- backlog: created minus solved, summed up to a day.
- backlog by status: ``unsolved_<category>`` (new, open, pending, hold: the status
  categories, tickets.status_models; a custom status counts under its category, since
  the accounts' own names cannot be columns) is the net number of tickets that entered
  the category on the day, so the sum up to a day is how many sat in it at the day's
  end. A ticket starts, at its creation, in the status its first status change left
  (its current status when it has none); each status change moves it from the old
  category to the new one on its day. A ticket solved with no change on record (rows
  loaded in bulk) counts as open from its creation to its ``solved_at``.
Times are also counted in the histogram buckets of BUCKET_EDGES for the median and the
90th percentile (a bucket's upper edge: "at most"), because sums cannot give them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

MINUTE = 60
HOUR = 3600
DAY = 86400
# Upper edges, in seconds, of the duration buckets; the last bucket is open.
BUCKET_EDGES = (
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    4 * HOUR,
    8 * HOUR,
    DAY,
    2 * DAY,
    4 * DAY,
    7 * DAY,
    14 * DAY,
)
BUCKETS = len(BUCKET_EDGES) + 1
COUNTS = (
    "created",
    "solved",
    "reopened",
    "replies",
    "solved_replies",
    "frt_count",
    "frt_seconds",
    "res_seconds",
    "csat_good",
    "csat_bad",
)
UNSOLVED_CATEGORIES = ("new", "open", "pending", "hold")
STATUS_COUNTS = tuple(f"unsolved_{category}" for category in UNSOLVED_CATEGORIES)
HISTOGRAMS = tuple(f"frt_{i}" for i in range(BUCKETS)) + tuple(f"res_{i}" for i in range(BUCKETS))
MEASURES = COUNTS + HISTOGRAMS + STATUS_COUNTS
SOLVED_STATUSES = ("solved", "closed")

# (group, agent, channel, priority, type, organization): ids as integers, 0 for none.
Dims = tuple[int, int, str, str, str, int]


@dataclass(frozen=True)
class TicketFacts:
    created_at: dt.datetime
    status: str
    submitter_is_agent: bool
    dims: Dims
    rating: str = ""
    rated_at: dt.datetime | None = None
    solved_at: dt.datetime | None = None  # kept on the ticket: when no change says
    # Not a dimension of ReportDay: each tag's rows (reports.models.ReportTagAgentDay).
    tags: tuple[str, ...] = ()
    # Likewise each drop-down value's: (field number, value) (ReportFieldValueAgentDay).
    fields: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class EventFact:
    kind: str  # TicketEvent.Kind's values
    at: dt.datetime
    field: str = ""
    old: str = ""
    new: str = ""
    agent_public_comment: bool = False


def bucket(seconds: float) -> int:
    for i, edge in enumerate(BUCKET_EDGES):
        if seconds <= edge:
            return i
    return len(BUCKET_EDGES)


def contributions(
    ticket: TicketFacts, events: list[EventFact], tz: ZoneInfo
) -> dict[dt.date, Counter[str]]:
    """The ticket's counts per local day (only the non-zero ones)."""
    days: dict[dt.date, Counter[str]] = {}

    def add(at: dt.datetime, measure: str, value: int = 1) -> None:
        days.setdefault(at.astimezone(tz).date(), Counter())[measure] += value

    opening_seen = False
    first_reply_done = ticket.submitter_is_agent
    replies = 0
    last_solve: dt.datetime | None = None
    add(ticket.created_at, "created")
    for event in events:
        if event.kind == "comment":
            if not opening_seen:
                opening_seen = True  # the ticket's own description, never a reply
                continue
            if not event.agent_public_comment:
                continue
            replies += 1
            add(event.at, "replies")
            if not first_reply_done:
                first_reply_done = True
                seconds = max(0, int((event.at - ticket.created_at).total_seconds()))
                add(event.at, "frt_count")
                add(event.at, "frt_seconds", seconds)
                add(event.at, f"frt_{bucket(seconds)}")
        elif event.kind == "change" and event.field == "status":
            was_solved = event.old in SOLVED_STATUSES
            now_solved = event.new in SOLVED_STATUSES
            if now_solved and not was_solved:
                last_solve = event.at
            elif was_solved and not now_solved:
                add(event.at, "reopened")
    _status_moves(ticket, events, add)
    if ticket.status in SOLVED_STATUSES:
        # No change on record (created solved, or rows loaded in bulk): the ticket's own
        # solved time.
        solved_at = last_solve or ticket.solved_at or ticket.created_at
        seconds = max(0, int((solved_at - ticket.created_at).total_seconds()))
        add(solved_at, "solved")
        add(solved_at, "res_seconds", seconds)
        add(solved_at, f"res_{bucket(seconds)}")
        if replies:
            add(solved_at, "solved_replies", replies)
    if ticket.rating in ("good", "bad") and ticket.rated_at is not None:
        add(ticket.rated_at, f"csat_{ticket.rating}")
    return {day: counts for day, counts in days.items() if any(counts.values())}


def _status_moves(ticket: TicketFacts, events: list[EventFact], add) -> None:
    """The backlog by status: +1 into a category, -1 out of it, on the day."""

    def move(at: dt.datetime, status: str, amount: int) -> None:
        if status in UNSOLVED_CATEGORIES:
            add(at, f"unsolved_{status}", amount)

    changes = [e for e in events if e.kind == "change" and e.field == "status"]
    if changes:
        move(ticket.created_at, changes[0].old, 1)
        for change in changes:
            move(change.at, change.old, -1)
            move(change.at, change.new, 1)
    elif ticket.status not in SOLVED_STATUSES:
        move(ticket.created_at, ticket.status, 1)
    elif ticket.solved_at is not None and ticket.solved_at > ticket.created_at:
        move(ticket.created_at, "open", 1)
        move(ticket.solved_at, "open", -1)


def percentile_bucket(histogram: list[int], fraction: float) -> int | None:
    """The bucket holding the given fraction of the counted times (0.5: the median);
    None when nothing was counted."""
    total = sum(histogram)
    if not total:
        return None
    wanted = fraction * total
    running = 0
    for i, n in enumerate(histogram):
        running += n
        if running >= wanted:
            return i
    return len(histogram) - 1
