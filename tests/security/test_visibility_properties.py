"""Property: whatever happens to tickets, nothing an end user can get — help-center pages,
search, the API as an end user, the emails sent to them — carries an internal note's text
or a private ticket.

A Hypothesis state machine runs random sequences of domain operations (create public and
private tickets, public replies and internal notes, making a ticket public by a reply or
private again, CCs, a new requester, organization-manager changes, merges and splits) and
after each step
fetches everything each end user could see. The example count stays small so the suite
stays fast; the point is the variety of orders, not volume.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import User
from accounts.services import organization_create
from automations.runs import automation_run
from automations.services import automation_create
from customfields.form_services import ticket_form_create
from customfields.services import ticket_field_create
from escalations.models import Escalation, EscalationStage
from escalations.services import escalation_create, escalation_update
from macros.services import macro_apply, macro_create
from notifications.models import Trigger
from tests.api.conftest import basic_header, token_for
from tests.conftest import TenantClient
from tests.factories import AdminFactory, AgentFactory, EndUserFactory
from tests.security.visibility_chat import ChatRules
from tests.security.visibility_knowledge import KnowledgeRules
from ticketlinks.merge import ticket_merge
from ticketlinks.services import ticket_split
from tickets.models import Comment, Ticket
from tickets.services import (
    NotAllowed,
    comment_add,
    ticket_add_ccs,
    ticket_create,
    ticket_make_private,
    ticket_reply,
    ticket_update,
)
from tickets.services.statuses import custom_status_create
from timeworked.services import time_log

MAX_TICKETS = 4
# Every marker is one word starting with this, so one prefix search finds all of them
# (and search highlighting cannot split a marker).
WORD = "qk"
_serial = itertools.count(1)


def marker(kind: str) -> str:
    return f"{WORD}{kind}{next(_serial)}zz"


class VisibilityMachine(ChatRules, KnowledgeRules, RuleBasedStateMachine):
    account = None  # set by the test before running

    def __init__(self):
        super().__init__()
        # One savepoint per example: each starts from the same account, and leaves nothing.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        mail.outbox = []
        self._mail_seen = 0
        self.internal_texts: list[str] = []
        # Agents' words about statuses (issue 19): labels and descriptions for agents.
        self.agent_only_texts: list[str] = []
        self.subject_of: dict[int, str] = {}  # ticket pk → its marker subject
        self.tickets: list[Ticket] = []

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize()
    def people(self):
        account = self.account
        org = organization_create(account=account, name=f"Org {next(_serial)}")
        self.agent = AgentFactory(account=account)
        self.admin = AdminFactory(account=account)
        self.end_users = [
            EndUserFactory(account=account, organization=org),
            EndUserFactory(account=account, organization=org, is_org_manager=True),
            EndUserFactory(account=account),
        ]
        self.web = {}
        self.api = {}
        for user in self.end_users:
            client = TenantClient(account)
            client.force_login(user)
            self.web[user.pk] = client
            api = TenantClient(account)
            api.defaults["HTTP_AUTHORIZATION"] = basic_header(user.email, token_for(user))
            self.api[user.pk] = api
        # Issue 19: an agent-only field (its title and every value it takes are hidden)
        # and one end users see.
        self.secret_field = ticket_field_create(
            account=account, kind="text", title=marker("fieldtitle")
        )
        self.internal_texts.append(self.secret_field.title)
        # An agent-only drop-down: My activities offers no filter on it (its title and
        # its options' never shown), unlike the shared one.
        self.secret_dropdown = ticket_field_create(
            account=account,
            kind="tagger",
            title=marker("dropdowntitle"),
            options=[{"name": marker("optiontitle"), "value": "risk"}],
        )
        self.internal_texts.append(self.secret_dropdown.title)
        self.internal_texts.append(self.secret_dropdown.options.get().title)
        ticket_field_create(
            account=account,
            kind="tagger",
            title="Product",
            visible_in_portal=True,
            options=[{"name": "Printer", "value": "printer"}],
        )
        self.shared_field = ticket_field_create(
            account=account, kind="text", title="Contract", visible_in_portal=True
        )
        # Ticket forms: an agents' form (its name hidden) holding the agent-only field,
        # and one the help center offers.
        self.secret_form = ticket_form_create(
            account=account,
            name=marker("formname"),
            field_numbers=[self.secret_field.number, self.shared_field.number],
        )
        self.agent_only_texts.append(self.secret_form.name)
        ticket_form_create(
            account=account,
            name="Public form",
            visible_in_portal=True,
            field_numbers=[self.shared_field.number],
        )

    def _run(self, fn, **kwargs):
        """A domain operation, with its after-commit side effects (emails) carried out;
        a refusal (NotAllowed) is a valid outcome, not a failure."""
        try:
            with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
                return fn(**kwargs)
        except NotAllowed:
            return None

    # --- Operations ----------------------------------------------------------------

    @precondition(lambda self: len(self.tickets) < MAX_TICKETS)
    @rule(requester=st.integers(0, 2), public=st.booleans())
    def agent_creates_ticket(self, requester, public):
        subject, body = marker("subject"), marker("description")
        ticket = self._run(
            ticket_create,
            account=self.account,
            submitter=self.agent,
            requester=self.end_users[requester],
            subject=subject,
            body=body,
            public=public,
        )
        self.subject_of[ticket.pk] = subject
        if ticket.is_private:
            self.internal_texts.append(body)  # a private ticket opens with an internal note
        self.tickets.append(ticket)

    @precondition(lambda self: len(self.tickets) < MAX_TICKETS)
    @rule(requester=st.integers(0, 2))
    def end_user_creates_ticket(self, requester):
        subject = marker("subject")
        ticket = self._run(
            ticket_create,
            account=self.account,
            submitter=self.end_users[requester],
            subject=subject,
            body=marker("question"),
        )
        self.subject_of[ticket.pk] = subject
        self.tickets.append(ticket)

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), public=st.booleans())
    def agent_comments(self, index, public):
        """A public reply makes a private ticket public; an internal note never shows."""
        body = marker("public" if public else "internal")
        ticket = self.tickets[index % len(self.tickets)]
        comment = self._run(comment_add, ticket=ticket, author=self.agent, body=body, public=public)
        if comment is not None and not comment.public:
            self.internal_texts.append(body)

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1))
    def agent_makes_private(self, index):
        self._run(
            ticket_make_private, ticket=self.tickets[index % len(self.tickets)], actor=self.agent
        )

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), who=st.integers(0, 2))
    def agent_adds_cc(self, index, who):
        self._run(
            ticket_add_ccs,
            ticket=self.tickets[index % len(self.tickets)],
            actor=self.agent,
            users=[self.end_users[who]],
        )

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), who=st.integers(0, 2))
    def agent_changes_requester(self, index, who):
        self._run(
            ticket_update,
            ticket=self.tickets[index % len(self.tickets)],
            actor=self.agent,
            requester=self.end_users[who],
        )

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1))
    def requester_replies(self, index):
        ticket = Ticket.objects.for_account(self.account).get(
            pk=self.tickets[index % len(self.tickets)].pk
        )
        self._run(
            comment_add,
            ticket=ticket,
            author=ticket.requester,
            body=marker("reply"),
            public=True,
        )

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), public=st.booleans())
    def agent_applies_macro(self, index, public):
        """Issue 18: a macro's comment follows the private-ticket rules (never public on
        a private ticket; its internal note never shows)."""
        body = marker("macropublic" if public else "macrointernal")
        macro = macro_create(
            account=self.account,
            actor=self.agent,
            title=marker("macro"),
            shared=False,
            actions=[
                {"field": "comment_mode_is_public", "value": public},
                {"field": "comment_value", "value": body},
            ],
        )
        ticket = self.tickets[index % len(self.tickets)]
        self._run(macro_apply, macro=macro, ticket=ticket, actor=self.agent)
        comment = Comment.objects.for_account(self.account).filter(body=body).first()
        if comment is not None and not comment.public:
            self.internal_texts.append(body)

    @precondition(lambda self: self.tickets)
    @rule()
    def automation_emails_requesters_and_ccs(self):
        """Issue 20: an automation's email to end users says what a trigger's may, never
        a private ticket or an internal note (whatever its placeholders ask for)."""
        tag = marker("tag")
        automation = automation_create(
            account=self.account,
            name=marker("automation"),
            conditions={
                "all": [
                    {"field": "status", "operator": "less_than", "value": "solved"},
                    {"field": "current_tags", "operator": "not_includes", "value": tag},
                ]
            },
            actions=[
                {
                    "action": "email_requester_and_ccs",
                    "subject": "{{ticket.title}}",
                    "body": "{{ticket.latest_comment}}\n{{ticket.public_comments}}",
                },
                {"action": "add_tag", "value": tag},
            ],
        )
        self._run(automation_run, automation=automation)

    @precondition(lambda self: len(self.tickets) >= 2)
    @rule(
        into=st.integers(0, MAX_TICKETS - 1),
        sources=st.sets(st.integers(0, MAX_TICKETS - 1), min_size=1, max_size=3),
        public_notes=st.booleans(),
    )
    def agent_merges(self, into, sources, public_notes):
        """Issue 22: a merge shows no end user anything they could not see before (every
        marker each one can get afterwards, they could get before), whatever the tickets'
        requesters, CCs, organizations and privacy; its notes are the only new texts."""
        target_ticket = self.tickets[into % len(self.tickets)]
        chosen = [self.tickets[i % len(self.tickets)] for i in sorted(sources)]
        chosen = [t for t in {t.pk: t for t in chosen}.values() if t.pk != target_ticket.pk]
        if not chosen:
            return
        before = {u.pk: self._markers_seen_by(u) for u in self.end_users}
        note = marker("mergenote")
        fresh = lambda t: Ticket.objects.for_account(self.account).get(pk=t.pk)  # noqa: E731
        self._run(
            ticket_merge,
            target=fresh(target_ticket),
            sources=[fresh(t) for t in chosen],
            actor=self.agent,
            target_comment=note,
            source_comment=note,
            target_comment_is_public=public_notes,
            source_comment_is_public=public_notes,
        )
        note_copy = Comment.objects.for_account(self.account).filter(body=note, public=False)
        if note_copy.exists():
            self.internal_texts.append(note)
        for user in self.end_users:
            gained = self._markers_seen_by(user) - before[user.pk] - {note}
            assert not gained, f"{user.email} gained sight of {gained} by a merge"

    @precondition(lambda self: self.tickets and len(self.tickets) < MAX_TICKETS)
    @rule(index=st.integers(0, MAX_TICKETS - 1), who=st.integers(0, 2), start=st.integers(0, 5))
    def agent_splits(self, index, who, start):
        """A split for any requester copies nothing they could not see on the original."""
        ticket = Ticket.objects.for_account(self.account).get(
            pk=self.tickets[index % len(self.tickets)].pk
        )
        comments = list(ticket.comments.order_by("created_at", "id"))
        before = {u.pk: self._markers_seen_by(u) for u in self.end_users}
        subject = marker("subject")
        new = self._run(
            ticket_split,
            ticket=ticket,
            comments=comments[start % len(comments) :],
            actor=self.agent,
            subject=subject,
            requester=self.end_users[who],
        )
        if new is None:
            return
        self.subject_of[new.pk] = subject
        self.tickets.append(new)
        # The copies' texts stay where they were seen before (the original's audience
        # keeps them): what the split may not do is show them to anyone new, checked here.
        for user in self.end_users:
            gained = self._markers_seen_by(user) - before[user.pk] - {subject}
            assert not gained, f"{user.email} gained sight of {gained} by a split"

    def _markers_seen_by(self, user) -> set[str]:
        """Every marker of a comment body the end user can get through the help center."""
        web = self.web[user.pk]
        seen: set[str] = set()
        for ticket in self.tickets:
            page = web.get(f"/hc/requests/{ticket.number}/").content.decode()
            seen |= set(re.findall(rf"{WORD}[a-z]+[0-9]+zz", page))
        return seen

    @precondition(lambda self: self.tickets)
    @rule(
        index=st.integers(0, MAX_TICKETS - 1),
        category=st.sampled_from(["open", "pending", "hold", "solved"]),
    )
    def agent_sets_custom_status(self, index, category):
        """Issue 19: an end user reads a custom status's end-user label, never the
        agents' label or description."""
        agent_label, description = marker("agentlabel"), marker("statusnote")
        status = custom_status_create(
            account=self.account,
            actor=self.admin,
            category=category,
            agent_label=agent_label,
            end_user_label=marker("eulabel"),
            description=description,
        )
        self.agent_only_texts += [agent_label, description]
        self._run(
            ticket_update,
            ticket=self.tickets[index % len(self.tickets)],
            actor=self.agent,
            custom_status=status,
        )

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), shared=st.booleans())
    def agent_sets_a_custom_field(self, index, shared):
        """Issue 19: an agent-only field's value never reaches an end user."""
        field = self.shared_field if shared else self.secret_field
        value = marker("sharedvalue" if shared else "fieldvalue")
        self._run(
            ticket_update,
            ticket=self.tickets[index % len(self.tickets)],
            actor=self.agent,
            custom_fields={field.number: value},
        )
        if not shared:
            self.internal_texts.append(value)

    @rule(who=st.integers(0, 2))
    def end_user_tries_to_set_an_agent_only_field(self, who):
        user = self.end_users[who]
        value = marker("crafted")
        response = self.api[user.pk].post(
            "/api/v2/requests.json",
            {
                "request": {
                    "subject": marker("subject"),
                    "comment": {"body": "Hello"},
                    "custom_fields": [{"id": self.secret_field.number, "value": value}],
                }
            },
            content_type="application/json",
        )
        assert response.status_code == 422, response.content
        assert (
            not Ticket.objects.for_account(self.account)
            .filter(custom_fields__contains={self.secret_field.key: value})
            .exists()
        )

    @rule()
    def organization_sharing_changes(self):
        org = User.objects.for_account(self.account).get(pk=self.end_users[0].pk).organization
        org.shared_tickets = not org.shared_tickets
        org.save(update_fields=["shared_tickets"])

    @rule(who=st.integers(0, 2), default=st.booleans())
    def membership_changes(self, who, default):
        """Issue 21: an end user joins (as their default or not) or leaves a second
        organization that shares its tickets; what they see follows."""
        from accounts.memberships import membership_add, membership_remove
        from accounts.models import OrganizationMembership

        if not hasattr(self, "second_org"):
            self.second_org = organization_create(
                account=self.account, name=f"Org {next(_serial)}", shared_tickets=True
            )
        user = User.objects.for_account(self.account).get(pk=self.end_users[who].pk)
        row = (
            OrganizationMembership.objects.for_account(self.account)
            .filter(user=user, organization=self.second_org)
            .first()
        )
        if row is None:
            membership_add(
                user=user, organization=self.second_org, actor=self.admin, default=default
            )
        else:
            membership_remove(membership=row, actor=self.admin)

    @rule(who=st.integers(0, 2))
    def manager_flag_changes(self, who):
        user = User.objects.for_account(self.account).get(pk=self.end_users[who].pk)
        user.is_org_manager = not user.is_org_manager
        user.save(update_fields=["is_org_manager"])

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), step=st.integers(0, 4))
    def agent_escalates_or_moves_the_stage(self, index, step):
        """Seed 004: the requester follows the stages; the description stays internal
        (the escalation trigger is on, so its emails are checked too)."""
        ticket = self.tickets[index % len(self.tickets)]
        open_one = (
            Escalation.objects.for_account(self.account)
            .filter(ticket=ticket, resolved_at__isnull=True)
            .first()
        )
        if open_one is None:
            description = marker("escalation")
            self.internal_texts.append(description)
            self._run(
                escalation_create,
                ticket=ticket,
                actor=self.agent,
                group=None,
                description=description,
            )
        else:
            stage = list(EscalationStage.objects.for_account(self.account))[step]
            self._run(escalation_update, escalation=open_one, actor=self.agent, stage=stage)

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), public=st.booleans())
    def agent_logs_time(self, index, public):
        """Seed 002: time spent, with a reply (public or not) or on its own, is agents'
        data: the requester sees the reply, never the time (nor any total)."""
        ticket = self.tickets[index % len(self.tickets)]
        body = marker("timed")
        reply = self._run(
            ticket_reply,
            ticket=ticket,
            author=self.agent,
            body=body,
            public=public,
            extras={"time_spent": "13h 37m"},
        )
        if reply is not None and not reply.comment.public:
            self.internal_texts.append(body)
        self._run(time_log, ticket=ticket, actor=self.agent, seconds=7 * 3600 + 41 * 60)
        for text in ("13h 37m", "7h 41m", "Time spent", "time_entries", "total_seconds"):
            if text not in self.agent_only_texts:
                self.agent_only_texts.append(text)

    # --- What an end user can get ----------------------------------------------------

    @precondition(lambda self: self.tickets)
    @rule(index=st.integers(0, MAX_TICKETS - 1), grant=st.booleans())
    def requester_switches_support_access(self, index, grant):
        """Seed 004: the requester grants or revokes support access on the request page
        (whoever else tries is refused, and the page still answers)."""
        ticket = Ticket.objects.for_account(self.account).get(
            pk=self.tickets[index % len(self.tickets)].pk
        )
        for user in self.end_users:
            response = self.web[user.pk].post(
                f"/hc/requests/{ticket.number}/support-access/",
                {"access": "grant" if grant else "revoke"},
            )
            assert response.status_code in (302, 404), response.status_code

    def _withheld_bodies(self) -> list[str]:
        """The comment markers of tickets whose requester revoked support access, that
        no ticket still open to the admin (never an assignee here) carries too (merges
        and splits copy comments)."""
        comments = Comment.objects.for_account(self.account).filter(body__startswith=WORD)
        withheld = set(comments.filter(ticket__support_access=False).values_list("body", flat=True))
        readable = set(comments.filter(ticket__support_access=True).values_list("body", flat=True))
        return sorted(withheld - readable)

    def _agent_answers(self, agent):
        web, api = self.agent_web, self.agent_api
        revoked = Ticket.objects.for_account(self.account).filter(
            pk__in=[t.pk for t in self.tickets], support_access=False
        )
        for ticket in revoked.exclude(assignee=agent):
            n = ticket.number
            for path in (f"/agent/tickets/{n}/", f"/agent/tickets/{n}/?tab=activity"):
                yield path, web.get(path)
            for path in (
                f"/api/v2/tickets/{n}.json",
                f"/api/v2/tickets/{n}/comments.json",
                f"/api/v2/tickets/{n}/audits.json",
            ):
                yield "API " + path, api.get(path)
        yield "search", web.get(f"/agent/search/?q={WORD}")
        yield "views", web.get("/agent/views/recent/")
        yield "API search", api.get(f"/api/v2/search.json?query={WORD}")
        yield "API tickets", api.get("/api/v2/tickets.json")

    @invariant()
    def other_agents_read_no_comment_while_support_access_is_revoked(self):
        if not getattr(self, "end_users", None):
            return
        if not hasattr(self, "agent_web"):
            self.agent_web = TenantClient(self.account)
            self.agent_web.force_login(self.admin)
            self.agent_api = TenantClient(self.account)
            self.agent_api.defaults["HTTP_AUTHORIZATION"] = basic_header(
                self.admin.email, token_for(self.admin)
            )
        withheld = self._withheld_bodies()
        if not withheld:
            return
        for where, response in self._agent_answers(self.admin):
            assert response.status_code < 500, (where, response.status_code)
            text = response.content.decode()
            leaked = [h for h in withheld if h in text]
            assert not leaked, f"the admin got {leaked} from {where}"

    def _hidden_now(self) -> list[str]:
        private = set(
            Ticket.objects.for_account(self.account)
            .filter(pk__in=self.subject_of, is_public=False)
            .values_list("pk", flat=True)
        )
        subjects = [self.subject_of[pk] for pk in private]
        return self.internal_texts + self.agent_only_texts + subjects

    def _end_user_answers(self, user):
        web, api = self.web[user.pk], self.api[user.pk]
        numbers = [t.number for t in self.tickets]
        paths = ["/hc/", "/hc/?tab=ccd", "/hc/?tab=organization", f"/hc/search/?q={WORD}"]
        paths.append(f"/hc/?cf-{self.secret_dropdown.number}=risk")  # a crafted filter
        # The search's filters (issue 19): the visible fields' only, a crafted one ignored.
        paths.append(f"/hc/search/?q={WORD}&cf-{self.secret_dropdown.number}=risk")
        paths += ["/hc/requests/new/", f"/hc/requests/new/?form={self.secret_form.number}"]
        paths += [f"/hc/requests/{n}/" for n in numbers]
        paths += self.knowledge_paths(WORD)  # issue 25
        # The views (issue 18) are the agents': an end user gets nothing from them, even
        # from "Recently updated" (view 4), which lists every ticket.
        paths += ["/agent/views/4/", "/agent/views/recent/", "/agent/views/8/"]
        for path in paths:
            yield path, web.get(path)
        api_paths = ["/api/v2/requests.json", f"/api/v2/search.json?query={WORD}"]
        api_paths += ["/api/v2/views.json", "/api/v2/views/4/tickets.json"]
        api_paths += ["/api/v2/custom_statuses.json", "/api/v2/custom_statuses/11.json"]
        api_paths += ["/api/v2/ticket_forms.json"]
        for n in numbers:
            api_paths += [f"/api/v2/requests/{n}.json", f"/api/v2/requests/{n}/comments.json"]
            api_paths += [f"/api/v2/tickets/{n}/escalations.json"]
            api_paths += [f"/api/v2/tickets/{n}/time_entries.json"]
        for path in api_paths:
            yield "API " + path, api.get(path)

    @invariant()
    def end_users_see_no_internal_note_and_no_private_ticket(self):
        if not getattr(self, "end_users", None):
            return
        hidden = self._hidden_now()
        for user in self.end_users:
            for where, response in self._end_user_answers(user):
                assert response.status_code < 500, (where, response.status_code)
                text = response.content.decode()
                leaked = [h for h in hidden if h in text]
                assert not leaked, f"{user.email} got {leaked} from {where}"
        addresses = {u.email for u in self.end_users}
        for message in mail.outbox[self._mail_seen :]:
            if not addresses.intersection(message.to + message.cc + message.bcc):
                continue
            parts = [message.subject, message.body]
            parts += [content for content, _type in getattr(message, "alternatives", [])]
            text = "\n".join(str(p) for p in parts)
            leaked = [h for h in hidden if h in text]
            assert not leaked, f"email to {message.to} carried {leaked}"
        self._mail_seen = len(mail.outbox)


@pytest.fixture
def visibility_account(acme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    acme.private_tickets_enabled = True
    acme.save()
    # Seed 004's trigger on, so the escalation emails are checked too.
    Trigger.objects.for_account(acme).filter(default_key="requester_escalation").update(active=True)
    return acme


def test_end_users_never_get_internal_notes_or_private_tickets(visibility_account):
    VisibilityMachine.account = visibility_account
    run_state_machine_as_test(
        VisibilityMachine,
        settings=settings(
            max_examples=6,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
