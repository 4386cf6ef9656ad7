"""The report page's links from a number to the tickets behind it (reports.clickthrough):
the click-through URL of a period's or a leaderboard row's created and solved counts,
carrying the page's filters as per-account numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse

from reports.clickthrough import NONE
from reports.forms import FIELD_PREFIX, Filters


@dataclass(frozen=True)
class Links:
    created: str
    solved: str


class LinkMaker:
    def __init__(
        self,
        filters: Filters,
        *,
        group_numbers: dict,
        agent_numbers: dict,
        organization_numbers: dict | None = None,
    ) -> None:
        self.filters = filters
        self.group_numbers = group_numbers  # pk → number, of the groups in scope
        self.agent_numbers = agent_numbers
        self.organization_numbers = organization_numbers or {}

    def _number(self, pk: int | None, numbers: dict) -> str | None:
        """The URL's value for a pk: "" for any, ``none`` for 0; None when the viewer
        cannot name it (a group or agent out of their reports' choices)."""
        if pk is None:
            return ""
        if pk == 0:
            return NONE
        number = numbers.get(pk)
        return None if number is None else str(number)

    def links(
        self,
        start: dt.date,
        end: dt.date,
        *,
        group_pk: int | None = None,
        agent_pk: int | None = None,
        organization_pk: int | None = None,
    ) -> Links | None:
        f = self.filters
        group = self._number(f.group_pk if group_pk is None else group_pk, self.group_numbers)
        agent = self._number(f.agent_pk if agent_pk is None else agent_pk, self.agent_numbers)
        org_pk = f.organization_pk if organization_pk is None else organization_pk
        # The click-through names no "no organization" (its form has no such choice).
        organization = None if org_pk == 0 else self._number(org_pk, self.organization_numbers)
        if group is None or agent is None or organization is None:
            return None
        query = QueryDict(mutable=True)
        query["start"] = max(start, f.start).isoformat()
        query["end"] = min(end, f.end).isoformat()
        for name, value in (
            ("group", group),
            ("agent", agent),
            ("channel", f.channel),
            ("priority", f.priority),
            ("type", f.type),
            ("organization", organization),
            ("tag", f.tag),
            *((f"{FIELD_PREFIX}{number}", value) for number, value in f.fields),
        ):
            if value:
                query[name] = value
        base = reverse("reports:tickets")
        return Links(
            created=f"{base}?metric=created&{query.urlencode()}",
            solved=f"{base}?metric=solved&{query.urlencode()}",
        )

    def period(self, start: dt.date) -> Links | None:
        """A period of the page (a day, or a week clipped to the range)."""
        end = start + dt.timedelta(days=6 if self.filters.weekly else 0)
        return self.links(start, end)

    def whole_range(self, **kwargs) -> Links | None:
        return self.links(self.filters.start, self.filters.end, **kwargs)
