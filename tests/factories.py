"""factory_boy factories. Sub-objects always share the account of the object built."""

from __future__ import annotations

import factory

from accounts.models import Account, AgentGroup, Organization, OrganizationDomain, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("subdomain",)

    name = factory.Sequence(lambda n: f"Company {n}")
    subdomain = factory.Sequence(lambda n: f"company{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Organization {n}")

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        for domain in extracted or ():
            OrganizationDomain.objects.create(
                account=self.account, organization=self, domain=domain
            )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = User.Role.END_USER

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class EndUserFactory(UserFactory):
    role = User.Role.END_USER


class AgentFactory(UserFactory):
    role = User.Role.AGENT
    email = factory.Sequence(lambda n: f"agent{n}@example.com")


class AdminFactory(UserFactory):
    role = User.Role.ADMIN
    email = factory.Sequence(lambda n: f"admin{n}@example.com")


class AgentGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentGroup

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


# What only an agent sets on a new ticket (tickets.services.tickets.ticket_open).
_AGENTS_FIELDS = (
    "status",
    "custom_status",
    "type",
    "priority",
    "group",
    "assignee",
    "tags",
    "due_at",
)


def make_ticket(
    *,
    account,
    submitter=None,
    requester=None,
    subject="Printer on fire",
    body="It is on fire.",
    public=True,
    channel="web",
    **kwargs,
):
    """A ticket built through the domain service, as the product builds them: its
    priority and the other agents' fields set at creation (the SLA measures them from
    there, as for the new-ticket page), never written afterwards. An end user's ticket
    takes none of those fields (ticket_open drops them): asking for one is a test's
    mistake, refused rather than silently dropped."""
    from tickets.services import ticket_create

    submitter = submitter or AgentFactory(account=account)
    if submitter.is_end_user:
        dropped = sorted(
            name for name in _AGENTS_FIELDS if kwargs.get(name) not in (None, "", (), [], "new")
        )
        if dropped:
            raise TypeError(
                f"make_ticket: an end user's ticket takes no {', '.join(dropped)} "
                "(ticket_open drops them); make it as an agent"
            )
    return ticket_create(
        account=account,
        submitter=submitter,
        requester=requester,
        subject=subject,
        body=body,
        public=public,
        channel=channel,
        **kwargs,
    )
