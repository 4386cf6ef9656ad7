"""The access crawler's table (tests/security/test_access_crawler.py): per URL pattern, its
probes and which (role, probe) pairs may be answered; the API's and the base domain's
patterns are in crawler_table_api.py."""

from __future__ import annotations

from tests.security.crawler_chat import CHAT_FILE_PROBES, CHAT_PROBES
from tests.security.crawler_chat_desk import (
    CHAT_DESK_FILE_PROBES,
    CHAT_DESK_PROBES,
    CHAT_DESK_READERS,
)
from tests.security.crawler_probes import (
    ACME_TICKETS,
    ACME_USERS,
    AGENT_PROBES,
    AGENT_TOLD_FORBIDDEN,
    AGENTS_REDIRECTED,
    API_ORG_FIELD_PROBES,
    API_TOKEN_PROBES,
    API_USER_FIELD_PROBES,
    ASSIST_FEATURE_PROBES,
    ASSIST_RESULT_PROBES,
    ATTACHMENT_PROBES,
    AUTOMATION_PROBES,
    CLOSE_REASON_PROBES,
    CUSTOM_STATUS_PROBES,
    DELIVERY_PROBES,
    END_USER_TICKETS,
    ESCALATION_PROBES,
    ESCALATION_STAGE_PROBES,
    FIELD_PROBES,
    GROUP_PROBES,
    HOLIDAY_PROBES,
    KB_ARTICLE_PROBES,
    KB_CAPTURE_PROBES,
    KB_CATEGORY_PROBES,
    KB_EDITOR_ARTICLES,
    KB_IMAGE_PROBES,
    KB_IMAGE_READERS,
    KB_MINE_FOR_ALL,
    KB_READERS,
    KB_REVISION_PROBES,
    KB_SECTION_PROBES,
    MACRO_APPLIERS,
    MACRO_APPLY_PROBES,
    MACRO_EDITORS,
    MACRO_PROBES,
    MAILBOX_PROBES,
    MEMBER_PROBES,
    MERGE_PROBES,
    NO_REPORTS,
    NOTIFICATION_PROBES,
    ORG_PROBES,
    REPORT_PROBES,
    REPORT_READERS,
    REPORT_TICKETS_PROBES,
    ROLE_PROBES,
    ROLES,
    SATISFACTION_REASON_PROBES,
    SCHEDULE_PROBES,
    SEARCH_PROBES,
    SLA_POLICY_PROBES,
    SUPPORT_ADDRESS_PROBES,
    SUPPRESSION_PROBES,
    SURVEY_CHOICE_PROBES,
    SURVEY_PROBES,
    TICKET_FORM_PROBES,
    TICKET_PROBES,
    TRIGGER_PROBES,
    USER_FIELD_PROBES,
    USER_PROBES,
    USER_VALUES_PROBES,
    VIEW_EDITORS,
    VIEW_PROBES,
    VIEW_READERS,
    WEBHOOK_PROBES,
    Entry,
    _with_issue_21_roles,
    admins,
    agents,
    everyone,
    queries,
    signed_in,
)
from tests.security.crawler_table_api import API_TABLE

WEB_TABLE: dict[str, Entry] = {
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
    # The bulk bar's fields, loaded when it opens (issue 17): every agent role, as the list.
    "agent/tickets/bulk/fields/": Entry(allow=agents()),
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
    # The tickets behind a report's number: the report's readers and scope (a group
    # outside it, globex's among them, is a message), the light agent told forbidden.
    "agent/reports/tickets/": Entry(REPORT_TICKETS_PROBES, REPORT_READERS, also_refuse=NO_REPORTS),
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
    "agent/settings/users/<int:number>/organizations/": Entry(
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
    # Writing help (issue 28): agents ask on a ticket they see; a request is the asker's.
    "agent/tickets/<int:number>/assist/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
    "agent/tickets/<int:number>/assist/<str:feature>/": Entry(
        ASSIST_FEATURE_PROBES, agents((*ACME_TICKETS, "mine_unknown_feature"))
    ),
    "agent/assist/<str:token>/": Entry(
        ASSIST_RESULT_PROBES,
        {
            "agent": {"agent_assist"},
            "admin": {"admin_assist"},
            "light_agent": set(),
            "group_agent": set(),
        },
    ),
    "agent/settings/writing-help/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/time-worked/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/reports/time/": Entry(allow=REPORT_READERS, also_refuse=NO_REPORTS),
    "agent/settings/escalations/": Entry(allow=admins(), also_refuse=AGENT_TOLD_FORBIDDEN),
    "agent/settings/escalations/<int:number>/": Entry(
        ESCALATION_STAGE_PROBES, admins(("mine",)), also_refuse=AGENT_TOLD_FORBIDDEN
    ),
    # Help center: the survey email's links, then the signed-in pages.
    "hc/satisfaction/<str:token>/": Entry(SURVEY_PROBES, {role: {"?mine"} for role in ROLES}),
    "hc/satisfaction/<str:token>/<str:choice>/": Entry(
        SURVEY_CHOICE_PROBES, {role: {"?mine"} for role in ROLES}
    ),
    # Issue 25: anonymous visitors (and another account's users, anonymous here) get the
    # knowledge base's public home, as acme has public articles.
    "hc/": Entry(allow=everyone()),
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
    # Knowledge capture: editors only; agents without the right get 404 (no action shown).
    "agent/knowledge/articles/from-ticket/<int:number>/<int:comment>/": Entry(
        KB_CAPTURE_PROBES, admins(("answer",))
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
    "hc/requests/<int:number>/support-access/": Entry(
        TICKET_PROBES, END_USER_TICKETS | AGENTS_REDIRECTED
    ),
    "hc/requests/<int:number>/attachments/<str:token>/": Entry(
        ATTACHMENT_PROBES, {"end_user": {"public"}, "manager": {"public"}} | AGENTS_REDIRECTED
    ),
    # The agents' chat workspace (issue 28): pages of every agent (one outside the chat
    # groups sees an empty one), each chat by its number (crawler_chat_desk.py).
    "agent/chats/": Entry(allow=agents()),
    "agent/chats/queue/": Entry(allow=agents()),
    "agent/chats/availability/": Entry(allow=agents()),
    **{
        f"agent/chats/<int:number>/{action}": Entry(CHAT_DESK_PROBES, CHAT_DESK_READERS)
        for action in (
            "",
            "accept/",
            "messages/",
            "typing/",
            "seen/",
            "invite/",
            "transfer/",
            "leave/",
            "end/",
        )
    },
    # A chat's files: whoever may see the chat (the same readers).
    "agent/chats/<int:number>/files/<int:file_number>/": Entry(
        CHAT_DESK_FILE_PROBES, CHAT_DESK_READERS
    ),
    "agent/tickets/<int:number>/chat/": Entry(TICKET_PROBES, agents(ACME_TICKETS)),
}

# Live chat (issue 28): the help center's widget endpoints and the admins' settings.
CHAT_VISITOR = {"end_user": {"mine"}}
# Starting a chat or leaving a message while the account offers no chat (the crawler's
# acme): refused with a message, 400, and nothing written.
TOLD_NOT_OFFERED = {role: {400} for role in everyone()}

CHAT_WEB_TABLE: dict[str, Entry] = {
    "hc/chat/widget/": Entry(allow=everyone()),
    "hc/chat/status/": Entry(allow=everyone()),
    "hc/chat/start/": Entry(also_refuse=TOLD_NOT_OFFERED),
    "hc/chat/message/": Entry(also_refuse=TOLD_NOT_OFFERED),
    "hc/chat/<int:number>/": Entry(CHAT_PROBES, CHAT_VISITOR),
    "hc/chat/<int:number>/post/": Entry(CHAT_PROBES, CHAT_VISITOR),
    "hc/chat/<int:number>/typing/": Entry(CHAT_PROBES, CHAT_VISITOR),
    "hc/chat/<int:number>/read/": Entry(CHAT_PROBES, CHAT_VISITOR),
    "hc/chat/<int:number>/end/": Entry(CHAT_PROBES, CHAT_VISITOR),
    "hc/chat/<int:number>/files/<int:file_number>/": Entry(CHAT_FILE_PROBES, CHAT_VISITOR),
    "agent/settings/chat/": Entry(allow=admins(), also_refuse={"agent": {403}}),
}


TABLE: dict[str, Entry] = WEB_TABLE | CHAT_WEB_TABLE | API_TABLE
_with_issue_21_roles(TABLE)
