import pytest
from django.db import IntegrityError

from accounts.models import Organization, User
from accounts.tenancy import UnscopedQueryError
from tests.factories import EndUserFactory, OrganizationFactory


def test_unscoped_query_on_tenant_model_raises(acme_user):
    with pytest.raises(UnscopedQueryError):
        list(User.objects.all())
    with pytest.raises(UnscopedQueryError):
        User.objects.filter(email=acme_user.email).exists()
    with pytest.raises(UnscopedQueryError):
        User.objects.count()
    with pytest.raises(UnscopedQueryError):
        User.objects.filter(name="x").update(name="y")
    with pytest.raises(UnscopedQueryError):
        Organization.objects.filter(name="x").delete()


def test_scoped_query_returns_only_that_accounts_rows(acme, globex):
    EndUserFactory(account=acme, email="same@example.com")
    EndUserFactory(account=globex, email="same@example.com")
    acme_rows = list(User.objects.for_account(acme))
    assert {u.account_id for u in acme_rows} == {acme.pk}
    assert User.objects.for_account(globex).get(email="same@example.com").account == globex


def test_for_account_refuses_a_missing_account():
    with pytest.raises(UnscopedQueryError):
        User.objects.for_account(None)


def test_filter_on_account_none_is_not_a_scope(acme_user):
    with pytest.raises(UnscopedQueryError):
        list(User.objects.filter(account=None))


def test_related_managers_are_scoped_by_their_parent(acme, acme_org, acme_user, globex):
    OrganizationFactory(account=globex, name=acme_org.name)
    assert list(acme_org.members.all()) == [acme_user]


def test_same_email_in_two_accounts_is_two_users(acme, globex):
    a = EndUserFactory(account=acme, email="x@example.com", password="pw-acme-123!")
    b = EndUserFactory(account=globex, email="x@example.com", password="pw-globex-123!")
    assert a.pk != b.pk
    assert a.check_password("pw-acme-123!") and not b.check_password("pw-acme-123!")


def test_email_is_unique_per_account(acme):
    EndUserFactory(account=acme, email="dup@example.com")
    with pytest.raises(IntegrityError):
        EndUserFactory(account=acme, email="DUP@example.com")


def test_numbers_count_per_account(acme, globex):
    first_acme = OrganizationFactory(account=acme)
    first_globex = OrganizationFactory(account=globex)
    second_acme = OrganizationFactory(account=acme)
    assert (first_acme.number, second_acme.number) == (1, 2)
    assert first_globex.number == 1
