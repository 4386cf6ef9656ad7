import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import account_create, user_create


def test_user_create_numbers_users_per_account_and_joins_org_by_domain(acme, globex, acme_org):
    first = user_create(account=acme, name="One", email="one@customer.example")
    second = user_create(account=acme, name="Two", email="two@elsewhere.example")
    other = user_create(account=globex, name="One", email="one@customer.example")
    assert second.number == first.number + 1
    assert other.number == 1
    assert first.organization == acme_org and other.organization is None


def test_user_create_refuses_a_duplicate_email_in_the_account(acme):
    user_create(account=acme, name="One", email="one@acme.example")
    with pytest.raises(ValidationError):
        user_create(account=acme, name="Again", email="ONE@acme.example")
    assert User.objects.for_account(acme).count() == 1


def test_account_create_makes_an_admin(db):
    account, admin = account_create(subdomain="Initech", name="Initech", admin_email="b@i.example")
    assert account.subdomain == "initech"
    assert admin.is_admin and admin.account == account and admin.number == 1
