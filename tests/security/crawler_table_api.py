"""The access crawler's table, continued (crawler_table.py): the API's patterns and the
base domain's."""

from __future__ import annotations

from tests.security.crawler_probes import (
    ACME_TICKETS,
    AGENT_TOLD_FORBIDDEN,
    API_SEARCH_PROBES,
    AUDIT_PROBES,
    CUSTOM_STATUS_PROBES,
    END_USER_TICKETS,
    ESCALATION_PROBES,
    FIELD_PROBES,
    GROUP_PROBES,
    KB_API_READERS,
    KB_ARTICLE_PROBES,
    KB_SECTION_PROBES,
    MACRO_APPLIERS,
    MACRO_APPLY_PROBES,
    MACRO_PROBES,
    MACRO_READERS,
    MEMBERSHIP_PROBES,
    ORG_NUMBER_PROBES,
    ORG_PROBES,
    SATISFACTION_RATING_PROBES,
    SLA_POLICY_PROBES,
    TICKET_PROBES,
    USER_MEMBERSHIP_PROBES,
    USER_NUMBER_PROBES,
    USER_PROBES,
    VIEW_PROBES,
    VIEW_READERS,
    WEBHOOK_PROBES,
    Entry,
    admins,
    agents,
    everyone,
    kb_api,
    queries,
    signed_in,
)

API_TABLE: dict[str, Entry] = {
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
    # Time worked (seed 002): a ticket's time entries, agents who see the ticket.
    "api/v2/tickets/<num:number>/time_entries": Entry(
        TICKET_PROBES, agents(ACME_TICKETS), api=True
    ),
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
