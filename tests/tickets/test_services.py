"""The ticket rules (issue: proactive public and private tickets), through the services."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AgentFactory, AgentGroupFactory, EndUserFactory, make_ticket
from tickets.events import ticket_changed
from tickets.models import COMMENT_MAX_CHARS, Channel, Ticket, TicketEvent
from tickets.selectors import comments_visible_to, tickets_visible_to
from tickets.services import (
    NotAllowed,
    comment_add,
    request_solve_by_requester,
    ticket_make_private,
    ticket_update,
    tickets_bulk_update,
)


@pytest.fixture
def changes():
    seen = []

    def receiver(sender, change, **kwargs):
        seen.append(change)

    ticket_changed.connect(receiver)
    yield seen
    ticket_changed.disconnect(receiver)


# Rule 1
def test_agent_creates_ticket_on_behalf_of_requester(acme, acme_agent, acme_user, acme_org):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    assert (ticket.requester, ticket.submitter) == (acme_user, acme_agent)
    assert ticket.organization == acme_org
    assert ticket.number == 1
    assert ticket.comments.get().body == "It is on fire."


def test_empty_requester_makes_the_agent_the_requester(acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=None)
    assert ticket.requester == acme_agent


def test_ticket_numbers_count_per_account(acme, globex, acme_agent, globex_agent):
    assert make_ticket(account=acme, submitter=acme_agent).number == 1
    assert make_ticket(account=globex, submitter=globex_agent).number == 1
    assert make_ticket(account=acme, submitter=acme_agent).number == 2


def test_requester_of_another_account_is_refused(acme, acme_agent, globex_user):
    with pytest.raises(ValidationError):
        make_ticket(account=acme, submitter=acme_agent, requester=globex_user)


# Rule 3
def test_public_ticket_is_visible_to_its_requester_at_once(acme, acme_agent, acme_user, changes):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    assert ticket.is_public
    assert ticket in tickets_visible_to(viewer=acme_user)
    assert changes[0].created and changes[0].ticket == ticket


# Rule 4
def test_private_ticket_needs_private_creation_enabled(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, public=False)
    assert ticket.is_public, "private creation is off: the ticket is public"
    assert not ticket.comments.get().public, "the description stays an internal note"


def test_private_ticket_is_invisible_to_its_requester(private_on, acme_agent, acme_user):
    ticket = make_ticket(
        account=private_on, submitter=acme_agent, requester=acme_user, public=False
    )
    assert ticket.is_private and ticket.requester == acme_user
    assert ticket not in tickets_visible_to(viewer=acme_user)
    assert ticket in tickets_visible_to(viewer=acme_agent)


def test_public_reply_on_creation_makes_a_normal_public_ticket(private_on, acme_agent, acme_user):
    ticket = make_ticket(account=private_on, submitter=acme_agent, requester=acme_user, public=True)
    assert ticket.is_public


# Rule 5
@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.PHONE, Channel.API, Channel.WEB])
def test_every_comment_on_a_private_ticket_is_internal(private_on, acme_agent, acme_user, channel):
    ticket = make_ticket(
        account=private_on, submitter=acme_agent, requester=acme_user, public=False
    )
    note = comment_add(
        ticket=ticket, author=acme_agent, body="call log", public=False, channel=channel
    )
    assert not note.public
    by_mail = comment_add(ticket=ticket, author=acme_user, body="hi", channel=Channel.EMAIL)
    assert not by_mail.public
    ticket.refresh_from_db()
    assert ticket.is_private


def test_phone_log_marked_public_on_private_ticket_stays_internal(
    private_on, acme_agent, acme_user
):
    ticket = make_ticket(
        account=private_on, submitter=acme_agent, requester=acme_user, public=False
    )
    comment = comment_add(
        ticket=ticket, author=acme_agent, body="x", public=True, channel=Channel.PHONE
    )
    assert not comment.public
    ticket.refresh_from_db()
    assert ticket.is_private


# Rule 6
def test_agent_public_reply_makes_private_ticket_public(private_on, acme_agent, acme_user, changes):
    ticket = make_ticket(
        account=private_on, submitter=acme_agent, requester=acme_user, public=False
    )
    cc = EndUserFactory(account=private_on)
    from tickets.services import ticket_add_ccs

    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[cc])
    comment_add(ticket=ticket, author=acme_agent, body="secret prep", public=False)
    reply = comment_add(ticket=ticket, author=acme_agent, body="Hello!", public=True)
    ticket.refresh_from_db()
    assert reply.public and ticket.is_public
    assert changes[-1].became_public
    assert ticket in tickets_visible_to(viewer=acme_user)
    assert ticket in tickets_visible_to(viewer=cc)
    visible = [c.body for c in comments_visible_to(ticket=ticket, viewer=acme_user)]
    assert visible == ["Hello!"], "internal notes stay hidden after the ticket is public"
    assert ticket.events.filter(kind=TicketEvent.Kind.MADE_PUBLIC).count() == 1


def test_internal_note_never_makes_a_public_ticket_private(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="note", public=False)
    ticket.refresh_from_db()
    assert ticket.is_public


# Rule 7
def test_public_ticket_with_one_public_comment_can_be_made_private(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="note", public=False)
    ticket_make_private(ticket=ticket, actor=acme_agent)
    ticket.refresh_from_db()
    first = ticket.comments.first()
    assert ticket.is_private and not first.public and first.made_internal
    assert ticket not in tickets_visible_to(viewer=acme_user)


def test_made_internal_comment_never_becomes_public_again(private_on, acme_agent, acme_user):
    ticket = make_ticket(account=private_on, submitter=acme_agent, requester=acme_user)
    ticket_make_private(ticket=ticket, actor=acme_agent)
    comment_add(ticket=ticket, author=acme_agent, body="back to you", public=True)
    ticket.refresh_from_db()
    assert ticket.is_public
    assert [c.body for c in comments_visible_to(ticket=ticket, viewer=acme_user)] == ["back to you"]


def test_make_private_refused_with_more_than_one_public_comment(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment_add(ticket=ticket, author=acme_user, body="thanks")
    with pytest.raises(NotAllowed, match="more public replies"):
        ticket_make_private(ticket=ticket, actor=acme_agent)
    ticket.refresh_from_db()
    assert ticket.is_public


def test_make_private_refused_when_first_comment_is_internal(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, public=False)
    comment_add(ticket=ticket, author=acme_agent, body="public one", public=True)
    with pytest.raises(NotAllowed):
        ticket_make_private(ticket=ticket, actor=acme_agent)


# Rule 8
def test_private_ticket_cannot_be_created_from_email(private_on, acme_user):
    ticket = make_ticket(
        account=private_on,
        submitter=acme_user,
        requester=acme_user,
        public=False,
        channel=Channel.EMAIL,
    )
    assert ticket.is_public
    agent = AgentFactory(account=private_on)
    by_agent_mail = make_ticket(
        account=private_on,
        submitter=agent,
        requester=acme_user,
        public=False,
        channel=Channel.EMAIL,
    )
    assert by_agent_mail.is_public


def test_private_ticket_can_be_created_through_api(private_on, acme_agent, acme_user):
    ticket = make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=acme_user,
        public=False,
        channel=Channel.API,
    )
    assert ticket.is_private


# Rule 9
def test_end_users_see_only_their_own_public_tickets(acme, acme_agent, acme_user, acme_manager):
    other = EndUserFactory(account=acme)
    mine = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    theirs = make_ticket(account=acme, submitter=acme_agent, requester=other)
    assert list(tickets_visible_to(viewer=acme_user)) == [mine]
    assert theirs not in tickets_visible_to(viewer=acme_user)
    # The manager sees the organization's public tickets, not private ones.
    assert mine in tickets_visible_to(viewer=acme_manager)


def test_org_manager_does_not_see_private_org_tickets(
    private_on, acme_agent, acme_user, acme_manager
):
    private = make_ticket(
        account=private_on, submitter=acme_agent, requester=acme_user, public=False
    )
    assert private not in tickets_visible_to(viewer=acme_manager)


def test_cc_sees_ticket_once_even_with_several_links(acme, acme_agent, acme_user):
    cc = EndUserFactory(account=acme)
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, ccs=[cc])
    assert list(tickets_visible_to(viewer=cc)) == [ticket]


def test_end_user_comment_is_always_public(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment = comment_add(ticket=ticket, author=acme_user, body="hi", public=False)
    assert comment.public


def test_end_user_cannot_change_fields(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    with pytest.raises(NotAllowed):
        ticket_update(ticket=ticket, actor=acme_user, status="solved")


# Rule 10
def test_end_user_reply_does_not_change_status(acme, acme_agent, acme_user):
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, status=Ticket.Status.PENDING
    )
    comment_add(ticket=ticket, author=acme_user, body="here you go", status="open")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING


def test_agent_reply_can_set_status(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="done", status=Ticket.Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED and ticket.solved_at


# Body limit
def test_comment_of_exactly_the_limit_is_kept_whole(acme, acme_agent):
    body = "é" * COMMENT_MAX_CHARS
    ticket = make_ticket(account=acme, submitter=acme_agent, body=body)
    comment = ticket.comments.get()
    assert comment.body == body and not comment.attachments.exists()


def test_overlong_comment_is_cut_with_ellipsis_and_original_kept(acme, acme_agent):
    body = "😀" * COMMENT_MAX_CHARS + "tail"
    ticket = make_ticket(account=acme, submitter=acme_agent, body=body)
    comment = ticket.comments.get()
    assert len(comment.body) == COMMENT_MAX_CHARS and comment.body.endswith("…")
    original = comment.attachments.get()
    assert original.filename == "original-comment.txt"
    assert original.file.read().decode() == body


# Activity
def test_every_field_change_is_recorded(acme, acme_agent, acme_user):
    group = AgentGroupFactory(account=acme)
    from accounts.services import group_add_agent

    group_add_agent(group=group, agent=acme_agent)
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(
        ticket=ticket,
        actor=acme_agent,
        priority="high",
        group=group,
        assignee=acme_agent,
        tags="vip billing",
    )
    events = {e.field: (e.old_value, e.new_value) for e in ticket.events.filter(kind="change")}
    assert events["priority"] == ("", "high")
    assert events["group"] == ("", group.name)
    assert events["assignee"] == ("", acme_agent.name)
    assert events["status"] == ("new", "open"), "assigning a new ticket opens it"
    assert events["tags"] == ("", "billing vip")


def test_assignee_must_belong_to_group(acme, acme_agent, acme_user):
    group = AgentGroupFactory(account=acme)
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    with pytest.raises(ValidationError):
        ticket_update(ticket=ticket, actor=acme_agent, group=group, assignee=acme_agent)


def test_bulk_update_applies_to_each_ticket_with_history(acme, acme_agent, acme_user):
    tickets = [
        make_ticket(account=acme, submitter=acme_agent, requester=acme_user) for _ in range(3)
    ]
    tickets_bulk_update(account=acme, actor=acme_agent, tickets=tickets, priority="urgent")
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.priority == "urgent"
        assert ticket.events.filter(field="priority").count() == 1


def test_requester_can_close_own_request(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    request_solve_by_requester(ticket=ticket, user=acme_user)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED


def test_mentioned_agents_are_reported(acme, acme_agent, acme_user, changes):
    other = AgentFactory(account=acme, name="Bea Bianchi", email="bea@acme.example")
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="@bea can you look?", public=False)
    assert changes[-1].mentioned == [other]


def test_a_closed_ticket_takes_no_more_comments_from_anyone(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.CLOSED)
    with pytest.raises(NotAllowed):
        comment_add(ticket=ticket, author=acme_agent, body="late note", public=False)
    with pytest.raises(NotAllowed):
        comment_add(ticket=ticket, author=acme_user, body="late reply")
    assert not ticket.comments.filter(body__startswith="late").exists()


def test_a_solved_ticket_still_takes_the_requesters_reply_without_status_change(
    acme, acme_agent, acme_user
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    comment_add(ticket=ticket, author=acme_user, body="thanks, one more thing")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED


def test_comments_already_read_are_narrowed_by_the_same_rule(acme, acme_agent, acme_user):
    from tickets.selectors import comments_readable_by

    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, body="Help")
    comment_add(ticket=ticket, author=acme_agent, body="note", public=False)
    comment_add(ticket=ticket, author=acme_agent, body="reply", public=True)
    every = list(ticket.comments.order_by("created_at", "id"))
    for viewer in (acme_agent, acme_user):
        expected = list(comments_visible_to(ticket=ticket, viewer=viewer).order_by("id"))
        assert comments_readable_by(every, viewer) == expected
    assert [c.body for c in comments_readable_by(every, None)] == ["Help", "reply"]
