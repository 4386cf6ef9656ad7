"""The new-ticket form ("+ Add" → "Ticket"): requester type-ahead and inline "Add user",
the comment-type default, public and private tickets, and bad input kept on the form."""

import datetime as dt

import pytest

from accounts.models import Account, User
from tests.factories import AgentFactory, AgentGroupFactory, EndUserFactory
from tests.tickets.conftest import PNG, htmx, upload
from tickets.models import COMMENT_MAX_CHARS, Ticket

NEW = "/agent/tickets/new/"
SEARCH = "/agent/tickets/new/requester/search/"
ADD_FORM = "/agent/tickets/new/requester/add/"
ADD = "/agent/users/inline/"


def checked_comment_type(html: str) -> str:
    """The value of the checked comment-type radio in a rendered form."""
    for value in ("public", "internal"):
        marker = f'value="{value}"'
        for chunk in html.split("<input")[1:]:
            tag = chunk.split(">", 1)[0]
            if 'name="comment_type"' in tag and marker in tag and "checked" in tag:
                return value
    return ""


def post_new(client, **fields):
    data = {"subject": "Printer jam", "body": "Paper stuck.", "comment_type": "public"}
    data.update(fields)
    return client.post(NEW, data)


def latest(account) -> Ticket:
    return Ticket.objects.for_account(account).order_by("-number").first()


# The "+ Add" menu and the form's defaults (rule 4)
def test_add_menu_opens_the_new_ticket_form(agent_client):
    page = agent_client.get("/agent/").text
    assert "+ Add" in page and f'href="{NEW}"' in page
    form = agent_client.get(NEW).text
    for label in ("Requester", "CC", "Subject", "Type", "Priority", "Group", "Assignee", "Tags"):
        assert label in form
    for button in ("Submit as New", "Submit as Open", "Submit as Pending", "Submit as Solved"):
        assert button in form


def test_form_starts_on_public_reply_when_private_creation_is_off(acme, agent_client):
    assert checked_comment_type(agent_client.get(NEW).text) == "public"


def test_form_starts_on_internal_note_when_private_creation_is_on(private_on, agent_client):
    assert checked_comment_type(agent_client.get(NEW).text) == "internal"


def test_form_follows_the_default_reply_type_when_private_creation_is_off(acme, agent_client):
    acme.default_reply_type = Account.ReplyType.INTERNAL
    acme.save()
    assert checked_comment_type(agent_client.get(NEW).text) == "internal"


# Rule 1
def test_agent_creates_a_ticket_for_a_requester_with_every_field(
    acme, acme_agent, acme_user, agent_client
):
    group = AgentGroupFactory(account=acme, name="Billing")
    group.memberships.create(account=acme, user=acme_agent)
    response = post_new(
        agent_client,
        requester=acme_user.email,
        ccs="boss@customer.example",
        type="incident",
        priority="high",
        group=group.number,
        assignee=acme_agent.number,
        tags="VIP, billing",
        due_date="2030-01-31",
        status="pending",
    )
    ticket = latest(acme)
    assert response.status_code == 302
    assert response["Location"] == f"/agent/tickets/{ticket.number}/"
    assert ticket.requester == acme_user and ticket.submitter == acme_agent
    assert ticket.organization == acme_user.organization
    assert (ticket.type, ticket.priority, ticket.status) == ("incident", "high", "pending")
    assert ticket.group == group and ticket.assignee == acme_agent
    assert ticket.tag_list == ["billing", "vip"]
    assert ticket.due_at.date() == dt.date(2030, 1, 31)
    assert [u.email for u in ticket.ccs.all()] == ["boss@customer.example"]
    assert ticket.is_public and ticket.comments.get().public


def test_empty_requester_makes_the_agent_the_requester(acme, acme_agent, agent_client):
    post_new(agent_client, requester="")
    assert latest(acme).requester == acme_agent


def test_requester_typed_as_new_email_is_added_with_the_given_name(acme, agent_client):
    # Without JavaScript the requester is an email address, plus a name for a new user.
    post_new(agent_client, requester="New.Person@Example.com", requester_name="Nora New")
    requester = latest(acme).requester
    assert (requester.email, requester.name, requester.role) == (
        "new.person@example.com",
        "Nora New",
        User.Role.END_USER,
    )


# Rule 3 (through the pages): a public ticket is the requester's at once
def test_public_ticket_appears_in_the_requesters_help_center(
    acme, acme_user, agent_client, client_for
):
    post_new(agent_client, requester=acme_user.email, subject="Your new laptop")
    ticket = latest(acme)
    portal = client_for(acme_user)
    assert "Your new laptop" in portal.get("/hc/").text
    assert portal.get(f"/hc/requests/{ticket.number}/").status_code == 200


# Rule 4 (through the pages)
def test_internal_note_with_private_creation_on_makes_a_private_ticket(
    private_on, acme_user, agent_client, client_for
):
    post_new(agent_client, requester=acme_user.email, subject="Quiet prep", comment_type="internal")
    ticket = latest(private_on)
    assert ticket.is_private and ticket.requester == acme_user
    assert not ticket.comments.get().public
    portal = client_for(acme_user)
    assert "Quiet prep" not in portal.get("/hc/").text
    assert portal.get(f"/hc/requests/{ticket.number}/").status_code == 404
    assert "Quiet prep" in agent_client.get("/agent/views/7/").text


def test_public_reply_with_private_creation_on_makes_a_normal_public_ticket(
    private_on, acme_user, agent_client
):
    post_new(agent_client, requester=acme_user.email, comment_type="public")
    assert latest(private_on).is_public


def test_internal_note_without_private_creation_leaves_the_ticket_public(
    acme, acme_user, agent_client
):
    post_new(agent_client, requester=acme_user.email, comment_type="internal")
    ticket = latest(acme)
    assert ticket.is_public and not ticket.comments.get().public


# Rule 2: the requester type-ahead
@pytest.mark.parametrize(
    "query",
    [
        "Uma",
        "user@customer.example",
        "customer.example",
        "@customer.example",
        "555 0199",
        "Acme Customers",
    ],
)
def test_requester_search_by_name_email_domain_phone_or_organization(
    acme_user, agent_client, query
):
    acme_user.phone = "+1 (555) 0199"
    acme_user.save()
    results = htmx(agent_client, SEARCH, requester=query).text
    assert "Uma User" in results
    assert "+ Add user" in results


def test_requester_search_never_shows_another_accounts_users(acme, globex_user, agent_client):
    results = htmx(agent_client, SEARCH, requester="globex").text
    assert "Gus Globex" not in results
    assert "No user matches" in results and "+ Add user" in results


def test_requester_search_without_htmx_goes_to_the_search_page(agent_client):
    response = agent_client.get(SEARCH, {"requester": "uma"})
    assert response.status_code == 302 and "/agent/search/?q=uma" in response["Location"]


def test_picking_a_result_fills_the_requester(acme_user, agent_client):
    field = htmx(agent_client, "/agent/tickets/new/requester/pick/", user=acme_user.number).text
    assert 'id="requester-field"' in field
    assert f'name="requester" value="{acme_user.email}"' in field


def test_add_user_opens_the_inline_form_prefilled_from_the_search(agent_client):
    field = htmx(agent_client, ADD_FORM, q="nora@new.example").text
    assert field.count('id="requester-field"') == 1
    assert 'name="new_user-email"' in field and 'value="nora@new.example"' in field


def test_adding_a_user_inline_creates_and_picks_them(acme, agent_client):
    response = agent_client.post(
        ADD,
        {"new_user-name": "Nora New", "new_user-email": "nora@new.example"},
        headers={"HX-Request": "true"},
    )
    nora = User.objects.for_account(acme).get(email="nora@new.example")
    assert nora.name == "Nora New" and nora.is_end_user
    assert 'name="requester" value="nora@new.example"' in response.text


def test_adding_an_existing_email_inline_says_so_and_keeps_the_typing(acme_user, agent_client):
    response = agent_client.post(
        ADD,
        {"new_user-name": "Uma Again", "new_user-email": acme_user.email},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "already exists" in response.text
    assert 'value="Uma Again"' in response.text


def test_new_ticket_from_a_user_profile_has_the_requester_filled_in(acme_user, agent_client):
    profile = agent_client.get(f"/agent/users/{acme_user.number}/").text
    link = f"{NEW}?requester={acme_user.number}"
    assert link in profile
    form = agent_client.get(link).text
    assert f'name="requester" value="{acme_user.email}"' in form


def test_profile_lists_the_users_tickets(acme, acme_user, agent_client):
    post_new(agent_client, requester=acme_user.email, subject="Profile listed")
    assert "Profile listed" in agent_client.get(f"/agent/users/{acme_user.number}/").text


# Bad input: a clear message, what was typed kept, never a 500
def test_missing_subject_keeps_the_description(acme, agent_client):
    response = post_new(agent_client, subject="", body="Keep this text please")
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert "Keep this text please" in response.text
    assert not Ticket.objects.for_account(acme).exists()


def test_forbidden_attachment_is_refused_with_its_name_and_the_text_kept(acme, agent_client):
    response = agent_client.post(
        NEW,
        {
            "subject": "With a file",
            "body": "Typed words",
            "comment_type": "public",
            "attachments": [upload("evil.html", b"<script>alert(1)</script>")],
        },
    )
    assert response.status_code == 200
    assert "evil.html" in response.text and "not an allowed file type" in response.text
    assert "Typed words" in response.text and 'value="With a file"' in response.text
    assert "attach them again" in response.text
    assert not Ticket.objects.for_account(acme).exists()


def test_oversized_attachment_is_refused(acme, agent_client):
    acme.max_attachment_size_kb = 1
    acme.save()
    response = agent_client.post(
        NEW,
        {
            "subject": "Big",
            "body": "Typed",
            "comment_type": "public",
            "attachments": [upload("big.png", PNG + b"\x00" * 2048, "image/png")],
        },
    )
    assert response.status_code == 200
    assert "larger than 1 KB" in response.text
    assert not Ticket.objects.for_account(acme).exists()


def test_file_pretending_to_be_a_pdf_is_refused(acme, agent_client):
    response = agent_client.post(
        NEW,
        {"subject": "Fake", "comment_type": "public", "attachments": [upload("a.pdf", b"MZ...")]},
    )
    assert "does not look like a .pdf file" in response.text


def test_valid_attachment_is_stored_on_the_description(acme, agent_client):
    agent_client.post(
        NEW,
        {
            "subject": "Screenshot",
            "comment_type": "public",
            "attachments": [upload("shot.png", PNG, "image/png")],
        },
    )
    assert latest(acme).comments.get().attachments.get().filename == "shot.png"


def test_too_long_description_is_cut_with_a_warning_and_the_original_kept(acme, agent_client):
    body = "x" * (COMMENT_MAX_CHARS + 10)
    response = post_new(agent_client, body=body)
    assert response.status_code == 302
    comment = latest(acme).comments.get()
    assert len(comment.body) == COMMENT_MAX_CHARS and comment.body.endswith("…")
    assert comment.attachments.get().filename == "original-comment.txt"
    page = agent_client.get(response["Location"]).text
    assert "longer than 65,536 characters" in page


def test_subject_over_255_characters_is_refused(acme, agent_client):
    response = post_new(agent_client, subject="s" * 300)
    assert response.status_code == 200 and "at most 255 characters" in response.text


def test_stale_assignee_who_left_the_group_gives_a_field_error(acme, agent_client):
    group = AgentGroupFactory(account=acme, name="Tier 2")
    outsider = AgentFactory(account=acme, name="Olly Outsider")
    response = post_new(agent_client, group=group.number, assignee=outsider.number, body="Keep me")
    assert response.status_code == 200
    assert "is not a member of Tier 2" in response.text and "Keep me" in response.text


def test_assignee_of_another_account_is_not_a_valid_choice(acme, globex_agent, agent_client):
    response = post_new(agent_client, assignee=globex_agent.number + 1000)
    assert response.status_code == 200 and "Select a valid choice" in response.text


def test_invalid_cc_address_is_named(acme, agent_client):
    response = post_new(agent_client, ccs="not-an-address")
    assert response.status_code == 200 and "is not an email address" in response.text


def test_end_users_and_strangers_cannot_open_the_form(acme, acme_user, client_for):
    assert client_for(acme_user).get(NEW).status_code == 404
    assert client_for(acme_user).post(NEW, {"subject": "x"}).status_code == 404
    anonymous = client_for(account=acme).get(NEW)
    assert anonymous.status_code == 302 and "/signin/" in anonymous["Location"]


def test_an_agent_of_another_account_cannot_pick_this_accounts_users(
    acme_user, globex_agent, client_for
):
    response = htmx(
        client_for(globex_agent), "/agent/tickets/new/requester/pick/", user=acme_user.number
    )
    assert acme_user.email not in response.text


def test_end_user_cannot_be_the_assignee(acme, agent_client):
    customer = EndUserFactory(account=acme)
    response = post_new(agent_client, assignee=customer.number)
    assert response.status_code == 200 and "Select a valid choice" in response.text


# CC type-ahead (new-ticket form, reply box and sidebar)
def test_cc_search_suggests_people_for_the_address_being_typed(
    acme, acme_user, acme_agent, agent_client
):
    results = htmx(agent_client, "/agent/tickets/cc/search/", ccs="boss@x.example, Uma").text
    assert f'data-cc-email="{acme_user.email}"' in results
    agents = htmx(agent_client, "/agent/tickets/cc/search/", ccs="alan").text
    assert f'data-cc-email="{acme_agent.email}"' in agents and "Agent" in agents


def test_cc_search_is_empty_without_a_query_or_htmx_and_scoped_to_the_account(
    acme, acme_user, globex_user, agent_client
):
    assert htmx(agent_client, "/agent/tickets/cc/search/", ccs="a@b.example, ").text == ""
    assert agent_client.get("/agent/tickets/cc/search/", {"ccs": "Uma"}).text == ""
    assert "Gus" not in htmx(agent_client, "/agent/tickets/cc/search/", ccs="Gus").text


def test_cc_fields_offer_the_type_ahead(acme, agent_client):
    form = agent_client.get(NEW).text
    assert 'hx-get="/agent/tickets/cc/search/"' in form and 'name="ccs"' in form


def test_add_user_page_creates_a_user_and_opens_their_profile(acme, acme_org, agent_client):
    response = agent_client.post(
        "/agent/users/new/",
        {"name": "Paula Phone", "email": "paula@customer.example", "phone": "+39 02 555"},
    )
    paula = User.objects.for_account(acme).get(email="paula@customer.example")
    assert response["Location"] == f"/agent/users/{paula.number}/"
    assert paula.organization == acme_org  # joined by the email domain
    again = agent_client.post(
        "/agent/users/new/", {"name": "Paula Again", "email": "paula@customer.example"}
    )
    assert again.status_code == 200 and "already exists" in again.text
    assert 'value="Paula Again"' in again.text
