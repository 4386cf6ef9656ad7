"""Admins manage their account's organizations (issue 21): a list searchable by name and
domain, create and edit (domains, tags, notes, sharing options, managers), delete with the
tickets keeping their history; every change in the audit log."""

import re

from accounts.identity_models import AuditEntry
from accounts.models import Organization, User
from accounts.services import user_get_or_create
from tests.factories import EndUserFactory, OrganizationFactory, make_ticket
from tickets.models import Ticket, TicketEvent


def names(response) -> list[str]:
    return re.findall(
        r'<a href="/agent/settings/organizations/\d+/">([^<]+)</a>', response.content.decode()
    )


def form(**fields) -> dict:
    data = {"name": "", "domains": "", "tags": "", "notes": "", "managers": ""}
    data.update(fields)
    return data


def test_admins_find_organizations_by_name_and_domain(acme, globex, acme_admin, client_for):
    OrganizationFactory(account=acme, name="Zeta Widgets", domains=["zeta.example"])
    OrganizationFactory(account=acme, name="Alpha Tools", domains=["alpha.example"])
    OrganizationFactory(account=globex, name="Zeta Globex", domains=["zg.example"])
    client = client_for(acme_admin)
    assert names(client.get("/agent/settings/organizations/")) == ["Alpha Tools", "Zeta Widgets"]
    assert names(client.get("/agent/settings/organizations/?q=widg")) == ["Zeta Widgets"]
    assert names(client.get("/agent/settings/organizations/?q=alpha.exa")) == ["Alpha Tools"]
    assert names(client.get("/agent/settings/organizations/?q=zg.example")) == []


def test_the_list_comes_in_keyset_pages(acme, acme_admin, client_for):
    for n in range(55):
        OrganizationFactory(account=acme, name=f"Org {n:03d}")
    client = client_for(acme_admin)
    first = client.get("/agent/settings/organizations/")
    assert names(first) == [f"Org {n:03d}" for n in range(50)]
    cursor = re.search(r"cursor=([^&\"]+)", first.content.decode())
    assert cursor
    second = client.get(f"/agent/settings/organizations/?cursor={cursor.group(1)}&page=2")
    assert names(second) == [f"Org {n:03d}" for n in range(50, 55)]


def test_admin_creates_an_organization_whose_domain_brings_people_in(acme, acme_admin, client_for):
    manager = EndUserFactory(account=acme, email="boss@elsewhere.example")
    response = client_for(acme_admin).post(
        "/agent/settings/organizations/new/",
        form(
            name=" Wayne Enterprises ",
            domains="@Wayne.example, wayne-labs.example",
            tags="VIP gold vip",
            notes="Pays on time",
            shared_tickets="on",
            shared_comments="on",
            managers="BOSS@elsewhere.example",
        ),
    )
    org = Organization.objects.for_account(acme).get(name="Wayne Enterprises")
    assert response.status_code == 302
    assert response["Location"] == f"/agent/settings/organizations/{org.number}/"
    assert sorted(org.domains.values_list("domain", flat=True)) == [
        "wayne-labs.example",
        "wayne.example",
    ]
    assert (org.tags, org.notes, org.shared_tickets, org.shared_comments) == (
        "vip gold",
        "Pays on time",
        True,
        True,
    )
    manager.refresh_from_db()
    assert manager.organization == org and manager.is_org_manager
    # Someone writing from the domain joins it (the inbound path's user_get_or_create).
    newcomer, _created = user_get_or_create(account=acme, email="bruce@wayne.example")
    assert newcomer.organization == org
    entry = AuditEntry.objects.for_account(acme).get(action="organization.created")
    assert entry.actor == acme_admin and entry.target == "Wayne Enterprises"
    assert entry.changes["managers"] == [None, "boss@elsewhere.example"]


def test_bad_input_is_told_and_kept(acme, acme_admin, client_for):
    OrganizationFactory(account=acme, name="Taken", domains=["taken.example"])
    client = client_for(acme_admin)
    response = client.post(
        "/agent/settings/organizations/new/",
        form(name="New one", domains="not-a-domain", managers="nobody@x.example"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not a domain: not-a-domain" in body
    assert "No user with this email: nobody@x.example" in body
    assert 'value="New one"' in body
    response = client.post(
        "/agent/settings/organizations/new/", form(name="New one", domains="taken.example")
    )
    assert "taken.example already belongs to another organization." in response.content.decode()
    response = client.post("/agent/settings/organizations/new/", form(name="taken"))
    assert "An organization with this name already exists." in response.content.decode()
    assert not Organization.objects.for_account(acme).filter(name="New one").exists()


def test_shared_comments_need_shared_tickets(acme, acme_admin, client_for):
    client_for(acme_admin).post(
        "/agent/settings/organizations/new/", form(name="Solo", shared_comments="on")
    )
    org = Organization.objects.for_account(acme).get(name="Solo")
    assert (org.shared_tickets, org.shared_comments) == (False, False)


def test_managers_are_end_users_of_the_account(acme, acme_admin, acme_agent, client_for):
    response = client_for(acme_admin).post(
        "/agent/settings/organizations/new/", form(name="Org", managers=acme_agent.email)
    )
    assert "Only end users can manage an organization." in response.content.decode()
    assert not Organization.objects.for_account(acme).filter(name="Org").exists()


def test_admin_edits_and_replaces_managers(acme, acme_admin, client_for):
    org = OrganizationFactory(account=acme, name="Acme Co", domains=["old.example"])
    old = EndUserFactory(account=acme, organization=org, is_org_manager=True)
    new = EndUserFactory(account=acme, organization=org)
    response = client_for(acme_admin).post(
        f"/agent/settings/organizations/{org.number}/",
        form(name="Acme Company", domains="new.example", tags="b a", managers=new.email),
    )
    assert response.status_code == 302
    org.refresh_from_db()
    old.refresh_from_db()
    new.refresh_from_db()
    assert org.name == "Acme Company" and org.tags == "b a"
    assert list(org.domains.values_list("domain", flat=True)) == ["new.example"]
    assert not old.is_org_manager and old.organization == org
    assert new.is_org_manager
    entry = AuditEntry.objects.for_account(acme).get(action="organization.updated")
    assert entry.changes["name"] == ["Acme Co", "Acme Company"]
    assert entry.changes["domains"] == ["old.example", "new.example"]
    assert entry.changes["managers"] == [old.email, new.email]


def test_saving_unchanged_writes_no_audit_entry(acme, acme_admin, client_for):
    org = OrganizationFactory(account=acme, name="Same")
    client_for(acme_admin).post(f"/agent/settings/organizations/{org.number}/", form(name="Same"))
    assert not AuditEntry.objects.for_account(acme).filter(action="organization.updated").exists()


def test_deleting_keeps_tickets_and_members_and_records_it(acme, acme_admin, client_for):
    org = OrganizationFactory(account=acme, name="Gone Ltd")
    member = EndUserFactory(account=acme, organization=org, is_org_manager=True)
    ticket = make_ticket(account=acme, requester=member)
    assert ticket.organization == org
    response = client_for(acme_admin).post(f"/agent/settings/organizations/{org.number}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/agent/settings/organizations/"
    assert not Organization.objects.for_account(acme).filter(name="Gone Ltd").exists()
    ticket = Ticket.objects.for_account(acme).get(pk=ticket.pk)
    assert ticket.organization is None
    event = TicketEvent.objects.for_account(acme).get(ticket=ticket, field="organization")
    assert (event.old_value, event.new_value, event.actor) == ("Gone Ltd", "", acme_admin)
    member = User.objects.for_account(acme).get(pk=member.pk)
    assert member.organization is None and not member.is_org_manager
    entry = AuditEntry.objects.for_account(acme).get(action="organization.deleted")
    assert entry.target == "Gone Ltd" and entry.changes["tickets"] == [1, None]


def test_agents_are_refused_and_other_accounts_organizations_are_404(
    acme, globex, acme_admin, acme_agent, client_for
):
    org = OrganizationFactory(account=acme, name="Mine")
    theirs = OrganizationFactory(account=globex, name="Theirs")
    agent = client_for(acme_agent)
    assert agent.get("/agent/settings/organizations/").status_code in (403, 404)
    assert agent.post(f"/agent/settings/organizations/{org.number}/delete/").status_code in (
        403,
        404,
    )
    admin = client_for(acme_admin)
    assert admin.get(f"/agent/settings/organizations/{theirs.number + 1000}/").status_code == 404
    assert Organization.objects.for_account(acme).filter(name="Mine").exists()


def test_members_of_a_sharing_organization_see_each_others_requests(acme, client_for):
    org = OrganizationFactory(account=acme, name="Sharing")
    alice = EndUserFactory(account=acme, organization=org)
    bob = EndUserFactory(account=acme, organization=org)
    ticket = make_ticket(account=acme, requester=alice, subject="Alice's printer")
    path = f"/hc/requests/{ticket.number}/"
    assert client_for(bob).get(path).status_code == 404
    assert "Alice&#x27;s printer" not in client_for(bob).get("/hc/?tab=organization").text
    org.shared_tickets = True
    org.save()
    assert client_for(bob).get(path).status_code == 200
    assert "Alice&#x27;s printer" in client_for(bob).get("/hc/?tab=organization").text
