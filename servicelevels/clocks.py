"""SLA clocks: pure functions, no ORM. What each metric's clock did, from a ticket's events.

A ticket's SLA state is two things kept apart:

- its **clocks** (``Clocks``): for each metric, when its current cycle started running,
  the stretches it ran before a pause, whether it is paused, and when it was fulfilled.
  They depend only on the ticket's events (comments and status changes), never on a
  policy, so they are advanced one event at a time (``step``) as the domain records
  them, and the same fold over all of a ticket's events (``from_events``) gives the same
  clocks: the property test holds the two equal over random event sequences;
- its **targets** (``target_for``): a clock measured against the policy that applies now
  (minutes, in calendar or business hours), giving the breach time. A change of policy
  or priority re-measures the same clocks, as Zendesk re-applies a policy on update.

The metrics, Zendesk's names and rules:

- ``first_reply_time``: from creation to the first public agent comment after the
  description (the description is the request, even when an agent typed it, logging a
  call). Never restarts.
- ``next_reply_time``: from an end user's public comment (once the first reply was given,
  while the ticket is unsolved) to the next public agent comment.
- ``periodic_update_time``: from each agent comment, a public reply or an internal note
  (an *internal* update counts), to the next; restarts when the ticket is reopened.
- ``requester_wait_time``: runs while New, Open or On-hold, pauses while Pending; its
  time adds up across reopenings.
- ``agent_work_time``: runs while New or Open, pauses while Pending or On-hold; adds up.
- ``resolution_time`` (full resolution): from creation to the last solve, calendar time
  from creation whatever the status; reopening makes it active again with the same start.

Solving fulfils every active metric; reopening (Solved → any unsolved status) restarts
the three that Zendesk restarts: resolution, the waits (resumed, adding up) and the
periodic update.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from servicelevels import businesstime

FIRST_REPLY = "first_reply_time"
NEXT_REPLY = "next_reply_time"
PERIODIC_UPDATE = "periodic_update_time"
REQUESTER_WAIT = "requester_wait_time"
AGENT_WORK = "agent_work_time"
RESOLUTION = "resolution_time"
METRICS = (FIRST_REPLY, NEXT_REPLY, PERIODIC_UPDATE, REQUESTER_WAIT, AGENT_WORK, RESOLUTION)

ACTIVE, PAUSED, ACHIEVED = "active", "paused", "achieved"
DONE = ("solved", "closed")
# Statuses in which a waiting metric's clock stops (paused, not fulfilled).
PAUSES_IN = {REQUESTER_WAIT: ("pending",), AGENT_WORK: ("pending", "hold")}


@dataclass(frozen=True)
class Clock:
    """One metric's current cycle. ``stage`` is "" for a metric never activated."""

    stage: str = ""
    running_since: datetime | None = None
    spans: tuple[tuple[datetime, datetime], ...] = ()  # closed running stretches
    fulfilled_at: datetime | None = None


@dataclass(frozen=True)
class Clocks:
    status: str = ""
    clocks: dict[str, Clock] = field(default_factory=lambda: {m: Clock() for m in METRICS})

    def __getitem__(self, metric: str) -> Clock:
        return self.clocks[metric]


# --- Events ------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    at: datetime
    status: str


@dataclass(frozen=True)
class Commented:
    at: datetime
    public: bool
    by_agent: bool


@dataclass(frozen=True)
class StatusChanged:
    at: datetime
    new: str


Event = Created | Commented | StatusChanged


def _start(at: datetime) -> Clock:
    return Clock(stage=ACTIVE, running_since=at)


def _fulfil(clock: Clock, at: datetime) -> Clock:
    if clock.stage not in (ACTIVE, PAUSED):
        return clock
    spans = clock.spans
    if clock.running_since is not None:
        spans = (*spans, (clock.running_since, at))
    return Clock(stage=ACHIEVED, running_since=None, spans=spans, fulfilled_at=at)


def _pause(clock: Clock, at: datetime) -> Clock:
    if clock.stage != ACTIVE or clock.running_since is None:
        return clock
    return replace(
        clock, stage=PAUSED, running_since=None, spans=(*clock.spans, (clock.running_since, at))
    )


def _resume(clock: Clock, at: datetime) -> Clock:
    if clock.stage == ACTIVE:
        return clock
    return replace(clock, stage=ACTIVE, running_since=at, fulfilled_at=None)


def _from_creation(clock: Clock, at: datetime) -> Clock:
    """Full resolution reopened: running again from its first start (the solved time
    counts too: it is time to the *final* solve)."""
    first = clock.spans[0][0] if clock.spans else (clock.running_since or at)
    return Clock(stage=ACTIVE, running_since=first)


def _waits(metric: str, clock: Clock, status: str, at: datetime) -> Clock:
    """A waiting metric's clock for the ticket now in ``status`` (not solved)."""
    if status in PAUSES_IN[metric]:
        if clock.stage == ACHIEVED:  # reopened straight into a pausing status
            return replace(clock, stage=PAUSED, fulfilled_at=None)
        return _pause(clock, at) if clock.stage else replace(clock, stage=PAUSED)
    return _resume(clock, at)


def step(state: Clocks, event: Event) -> Clocks:
    """The clocks after ``event``."""
    c = dict(state.clocks)
    status = state.status
    if isinstance(event, Created):
        status, at = event.status, event.at
        c[FIRST_REPLY] = _start(at)
        c[RESOLUTION] = _start(at)
        for metric in PAUSES_IN:
            c[metric] = _waits(metric, Clock(), status, at)
        if status in DONE:
            c = {m: _fulfil(clock, at) for m, clock in c.items()}
    elif isinstance(event, Commented):
        at = event.at
        if event.by_agent and event.public:
            c[FIRST_REPLY] = _fulfil(c[FIRST_REPLY], at)
            c[NEXT_REPLY] = _fulfil(c[NEXT_REPLY], at)
        if event.by_agent and status not in DONE:
            c[PERIODIC_UPDATE] = _start(at)
        elif (
            not event.by_agent
            and event.public
            and status not in DONE
            and c[FIRST_REPLY].stage == ACHIEVED
            and c[NEXT_REPLY].stage != ACTIVE
        ):
            c[NEXT_REPLY] = _start(at)
    elif isinstance(event, StatusChanged) and event.new != status:
        at, old, status = event.at, status, event.new
        if status in DONE:
            c = {m: _fulfil(clock, at) for m, clock in c.items()}
        else:
            if old in DONE:
                c[RESOLUTION] = _from_creation(c[RESOLUTION], at)
                if c[PERIODIC_UPDATE].stage:
                    c[PERIODIC_UPDATE] = _start(at)
            for metric in PAUSES_IN:
                c[metric] = _waits(metric, c[metric], status, at)
    return Clocks(status=status, clocks=c)


def from_events(events: Iterable[Event]) -> Clocks:
    """The clocks of a ticket from all its events, oldest first."""
    state = Clocks()
    for event in events:
        state = step(state, event)
    return state


# --- Targets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A clock against a policy's target: when it breaches (None while paused or never
    activated), and whether it did."""

    metric: str
    stage: str
    minutes: int
    business_hours: bool
    breach_at: datetime | None
    fulfilled_at: datetime | None

    @property
    def breached_at(self) -> datetime | None:
        """When it breached, if it did (by the end, when fulfilled)."""
        if self.breach_at is None:
            return None
        if self.fulfilled_at is not None:
            return self.breach_at if self.fulfilled_at > self.breach_at else None
        return self.breach_at


def _measure(schedule: businesstime.Schedule | None, a: datetime, b: datetime) -> timedelta:
    if schedule is None:
        return b - a
    return businesstime.business_time_between(schedule, a, b)


def _add(schedule: businesstime.Schedule | None, start: datetime, span: timedelta) -> datetime:
    if schedule is None:
        return start + span
    return businesstime.add_business_time(schedule, start, span)


def _left(
    schedule: businesstime.Schedule | None,
    spans: Iterable[tuple[datetime, datetime]],
    budget: timedelta,
) -> timedelta:
    used = sum((_measure(schedule, a, b) for a, b in spans), timedelta(0))
    return max(budget - used, timedelta(0))


def target_for(
    clock: Clock,
    *,
    metric: str,
    minutes: int,
    schedule: businesstime.Schedule | None,
) -> Target:
    """``clock`` measured against ``minutes`` of calendar time (``schedule`` None) or of
    the schedule's business time. An achieved clock keeps the breach time it had when it
    was fulfilled, so "met" and "missed" are told apart; a paused one has none."""
    budget = timedelta(minutes=minutes)
    breach_at = None
    try:
        if clock.running_since is not None:
            breach_at = _add(schedule, clock.running_since, _left(schedule, clock.spans, budget))
        elif clock.stage == ACHIEVED and clock.spans:
            # As if still running from the last stretch's start with what was left then.
            *before, (start, _end) = clock.spans
            breach_at = _add(schedule, start, _left(schedule, before, budget))
    except businesstime.NoBusinessHours:
        breach_at = None
    return Target(
        metric=metric,
        stage=clock.stage,
        minutes=minutes,
        business_hours=schedule is not None,
        breach_at=breach_at,
        fulfilled_at=clock.fulfilled_at,
    )


def next_breach(targets: Iterable[Target]) -> datetime | None:
    """The earliest breach time of the targets still running: the list's "next breach"."""
    times = [t.breach_at for t in targets if t.stage == ACTIVE and t.breach_at is not None]
    return min(times) if times else None
