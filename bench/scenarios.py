"""The bench's scenarios (bench/README.md): the pages and API calls ``make bench`` and
``python -m bench.cpu`` measure, and the views and pages they need found in the data."""

from __future__ import annotations

import datetime as dt
import json
import math

from bench.custom_fields import custom_field_scenarios
from bench.knowledge import knowledge_scenarios
from bench.mail_scenarios import inbound_scenario
from bench.people_fields import people_field_scenarios

DEEP_PAGE = 2000
URGENT_BILLING = "Urgent billing (bench)"


def urgent_billing_view(account):
    """Scenario 1v's view: three conditions (group Billing, unsolved, priority urgent or
    high) and a sort of its own (oldest first), made once by the account's admin."""
    from accounts.models import AgentGroup, User
    from tickets.models import View
    from tickets.services.saved_views import view_create

    found = View.objects.for_account(account).filter(title=URGENT_BILLING).first()
    if found:
        return found
    billing = AgentGroup.objects.for_account(account).get(name="Billing")
    admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).first()
    return view_create(
        account=account,
        actor=admin,
        title=URGENT_BILLING,
        conditions={
            "all": [
                {"field": "group_id", "operator": "is", "value": billing.number},
                {"field": "status", "operator": "less_than", "value": "solved"},
            ],
            "any": [
                {"field": "priority", "operator": "is", "value": "urgent"},
                {"field": "priority", "operator": "is", "value": "high"},
            ],
        },
        sort_by="created",
        sort_order="asc",
    )


CUSTOM_STATUS_VIEW = "Engineering (bench)"


def custom_status_view(account):
    """Scenario 1s's view: the tickets in one custom status (issue 19), seed 004's
    "Engineering" (one ticket in seven of the Open ones carries an added status), or Open's
    built-in one in a database seeded before custom statuses."""
    from accounts.models import User
    from tickets.models import CustomStatus, View
    from tickets.services.saved_views import view_create

    found = View.objects.for_account(account).filter(title=CUSTOM_STATUS_VIEW).first()
    if found:
        return found
    statuses = CustomStatus.objects.for_account(account)
    status = (
        statuses.filter(agent_label="Engineering").first()
        or statuses.filter(category="open", is_default=True).get()
    )
    admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).first()
    return view_create(
        account=account,
        actor=admin,
        title=CUSTOM_STATUS_VIEW,
        conditions={
            "all": [{"field": "custom_status_id", "operator": "is", "value": status.number}]
        },
    )


ACTIVITY_VIEW = "Unread (bench)"


def activity_view(account):
    """Scenario 1u's view (issue 27): the Unread tickets, newest first, by the index
    (account, activity_status, -updated_at, -id)."""
    from accounts.models import User
    from tickets.models import View
    from tickets.services.saved_views import view_create

    found = View.objects.for_account(account).filter(title=ACTIVITY_VIEW).first()
    if found:
        return found
    admin = User.objects.for_account(account).filter(role=User.Role.ADMIN).first()
    return view_create(
        account=account,
        actor=admin,
        title=ACTIVITY_VIEW,
        conditions={"all": [{"field": "activity_status", "operator": "is", "value": "unread"}]},
        columns=["number", "subject", "requester", "activity", "updated"],
    )


def _unsolved_pages(agent):
    from tickets.counts import TicketPaginator
    from tickets.view_selectors import agent_ticket_list
    from tickets.views.lists import PER_PAGE

    return TicketPaginator(agent_ticket_list(viewer=agent, view_key="unsolved"), PER_PAGE)


def deep_page(agent) -> int:
    """Scenario 1b's page of the agent's "All unsolved tickets": 2,000, or the last one.
    The last one as the list's paginator counts (past EXACT_UP_TO rows, the planner's
    estimate, which may fall short of the rows there are: an exact count chose a page
    past its end, EmptyPage at 200,000 tickets) and as the rows really are (an estimate
    may overshoot them: the page before must hold the Next link to follow)."""
    paginator = _unsolved_pages(agent)
    exact = paginator.object_list.count()
    return max(1, min(DEEP_PAGE, paginator.num_pages, math.ceil(exact / paginator.per_page)))


def deep_page_cursor(agent, page: int) -> str:
    """The cursor of the Next link on the page before ``page`` of the agent's "All
    unsolved tickets": the link an agent clicks to reach it."""
    if page < 2:
        return ""
    return _unsolved_pages(agent).page(page - 1).next_cursor or ""


def hc_request(account) -> int:
    """Scenario 4c's request: the heavy requester's newest (a read: bench.cpu finds it
    too), its public conversation as the seed wrote it."""
    from bench.seed import HEAVY_EMAIL
    from tickets.models import Ticket

    number = (
        Ticket.objects.for_account(account)
        .filter(requester__email=HEAVY_EMAIL)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return number or 0


def scenarios(ctx: dict) -> list[dict]:
    agent, api = {"role": "agent"}, {"role": "api"}
    # The default view "All unsolved tickets" (its old address /agent/views/unsolved/
    # redirects there).
    unsolved = f"/agent/views/{ctx['unsolved_view']}/"
    create = json.dumps(
        {"ticket": {"subject": "Printer on fire", "comment": {"body": "Smoke from tray 2."}}}
    )
    return [
        # What every signed-in request costs before its page (session, user, account, the
        # row-level-security switch, the middleware): the list's throughput is judged as a
        # ratio of this one's in the same run (issue 17), which holds on a busy machine.
        {
            "key": "0",
            "name": "Signed in, renders nothing",
            "path": "/agent/tickets/new/requester/search/?q=",
            "htmx": True,
        }
        | agent,
        {"key": "1a", "name": "Unsolved tickets, page 1", "path": unsolved} | agent,
        {
            "key": "1b",
            "name": f"Unsolved tickets, page {ctx['deep_page']:,} (Next)",
            "path": f"{unsolved}?page={ctx['deep_page']}&cursor={ctx['deep_page_cursor']}",
        }
        | agent,
        {
            "key": "1c",
            "name": f"Unsolved tickets, page {ctx['deep_page']:,} by number",
            "path": f"{unsolved}?page={ctx['deep_page']}",
        }
        | agent,
        {
            "key": "1v",
            "name": "View: 3 conditions, oldest first",
            "path": f"/agent/views/{ctx['urgent_billing_view']}/",
        }
        | agent,
        {
            "key": "1s",
            "name": "View: SLA breached, soonest first",
            "path": f"/agent/views/{ctx['sla_breached_view']}/",
        }
        | agent,
        {
            "key": "1t",
            "name": "View: one custom status",
            "path": f"/agent/views/{ctx['custom_status_view']}/",
        }
        | agent,
        {
            "key": "1u",
            "name": "View: activity status Unread",
            "path": f"/agent/views/{ctx['activity_view']}/",
        }
        | agent,
        {
            "key": "2",
            "name": "Ticket page, 60 comments",
            "path": f"/agent/tickets/{ctx['long_thread']}/",
        }
        | agent,
        {
            "key": "3",
            "name": "Requester autocomplete",
            "path": "/agent/tickets/new/requester/search/?q=lopez",
            "htmx": True,
        }
        | agent,
        # The agent's new-ticket form (issue 17): its fields' choices (groups, assignees,
        # custom fields and ticket forms of the account), no ticket read.
        {"key": "3n", "name": "New ticket form", "path": "/agent/tickets/new/"} | agent,
        {"key": "4a", "name": "HC My activities (300 req.)", "path": "/hc/", "role": "requester"},
        {
            "key": "4b",
            "name": "HC Organization requests",
            "path": "/hc/?tab=organization",
            "role": "manager",
        },
        {
            "key": "4c",
            "name": "HC request page (requester)",
            "path": f"/hc/requests/{ctx['hc_request']}/",
            "role": "requester",
        },
        {
            "key": "5a",
            "name": "HC search",
            "path": "/hc/search/?q=invoice+refund",
            "role": "requester",
        },
        *knowledge_scenarios(ctx),
        {"key": "5b", "name": "Agent search", "path": "/agent/search/?q=invoice"} | agent,
        {
            "key": "6a",
            "name": "API ticket list, first",
            "path": "/api/v2/tickets.json?page[size]=100",
        }
        | api,
        {
            "key": "6b",
            "name": "API ticket list, deep cursor",
            "path": f"/api/v2/tickets.json?page[size]=100&page[after]={ctx['deep_cursor']}",
        }
        | api,
        {
            "key": "6c",
            "name": "API ticket create (POST)",
            "path": "/api/v2/tickets.json",
            "method": "POST",
            "body": create,
        }
        | api,
        # The account's tags with their counts (tickets_tagcount, kept by triggers).
        {"key": "6t", "name": "API tags with counts", "path": "/api/v2/tags.json"} | api,
        inbound_scenario(ctx),
        {"key": "8", "name": "Agent home", "path": "/agent/"} | agent,
        *custom_field_scenarios(ctx),
        *people_field_scenarios(ctx),
        # The admins' audit log (issue 21): newest first, keyset pages over audit_account_*.
        {
            "key": "9",
            "name": "Audit log (admin)",
            "path": "/agent/settings/audit/",
            "role": "admin",
        },
        # The admins' organizations (issue 21): by name, keyset pages over
        # organization_account_name.
        {
            "key": "9o",
            "name": "Organizations (admin)",
            "path": "/agent/settings/organizations/",
            "role": "admin",
        },
        # The reports (issue 26): 90 days of the daily rollups, per week, for an admin
        # (the whole account) and for an agent (their own and their groups' rows).
        # Needs the rollups built: ``manage.py rebuild_reports`` after the seed. Both
        # read the SLA achievement table too (reports/sla.py, one query, from the seed's
        # SLA targets: bench/sla_seed.py; the admin's from servicelevels 0004's indexes
        # alone, the agent's joined to the tickets of their scope).
        {
            "key": "10r",
            "name": "Reports, 90 days (admin)",
            "path": "/agent/reports/?preset=90&period=week",
            "role": "admin",
        },
        {
            "key": "10a",
            "name": "Reports, 90 days (agent)",
            "path": "/agent/reports/?preset=90&period=week",
        }
        | agent,
        # One group (admin): the SLA table joined to the tickets of the group, as an
        # agent's scope is (bench/README.md, "SLA achievement at a million tickets").
        {
            "key": "10l",
            "name": "Reports, 90 days, one group, with SLA (admin)",
            "path": "/agent/reports/?preset=90&period=week&group=1",
            "role": "admin",
        },
        # Narrowed to one organization (an average one: ~850 of the 900,000 tickets),
        # from the organization rollups (reports 0004).
        {
            "key": "10o",
            "name": "Reports, 90 days, one organization (admin)",
            "path": "/agent/reports/?preset=90&period=week&organization=2",
            "role": "admin",
        },
        # The biggest organization (organization 1: ~28,800 tickets) and a common tag
        # (~55,700): the organization from its own rollup rows (report_org_day_org,
        # report_org_agent_day_org), the tag from its own (reports 0006: report_tag_day_tag,
        # report_tag_agent_day_tag).
        {
            "key": "10b",
            "name": "Reports, 90 days, the biggest organization (admin)",
            "path": "/agent/reports/?preset=90&period=week&organization=1",
            "role": "admin",
        },
        {
            "key": "10g",
            "name": "Reports, 90 days, one tag (admin)",
            "path": "/agent/reports/?preset=90&period=week&tag=enterprise",
            "role": "admin",
        },
        # One channel (web: ~20% of the tickets): ReportAttributeDay (reports 0007) for
        # the days, the backlog (with ReportAttributeMonth) and the group leaderboard.
        {
            "key": "10c",
            "name": "Reports, 90 days, one channel (admin)",
            "path": "/agent/reports/?preset=90&period=week&channel=web",
            "role": "admin",
        },
        # One drop-down value (Impact, the bench account's field 2, "high": ~17% of the
        # tickets once 1f/2f's values are set, none before): its own rollup rows
        # (reports 0008: report_value_day_v, report_value_agent_day_v).
        {
            "key": "10v",
            "name": "Reports, 90 days, one drop-down value (admin)",
            "path": "/agent/reports/?preset=90&period=week&field_2=high",
            "role": "admin",
        },
        # The tickets behind the report's numbers (issue 26's click-through): the 90 days'
        # created and solved tickets, first page, from the tickets' range indexes
        # (ticket_acct_created, ticket_acct_solved_range).
        {
            "key": "10t",
            "name": "Reports: tickets created in 90 days (admin)",
            "path": f"/agent/reports/tickets/?metric=created&{_last_90_days()}",
            "role": "admin",
        },
        {
            "key": "10s",
            "name": "Reports: tickets solved in 90 days (admin)",
            "path": f"/agent/reports/tickets/?metric=solved&{_last_90_days()}",
            "role": "admin",
        },
        # Live chat (issue 28): the agents' workspace (the queue from chat_acct_open,
        # the agent's chats from chatparticipant_current; a fixed number of queries,
        # tests/bench/test_chat_plans.py) and the queue's JSON poll every workspace
        # sends every 3 s without a socket.
        {"key": "11c", "name": "Chat workspace (admin)", "path": "/agent/chats/", "role": "admin"},
        {
            "key": "11q",
            "name": "Chat queue poll (admin)",
            "path": "/agent/chats/queue/",
            "role": "admin",
            "headers": {"Accept": "application/json"},
        },
    ]


def _last_90_days() -> str:
    today = dt.date.today()
    return f"start={today - dt.timedelta(days=89)}&end={today}"


# Not driven by wrk: one connector's full walk of /api/v2/incremental/tickets/cursor.json
# (every ticket of the account, 1,000 a page), timed with its rows/s (bench/incremental.py).
CURSOR_WALK_KEY = "6w"

# Not driven by wrk: a Celery worker sending to an SMTP sink (bench/mail_scenarios.py).
