"""The access crawler's vocabulary (tests/security/test_access_crawler.py): the roles, what
each must never be shown, the probes that fill a URL pattern from the scenario's ids, and
who may reach which."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.security.crawler_scenario import (
    ESCALATION_DESCRIPTION,
    GLOBEX_SECRET,
    INTERNAL_NOTE,
    OTHER_USER_SUBJECT,
    PRIVATE_SUBJECT,
)

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
# Writing help (issue 28): a ticket's feature, and a request's token (the asker's own).
ASSIST_FEATURE_PROBES = {
    name: (lambda i, f=f: {**f(i), "feature": "generate"}) for name, f in TICKET_PROBES.items()
} | {"mine_unknown_feature": lambda i: {"number": i["mine"].number, "feature": "nope"}}
ASSIST_RESULT_PROBES = {
    "agent_assist": lambda i: {"token": i["agent_assist"]},
    "admin_assist": lambda i: {"token": i["admin_assist"]},
    "globex_assist": lambda i: {"token": i["globex_assist"]},
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
# Knowledge capture: a solved ticket's public agent answer (the 2nd comment); its
# description (an end user's), an internal note, an unsolved ticket's comment, another
# account's are 404 alike.
KB_CAPTURE_PROBES = {
    "answer": lambda i: {"number": i["capture_ticket"], "comment": 2},
    "description": lambda i: {"number": i["capture_ticket"], "comment": 1},
    "note": lambda i: {"number": i["capture_ticket"], "comment": 3},
    "beyond": lambda i: {"number": i["capture_ticket"], "comment": 99},
    "unsolved": lambda i: {"number": i["mine"].number, "comment": 1},
    "globex": lambda i: {"number": i["globex_capture_ticket"], "comment": 2},
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
    "",
    "?export=periods",
    "?export=agents&period=week",
    "?export=organizations",
    "?board=organizations&period=week",
    "?preset=custom&start=x",
)
# The tickets behind a report's number (issue 26's click-through): a day's created and
# solved, a group and unassigned, bad values, and globex's group by its number.
REPORT_TICKETS_PROBES = {
    **queries(
        "",
        "?metric=created&start=2026-01-01&end=2026-12-31",
        "?metric=solved&start=2026-01-01&end=2026-12-31&agent=none&export=csv",
        "?metric=created&start=2026-01-01&end=2026-12-31&group=none&priority=high&export=csv",
        "?metric=bogus&start=x&end=2026-01-01&channel=<b>",
        "?metric=created&start=2026-05-01&end=2026-01-01",
    ),
    "group": lambda i: {
        "_query": f"?metric=created&start=2026-01-01&end=2026-12-31&group={i['group'].number}"
    },
    "globex_group": lambda i: {
        "_query": "?metric=created&start=2026-01-01&end=2026-12-31&export=csv"
        f"&group={i['globex_group'].number}"
    },
}
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
# Probes naming a ticket outside Tier 1 (the group agent's one group), per probe table.
OUTSIDE_THE_GROUP = {
    id(TICKET_PROBES): {"other", "private"},
    id(ATTACHMENT_PROBES): {"other", "private"},
    id(AUDIT_PROBES): {"private"},
    id(MACRO_APPLY_PROBES): {"private_shared"},
    id(ESCALATION_PROBES): {"private"},
    id(ASSIST_FEATURE_PROBES): {"other", "private"},
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
