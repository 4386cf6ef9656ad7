"""Who sees which request in the help center: lists, counts, the request page, search.
Every rule comes from tickets.selectors.tickets_visible_to; these tests hold the portal to it."""

import pytest

from tests.factories import EndUserFactory, make_ticket
from tickets.services import comment_add, ticket_add_ccs

HOME = "/hc/"


def page_of(number):
    return f"/hc/requests/{number}/"


@pytest.fixture
def colleague(acme, acme_org):
    return EndUserFactory(account=acme, name="Carl Colleague", organization=acme_org)


def test_my_requests_lists_a_proactive_public_ticket_at_once(
    acme, acme_agent, acme_user, client_for
):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Your new laptop")
    response = client_for(acme_user).get(HOME)
    assert response.status_code == 200
    assert "Your new laptop" in response.text


def test_private_ticket_is_absent_from_list_count_search_and_404_at_its_url(
    private_on, acme_agent, acme_user, client_for
):
    ticket = make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=acme_user,
        subject="Secret escalation",
        body="internal plan",
        public=False,
    )
    assert ticket.is_private
    client = client_for(acme_user)
    home = client.get(HOME)
    assert "Secret escalation" not in home.text
    assert home.context["tabs"][0][1] == 0  # the count says nothing either
    search = client.get("/hc/search/", {"q": "secret"})
    assert search.context["hits"] == []
    assert "Secret escalation" not in search.text
    assert client.get(page_of(ticket.number)).status_code == 404
    assert client.get(page_of(9999)).status_code == 404


def test_private_ticket_appears_once_an_agent_makes_it_public(
    private_on, acme_agent, acme_user, client_for
):
    ticket = make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=acme_user,
        subject="Renewal quote",
        public=False,
    )
    comment_add(ticket=ticket, author=acme_agent, body="Here is your quote.", public=True)
    client = client_for(acme_user)
    assert "Renewal quote" in client.get(HOME).text
    page = client.get(page_of(ticket.number))
    assert page.status_code == 200
    assert "Here is your quote." in page.text
    hits = client.get("/hc/search/", {"q": "renewal"}).context["hits"]
    assert [hit.ticket for hit in hits] == [ticket]


def test_ccd_user_sees_the_request_in_the_cc_tab_not_in_my_requests(
    acme, acme_agent, acme_user, colleague, client_for
):
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="VPN down"
    )
    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[colleague])
    client = client_for(colleague)
    assert "VPN down" not in client.get(HOME).text
    ccd = client.get(HOME, {"tab": "ccd"})
    assert "VPN down" in ccd.text
    assert dict((t.key, n) for t, n in ccd.context["tabs"]) == {"requests": 0, "ccd": 1}
    assert client.get(page_of(ticket.number)).status_code == 200


def test_ccd_user_can_reply(acme, acme_agent, acme_user, colleague, client_for):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[colleague])
    response = client_for(colleague).post(page_of(ticket.number), {"body": "Me too."})
    assert response.status_code == 302
    assert ticket.comments.filter(author=colleague, public=True, body="Me too.").exists()


def test_org_member_who_is_not_a_manager_does_not_see_colleagues_requests(
    acme, acme_user, colleague, client_for
):
    ticket = make_ticket(account=acme, submitter=colleague, subject="Colleague printer jam")
    client = client_for(acme_user)
    for params in ({}, {"tab": "organization"}, {"tab": "ccd"}):
        response = client.get(HOME, params)
        assert "Colleague printer jam" not in response.text
        assert "Organization requests" not in response.text
    assert client.get(page_of(ticket.number)).status_code == 404
    assert client.get("/hc/search/", {"q": "printer"}).context["hits"] == []


def test_org_manager_sees_the_organizations_public_requests_with_requester_column(
    private_on, acme_agent, acme_manager, colleague, client_for
):
    make_ticket(account=private_on, submitter=colleague, subject="Colleague printer jam")
    make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=colleague,
        subject="Private HR matter",
        public=False,
    )
    client = client_for(acme_manager)
    assert "Colleague printer jam" not in client.get(HOME).text  # not *their* request
    org = client.get(HOME, {"tab": "organization"})
    assert org.context["tab"].key == "organization"
    assert "Colleague printer jam" in org.text
    assert "Carl Colleague" in org.text
    assert ">Requester<" in org.text
    assert "Private HR matter" not in org.text
    assert dict((t.key, n) for t, n in org.context["tabs"])["organization"] == 1


def test_org_manager_can_open_and_reply_to_a_colleagues_request(
    acme, acme_manager, colleague, client_for
):
    ticket = make_ticket(account=acme, submitter=colleague, subject="Colleague printer jam")
    client = client_for(acme_manager)
    assert client.get(page_of(ticket.number)).status_code == 200
    assert client.post(page_of(ticket.number), {"body": "On it."}).status_code == 302


def test_request_of_another_account_with_the_same_number_is_404(
    acme, globex, acme_user, globex_user, globex_agent, client_for
):
    theirs = make_ticket(account=globex, submitter=globex_agent, requester=globex_user)
    assert theirs.number == 1
    client = client_for(acme_user)
    assert client.get(page_of(1)).status_code == 404
    assert client.post(page_of(1), {"body": "hi"}).status_code == 404
    assert client.post(f"{page_of(1)}close/").status_code == 404


def test_another_users_request_is_404_like_a_missing_one(acme, acme_user, client_for):
    stranger = EndUserFactory(account=acme)
    ticket = make_ticket(account=acme, submitter=stranger)
    client = client_for(acme_user)
    assert client.get(page_of(ticket.number)).status_code == 404
    assert client.get(page_of(ticket.number)).text == client.get(page_of(999)).text


def test_anonymous_visitor_is_sent_to_sign_in(acme, client_for):
    response = client_for(account=acme).get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


def test_agents_are_sent_to_the_agent_workspace(acme, acme_agent, client_for):
    response = client_for(acme_agent).get(HOME)
    assert response.status_code == 302
    assert response["Location"] == "/agent/"
    ticket = make_ticket(account=acme, submitter=acme_agent)
    response = client_for(acme_agent).get(page_of(ticket.number))
    assert response["Location"] == f"/agent/tickets/{ticket.number}/"


def test_internal_note_text_never_appears_in_any_portal_response(
    acme, acme_agent, acme_user, client_for
):
    from tests.portal.conftest import upload

    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Broken invoice"
    )
    note = comment_add(
        ticket=ticket,
        author=acme_agent,
        body="zanzibar customer is difficult",
        public=False,
        uploads=[upload("notes.txt", b"zanzibar attachment\n")],
    )
    attachment = note.attachments.get()
    client = client_for(acme_user)
    pages = [
        client.get(HOME),
        client.get(HOME, {"tab": "ccd"}),
        client.get(page_of(ticket.number)),
    ]
    searches = [client.get("/hc/search/", {"q": q}) for q in ("zanzibar", "difficult")]
    for response in pages + searches:
        assert response.status_code == 200
        assert "customer is difficult" not in response.text
        assert "notes.txt" not in response.text
    for response in pages:
        assert "zanzibar" not in response.text
    for response in searches:
        assert response.context["hits"] == []
        assert "No requests match" in response.text
    assert "Broken invoice" in pages[2].text
    download = client.get(f"{page_of(ticket.number)}attachments/{attachment.token}/")
    assert download.status_code == 404


def test_ccd_user_of_a_private_ticket_sees_it_only_once_it_is_public(
    private_on, acme_agent, acme_user, colleague, client_for
):
    ticket = make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=acme_user,
        subject="Contract draft",
        public=False,
    )
    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[colleague])
    client = client_for(colleague)
    ccd = client.get(HOME, {"tab": "ccd"})
    assert "Contract draft" not in ccd.text
    assert dict((t.key, n) for t, n in ccd.context["tabs"])["ccd"] == 0
    assert client.get(page_of(ticket.number)).status_code == 404
    assert client.get("/hc/search/", {"q": "contract"}).context["hits"] == []

    comment_add(ticket=ticket, author=acme_agent, body="Please review.", public=True)
    assert "Contract draft" in client.get(HOME, {"tab": "ccd"}).text
    assert client.get(page_of(ticket.number)).status_code == 200
    assert len(client.get("/hc/search/", {"q": "contract"}).context["hits"]) == 1


def test_manager_of_another_organization_sees_none_of_these_requests(
    acme, acme_user, colleague, client_for
):
    from tests.factories import OrganizationFactory

    other_manager = EndUserFactory(
        account=acme, organization=OrganizationFactory(account=acme), is_org_manager=True
    )
    ticket = make_ticket(account=acme, submitter=colleague, subject="Colleague printer jam")
    client = client_for(other_manager)
    org = client.get(HOME, {"tab": "organization"})
    assert org.context["tab"].key == "organization"
    assert "Colleague printer jam" not in org.text
    assert client.get(page_of(ticket.number)).status_code == 404


def test_manager_of_another_account_sees_nothing_of_this_one(acme, globex, colleague, client_for):
    from tests.factories import OrganizationFactory

    globex_manager = EndUserFactory(
        account=globex, organization=OrganizationFactory(account=globex), is_org_manager=True
    )
    make_ticket(account=acme, submitter=colleague, subject="Colleague printer jam")
    client = client_for(globex_manager)
    assert "Colleague printer jam" not in client.get(HOME, {"tab": "organization"}).text
    assert client.get("/hc/search/", {"q": "printer"}).context["hits"] == []
