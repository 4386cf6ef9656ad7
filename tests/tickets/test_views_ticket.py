"""The ticket page: conversation, private banner, reply box (rules 5 and 6), "Make
private" (rule 7), sidebar of fields, Activity tab, attachments, and its query count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgentGroupFactory, EndUserFactory, make_ticket
from tests.tickets.conftest import PNG, upload
from tickets.models import COMMENT_MAX_CHARS, Channel, TicketEvent
from tickets.services import comment_add, ticket_update


def page_of(ticket) -> str:
    return f"/agent/tickets/{ticket.number}/"


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="VPN drops", body="Hi"
    )


@pytest.fixture
def private_ticket(private_on, acme_agent, acme_user):
    return make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=acme_user,
        subject="Quiet prep",
        body="Notes before the call",
        public=False,
    )


def reply(client, ticket, **fields):
    data = {"comment_type": "public", "body": "Hello there", "status": ""}
    data.update(fields)
    return client.post(f"{page_of(ticket)}reply/", data)


def checked(html: str, value: str) -> bool:
    return any(
        f'value="{value}"' in tag and "checked" in tag
        for tag in (c.split(">", 1)[0] for c in html.split("<input")[1:])
        if 'name="comment_type"' in tag
    )


# The conversation
def test_page_shows_public_replies_and_internal_notes_apart(ticket, acme_agent, agent_client):
    comment_add(ticket=ticket, author=acme_agent, body="Only for us", public=False)
    html = agent_client.get(page_of(ticket)).text
    assert "Only for us" in html and "comment-internal" in html
    assert html.count("comment-kind-internal") == 1
    assert "This ticket is private" not in html


def test_private_ticket_shows_the_banner_and_its_reply_box_starts_on_internal_note(
    private_ticket, agent_client
):
    html = agent_client.get(page_of(private_ticket)).text
    assert "This ticket is private" in html
    assert checked(html, "internal")


def test_public_ticket_reply_box_follows_the_default_reply_type(acme, ticket, agent_client):
    assert checked(agent_client.get(page_of(ticket)).text, "public")
    acme.default_reply_type = "internal"
    acme.save()
    assert checked(agent_client.get(page_of(ticket)).text, "internal")


def test_another_accounts_ticket_is_404(ticket, globex_agent, client_for):
    client = client_for(globex_agent)
    assert client.get(page_of(ticket)).status_code == 404
    assert reply(client, ticket).status_code == 404


def test_end_user_gets_404_on_the_agent_page(ticket, acme_user, client_for):
    assert client_for(acme_user).get(page_of(ticket)).status_code == 404


# Replies
def test_public_reply_with_a_status(ticket, agent_client, client_for, acme_user):
    response = reply(agent_client, ticket, body="Try again now", status="pending")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert "Try again now" in client_for(acme_user).get(f"/hc/requests/{ticket.number}/").text


def test_internal_note_stays_hidden_from_the_requester(ticket, agent_client, client_for, acme_user):
    reply(agent_client, ticket, comment_type="internal", body="Escalate quietly")
    ticket.refresh_from_db()
    assert ticket.status == "new"  # rule 10: only a deliberate change moves the status
    assert (
        "Escalate quietly" not in client_for(acme_user).get(f"/hc/requests/{ticket.number}/").text
    )


def test_reply_adds_ccs(ticket, agent_client):
    reply(agent_client, ticket, ccs="boss@customer.example, it@customer.example")
    assert sorted(u.email for u in ticket.ccs.all()) == [
        "boss@customer.example",
        "it@customer.example",
    ]


# Rule 5
def test_internal_note_on_a_private_ticket_keeps_it_private(private_ticket, agent_client):
    reply(agent_client, private_ticket, comment_type="internal", body="More notes")
    private_ticket.refresh_from_db()
    assert private_ticket.is_private


# Rule 6
def test_public_reply_makes_a_private_ticket_public_for_requester_and_new_ccs(
    private_ticket, agent_client, client_for, acme_user, acme
):
    colleague = EndUserFactory(account=acme, email="colleague@customer.example")
    portal = client_for(acme_user)
    assert "Quiet prep" not in portal.get("/hc/").text

    response = reply(agent_client, private_ticket, body="We are on it", ccs=colleague.email)
    private_ticket.refresh_from_db()
    assert private_ticket.is_public
    assert "the ticket is now public" in agent_client.get(response["Location"]).text
    assert "Quiet prep" in portal.get("/hc/").text
    request_page = portal.get(f"/hc/requests/{private_ticket.number}/").text
    assert "We are on it" in request_page
    assert "Notes before the call" not in request_page  # the internal note stays hidden
    assert client_for(colleague).get(f"/hc/requests/{private_ticket.number}/").status_code == 200


# Rule 7
def test_make_private_is_offered_only_while_the_first_reply_is_the_only_public_one(
    ticket, acme_agent, agent_client
):
    assert "Make private" in agent_client.get(page_of(ticket)).text
    comment_add(ticket=ticket, author=acme_agent, body="Second public", public=True)
    assert "Make private" not in agent_client.get(page_of(ticket)).text


@pytest.mark.parametrize("tab", ["conversation", "activity"])
def test_make_private_follows_rule_7_from_the_conversation_and_the_activity_tab(
    acme, acme_agent, acme_user, agent_client, tab
):
    """The conversation's rows give the comments' flags; the Activity tab reads them."""
    first_internal = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    first_internal.comments.update(public=False)
    comment_add(ticket=first_internal, author=acme_agent, body="Later public", public=True)
    assert "Make private" not in agent_client.get(f"{page_of(first_internal)}?tab={tab}").text
    only_first = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment_add(ticket=only_first, author=acme_agent, body="A note", public=False)
    assert "Make private" in agent_client.get(f"{page_of(only_first)}?tab={tab}").text


def test_make_private_turns_the_first_reply_into_a_note_for_good(
    ticket, agent_client, client_for, acme_user
):
    response = agent_client.post(f"{page_of(ticket)}make-private/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    first = ticket.comments.get()
    assert ticket.is_private and not first.public and first.made_internal
    assert client_for(acme_user).get(f"/hc/requests/{ticket.number}/").status_code == 404
    html = agent_client.get(page_of(ticket)).text
    assert "Make private" not in html and "This ticket is private" in html


def test_make_private_refused_with_a_message_when_not_allowed(ticket, acme_agent, agent_client):
    comment_add(ticket=ticket, author=acme_agent, body="Second public", public=True)
    response = agent_client.post(f"{page_of(ticket)}make-private/", follow=True)
    assert response.status_code == 200
    assert "more public replies" in response.text
    ticket.refresh_from_db()
    assert ticket.is_public


def test_make_private_is_post_only(ticket, agent_client):
    assert agent_client.get(f"{page_of(ticket)}make-private/").status_code == 405
    ticket.refresh_from_db()
    assert ticket.is_public


# Bad input in the reply box
def test_empty_reply_is_refused_with_a_message(ticket, agent_client):
    response = reply(agent_client, ticket, body="   ")
    assert response.status_code == 200
    assert "Write a comment or attach a file" in response.text


def test_forbidden_attachment_keeps_the_reply_text(ticket, agent_client):
    response = agent_client.post(
        f"{page_of(ticket)}reply/",
        {
            "comment_type": "internal",
            "body": "Words I typed",
            "attachments": [upload("x.svg", b"<svg onload=alert(1)>")],
        },
    )
    assert response.status_code == 200
    assert "not an allowed file type" in response.text and "Words I typed" in response.text
    assert "attach them again" in response.text
    assert checked(response.text, "internal")
    assert ticket.comments.count() == 1


def test_too_many_attachments_are_refused(acme, ticket, agent_client):
    files = [upload(f"f{i}.txt") for i in range(acme.max_attachments_per_message + 1)]
    response = agent_client.post(
        f"{page_of(ticket)}reply/", {"comment_type": "public", "body": "x", "attachments": files}
    )
    assert response.status_code == 200 and "at most" in response.text


def test_too_long_reply_is_cut_with_a_warning_and_the_original_attached(ticket, agent_client):
    response = reply(agent_client, ticket, body="y" * (COMMENT_MAX_CHARS + 1))
    comment = ticket.comments.order_by("-id").first()
    assert len(comment.body) == COMMENT_MAX_CHARS
    assert comment.attachments.get().filename == "original-comment.txt"
    assert "longer than 65,536 characters" in agent_client.get(response["Location"]).text


# Attachments: only through the authorised view
@pytest.fixture
def with_attachments(ticket, acme_agent):
    comment_add(
        ticket=ticket,
        author=acme_agent,
        body="files",
        public=False,
        uploads=[upload("shot.png", PNG, "image/png"), upload("notes.txt", b"plain text\n")],
    )
    return {a.filename: a for a in ticket.comments.last().attachments.all()}


def test_attachment_downloads_through_the_ticket_for_an_agent(
    ticket, with_attachments, agent_client
):
    html = agent_client.get(page_of(ticket)).text
    text = with_attachments["notes.txt"]
    url = f"{page_of(ticket)}attachments/{text.token}/"
    assert url in html
    response = agent_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"plain text\n"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    image = agent_client.get(f"{page_of(ticket)}attachments/{with_attachments['shot.png'].token}/")
    assert image["Content-Type"] == "image/png"


def test_attachment_is_404_for_end_users_other_accounts_and_other_tickets(
    acme, ticket, with_attachments, acme_agent, acme_user, globex_agent, client_for
):
    token = with_attachments["notes.txt"].token
    url = f"{page_of(ticket)}attachments/{token}/"
    assert client_for(acme_user).get(url).status_code == 404  # internal note, agent URL
    assert client_for(globex_agent).get(url).status_code == 404
    other = make_ticket(account=acme, submitter=acme_agent, subject="Other")
    other_url = f"{page_of(other)}attachments/{token}/"
    assert client_for(acme_agent).get(other_url).status_code == 404
    anonymous = client_for(account=acme).get(url)
    assert anonymous.status_code == 302 and "/signin/" in anonymous["Location"]


def test_conversation_shows_each_comment_escaped_labelled_and_in_order(
    acme, ticket, acme_agent, agent_client
):
    person = EndUserFactory(account=acme, name="<i>eve</i> & co")
    comment_add(ticket=ticket, author=person, body="Line one\n<script>x</script>", public=True)
    comment_add(ticket=ticket, author=acme_agent, body="Only us", public=False)
    upload_comment = comment_add(
        ticket=ticket,
        author=acme_agent,
        body="file",
        public=True,
        uploads=[upload("a&b.txt", b"12345")],
    )
    html = agent_client.get(page_of(ticket)).text
    items = re.findall(r'<li class="comment[^"]*" id="comment-(\d+)">(.*?)</li>\n', html, re.S)
    assert [int(n) for n, _ in items] == list(range(1, len(items) + 1))
    *_, eve, note, filed = (body for _, body in items)
    assert "· Description" in items[0][1] and "· Description" not in eve
    assert (
        'aria-hidden="true">&lt;</span><span class="author">&lt;i&gt;eve&lt;/i&gt; &amp; co<' in eve
    )
    assert "Line one<br>&lt;script&gt;x&lt;/script&gt;" in eve and "Public reply" in eve
    assert 'class="comment-kind comment-kind-internal">Internal note<' in note
    assert f'<li class="comment comment-internal" id="comment-{items[-2][0]}">' in html
    token = upload_comment.attachments.get().token
    assert (
        f'attachments/{token}/"><svg class="icon" aria-hidden="true" focusable="false">'
        '<use href="/static/img/icons.svg#paperclip"></use></svg> a&amp;b.txt '
        '<span class="muted">(5\xa0bytes)</span>' in filed
    )
    assert 'class="avatar avatar-agent"' in filed


def test_ticket_page_reads_its_choices_without_server_side_cursors(ticket, agent_client):
    # DECLARE, FETCH and CLOSE per select (Django's default for choice fields): three
    # round trips where one plain SELECT does.
    with CaptureQueriesContext(connection) as queries:
        assert agent_client.get(page_of(ticket)).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "DECLARE" in q["sql"]]


# The sidebar of fields and the Activity tab
def sidebar_data(client, ticket) -> dict:
    """The sidebar's fields as the page renders them (with the values it loaded)."""
    return sidebar_data_from(client.get(page_of(ticket)).text, ticket)


def sidebar_data_from(html: str, ticket) -> dict:
    form = html.split(f'action="/agent/tickets/{ticket.number}/fields/"', 1)[1]
    form = form.split("</form>")[0]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    return data


def test_sidebar_changes_fields_and_records_each_in_the_activity(
    acme, ticket, acme_agent, agent_client
):
    group = AgentGroupFactory(account=acme, name="Network")
    group.memberships.create(account=acme, user=acme_agent)
    data = sidebar_data(agent_client, ticket)
    data.update(
        status="pending",
        priority="urgent",
        type="problem",
        assignee=str(acme_agent.number),
        group=str(group.number),
        tags="vpn outage",
        due_date="2031-05-01",
    )
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.type) == ("pending", "urgent", "problem")
    assert ticket.assignee == acme_agent and ticket.group == group
    assert ticket.tag_list == ["outage", "vpn"]
    fields = set(
        TicketEvent.objects.for_account(acme)
        .filter(ticket=ticket, kind="change")
        .values_list("field", flat=True)
    )
    assert {"status", "priority", "type", "assignee", "group", "tags", "due_at"} <= fields
    activity = agent_client.get(f"{page_of(ticket)}?tab=activity").text
    assert "Urgent" in activity and "Pending" in activity and "Network" in activity
    assert "Ticket created" in activity and "Public reply added" in activity


def test_stale_sidebar_does_not_undo_another_agents_change(
    acme, ticket, acme_agent, acme_admin, agent_client
):
    data = sidebar_data(agent_client, ticket)  # loaded while priority is empty
    ticket_update(ticket=ticket, actor=acme_admin, priority="high")
    data["status"] = "open"
    # The change is shown first (tests/tickets/test_stale_writes.py); re-applied, only
    # the agent's own field is written.
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 409
    agent_client.post(f"{page_of(ticket)}fields/", sidebar_data_from(response.text, ticket))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("open", "high")


def test_stale_sidebar_changing_the_same_field_asks_again_and_keeps_the_value(
    acme, ticket, acme_admin, agent_client
):
    data = sidebar_data(agent_client, ticket)
    ticket_update(ticket=ticket, actor=acme_admin, priority="high")
    data["priority"] = "low"
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 409
    assert "Someone changed this ticket" in response.text
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    # Submitting the re-displayed form applies the agent's value.
    again = sidebar_data_from(response.text, ticket)
    assert again["priority"] == "low"
    agent_client.post(f"{page_of(ticket)}fields/", again)
    ticket.refresh_from_db()
    assert ticket.priority == "low"


def test_sidebar_unknown_requester_is_a_field_error(ticket, agent_client):
    data = sidebar_data(agent_client, ticket)
    data["requester"] = "nobody@nowhere.example"
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 200 and "No user has this email" in response.text


def test_sidebar_refuses_going_back_to_new(ticket, acme_agent, agent_client):
    ticket_update(ticket=ticket, actor=acme_agent, status="open")
    data = sidebar_data(agent_client, ticket)
    data["status"] = "new"
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_sidebar_cc_list_is_replaced_and_recorded(acme, ticket, agent_client):
    data = sidebar_data(agent_client, ticket)
    data["ccs"] = "a@customer.example"
    agent_client.post(f"{page_of(ticket)}fields/", data)
    assert [u.email for u in ticket.ccs.all()] == ["a@customer.example"]
    assert ["a", "customer.example"][0] in agent_client.get(f"{page_of(ticket)}?tab=activity").text


# Fixed number of queries whatever the number of comments
@pytest.mark.parametrize("tab", ["conversation", "activity"])
def test_ticket_page_runs_a_fixed_number_of_queries(
    acme, ticket, acme_agent, acme_user, agent_client, tab, django_assert_num_queries
):
    url = f"{page_of(ticket)}?tab={tab}"
    agent_client.get(url)
    with CaptureQueriesContext(connection) as few:
        agent_client.get(url)
    for i in range(15):
        comment_add(
            ticket=ticket,
            author=acme_user if i % 2 else acme_agent,
            body=f"comment {i}",
            public=bool(i % 3),
            channel=Channel.WEB,
            uploads=[upload(f"log{i}.txt")],
        )
        ticket_update(ticket=ticket, actor=acme_agent, priority=["low", "high"][i % 2])
    with django_assert_num_queries(len(few)):
        response = agent_client.get(url)
    assert response.status_code == 200


def test_rich_comments_are_sanitised_and_plain_ones_escaped(ticket, acme_user, agent_client):
    comment_add(
        ticket=ticket,
        author=acme_user,
        html_body='<p>Hi <a href="javascript:alert(1)">here</a><script>alert(2)</script></p>',
    )
    comment_add(ticket=ticket, author=acme_user, body="<img src=x onerror=alert(3)>")
    html = agent_client.get(page_of(ticket)).text
    assert "javascript:" not in html and "<script>alert(2)" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(3)&gt;" in html


def test_ticket_page_ids_are_unique(ticket, agent_client):
    html = agent_client.get(page_of(ticket)).text
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_assignee_choices_show_agent_names(ticket, acme_agent, agent_client):
    html = agent_client.get(page_of(ticket)).text
    assert f">{acme_agent.name}</option>" in html
    assert f"&lt;{acme_agent.email}&gt;" not in html


# Rules 3, 4 and 6 through the pages: what the requester is emailed
def test_requester_is_emailed_for_a_public_ticket_and_not_for_a_private_one_until_public(
    private_on, acme_user, agent_client
):
    from notifications.models import Delivery

    def emails_to_requester():
        return Delivery.objects.for_account(private_on).filter(recipient=acme_user).count()

    new = "/agent/tickets/new/"
    base = {"requester": acme_user.email, "body": "Hello", "status": "new"}
    agent_client.post(new, {**base, "subject": "Open one", "comment_type": "public"})
    assert emails_to_requester() == 1
    agent_client.post(new, {**base, "subject": "Quiet one", "comment_type": "internal"})
    assert emails_to_requester() == 1
    quiet = acme_user.requested_tickets.get(subject="Quiet one")
    reply(agent_client, quiet, comment_type="internal", body="Still quiet")
    assert emails_to_requester() == 1
    reply(agent_client, quiet, comment_type="public", body="Now you know")
    assert emails_to_requester() == 2


def test_closed_ticket_page_offers_no_reply_and_no_field_changes(ticket, acme_agent, agent_client):
    ticket_update(ticket=ticket, actor=acme_agent, status="closed")
    html = agent_client.get(page_of(ticket)).text
    assert "This ticket is closed" in html
    assert 'id="reply"' not in html and "Update ticket" not in html
    assert '<fieldset class="plain-fieldset" disabled>' in html
    data = sidebar_data(agent_client, ticket)
    data["priority"] = "high"
    response = agent_client.post(f"{page_of(ticket)}fields/", data)
    assert response.status_code == 200 and "Closed tickets cannot be changed" in response.text
