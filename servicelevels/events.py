"""What the service levels tell the apps above them (the reports' SLA rollup,
reports.sla_rollup), inside the transaction that changes the SLA rows:

- ``sla_targets_stored``: one ticket's rows written (servicelevels.tracking._store),
  with ``account``, ``ticket_id``, ``before`` and ``after``: each a list of
  ``TargetState`` (its metric, target, fulfilment and breach time), before the write and
  after it.
- ``sla_targets_untracking``: before many tickets' rows lose their targets (a policy
  deactivated or deleted, a ticket no policy applies to any more), with ``account_id``
  and ``ticket_ids`` (a list, or a query of ``ticket_id`` values).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.dispatch import Signal

sla_targets_stored = Signal()  # kwargs: account, ticket_id, before, after
sla_targets_untracking = Signal()  # kwargs: account_id, ticket_ids


class TargetState(NamedTuple):
    metric: str
    target_minutes: int | None
    fulfilled_at: dt.datetime | None
    breach_at: dt.datetime | None
