"""Users with several emails (one primary) and the merge of two end users (issue 21):
an address belongs to one user of the account; a merge moves tickets, comments, CCs and
addresses to the target, and is recorded in the audit log and the tickets' Activity."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.emails import user_email_add, user_email_make_primary, user_email_remove
from accounts.identity_models import AuditEntry
from accounts.models import User
from accounts.selectors import user_for_email
from accounts.services import user_create, user_get_or_create
from accounts.user_services import user_update
from tests.factories import EndUserFactory, make_ticket
from tickets.models import Comment, TicketEvent
from tickets.selectors import tickets_visible_to
from tickets.services import comment_add
from tickets.services.user_merge import users_merge


@pytest.fixture
def ann(acme):
    return EndUserFactory(account=acme, name="Ann Home", email="ann@home.example")


@pytest.fixture
def ann_work(acme):
    return EndUserFactory(account=acme, name="Ann Work", email="ann@work.example")


# Several emails


def test_an_other_email_finds_its_user_and_is_nobody_elses(acme, acme_admin, ann, acme_user):
    user_email_add(user=ann, email="Ann@Old.example", actor=acme_admin)
    assert user_for_email(account=acme, email="ann@old.example") == ann
    # Mail from it (inbound email finds its sender this way) reaches Ann, not a new user.
    assert user_get_or_create(account=acme, email="ann@old.example") == (ann, False)
    with pytest.raises(ValidationError):
        user_create(account=acme, name="Copy", email="ann@old.example")
    with pytest.raises(ValidationError):
        user_email_add(user=acme_user, email="ann@old.example", actor=acme_admin)
    with pytest.raises(ValidationError):
        user_email_add(user=acme_user, email=ann.email, actor=acme_admin)
    with pytest.raises(ValidationError):
        user_update(user=acme_user, actor=acme_admin, email="ann@old.example")


def test_an_other_email_becomes_primary_and_the_old_one_stays(acme, acme_admin, ann):
    user_email_add(user=ann, email="ann@new.example", actor=acme_admin)
    user_email_make_primary(user=ann, email="ann@new.example", actor=acme_admin)
    ann.refresh_from_db()
    assert ann.email == "ann@new.example"
    assert [e.email for e in ann.other_emails.all()] == ["ann@home.example"]
    user_email_remove(user=ann, email="ann@home.example", actor=acme_admin)
    assert user_for_email(account=acme, email="ann@home.example") is None


def test_only_admins_change_emails(acme, acme_agent, ann):
    with pytest.raises(PermissionDenied):
        user_email_add(user=ann, email="x@y.example", actor=acme_agent)


def test_the_profile_page_adds_and_promotes_emails(acme, acme_admin, ann, client_for):
    client = client_for(acme_admin)
    url = f"/agent/settings/users/{ann.number}/emails/"
    client.post(url, {"action": "add", "email": "ann@second.example"})
    page = client.get(f"/agent/settings/users/{ann.number}/").content.decode()
    assert "ann@second.example" in page
    bad = client.post(url, {"action": "add", "email": "not an email"}, follow=True)
    assert bad.status_code == 200 and "valid email" in bad.content.decode()
    client.post(url, {"action": "primary", "email": "ann@second.example"})
    ann.refresh_from_db()
    assert ann.email == "ann@second.example"


# Merge


def test_merge_moves_tickets_comments_ccs_and_addresses(
    acme, acme_admin, acme_agent, ann, ann_work, acme_user
):
    own = make_ticket(account=acme, submitter=ann_work, requester=ann_work, subject="From work")
    comment_add(ticket=own, author=ann_work, body="More details", public=True)
    cc_only = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, ccs=[ann_work])
    both_cc = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, ccs=[ann, ann_work]
    )
    cc_of_own = make_ticket(account=acme, submitter=acme_agent, requester=ann, ccs=[ann_work])
    users_merge(source=ann_work, target=ann, actor=acme_admin)
    assert not User.objects.for_account(acme).filter(pk=ann_work.pk).exists()
    own.refresh_from_db()
    assert own.requester == ann and own.submitter == ann
    assert Comment.objects.for_account(acme).filter(author=ann, ticket=own).count() == 2
    assert list(cc_only.ccs.all()) == [ann]
    assert list(both_cc.ccs.all()) == [ann]
    assert list(cc_of_own.ccs.all()) == []  # never the requester as their own CC
    assert set(tickets_visible_to(viewer=ann)) == {own, cc_only, both_cc, cc_of_own}
    assert user_for_email(account=acme, email="ann@work.example") == ann
    # Recorded: the audit log, and each touched ticket's Activity.
    entry = AuditEntry.objects.for_account(acme).get(action=AuditEntry.Action.USERS_MERGED)
    assert entry.actor == acme_admin and "ann@work.example" in entry.changes["merged"][0]
    event = own.events.get(field="requester", actor=acme_admin)
    assert "ann@work.example" in event.old_value and event.kind == TicketEvent.Kind.CHANGE
    assert cc_only.events.filter(field="user_merged").exists()


def test_merge_refuses_agents_self_other_accounts_and_non_admins(
    acme, acme_admin, acme_agent, ann, globex_user
):
    with pytest.raises(ValidationError):
        users_merge(source=acme_agent, target=ann, actor=acme_admin)
    with pytest.raises(ValidationError):
        users_merge(source=ann, target=ann, actor=acme_admin)
    with pytest.raises(ValidationError):
        users_merge(source=globex_user, target=ann, actor=acme_admin)
    with pytest.raises(PermissionDenied):
        users_merge(source=EndUserFactory(account=acme), target=ann, actor=acme_agent)


def test_the_merge_page_asks_then_merges(acme, acme_admin, ann, ann_work, client_for):
    make_ticket(account=acme, requester=ann_work)
    client = client_for(acme_admin)
    url = f"/agent/settings/users/{ann_work.number}/merge/"
    page = client.get(url).content.decode()
    assert "1 requested ticket" in page
    unknown = client.post(url, {"into": "nobody@nowhere.example"})
    assert unknown.status_code == 200 and "No user with this email" in unknown.content.decode()
    itself = client.post(url, {"into": ann_work.email})
    assert itself.status_code == 200 and "another user" in itself.content.decode()
    done = client.post(url, {"into": ann.email})
    assert done.status_code == 302 and done["Location"].endswith(f"/users/{ann.number}/")
    assert client.get(url).status_code == 404  # the merged user is gone
