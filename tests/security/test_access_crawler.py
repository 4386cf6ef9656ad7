"""The access crawler: every URL pattern of the project, for every role of acme, with the
ids of globex's objects, of another end user's ticket, of a private ticket and of an
internal note's file. What each role may reach is spelled out per pattern in ``TABLE``;
everything else must be refused (404, 302 to sign-in, 405 — 401/403 for the API), must
not carry the refused object's text, and must change nothing. A URL pattern without an
entry in ``TABLE`` fails the test, so a new view cannot slip past it.

Set ``CRAWLER_REPORT=1`` to print every answer (to review the table after a change).
The operators' /healthz, /readyz and /metrics are answered by a middleware before any
URLconf, on every host: ``test_operations_endpoints.py`` requests them as each role.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import dbsession
from accounts.models import Account
from tests.api.conftest import basic_header, token_for
from tests.conftest import TenantClient
from tests.factories import AccountFactory, AgentGroupFactory
from tests.security.crawler_scenario import (
    ESCALATION_DESCRIPTION,
    GLOBEX_SECRET,
    INTERNAL_NOTE,
    OTHER_USER_SUBJECT,
    PRIVATE_SUBJECT,
    Scenario,
    build_scenario,
)
from tickets.models import Ticket

# Issue 21's roles: a light agent (every ticket, internal notes only; it reaches what a
# plain agent reaches, its services refuse the rest) and a group-only agent (Tier 1's
# tickets: the end user's ``mine`` and no other). Unless an entry names them, each gets
# the plain agent's answers, the group agent less the tickets outside its group
# (_with_issue_21_roles, below the table).
NEW_AGENT_ROLES = ("light_agent", "group_agent")
ROLES = ["anonymous", "end_user", "manager", "agent", "admin", "outsider", *NEW_AGENT_ROLES]
AGENTS = frozenset({"agent", "admin", *NEW_AGENT_ROLES})
SIGNED_IN = frozenset({"end_user", "manager", "agent", "admin", *NEW_AGENT_ROLES})
WEB_DENY = frozenset({302, 404, 405})
API_DENY = frozenset({401, 403, 404, 405})
# Markers a role must never receive, whatever it asks for.
NEVER_SHOWN = {
    "anonymous": (
        INTERNAL_NOTE,
        ESCALATION_DESCRIPTION,
        PRIVATE_SUBJECT,
        OTHER_USER_SUBJECT,
        GLOBEX_SECRET,
    ),
    "end_user": (
        INTERNAL_NOTE,
        ESCALATION_DESCRIPTION,
        PRIVATE_SUBJECT,
        OTHER_USER_SUBJECT,
        GLOBEX_SECRET,
    ),
    "manager": (
        INTERNAL_NOTE,
        ESCALATION_DESCRIPTION,
        PRIVATE_SUBJECT,
        OTHER_USER_SUBJECT,
        GLOBEX_SECRET,
    ),
    "outsider": (
        INTERNAL_NOTE,
        ESCALATION_DESCRIPTION,
        PRIVATE_SUBJECT,
        OTHER_USER_SUBJECT,
        GLOBEX_SECRET,
    ),
    "agent": (GLOBEX_SECRET,),
    "admin": (GLOBEX_SECRET,),
    "light_agent": (GLOBEX_SECRET,),
    "group_agent": (PRIVATE_SUBJECT, OTHER_USER_SUBJECT, GLOBEX_SECRET),
}

# Probes: name → how to fill the pattern's kwargs from the scenario's ids.
TICKET_PROBES = {
    "mine": lambda i: {"number": i["mine"].number},
    "other": lambda i: {"number": i["other"].number},
    "private": lambda i: {"number": i["private"].number},
    "globex": lambda i: {"number": i["globex_ticket"].number},
}
ATTACHMENT_PROBES = {
    "public": lambda i: {"number": i["mine"].number, "token": i["public_token"]},
    "internal": lambda i: {"number": i["mine"].number, "token": i["internal_token"]},
    "other": lambda i: {"number": i["other"].number, "token": i["other_token"]},
    "private": lambda i: {"number": i["private"].number, "token": i["private_token"]},
    # Child-object IDOR: my ticket's number with someone else's file.
    "other_via_mine": lambda i: {"number": i["mine"].number, "token": i["other_token"]},
    "globex": lambda i: {"number": i["globex_ticket"].number, "token": i["globex_token"]},
    "globex_via_mine": lambda i: {"number": i["mine"].number, "token": i["globex_token"]},
}
AUDIT_PROBES = {
    "mine": lambda i: {"number": i["mine"].number, "audit_id": i["mine_audit"]},
    "private": lambda i: {"number": i["private"].number, "audit_id": i["private_audit"]},
    # Child-object IDOR: my ticket's number with another ticket's (account's) audit.
    "private_via_mine": lambda i: {"number": i["mine"].number, "audit_id": i["private_audit"]},
    "globex": lambda i: {"number": i["globex_ticket"].number, "audit_id": i["globex_audit"]},
    "globex_via_mine": lambda i: {"number": i["mine"].number, "audit_id": i["globex_audit"]},
}
USER_PROBES = {
    "self": lambda i: {"number": i["end_user"].number},
    "other_user": lambda i: {"number": i["other_user"].number},
    "agent": lambda i: {"number": i["agent"].number},
    "globex": lambda i: {"number": i["globex_user"].number},
}
ORG_PROBES = {
    "mine": lambda i: {"number": i["org"].number},
    "other": lambda i: {"number": i["other_org"].number},
    "globex": lambda i: {"number": i["globex_org"].number},
}
MEMBERSHIP_PROBES = {
    "mine": lambda i: {"number": i["membership"]},
    "globex": lambda i: {"number": i["globex_membership"]},
}
USER_MEMBERSHIP_PROBES = {
    "mine": lambda i: {"user_number": i["end_user"].number, "number": i["membership"]},
    # Child-object IDOR: another user's number with the end user's membership.
    "mine_via_other": lambda i: {"user_number": i["other_user"].number, "number": i["membership"]},
    "globex": lambda i: {"user_number": i["globex_user"].number, "number": i["globex_membership"]},
}
USER_NUMBER_PROBES = {
    "self": lambda i: {"user_number": i["end_user"].number},
    "globex": lambda i: {"user_number": i["globex_user"].number},
}
ORG_NUMBER_PROBES = {
    "mine": lambda i: {"organization_number": i["org"].number},
    "globex": lambda i: {"organization_number": i["globex_org"].number},
}
GROUP_PROBES = {
    "mine": lambda i: {"number": i["group"].number},
    "globex": lambda i: {"number": i["globex_group"].number},
}
AGENT_PROBES = {
    "agent": lambda i: {"number": i["agent"].number},
    "globex": lambda i: {"number": i["globex_agent"].number},
}
MEMBER_PROBES = {
    "mine": lambda i: {"number": i["group"].number, "user_number": i["agent"].number},
    "globex": lambda i: {
        "number": i["globex_group"].number,
        "user_number": i["globex_agent"].number,
    },
}
TRIGGER_PROBES = {
    "mine": lambda i: {"number": i["trigger"]},
    "globex": lambda i: {"number": i["globex_trigger"]},
}
AUTOMATION_PROBES = {
    "mine": lambda i: {"number": i["automation"]},
    "globex": lambda i: {"number": i["globex_automation"]},
}
ESCALATION_PROBES = {
    "mine": lambda i: {"number": i["mine"].number, "escalation_number": i["escalation"]},
    "private": lambda i: {
        "number": i["private"].number,
        "escalation_number": i["private_escalation"],
    },
    # Child-object IDOR: my ticket's number with another ticket's (account's) escalation.
    "private_via_mine": lambda i: {
        "number": i["mine"].number,
        "escalation_number": i["private_escalation"],
    },
    "globex": lambda i: {
        "number": i["globex_ticket"].number,
        "escalation_number": i["globex_escalation"],
    },
    "globex_via_mine": lambda i: {
        "number": i["mine"].number,
        "escalation_number": i["globex_escalation"],
    },
}
ESCALATION_STAGE_PROBES = {
    "mine": lambda i: {"number": i["stage"]},
    "globex": lambda i: {"number": i["globex_stage"]},
}
SATISFACTION_REASON_PROBES = {
    "mine": lambda i: {"number": i["reason"]},
    "globex": lambda i: {"number": i["globex_reason"]},
}
CLOSE_REASON_PROBES = {
    "mine": lambda i: {"number": i["close_reason"]},
    "globex": lambda i: {"number": i["globex_close_reason"]},
}
SATISFACTION_RATING_PROBES = {
    "mine": lambda i: {"number": i["rating"]},
    "globex": lambda i: {"number": i["globex_rating"]},
}
# The survey email's signed links: a token is the claim (no sign-in). Acme's unsolved
# ticket's answers anyone, saying only that it takes no rating; a private ticket's, a
# globex ticket's and a forged token are not found.
SURVEY_PROBES = {
    "mine": lambda i: {"token": i["survey_mine"]},
    "private": lambda i: {"token": i["survey_private"]},
    "globex": lambda i: {"token": i["survey_globex"]},
    "forged": lambda i: {"token": "WzEsMSwxXQ:forged:signature"},
}
SURVEY_CHOICE_PROBES = {
    name: (lambda i, f=f: {**f(i), "choice": "good"}) for name, f in SURVEY_PROBES.items()
} | {"mine_unknown_choice": lambda i: {"token": i["survey_mine"], "choice": "meh"}}
API_TOKEN_PROBES = {
    "mine": lambda i: {"number": i["api_token"].number},
    "globex": lambda i: {"number": i["globex_api_token"].number},
}
DELIVERY_PROBES = {
    "mine": lambda i: {"ref": i["delivery"]},
    "globex": lambda i: {"ref": i["globex_delivery"]},
}
NOTIFICATION_PROBES = {
    "agent_note": lambda i: {"number": i["agent_note"]},
    "admin_note": lambda i: {"number": i["admin_note"]},
    "globex": lambda i: {"number": i["globex_note"]},
}
SUPPRESSION_PROBES = {
    "mine": lambda i: {"number": i["suppression"]},
    "globex": lambda i: {"number": i["globex_suppression"]},
}
MACRO_PROBES = {
    "shared": lambda i: {"number": i["shared_macro"]},
    "admin_personal": lambda i: {"number": i["admin_macro"]},
    "agent_personal": lambda i: {"number": i["agent_macro"]},
    "globex": lambda i: {"number": i["globex_macro"]},
}
# A macro applied to a ticket: both numbers must be the viewer's to apply.
MACRO_APPLY_PROBES = {
    "mine_shared": lambda i: {"number": i["mine"].number, "macro_number": i["shared_macro"]},
    "private_shared": lambda i: {
        "number": i["private"].number,
        "macro_number": i["shared_macro"],
    },
    "mine_admin_personal": lambda i: {
        "number": i["mine"].number,
        "macro_number": i["admin_macro"],
    },
    "mine_agent_personal": lambda i: {
        "number": i["mine"].number,
        "macro_number": i["agent_macro"],
    },
    "mine_globex": lambda i: {"number": i["mine"].number, "macro_number": i["globex_macro"]},
    "globex_shared": lambda i: {
        "number": i["globex_ticket"].number,
        "macro_number": i["shared_macro"],
    },
}
# Whose macros each agent may apply or manage: shared ones (managed by admins only; an
# agent is told 403) and their own personal ones (a colleague's is a 404, for admins too).
MACRO_APPLIERS = {
    "agent": {"mine_shared", "private_shared", "mine_agent_personal"},
    "admin": {"mine_shared", "private_shared", "mine_admin_personal"},
    "light_agent": {"mine_shared", "private_shared"},
    "group_agent": {"mine_shared"},
}
MACRO_READERS = {
    "agent": {"shared", "agent_personal"},
    "admin": {"shared", "admin_personal"},
    "light_agent": {"shared"},
    "group_agent": {"shared"},
}
MACRO_EDITORS = {
    "agent": {"agent_personal"},
    "admin": {"shared", "admin_personal"},
    "light_agent": set(),
    "group_agent": set(),
}
SLA_POLICY_PROBES = {
    "mine": lambda i: {"number": i["sla_policy"]},
    "globex": lambda i: {"number": i["globex_sla_policy"]},
}
WEBHOOK_PROBES = {
    "mine": lambda i: {"number": i["webhook"]},
    "globex": lambda i: {"number": i["globex_webhook"]},
}
VIEW_PROBES = {
    "shared": lambda i: {"number": i["shared_view"]},
    "group_only": lambda i: {"number": i["group_view"]},
    "agents_own": lambda i: {"number": i["agents_view"]},
    "admins_own": lambda i: {"number": i["admins_view"]},
    "globex": lambda i: {"number": i["globex_view"]},
}
# Who opens which view: a shared view for everyone, a view of a group the agent is not
# in (admins manage every shared view), and each one's own personal view only.
# The group agent is in Tier 1: its view is theirs to work from.
VIEW_READERS = {
    "agent": {"shared", "agents_own"},
    "admin": {"shared", "group_only", "admins_own"},
    "light_agent": {"shared"},
    "group_agent": {"shared", "group_only"},
}
VIEW_EDITORS = {
    "agent": {"agents_own"},
    "admin": {"shared", "group_only", "admins_own"},
    "light_agent": set(),
    "group_agent": set(),
}
SUPPORT_ADDRESS_PROBES = {
    "mine": lambda i: {"number": i["support_address"]},
    "globex": lambda i: {"number": i["globex_support_address"]},
}
MAILBOX_PROBES = {
    "mine": lambda i: {"number": i["mailbox_channel"]},
    "globex": lambda i: {"number": i["globex_mailbox_channel"]},
}
SCHEDULE_PROBES = {
    "mine": lambda i: {"number": i["schedule"]},
    "globex": lambda i: {"number": i["globex_schedule"]},
}
FIELD_PROBES = {
    "mine": lambda i: {"number": i["field"]},
    "globex": lambda i: {"number": i["globex_field"]},
}
USER_FIELD_PROBES = {
    "mine": lambda i: {"target": "user", "number": i["user_field"]},
    "globex": lambda i: {"target": "user", "number": i["globex_user_field"]},
}
USER_VALUES_PROBES = {
    "mine": lambda i: {"target": "user", "number": i["end_user"].number},
    "globex": lambda i: {"target": "user", "number": i["globex_user"].number},
}
API_USER_FIELD_PROBES = {
    "mine": lambda i: {"number": i["user_field"]},
    "globex": lambda i: {"number": i["globex_user_field"]},
}
API_ORG_FIELD_PROBES = {
    "mine": lambda i: {"number": i["org_field"]},
    "globex": lambda i: {"number": i["globex_org_field"]},
}
TICKET_FORM_PROBES = {
    "mine": lambda i: {"number": i["ticket_form"]},
    "globex": lambda i: {"number": i["globex_ticket_form"]},
}
HOLIDAY_PROBES = {
    "mine": lambda i: {"number": i["schedule"], "holiday_number": i["holiday"]},
    # Child-object IDOR: my schedule's number with another schedule's or account's holiday.
    "other_via_mine": lambda i: {"number": i["schedule"], "holiday_number": i["other_holiday"]},
    "globex_via_mine": lambda i: {"number": i["schedule"], "holiday_number": i["globex_holiday"]},
    "globex": lambda i: {"number": i["globex_schedule"], "holiday_number": i["globex_holiday"]},
}
CUSTOM_STATUS_PROBES = {
    "mine": lambda i: {"number": i["custom_status"]},
    "globex": lambda i: {"number": i["globex_custom_status"]},
}
ROLE_PROBES = {
    "mine": lambda i: {"number": i["role"]},
    "globex": lambda i: {"number": i["globex_role"]},
}
# The knowledge base (issue 25).
KB_CATEGORY_PROBES = {
    "mine": lambda i: {"number": i["kb_category"]},
    "globex": lambda i: {"number": i["globex_kb_category"]},
}
KB_SECTION_PROBES = {
    "mine": lambda i: {"number": i["kb_section"]},
    "globex": lambda i: {"number": i["globex_kb_section"]},
}
KB_ARTICLE_PROBES = {
    name: (lambda i, name=name: {"number": i[f"kb_{name}"]})
    for name in ("public", "signed_in", "internal", "draft")
} | {"globex": lambda i: {"number": i["globex_kb_article"]}}
KB_REVISION_PROBES = {
    "mine": lambda i: {"number": i["kb_public"], "revision": i["kb_revision"]},
    # Child-object IDOR: an article's number with another article's revision.
    "other_via_mine": lambda i: {"number": i["kb_public"], "revision": i["kb_other_revision"]},
    "globex": lambda i: {"number": i["globex_kb_article"], "revision": i["globex_kb_revision"]},
    "globex_via_mine": lambda i: {"number": i["kb_public"], "revision": i["globex_kb_revision"]},
}
KB_READERS = {
    "anonymous": {"public"},
    "outsider": {"public"},
    "end_user": {"public", "signed_in"},
    "manager": {"public", "signed_in"},
    "agent": {"public", "signed_in", "internal"},
    "admin": {"public", "signed_in", "internal"},
}
# An article's image: whoever may read the article, and editors (a draft's too).
KB_IMAGE_PROBES = {
    name: (lambda i, name=name: {"token": i[f"kb_image_{name}"]})
    for name in ("public", "signed_in", "internal", "draft")
} | {"globex": lambda i: {"token": i["globex_kb_image"]}}
KB_IMAGE_READERS = KB_READERS | {"admin": {"public", "signed_in", "internal", "draft"}}
KB_MINE_FOR_ALL = {role: {"mine"} for role in ROLES}
# The Help Center API: token users read what the help center shows them, editors drafts too.
KB_API_READERS = {
    role: names for role, names in KB_READERS.items() if role not in ("anonymous", "outsider")
} | {"admin": {"public", "signed_in", "internal", "draft"}}


def kb_api(entries: dict) -> dict:
    """Each Help Center API route twice: without a locale, and with one (Italian)."""
    table = {}
    for route, entry in entries.items():
        table[f"api/v2/help_center/{route}"] = entry
        probes = {
            name: (lambda i, of=of: of(i) | {"locale": "it"}) for name, of in entry.probes.items()
        }
        table[f"api/v2/help_center/<hclocale:locale>/{route}"] = Entry(
            probes, entry.allow, api=True
        )
    return table


KB_EDITOR_ARTICLES = {"admin": {"public", "signed_in", "internal", "draft"}}
NO_KWARGS = {"-": lambda i: {}}


def queries(*strings: str) -> dict:
    """Probes that differ by query string only ("_query" is appended to the path)."""
    return {s or "-": (lambda i, s=s: {"_query": s}) for s in strings}


# The merge page: sources and target named by number, another account's among them.
MERGE_PROBES = {
    "-": lambda i: {},
    "private_into_mine": lambda i: {
        "_query": f"?tickets={i['private'].number}&target={i['mine'].number}"
    },
    "globex": lambda i: {
        "_query": f"?tickets={i['globex_ticket'].number}&target={i['mine'].number}"
    },
    "into_globex": lambda i: {
        "_query": f"?tickets={i['mine'].number}&target={i['globex_ticket'].number}"
    },
}

# Search and pick-lists asked for words of objects the role must not see.
SEARCH_PROBES = queries("", "?q=secret", "?q=globex", "?q=internal")
# The reports (issue 26): the page, its CSV files, a bad range.
REPORT_PROBES = queries(
    "", "?export=periods", "?export=agents&period=week", "?preset=custom&start=x"
)
API_SEARCH_PROBES = queries("", "?query=secret", "?query=globex", "?query=type:ticket secret")


@dataclass(frozen=True)
class Entry:
    """One URL pattern: its probes, and which (role, probe) pairs may be answered.

    ``allow`` maps a role to the probe names it may reach ("*" for all; "?name" for a
    probe whose answer only has to carry nothing it must not); a pair not listed must be
    refused. ``api`` picks the API's refusals (401/403/404/405).
    """

    probes: dict = field(default_factory=lambda: NO_KWARGS)
    allow: dict = field(default_factory=dict)
    api: bool = False
    # Extra refusals for some roles (an agent is told 403 on an admin's settings page).
    also_refuse: dict = field(default_factory=dict)
    host: str = "tenant"
    url: str = ""  # for regex patterns: the concrete path to request


def everyone(**extra) -> dict:
    return {role: {"*"} for role in ROLES} | extra


def agents(probes=("*",)) -> dict:
    return {"agent": set(probes), "admin": set(probes)}


def admins(probes=("*",)) -> dict:
    return {"admin": set(probes)}


AGENT_TOLD_FORBIDDEN = {"agent": {403}}
REPORT_READERS = {"agent": {"*"}, "admin": {"*"}, "light_agent": set()}
NO_REPORTS = {"light_agent": {403}}


def signed_in(probes=("*",)) -> dict:
    return {role: set(probes) for role in SIGNED_IN}


ACME_TICKETS = ("mine", "other", "private")
ACME_USERS = ("self", "other_user", "agent")
END_USER_TICKETS = {"end_user": {"mine"}, "manager": {"mine"}}
# Agents opening a help-center request are sent to the same number in the workspace,
# whatever the number (the workspace then decides): only the text is checked.
AGENTS_REDIRECTED = {"agent": {"?*"}, "admin": {"?*"}}
TABLE: dict[str, Entry] = {
    # Accounts: public pages.
    "": Entry(allow=signed_in()),  # the anonymous go to sign in
    "language/": Entry(allow=everyone()),
    "signin/": Entry(allow=everyone()),
    "signout/": Entry(allow=everyone()),
    "password-reset/": Entry(allow=everyone()),
    "password-reset/sent/": Entry(allow=everyone()),
    "password-reset/<uidb64>/<token>/": Entry(
        probes={"garbage": lambda i: {"uidb64": "MQ", "token": "set-password"}},
        allow=everyone(),
    ),
    "password-reset/done/": Entry(allow=everyone()),
    "preferences/": Entry(allow=signed_in()),
    # Sign-in's second step: nobody reaches it without a right password just given
    # (tests/accounts/test_two_factor.py); everyone else goes back to sign in.
    "signin/verify/": Entry(),
    "signin/verify/passkey/": Entry(),
    "signin/verify/passkey/options/": Entry(),
    # Signing in with a passkey: open to everyone (the options carry no one's passkeys).
    "signin/passkey/": Entry(allow=everyone()),
    "signin/passkey/options/": Entry(allow=everyone()),
    # Single sign-on: acme has no provider in the crawler's scenario, so every one is a
    # 404 (tests/accounts/test_sso_oidc.py and test_sso_saml.py cover them configured);
    # the break-glass sign-in page is a sign-in page.
    "signin/admin/": Entry(allow=everyone()),
    "sso/start/": Entry(),
    "sso/oidc/callback/": Entry(),
    "sso/saml/acs/": Entry(),
    "sso/saml/metadata/": Entry(),
    # A person's own security page: their factors, sessions and password, nobody else's.
    "security/": Entry(allow=signed_in()),
    "security/two-factor/": Entry(allow=signed_in()),
    "security/two-factor/recovery-codes/": Entry(allow=signed_in()),
    "security/two-factor/disable/": Entry(allow=signed_in()),
    "security/passkeys/new/": Entry(allow=signed_in()),
    "security/passkeys/options/": Entry(allow=signed_in()),
    "security/passkeys/remove/": Entry(allow=signed_in()),
    "security/sessions/end/": Entry(allow=signed_in()),
    "security/password/": Entry(allow=signed_in()),
    # Agent workspace.
    "agent/": Entry(allow=agents()),
    "agent/views/<slug:view_key>/": Entry(
        probes={"unsolved": lambda i: {"view_key": "unsolved"}}, allow=agents()
    ),
    "agent/views/personal/": Entry(allow=agents()),
    "agent/views/new/": Entry(allow=agents()),
    "agent/views/<int:number>/": Entry(VIEW_PROBES, VIEW_READERS),
    "agent/views/<int:number>/edit/": Entry(VIEW_PROBES, VIEW_EDITORS),
    "agent/views/<int:number>/toggle/": Entry(VIEW_PROBES, VIEW_EDITORS),
    "agent/views/<int:number>/move/": Entry(VIEW_PROBES, VIEW_EDITORS),
    "agent/views/<int:number>/clone/": Entry(VIEW_PROBES, VIEW_READERS),
    "agent/views/<int:number>/delete/": Entry(VIEW_PROBES, VIEW_EDITORS),
    "agent/tickets/bulk/": Entry(allow=agents()),
    "agent/tickets/bulk/macro/": Entry(allow=agents()),
    # Issue 22: merge (numbers looked up among the agent's account's tickets only), links,
    # a problem's incidents, split.
    "agent/tickets/merge/": Entry(MERGE_PROBES, agents()),
    "agent/tickets/<int:number>/links/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/links/remove/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/incidents/solve/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/split/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/submit/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/macros/<int:macro_number>/apply/": Entry(
        MACRO_APPLY_PROBES, MACRO_APPLIERS
    ),
    "agent/macros/": Entry(allow=agents()),
    "agent/macros/new/": Entry(allow=agents()),
    "agent/macros/<int:number>/": Entry(
        MACRO_PROBES, MACRO_EDITORS, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/macros/<int:number>/clone/": Entry(
        MACRO_PROBES, MACRO_EDITORS, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/macros/<int:number>/toggle/": Entry(
        MACRO_PROBES, MACRO_EDITORS, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/macros/<int:number>/move/": Entry(
        MACRO_PROBES, MACRO_EDITORS, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/macros/<int:number>/delete/": Entry(
        MACRO_PROBES, MACRO_EDITORS, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/macros/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/search/": Entry(SEARCH_PROBES, agents()),
    # The light agent's role withholds the reports (accounts.roles): told forbidden.
    "agent/reports/": Entry(REPORT_PROBES, REPORT_READERS, also_refuse=NO_REPORTS),
    "agent/tickets/new/": Entry(
        {
            "-": lambda i: {},
            "globex_requester": lambda i: {"_query": f"?requester={i['globex_user'].number}"},
        },
        # A POST re-renders the form whatever the query says: only the text is checked.
        agents(("-", "?globex_requester")),
    ),
    "agent/tickets/new/requester/search/": Entry(SEARCH_PROBES, agents()),
    "agent/tickets/new/requester/pick/": Entry(
        {
            "other_user": lambda i: {"_query": f"?user={i['other_user'].number}"},
            "globex_user": lambda i: {"_query": f"?user={i['globex_user'].number}"},
        },
        agents(("other_user",)),
    ),
    "agent/tickets/new/requester/add/": Entry(allow=agents()),
    "agent/users/inline/": Entry(allow=agents()),
    "agent/tickets/cc/search/": Entry(SEARCH_PROBES, agents()),
    "agent/tickets/<int:number>/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/reply/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/fields/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/read/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    # Close and Explain & Close (issue 27, closing/), and the closings report.
    "agent/tickets/<int:number>/close/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/explain-close/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/reports/closures/": Entry(allow=REPORT_READERS, also_refuse=NO_REPORTS),
    # Quick actions on hover (issue 27, automations.quick_views).
    "agent/tickets/<int:number>/quick/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/settings/close-reasons/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/close-reasons/<int:number>/": Entry(
        CLOSE_REASON_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/tickets/<int:number>/presence/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/make-private/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/attachments/<str:token>/": Entry(
        ATTACHMENT_PROBES, agents(("public", "internal", "other", "private"))
    ),
    "agent/tickets/<int:number>/forward/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    # Issue 22: following, the bell, the agent's own notifications, @mention names.
    "agent/tickets/<int:number>/follow/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/notifications/": Entry(queries("", "?before=junk", "?before=999999"), agents()),
    "agent/notifications/bell/": Entry(allow=agents()),
    "agent/notifications/read/": Entry(allow=agents()),
    "agent/notifications/settings/": Entry(allow=agents()),
    "agent/notifications/<int:number>/": Entry(
        NOTIFICATION_PROBES, {"agent": {"agent_note"}, "admin": {"admin_note"}}
    ),
    "agent/mentions/": Entry(queries("", "?q=globex", "?q=uma", "?q=user"), agents()),
    "agent/users/new/": Entry(allow=agents()),
    "agent/users/<int:number>/": Entry(USER_PROBES, agents(("self", "other_user", "agent"))),
    # Admin settings.
    "agent/settings/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/agents/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/agents/<int:number>/role/": Entry(
        AGENT_PROBES, admins(("agent",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/agents/<int:number>/deactivate/": Entry(
        AGENT_PROBES, admins(("agent",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/organizations/": Entry(
        queries("", "?q=globex", "?q=acme", "?cursor=junk&page=2"),
        admins(),
        also_refuse=AGENT_TOLD_FORBIDDEN,
    ),
    "agent/settings/organizations/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/organizations/<int:number>/": Entry(
        ORG_PROBES, admins(("mine", "other")), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/organizations/<int:number>/delete/": Entry(
        ORG_PROBES, admins(("mine", "other")), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/": Entry(
        queries("", "?q=globex", "?tag=secret", "?role=admin"),
        admins(),
        also_refuse=AGENT_TOLD_FORBIDDEN,
    ),
    "agent/settings/users/invite/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/users/import/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/users/<int:number>/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/emails/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/merge/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/export/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/delete/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/invitation/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/suspend/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/reactivate/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/sign-out/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/users/<int:number>/two-factor/reset/": Entry(
        USER_PROBES, admins(ACME_USERS), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    # The audit log: the account's admins only; the filters name nothing of globex's.
    "agent/settings/audit/": Entry(
        queries("", "?action=user.suspended", "?actor=1", "?actor=x", "?cursor=junk&page=2"),
        admins(),
        also_refuse=AGENT_TOLD_FORBIDDEN,
    ),
    "agent/settings/sso/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/groups/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/retention/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/views/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/statuses/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    # Issue 21: agent roles, the account's admins only.
    "agent/settings/roles/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/roles/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    **{
        f"agent/settings/roles/<int:number>/{action}": Entry(
            ROLE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
        )
        for action in ("", "delete/")
    },
    **{
        f"agent/settings/statuses/<int:number>/{action}": Entry(
            CUSTOM_STATUS_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
        )
        for action in ("", "toggle/", "move/")
    },
    "agent/settings/groups/<int:number>/members/": Entry(
        GROUP_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/groups/<int:number>/members/<int:user_number>/remove/": Entry(
        MEMBER_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/schedules/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/schedules/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/schedules/<int:number>/": Entry(
        SCHEDULE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/schedules/<int:number>/default/": Entry(
        SCHEDULE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/schedules/<int:number>/delete/": Entry(
        SCHEDULE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/schedules/<int:number>/holidays/": Entry(
        SCHEDULE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/schedules/<int:number>/holidays/import/": Entry(
        SCHEDULE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/schedules/<int:number>/holidays/<int:holiday_number>/remove/": Entry(
        HOLIDAY_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/sla/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    **{
        f"agent/settings/email/{route}": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN)
        for route in ("", "addresses/new/", "channels/new/")
    },
    **{
        f"agent/settings/email/addresses/<int:number>/{action}": Entry(
            SUPPORT_ADDRESS_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
        )
        for action in ("", "delete/", "verify/")
    },
    **{
        f"agent/settings/email/channels/<int:number>/{action}": Entry(
            MAILBOX_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
        )
        for action in ("", "test/", "fetch/", "delete/")
    },
    "agent/settings/email/channels/<int:number>/failed/<int:uidvalidity>/<int:uid>/": Entry(
        {
            "mine": lambda i: {"number": i["mailbox_channel"], "uidvalidity": 7, "uid": 3},
            "globex": lambda i: {
                "number": i["globex_mailbox_channel"],
                "uidvalidity": 7,
                "uid": 5,
            },
            "globex_uid": lambda i: {"number": i["mailbox_channel"], "uidvalidity": 7, "uid": 5},
        },
        admins(("mine",)),
        also_refuse=AGENT_TOLD_FORBIDDEN,
    ),
    # No provider has an app registration in the crawl: the start is a 404 for admins too.
    "agent/settings/email/oauth/<str:provider>/start/": Entry(
        {"microsoft": lambda i: {"provider": "microsoft"}},
        admins(("?microsoft",)),
        also_refuse=AGENT_TOLD_FORBIDDEN,
    ),
    "agent/settings/email/oauth/callback/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/sla/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/sla/<int:number>/": Entry(
        SLA_POLICY_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/sla/<int:number>/active/": Entry(
        SLA_POLICY_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/sla/<int:number>/move/": Entry(
        SLA_POLICY_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/sla/<int:number>/delete/": Entry(
        SLA_POLICY_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/webhooks/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/webhooks/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    **{
        f"agent/settings/webhooks/<int:number>/{action}": Entry(
            WEBHOOK_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
        )
        for action in ("", "toggle/", "delete/", "test/", "secret/", "log/")
    },
    "agent/settings/fields/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/fields/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/fields/<int:number>/": Entry(
        FIELD_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/fields/<int:number>/delete/": Entry(
        FIELD_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/triggers/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/triggers/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/triggers/<int:number>/": Entry(
        TRIGGER_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/triggers/<int:number>/toggle/": Entry(
        TRIGGER_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/triggers/<int:number>/move/": Entry(
        TRIGGER_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/triggers/<int:number>/delete/": Entry(
        TRIGGER_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/automations/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/automations/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/automations/<int:number>/": Entry(
        AUTOMATION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/automations/<int:number>/clone/": Entry(
        AUTOMATION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/automations/<int:number>/toggle/": Entry(
        AUTOMATION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/automations/<int:number>/move/": Entry(
        AUTOMATION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/automations/<int:number>/delete/": Entry(
        AUTOMATION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/tickets/<int:number>/snooze/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/settings/api/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/api/<int:number>/revoke/": Entry(
        API_TOKEN_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/deliveries/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/deliveries/<str:ref>/resend/": Entry(
        DELIVERY_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/suppressions/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/suppressions/<int:number>/lift/": Entry(
        SUPPRESSION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/satisfaction/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/satisfaction/reasons/new/": Entry(
        allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/satisfaction/reasons/<int:number>/": Entry(
        SATISFACTION_REASON_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    # Escalations (seed 004): agents escalate and move stages; admins edit the stages.
    "agent/tickets/<int:number>/escalations/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/escalations/<int:escalation_number>/": Entry(
        ESCALATION_PROBES, agents(("mine", "private"))
    ),
    # Calls and meetings (seeds 000, 004): agents schedule and log a ticket's call.
    "agent/tickets/<int:number>/call/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/call/log/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    # Time worked (seed 002): agents log time and run a timer; the report as the others.
    "agent/tickets/<int:number>/time/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/time/timer/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/reports/time/": Entry(allow=REPORT_READERS, also_refuse=NO_REPORTS),
    "agent/settings/time-worked/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/escalations/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/escalations/<int:number>/": Entry(
        ESCALATION_STAGE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    # Help center: the survey email's links, then the signed-in pages.
    "hc/satisfaction/<str:token>/": Entry(SURVEY_PROBES, {role: {"?mine"} for role in ROLES}),
    "hc/satisfaction/<str:token>/<str:choice>/": Entry(
        SURVEY_CHOICE_PROBES, {role: {"?mine"} for role in ROLES}
    ),
    "hc/": Entry(allow=signed_in()),
    "hc/kb/": Entry(allow=everyone()),
    "hc/kb/search/": Entry(SEARCH_PROBES, everyone()),
    "hc/kb/suggest/": Entry(SEARCH_PROBES, signed_in()),
    "hc/kb/categories/<int:number>/": Entry(KB_CATEGORY_PROBES, KB_MINE_FOR_ALL),
    "hc/kb/sections/<int:number>/": Entry(KB_SECTION_PROBES, KB_MINE_FOR_ALL),
    "hc/kb/articles/<int:number>/": Entry(KB_ARTICLE_PROBES, KB_READERS),
    "hc/kb/images/<str:token>/": Entry(KB_IMAGE_PROBES, KB_IMAGE_READERS),
    # POST only: a vote without a choice changes nothing, answered by a redirect back.
    "hc/kb/articles/<int:number>/vote/": Entry(KB_ARTICLE_PROBES, {role: {"?*"} for role in ROLES}),
    # POST only, by end users who may read the article (agents' are not recorded).
    "hc/kb/articles/<int:number>/deflected/": Entry(
        KB_ARTICLE_PROBES,
        {"end_user": {"public", "signed_in"}, "manager": {"public", "signed_in"}}
        | AGENTS_REDIRECTED,
    ),
    "agent/settings/knowledge/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/knowledge/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/knowledge/articles/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/knowledge/articles/<int:number>/": Entry(
        KB_ARTICLE_PROBES, KB_EDITOR_ARTICLES, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/knowledge/articles/<int:number>/status/": Entry(
        KB_ARTICLE_PROBES, KB_EDITOR_ARTICLES, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/knowledge/articles/<int:number>/revisions/": Entry(
        KB_ARTICLE_PROBES, KB_EDITOR_ARTICLES, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/knowledge/articles/<int:number>/revisions/<int:revision>/restore/": Entry(
        KB_REVISION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    # The reply box's "Link an article": any agent, the published articles agents read.
    "agent/knowledge/links/": Entry(SEARCH_PROBES, agents()),
    "agent/knowledge/categories/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/knowledge/categories/<int:number>/": Entry(
        KB_CATEGORY_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/knowledge/sections/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/knowledge/sections/<int:number>/": Entry(
        KB_SECTION_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "hc/search/": Entry(SEARCH_PROBES, signed_in()),
    "hc/requests/new/": Entry(allow=signed_in()),
    "agent/settings/fields/forms/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/fields/forms/new/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/fields/forms/<int:number>/": Entry(
        TICKET_FORM_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/fields/forms/<int:number>/delete/": Entry(
        TICKET_FORM_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/fields/forms/<int:number>/fields/<int:field_number>/move/": Entry(
        {
            "mine": lambda i: {"number": i["ticket_form"], "field_number": 1},
            "globex": lambda i: {"number": i["globex_ticket_form"], "field_number": 1},
        },
        admins(("mine",)),
        also_refuse=AGENT_TOLD_FORBIDDEN,
    ),
    "api/v2/ticket_forms": Entry(allow=agents(), api=True),
    "agent/settings/fields/<str:target>/": Entry(
        {"mine": lambda i: {"target": "user"}}, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/fields/<str:target>/new/": Entry(
        {"mine": lambda i: {"target": "organization"}},
        admins(("mine",)),
        also_refuse=AGENT_TOLD_FORBIDDEN,
    ),
    "agent/settings/fields/<str:target>/<int:number>/": Entry(
        USER_FIELD_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/fields/<str:target>/<int:number>/delete/": Entry(
        USER_FIELD_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "agent/settings/fields/<str:target>/values/<int:number>/": Entry(
        USER_VALUES_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "api/v2/user_fields": Entry(allow=agents(), api=True),
    "api/v2/user_fields/<num:number>": Entry(API_USER_FIELD_PROBES, agents(("mine",)), api=True),
    "api/v2/organization_fields": Entry(allow=agents(), api=True),
    "api/v2/organization_fields/<num:number>": Entry(
        API_ORG_FIELD_PROBES, agents(("mine",)), api=True
    ),
    "api/v2/ticket_forms/<num:number>": Entry(TICKET_FORM_PROBES, agents(("mine",)), api=True),
    "hc/requests/<int:number>/": Entry(TICKET_PROBES, END_USER_TICKETS | AGENTS_REDIRECTED),
    "hc/requests/<int:number>/close/": Entry(TICKET_PROBES, END_USER_TICKETS | AGENTS_REDIRECTED),
    "hc/requests/<int:number>/feedback/": Entry(
        TICKET_PROBES, END_USER_TICKETS | AGENTS_REDIRECTED
    ),
    "hc/requests/<int:number>/attachments/<str:token>/": Entry(
        ATTACHMENT_PROBES, {"end_user": {"public"}, "manager": {"public"}} | AGENTS_REDIRECTED
    ),
    # API (each also without ".json").
    "api/v2/openapi.json": Entry(allow=everyone(), api=True),
    "api/v2/tickets": Entry(allow=agents(), api=True),
    "api/v2/tickets/show_many": Entry(queries("?ids=1,2,3,4,5,6"), agents(), api=True),
    "api/v2/tickets/update_many": Entry(allow=agents(), api=True),
    "api/v2/tickets/create_many": Entry(allow=agents(), api=True),
    "api/v2/tickets/destroy_many": Entry(allow=agents(), api=True),
    "api/v2/imports/tickets": Entry(allow=admins(), api=True, also_refuse=AGENT_TOLD_FORBIDDEN),
    "api/v2/imports/tickets/create_many": Entry(
        allow=admins(), api=True, also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    "api/v2/tickets/<num:number>": Entry(TICKET_PROBES, agents(ACME_TICKETS), api=True),
    "api/v2/tickets/<num:number>/comments": Entry(TICKET_PROBES, agents(ACME_TICKETS), api=True),
    "api/v2/tickets/<num:number>/merge": Entry(TICKET_PROBES, agents(ACME_TICKETS), api=True),
    "api/v2/tickets/<num:number>/macros/<num:macro_number>/apply": Entry(
        MACRO_APPLY_PROBES, MACRO_APPLIERS, api=True
    ),
    "api/v2/slas/policies": Entry(allow=admins(), api=True),
    "api/v2/webhooks": Entry(allow=admins(), api=True),
    **{
        f"api/v2/webhooks/<num:number>{rest}": Entry(WEBHOOK_PROBES, admins(("mine",)), api=True)
        for rest in ("", "/signing_secret", "/test")
    },
    "api/v2/slas/policies/<num:number>": Entry(SLA_POLICY_PROBES, admins(("mine",)), api=True),
    "api/v2/macros": Entry(allow=agents(), api=True),
    "api/v2/ticket_fields": Entry(allow=agents(), api=True),
    "api/v2/ticket_fields/<num:number>": Entry(FIELD_PROBES, agents(("mine",)), api=True),
    "api/v2/macros/active": Entry(allow=agents(), api=True),
    "api/v2/macros/<num:number>": Entry(MACRO_PROBES, MACRO_READERS, api=True),
    "api/v2/tickets/<num:number>/audits": Entry(TICKET_PROBES, agents(ACME_TICKETS), api=True),
    "api/v2/tickets/<num:number>/audits/<num:audit_id>": Entry(
        AUDIT_PROBES, agents(("mine", "private")), api=True
    ),
    "api/v2/tickets/<num:number>/tags": Entry(TICKET_PROBES, agents(ACME_TICKETS), api=True),
    "api/v2/tags": Entry(allow=agents(), api=True),
    "api/v2/tickets/<num:number>/escalations": Entry(TICKET_PROBES, agents(ACME_TICKETS), api=True),
    "api/v2/tickets/<num:number>/escalations/<num:escalation_number>": Entry(
        ESCALATION_PROBES, agents(("mine", "private")), api=True
    ),
    "api/v2/escalation_stages": Entry(allow=agents(), api=True),
    # Time worked (seed 002): a ticket's time entries, agents who see the ticket.
    "api/v2/tickets/<num:number>/time_entries": Entry(
        TICKET_PROBES, agents(ACME_TICKETS), api=True
    ),
    "api/v2/satisfaction_ratings": Entry(allow=admins(), api=True),
    "api/v2/satisfaction_ratings/count": Entry(allow=admins(), api=True),
    "api/v2/satisfaction_ratings/<num:number>": Entry(
        SATISFACTION_RATING_PROBES, admins(("mine",)), api=True
    ),
    # POST only, by the ticket's requester (a GET is 405 for everyone).
    "api/v2/tickets/<num:number>/satisfaction_rating": Entry(
        TICKET_PROBES, {"end_user": {"mine"}}, api=True
    ),
    **kb_api(
        {
            "articles": Entry(allow=signed_in(), api=True),
            "articles/search": Entry(API_SEARCH_PROBES, signed_in(), api=True),
            "articles/<num:number>": Entry(KB_ARTICLE_PROBES, KB_API_READERS, api=True),
            # POST only, by editors; an empty body changes nothing (422).
            "sections/<num:number>/articles": Entry(KB_SECTION_PROBES, {"admin": {"?*"}}, api=True),
            "sections": Entry(allow=signed_in(), api=True),
            "categories": Entry(allow=signed_in(), api=True),
        }
    ),
    "api/v2/custom_statuses": Entry(allow=agents(), api=True),
    "api/v2/custom_statuses/<num:number>": Entry(CUSTOM_STATUS_PROBES, agents(("mine",)), api=True),
    "api/v2/job_statuses/<str:job_id>": Entry(
        {"unknown": lambda i: {"job_id": "no-such-job"}}, {}, api=True
    ),
    "api/v2/users": Entry(allow=agents(), api=True),
    "api/v2/users/me": Entry(allow=signed_in(), api=True),
    "api/v2/users/create_many": Entry(allow=agents(), api=True),
    "api/v2/users/create_or_update": Entry(allow=agents(), api=True),
    "api/v2/users/search": Entry(API_SEARCH_PROBES, agents(), api=True),
    "api/v2/users/show_many": Entry(
        queries("?ids=" + ",".join(str(n) for n in range(1, 16))), agents(), api=True
    ),
    "api/v2/users/<num:number>": Entry(
        USER_PROBES, agents(("self", "other_user", "agent")), api=True
    ),
    "api/v2/users/<num:number>/tickets/requested": Entry(
        USER_PROBES, agents(("self", "other_user", "agent")), api=True
    ),
    "api/v2/users/<num:number>/tickets/ccd": Entry(
        USER_PROBES, agents(("self", "other_user", "agent")), api=True
    ),
    "api/v2/organizations": Entry(allow=agents(), api=True),
    "api/v2/organizations/create_many": Entry(allow=agents(), api=True),
    "api/v2/organizations/<num:number>": Entry(ORG_PROBES, agents(("mine", "other")), api=True),
    "api/v2/organizations/<num:number>/tickets": Entry(
        ORG_PROBES, agents(("mine", "other")), api=True
    ),
    "api/v2/organizations/<num:number>/users": Entry(
        ORG_PROBES, agents(("mine", "other")), api=True
    ),
    # Organization memberships (issue 21).
    "api/v2/organization_memberships": Entry(allow=agents(), api=True),
    "api/v2/organization_memberships/<num:number>": Entry(
        MEMBERSHIP_PROBES, agents(("mine",)), api=True
    ),
    "api/v2/users/<num:user_number>/organization_memberships": Entry(
        USER_NUMBER_PROBES, agents(("self",)), api=True
    ),
    "api/v2/users/<num:user_number>/organization_memberships/<num:number>": Entry(
        USER_MEMBERSHIP_PROBES, agents(("mine",)), api=True
    ),
    "api/v2/users/<num:user_number>/organization_memberships/<num:number>/make_default": Entry(
        USER_MEMBERSHIP_PROBES, agents(("mine",)), api=True
    ),
    "api/v2/organizations/<num:organization_number>/organization_memberships": Entry(
        ORG_NUMBER_PROBES, agents(("mine",)), api=True
    ),
    "api/v2/groups": Entry(allow=agents(), api=True),
    "api/v2/groups/<num:number>": Entry(GROUP_PROBES, agents(("mine",)), api=True),
    "api/v2/views": Entry(allow=agents(), api=True),
    "api/v2/views/active": Entry(allow=agents(), api=True),
    "api/v2/views/count_many": Entry(
        queries("?ids=" + ",".join(str(n) for n in range(1, 16))), agents(), api=True
    ),
    # PUT with views the caller may change (tests/api/test_views_api.py); the crawler's
    # empty body is a 400, its other methods a 405.
    "api/v2/views/update_many": Entry(allow=agents(), api=True),
    "api/v2/views/<num:number>": Entry(VIEW_PROBES, VIEW_READERS, api=True),
    "api/v2/views/<num:number>/tickets": Entry(VIEW_PROBES, VIEW_READERS, api=True),
    "api/v2/views/<num:number>/count": Entry(VIEW_PROBES, VIEW_READERS, api=True),
    "api/v2/uploads": Entry(allow=signed_in(), api=True),  # end users attach files too
    "api/v2/search": Entry(API_SEARCH_PROBES, agents(), api=True),
    "api/v2/requests": Entry(allow=signed_in(), api=True),
    # The Requests API is the requester's view, for agents too (their own requests only).
    "api/v2/requests/<num:number>": Entry(TICKET_PROBES, END_USER_TICKETS, api=True),
    "api/v2/requests/<num:number>/comments": Entry(TICKET_PROBES, END_USER_TICKETS, api=True),
    # Zendesk's incremental exports: admins only (an agent is told 403).
    **{
        f"api/v2/incremental/{name}": Entry(
            queries("?start_time=1000"), admins(), api=True, also_refuse=AGENT_TOLD_FORBIDDEN
        )
        for name in (
            "tickets/cursor",
            "tickets",
            "users/cursor",
            "organizations",
            "ticket_events",
        )
    },
    "api/v2/": Entry(allow={}, api=True, url="/api/v2/no/such/endpoint"),
    # Base domain.
    "base:": Entry(allow=everyone(), host="base"),
    "base:admin/": Entry(allow={}, host="base"),
    "base:inbound/^mailgun/inbound(_mime)?/$": Entry(
        allow={}, api=True, host="base", url="/inbound/mailgun/inbound_mime/"
    ),
    "base:inbound/postmark/inbound/": Entry(allow={}, api=True, host="base"),
    "base:inbound/mailgun/tracking/": Entry(allow={}, api=True, host="base"),
    "base:inbound/postmark/tracking/": Entry(allow={}, api=True, host="base"),
}


# Probes naming a ticket outside Tier 1 (the group agent's one group), per probe table.
OUTSIDE_THE_GROUP = {
    id(TICKET_PROBES): {"other", "private"},
    id(ATTACHMENT_PROBES): {"other", "private"},
    id(AUDIT_PROBES): {"private"},
    id(MACRO_APPLY_PROBES): {"private_shared"},
    id(ESCALATION_PROBES): {"private"},
}


def _with_issue_21_roles(table: dict[str, Entry]) -> None:
    """Each entry that does not name the new roles gives them the plain agent's answers
    (and refusals); the group agent's leave out the tickets outside its group."""
    for entry in table.values():
        # Entries share some dicts (AGENT_TOLD_FORBIDDEN…): each gets its own.
        object.__setattr__(entry, "allow", dict(entry.allow))
        object.__setattr__(entry, "also_refuse", dict(entry.also_refuse))
        agent_allows = entry.allow.get("agent")
        for role in NEW_AGENT_ROLES:
            if "agent" in entry.also_refuse and role not in entry.also_refuse:
                entry.also_refuse[role] = entry.also_refuse["agent"]
            if role in entry.allow or agent_allows is None:
                continue
            allowed = set(agent_allows)
            hidden = OUTSIDE_THE_GROUP.get(id(entry.probes), set())
            if role == "group_agent" and hidden:
                if "*" in allowed:
                    allowed = set(entry.probes)
                allowed -= hidden
            entry.allow[role] = allowed


_with_issue_21_roles(TABLE)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def table_key(route: str) -> str:
    return (
        route.removesuffix(".json")
        if route.startswith("api/v2/") and route != ("api/v2/openapi.json")
        else route
    )


def project_routes() -> list[tuple[str, str]]:
    """(table key, route) of every URL pattern, tenant and base domain."""
    routes = [(table_key(r), r) for r in _walk(get_resolver("helpdesk.urls_tenant").url_patterns)]
    for route in _walk(get_resolver("helpdesk.urls").url_patterns):
        if route.startswith("admin/") and route != "admin/":
            continue  # Django's own admin: its index stands for it (operators only)
        routes.append((f"base:{route}", route))
    return routes


def test_every_url_pattern_has_an_entry():
    keys = {key for key, _route in project_routes()}
    assert sorted(keys - TABLE.keys()) == [], "add these patterns to TABLE"
    assert sorted(TABLE.keys() - keys) == [], "these TABLE entries match no pattern"


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def fill(route: str, kwargs: dict) -> str:
    return "/" + _CONVERTER.sub(lambda m: str(kwargs[m.group(1)]), route)


def client_for_role(role: str, scenario: Scenario) -> TenantClient:
    client = TenantClient(scenario.acme)
    user = scenario.users.get(role)
    if user is not None:
        client.force_login(user)
        client.defaults["HTTP_AUTHORIZATION"] = basic_header(user.email, token_for(user))
    return client


# A row version this test's transaction wrote (its own statements or its requests', in
# savepoints or not) is "in progress" until the test ends; a version another session
# committed is not. The scenario's rows are all written in the test's transaction, so a
# request that changes or deletes one changes the digest, while a process another test left
# behind (a worker, a server) that commits rows of its own does not: the crawler judges the
# requests it made, and other sessions are named in the failure message.
# xmin is 32 bits; the current transaction id's epoch makes it comparable.
# Every transaction id of this test's transaction tree (savepoints' included) is at least
# its top-level id, so a plain comparison first leaves out the rows of earlier
# transactions (a restored database's, in the restore drill: most rows) before the status
# lookup, which costs a commit-log read per row.
_OURS = (
    "r.xmin::text::bigint >= (pg_current_xact_id()::text::bigint & 4294967295)"
    " AND pg_xact_status(((pg_current_xact_id()::text::bigint >> 32 << 32)"
    " + r.xmin::text::bigint)::text::xid8) = 'in progress'"
)


def state_fingerprint() -> tuple:
    """A digest of every row version this test's transaction wrote, per table a request
    could change."""
    tables = [
        "tickets_ticket",
        "tickets_comment",
        "tickets_attachment",
        "tickets_ticketcc",
        "tickets_ticketevent",
        "notifications_delivery",
        "notifications_trigger",
        "automations_automation",
        "notifications_suppression",
        "macros_macro",
        "macros_macroapplication",
        "ticketlinks_ticketlink",
        "escalations_escalation",
        "escalations_escalationstage",
        "escalations_escalationevent",
        "calls_ticketcall",
        "timeworked_timeentry",
        "timeworked_timetimer",
        "timeworked_timesettings",
        "notifications_notification",
        "notifications_ticketfollow",
        "notifications_notificationpreference",
        "mailchannels_supportaddress",
        "mailchannels_mailboxchannel",
        "mailchannels_fetchedmessage",
        "mailchannels_ticketaddress",
        "accounts_user",
        "accounts_organization",
        "accounts_agentgroup",
        "accounts_groupmembership",
        "accounts_agentrole",
        "tickets_view",
        "tickets_viewgroup",
        "tickets_customstatus",
        "servicelevels_schedule",
        "servicelevels_scheduleinterval",
        "servicelevels_holiday",
        "webhooks_webhook",
        "webhooks_webhookcall",
        "closing_closereason",
        "closing_ticketclosure",
        "knowledge_knowledgesettings",
        "knowledge_category",
        "knowledge_section",
        "knowledge_article",
        "knowledge_articletranslation",
        "knowledge_articlerevision",
        "knowledge_articlevote",
        "knowledge_deflection",
        "knowledge_articleimage",
        "reports_reportday",
        "reports_reportticket",
    ]
    sql = " UNION ALL ".join(
        f"SELECT '{t}', md5(coalesce(string_agg(r::text, ',' ORDER BY r.id), '')) "  # noqa: S608
        f"FROM {t} r WHERE {_OURS}"
        for t in tables
    )
    with dbsession.platform_access(), connection.cursor() as cursor:  # every account's rows
        cursor.execute(sql)
        rows = cursor.fetchall()
    return tuple(rows)


# A refusal may redirect to sign-in, or to the role's own home (an agent sent from the
# help center to the workspace): fixed places that say nothing about the object asked for.
REFUSAL_REDIRECTS = ("/signin/", "/admin/login/", "/agent/", "/hc/")


def _changed_tables(before: tuple, after: tuple) -> list[str]:
    pairs = zip(before, after, strict=True)
    return [table for (table, digest), (_, later) in pairs if digest != later]


def _is_refusal(response, entry: Entry, role: str) -> bool:
    deny = (API_DENY if entry.api else WEB_DENY) | entry.also_refuse.get(role, set())
    if response.status_code not in deny:
        return False
    if response.status_code == 302:
        return response["Location"].split("?")[0] in REFUSAL_REDIRECTS
    return True


def _is_denial(response) -> bool:
    """Not found, forbidden or sent to sign in: wrong for a pair the table allows."""
    if response.status_code in (401, 403, 404):
        return True
    location = response.get("Location", "").split("?")[0]
    return response.status_code == 302 and location.endswith(("/signin/", "/admin/login/"))


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.fixture
def scenario(acme, globex, settings, tmp_path, caplog):
    caplog.set_level("ERROR", logger="django.request")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "crawler:" + "s" * 32}
    # A crawl sends more API calls a minute than an account's budget (700) allows: a 429
    # would hide what the table asks about (tests/api test the limit itself).
    settings.API_RATE_LIMIT = "1000000/min"
    return build_scenario(acme, globex)


# Every role as the suite's superuser; the signed-in roles again as a role that row-level
# security binds (as production's), so a view reading tenant rows outside its account's
# context fails here too.
CRAWLS = [(role, "superuser") for role in ROLES] + [
    (role, "app_role") for role in ("end_user", "admin", "group_agent")
]


@pytest.mark.parametrize(("role", "database_role"), CRAWLS)
def test_every_url_answers_each_role_as_the_table_says(role, database_role, scenario, request):
    client = client_for_role(role, scenario)
    if database_role == "app_role":
        request.getfixturevalue("platform_role")  # the fingerprint reads every account
        request.getfixturevalue("app_role").activate()
    report = os.environ.get("CRAWLER_REPORT")
    failures = []
    for key, route in project_routes():
        entry = TABLE.get(key)
        if entry is None:
            continue  # test_every_url_pattern_has_an_entry names it
        allowed = entry.allow.get(role, set())
        host = "localhost" if entry.host == "base" else f"{scenario.acme.subdomain}.localhost"
        for probe, kwargs_of in entry.probes.items():
            kwargs = dict(kwargs_of(scenario.ids))
            query = kwargs.pop("_query", "")
            path = (entry.url or fill(route, kwargs)) + query
            may = "*" in allowed or probe in allowed
            # "?probe": any answer will do, as long as it carries nothing it must not.
            text_only = f"?{probe}" in allowed or "?*" in allowed
            methods = ["get"] if may else ["get", "post"] + (["put", "delete"] if entry.api else [])
            for method in methods:
                before = state_fingerprint()
                response = getattr(client, method)(path, HTTP_HOST=host)
                text = _text(response)
                after = state_fingerprint()
                where = (
                    f"{role}: {method.upper()} {path} [{key} / {probe}] → "
                    f"{response.status_code} {response.get('Location', '')}"
                )
                if report:
                    print(("ALLOW " if may else "DENY  ") + where)
                if response.status_code >= 500:
                    failures.append(f"server error: {where}")
                if not may and not text_only and not _is_refusal(response, entry, role):
                    failures.append(f"not refused: {where}")
                if may and _is_denial(response):
                    failures.append(f"refused though allowed: {where}")
                changed = _changed_tables(before, after)
                if not may and changed:
                    failures.append(f"refused but changed state: {where} {changed}")
                if method == "get" and changed:
                    failures.append(f"GET changed state: {where} {changed}")
                leaked = [m for m in NEVER_SHOWN[role] if m in text]
                if leaked:
                    failures.append(f"leaked {leaked}: {where}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures) + _other_sessions()


def _other_sessions() -> str:
    """Who else is connected to this test database: a process an earlier test left running
    (a worker, a server) writes rows the fingerprint sees."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_name, state, left(query, 200) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        rows = cursor.fetchall()
    return "\nother sessions on this database: " + repr(rows)


def _in_another_session(work) -> None:
    """Run ``work`` on a connection of its own, committed at once (as a process another
    test left running would)."""
    errors = []

    def run():
        try:
            with dbsession.platform_access():
                work()
        except Exception as error:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_the_fingerprint_sees_the_tests_own_writes_and_not_another_sessions(scenario):
    start = state_fingerprint()
    outsider = {}

    def write_elsewhere():
        account = AccountFactory(subdomain="outsider")
        outsider["account"] = account.pk
        AgentGroupFactory(account=account, name="Outsiders")

    _in_another_session(write_elsewhere)
    try:
        assert state_fingerprint() == start  # committed by someone else: not the crawl's
        with dbsession.platform_access():
            Ticket.all_accounts.filter(account=scenario.acme).update(subject="Changed")
        assert state_fingerprint() != start  # a scenario row this test's requests changed
    finally:
        _in_another_session(
            lambda: Account.objects.filter(pk=outsider["account"]).delete() if outsider else None
        )
