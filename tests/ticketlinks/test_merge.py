"""Merging tickets: each rule of ticketlinks.merge, through the service and the pages."""

from __future__ import annotations

import pytest

from tests.factories import AgentFactory, EndUserFactory, OrganizationFactory, make_ticket
from ticketlinks.merge import ticket_merge
from ticketlinks.models import TicketLink
from tickets.models import Comment, Ticket, TicketEvent
from tickets.services import NotAllowed, comment_add, ticket_add_ccs

pytestmark = pytest.mark.django_db


def _reload(ticket):
    return Ticket.objects.for_account(ticket.account).get(pk=ticket.pk)


def _bodies(ticket, **filters):
    return list(
        Comment.objects.for_account(ticket.account)
        .filter(ticket=ticket, **filters)
        .order_by("created_at", "id")
        .values_list("body", flat=True)
    )


@pytest.fixture
def pair(acme, acme_agent, acme_user):
    target = make_ticket(
        account=acme, submitter=acme_user, subject="Printer", body="target question"
    )
    source = make_ticket(
        account=acme, submitter=acme_user, subject="Printer again", body="source question"
    )
    comment_add(ticket=source, author=acme_agent, body="source reply", public=True)
    comment_add(ticket=source, author=acme_agent, body="source note", public=False)
    return target, source


def test_sources_closed_with_internal_note_and_target_note_lists_them(pair, acme_agent):
    target, source = pair
    ticket_merge(target=target, sources=[source], actor=acme_agent)
    source = _reload(source)
    assert source.status == Ticket.Status.CLOSED
    last = source.comments.order_by("-created_at", "-id").first()
    assert f"merged into #{target.number}" in last.body
    assert not last.public
    note = target.comments.order_by("-created_at", "-id").first()
    assert f"#{source.number}" in note.body and not note.public
    assert TicketLink.objects.for_account(target.account).get(ticket=source).other == target


def test_merge_recorded_in_both_activities(pair, acme_agent):
    target, source = pair
    ticket_merge(target=target, sources=[source], actor=acme_agent)
    events = TicketEvent.objects.for_account(target.account)
    assert events.filter(ticket=source, field="merged_into", new_value=f"#{target.number}")
    assert events.filter(ticket=target, field="merged_from", new_value=f"#{source.number}")


def test_comments_copied_in_time_order_with_flags_kept_for_the_same_audience(pair, acme_agent):
    target, source = pair
    comment_add(ticket=target, author=acme_agent, body="target reply", public=True)
    ticket_merge(target=target, sources=[source], actor=acme_agent)
    bodies = _bodies(target)
    # The source's comments are older than the target's reply: they come before it.
    assert bodies[:5] == [
        "target question",
        "source question",
        "source reply",
        "source note",
        "target reply",
    ]
    assert "source reply" in _bodies(target, public=True)
    assert "source note" in _bodies(target, public=False)


def test_private_source_merged_into_public_target_stays_internal(acme, acme_agent, acme_user):
    acme.private_tickets_enabled = True
    acme.save()
    target = make_ticket(account=acme, submitter=acme_user, body="target question")
    source = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, body="secret", public=False
    )
    assert source.is_private
    ticket_merge(
        target=target,
        sources=[source],
        actor=acme_agent,
        target_comment="asked public",
        target_comment_is_public=True,
    )
    assert "secret" in _bodies(target, public=False)
    assert "secret" not in _bodies(target, public=True)
    # Zendesk's rule: with a private ticket involved, the notes are internal too.
    assert "asked public" in _bodies(target, public=False)


def test_other_requesters_public_replies_become_internal_and_no_cc_by_default(
    acme, acme_agent, acme_user
):
    other = EndUserFactory(account=acme)
    target = make_ticket(account=acme, submitter=acme_user, body="mine")
    source = make_ticket(account=acme, submitter=other, body="theirs")
    result = ticket_merge(target=target, sources=[source], actor=acme_agent)
    assert "theirs" in _bodies(target, public=False)
    copy = target.comments.get(body="theirs")
    assert copy.made_internal  # never public again
    assert result.made_internal == 1
    assert not target.cc_links.filter(user=other).exists()


def test_other_requester_becomes_cc_when_the_agent_says_so(acme, acme_agent, acme_user):
    other = EndUserFactory(account=acme)
    target = make_ticket(account=acme, submitter=acme_user, body="mine")
    source = make_ticket(account=acme, submitter=other, body="theirs")
    ticket_merge(target=target, sources=[source], actor=acme_agent, add_people_as_ccs=True)
    assert target.cc_links.filter(user=other).exists()
    # Even then the target's requester never saw the source: its reply stays internal.
    assert "theirs" in _bodies(target, public=False)


def test_source_cc_agents_join_the_target_without_asking(pair, acme, acme_agent):
    target, source = pair
    colleague = AgentFactory(account=acme)
    ticket_add_ccs(ticket=source, actor=acme_agent, users=[colleague])
    ticket_merge(target=target, sources=[source], actor=acme_agent)
    assert target.cc_links.filter(user=colleague).exists()


def test_target_ccs_who_never_saw_the_source_make_its_replies_internal(pair, acme, acme_agent):
    target, source = pair
    stranger = EndUserFactory(account=acme)
    ticket_add_ccs(ticket=target, actor=acme_agent, users=[stranger])
    ticket_merge(target=target, sources=[source], actor=acme_agent)
    assert "source reply" in _bodies(target, public=False)


@pytest.mark.parametrize("case", ["closed_target", "closed_source", "itself", "end_user", "none"])
def test_refused_merges_change_nothing(pair, acme_agent, acme_user, case):
    target, source = pair
    actor, sources = acme_agent, [source]
    if case == "closed_target":
        Ticket.objects.for_account(target.account).filter(pk=target.pk).update(status="closed")
        target = _reload(target)
    elif case == "closed_source":
        Ticket.objects.for_account(source.account).filter(pk=source.pk).update(status="closed")
        sources = [_reload(source)]
    elif case == "itself":
        sources = [target]
    elif case == "end_user":
        actor = acme_user
    else:
        sources = []
    count = Comment.objects.for_account(target.account).count()
    with pytest.raises(NotAllowed):
        ticket_merge(target=target, sources=sources, actor=actor)
    assert Comment.objects.for_account(target.account).count() == count
    assert not TicketLink.objects.for_account(target.account).exists()


def test_merge_page_warns_about_two_organizations_and_asks_about_the_other_requester(
    acme, acme_agent, acme_user, agent_client
):
    elsewhere = OrganizationFactory(account=acme, name="Elsewhere Srl")
    other = EndUserFactory(account=acme, organization=elsewhere, name="Olga Other")
    target = make_ticket(account=acme, submitter=acme_user)
    source = make_ticket(account=acme, submitter=other)
    page = agent_client.get(f"/agent/tickets/merge/?tickets={source.number}&target={target.number}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "different organizations" in text and "Elsewhere Srl" in text
    assert "Olga Other" in text
    assert 'name="add_people_as_ccs"' in text
    assert 'name="add_people_as_ccs" checked' not in text  # default no
    # Nothing merged until confirmed.
    assert _reload(source).status != Ticket.Status.CLOSED


def test_merge_from_the_page_after_confirming(pair, agent_client):
    target, source = pair
    answer = agent_client.post(
        "/agent/tickets/merge/",
        {"tickets": [source.number], "target": target.number, "confirm": "1"},
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/agent/tickets/{target.number}/")
    assert _reload(source).status == Ticket.Status.CLOSED


def test_merge_from_a_list_selection(acme, acme_agent, acme_user, agent_client):
    target = make_ticket(account=acme, submitter=acme_user, subject="Target")
    first = make_ticket(account=acme, submitter=acme_user, subject="Dup one")
    second = make_ticket(account=acme, submitter=acme_user, subject="Dup two")
    listing = agent_client.get("/agent/views/unsolved/", follow=True)
    assert 'formaction="/agent/tickets/merge/"' in listing.content.decode()
    step = agent_client.post(
        "/agent/tickets/merge/", {"tickets": [first.number, second.number, target.number]}
    )
    assert step.status_code == 200
    assert "Dup one" in step.content.decode() and "Dup two" in step.content.decode()
    done = agent_client.post(
        "/agent/tickets/merge/",
        {"tickets": [first.number, second.number], "target": target.number, "confirm": "1"},
    )
    assert done.status_code == 302
    assert {_reload(first).status, _reload(second).status} == {Ticket.Status.CLOSED}


def test_merge_page_bad_input_is_a_message_not_a_500(pair, agent_client):
    target, source = pair
    for data in (
        {"tickets": ["x"], "target": "1"},
        {"tickets": [source.number], "target": "999999"},
        {"tickets": [source.number], "target": "-4", "confirm": "1"},
        {"tickets": [target.number], "target": target.number, "confirm": "1"},
    ):
        answer = agent_client.post("/agent/tickets/merge/", data)
        assert answer.status_code in (200, 400), data
    assert _reload(source).status != Ticket.Status.CLOSED
    assert _reload(target).status != Ticket.Status.CLOSED


def test_files_are_copied_and_seen_as_their_comment_is(acme, acme_agent, acme_user, client_for):
    from tests.tickets.conftest import upload
    from tickets.models import Attachment

    target = make_ticket(account=acme, submitter=acme_user)
    source = make_ticket(account=acme, submitter=acme_user)
    other = EndUserFactory(account=acme)
    stranger_source = make_ticket(account=acme, submitter=other)
    comment_add(ticket=source, author=acme_agent, body="file", uploads=[upload("a.txt", b"same\n")])
    comment_add(
        ticket=stranger_source,
        author=acme_agent,
        body="their file",
        uploads=[upload("b.txt", b"theirs\n")],
    )
    ticket_merge(target=target, sources=[source, stranger_source], actor=acme_agent)
    copies = Attachment.objects.for_account(acme).filter(comment__ticket=target)
    by_name = {a.filename: a for a in copies}
    assert set(by_name) == {"a.txt", "b.txt"}
    originals = Attachment.objects.for_account(acme).filter(comment__ticket=source)
    assert by_name["a.txt"].file.name != originals.get().file.name  # its own stored file
    with by_name["a.txt"].file.open("rb") as f:
        assert f.read() == b"same\n"
    web = client_for(acme_user)
    base = f"/hc/requests/{target.number}/attachments"
    assert web.get(f"{base}/{by_name['a.txt'].token}/").status_code == 200
    # The other requester's file came with a comment now internal: not for Uma.
    assert web.get(f"{base}/{by_name['b.txt'].token}/").status_code == 404
