from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account, AgentGroup, GroupMembership, Organization, User


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_account_creates_tenant_and_admin_with_given_password(db):
    out = run(
        "create_account",
        "initech",
        "--name",
        "Initech",
        "--admin-email",
        "Bill@Initech.example",
        "--admin-name",
        "Bill",
        "--admin-password",
        "tps-reports-2024",
    )
    account = Account.objects.get(subdomain="initech")
    admin = User.objects.for_account(account).get()
    assert (account.name, admin.email, admin.name) == ("Initech", "bill@initech.example", "Bill")
    assert admin.is_admin and admin.check_password("tps-reports-2024")
    assert "initech.localhost" in out
    assert "tps-reports-2024" not in out


def test_create_account_prints_a_generated_password(db):
    out = run(
        "create_account", "initech", "--name", "Initech", "--admin-email", "bill@initech.example"
    )
    password = out.split("Password: ")[1].split()[0]
    admin = User.objects.for_account(Account.objects.get(subdomain="initech")).get()
    assert len(password) >= 12 and admin.check_password(password)


@pytest.mark.parametrize("subdomain", ["Not Valid", "-bad", "www", "a" * 64])
def test_create_account_rejects_an_invalid_subdomain(db, subdomain):
    with pytest.raises(CommandError, match="subdomain"):
        run("create_account", subdomain, "--name", "X", "--admin-email", "x@x.example")
    assert not Account.objects.exists()


def test_create_account_rejects_a_duplicate_subdomain(acme):
    with pytest.raises(CommandError, match="subdomain"):
        run("create_account", "acme", "--name", "Other", "--admin-email", "x@x.example")
    assert Account.objects.get(subdomain="acme").name == "Acme Inc."


def test_create_account_rejects_an_invalid_email(db):
    with pytest.raises(CommandError, match="email"):
        run("create_account", "initech", "--name", "Initech", "--admin-email", "not-an-email")
    assert not Account.objects.filter(subdomain="initech").exists()


def test_seed_demo_creates_the_demo_account(db):
    out = run("seed_demo")
    demo = Account.objects.get(subdomain="demo")
    users = User.objects.for_account(demo)
    assert demo.name == "Demo Company"
    assert users.get(email="admin@demo.example").is_admin
    agents = {u.email for u in users.filter(role=User.Role.AGENT)}
    assert agents == {"agent@demo.example", "agent2@demo.example"}
    support = AgentGroup.objects.for_account(demo).get(name="Support")
    assert {u.email for u in support.members.all()} == agents

    rossi = Organization.objects.for_account(demo).get(name="Rossi & Figli")
    assert [d.domain for d in rossi.domains.all()] == ["rossi.example"]
    assert (
        Organization.objects.for_account(demo)
        .filter(name="Blue Sky Travel", domains__domain="bluesky.example")
        .exists()
    )
    manager = users.get(email="manager@rossi.example")
    assert manager.is_end_user and manager.is_org_manager and manager.organization == rossi
    assert users.get(email="user@demo.example").is_end_user
    assert users.exclude(phone="").count() >= 2
    assert all(u.check_password("sportello-demo") for u in users)
    for email in ("admin@demo.example", "agent@demo.example", "user@demo.example"):
        assert email in out
    assert "sportello-demo" in out


def test_seed_demo_twice_changes_nothing(db):
    run("seed_demo")
    demo = Account.objects.get(subdomain="demo")

    def snapshot():
        return (
            sorted(User.objects.for_account(demo).values_list("email", "password", "organization")),
            sorted(Organization.objects.for_account(demo).values_list("name", "number")),
            sorted(GroupMembership.objects.for_account(demo).values_list("group", "user")),
        )

    before = snapshot()
    out = run("seed_demo")
    assert snapshot() == before
    assert Account.objects.count() == 1
    assert "admin@demo.example" in out


def test_seed_demo_leaves_other_accounts_alone(acme_agent):
    run("seed_demo")
    assert list(User.objects.for_account(acme_agent.account)) == [acme_agent]
