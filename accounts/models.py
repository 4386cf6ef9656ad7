"""Accounts (tenants), their users, organizations and agent groups."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dbsession import platform_access
from accounts.tenancy import AllAccountsManager, TenantManager, TenantModel, TenantQuerySet

RESERVED_SUBDOMAINS = frozenset(
    {
        "www",
        "admin",
        "api",
        "app",
        "mail",
        "email",
        "smtp",
        "static",
        "media",
        "help",
        "support",
        "status",
        "ftp",
        "localhost",
        "root",
        "operator",
        "sportello",
    }
)

subdomain_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _("Use 1–63 lowercase letters, digits or hyphens, not starting or ending with a hyphen."),
)

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]
DEFAULT_ATTACHMENT_TYPES = "csv tsv xlsx doc docx pdf txt jpg jpeg png gif mp4 mov har"


def validate_subdomain_not_reserved(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(_("“%(value)s” is reserved."), params={"value": value})


class Account(models.Model):
    """The tenant. Everything a company's helpdesk holds hangs off one of these."""

    class ReplyType(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        INTERNAL = "internal", _("Internal note")

    name = models.CharField(_("name"), max_length=120)
    subdomain = models.CharField(
        _("subdomain"),
        max_length=63,
        unique=True,
        validators=[subdomain_validator, validate_subdomain_not_reserved],
    )
    brand_color = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1f6f5c",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f6f5c."))],
    )
    private_tickets_enabled = models.BooleanField(
        _("enable private ticket creation"), default=False
    )
    default_reply_type = models.CharField(
        _("default agent reply type"), max_length=10, choices=ReplyType, default=ReplyType.PUBLIC
    )
    # Seed 003: closing asks for a reason, a comment and a root cause ("Explain & Close",
    # closing/); a plain Close, or a status change to Closed, is then refused.
    close_requires_explanation = models.BooleanField(
        _("closing requires a reason, a comment and a root cause"), default=False, db_default=False
    )
    # Agents without an authenticator app are sent to set one up (accounts/identity_middleware.py).
    agents_require_2fa = models.BooleanField(
        _("require two-factor sign-in for agents"), default=False, db_default=False
    )
    default_locale = models.CharField(
        _("default language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC"
    )
    max_attachments_per_message = models.PositiveSmallIntegerField(
        _("attachments per message"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    max_attachment_size_kb = models.PositiveIntegerField(
        _("maximum attachment size (KB)"),
        default=500,
        validators=[MinValueValidator(1), MaxValueValidator(20 * 1024)],
    )
    allowed_attachment_types = models.CharField(
        _("allowed attachment types"),
        max_length=500,
        default=DEFAULT_ATTACHMENT_TYPES,
        help_text=_("File extensions separated by spaces."),
    )
    # Some of its tickets may still have no custom status (tickets/migrations/0016 left
    # them to ``manage.py backfill_custom_statuses``): only while this is set do views read
    # such tickets as their category's default (tickets.conditions), a slower query. Kept
    # exact by the database (tickets/migrations/0023): writing a ticket without a custom
    # status sets it, and clearing it is undone while one is left.
    custom_statuses_unfilled = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("account")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.subdomain})"

    @property
    def host(self) -> str:
        return f"{self.subdomain}.{settings.BASE_DOMAIN}"

    @property
    def base_url(self) -> str:
        """The account's site as links in emails and command output spell it."""
        port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
        return f"{settings.SITE_SCHEME}://{self.host}{port}"

    @property
    def allowed_extensions(self) -> frozenset[str]:
        return frozenset(e.lower().lstrip(".") for e in self.allowed_attachment_types.split())


class Sequence(TenantModel):
    """Per-account counters behind the numbers in URLs (ticket 1, 2, 3… of each account)."""

    name = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="sequence_unique_per_account")
        ]

    @classmethod
    def next_value(cls, *, account: Account, name: str) -> int:
        return cls.next_values(account_id=account.pk, name=name, count=1)[0]

    @classmethod
    def next_values(cls, *, account_id: int, name: str, count: int) -> range:
        """``count`` consecutive numbers, in one atomic statement: concurrent creators
        each get their own. (The counter's row stays locked until the caller's
        transaction ends, which is what keeps numbers unique without gaps or retries.)"""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (account_id, name, value) VALUES (%s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (account_id, name) DO UPDATE SET value = {table}.value + %s "
                "RETURNING value",
                [account_id, name, count, count],
            )
            last = cursor.fetchone()[0]
        return range(last - count + 1, last + 1)


def number_rows(rows: list[NumberedTenantModel]) -> None:
    """Give each row without a number the next numbers of its account (one statement per
    account and model)."""
    waiting: dict[tuple[int, str], list[NumberedTenantModel]] = {}
    for row in rows:
        if row.number is None:
            waiting.setdefault((row.account_id, row._meta.label_lower), []).append(row)
    for (account_id, name), group in waiting.items():
        numbers = Sequence.next_values(account_id=account_id, name=name, count=len(group))
        for row, number in zip(group, numbers, strict=True):
            row.number = number


class NumberedTenantQuerySet(TenantQuerySet):
    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        # bulk_create calls no save(): the numbers are given here instead.
        objs = list(objs)
        number_rows(objs)
        return super().bulk_create(objs, *args, **kwargs)


# django-stubs types a from_queryset() manager only when assigned, and only from Manager
# itself: mypy sees the same queryset methods on a plain Manager base.
if TYPE_CHECKING:
    _NumberedTenantManagerBase = models.Manager.from_queryset(NumberedTenantQuerySet)
else:
    _NumberedTenantManagerBase = TenantManager.from_queryset(NumberedTenantQuerySet)


class NumberedTenantManager(_NumberedTenantManagerBase):
    pass


class NumberedTenantModel(TenantModel):
    """A tenant model addressed in URLs by its per-account number, never by its pk:
    numbered from 1 in each account, by ``save()`` and ``bulk_create()`` alike."""

    number = models.PositiveBigIntegerField(_("number"), editable=False)

    # To mypy a Manager beside TenantManager (see _NumberedTenantManagerBase).
    objects = NumberedTenantManager()  # type: ignore[misc,assignment]
    # Declared again, after ``objects``: Django takes the first-declared manager as the
    # default one, and that must stay the scoped one.
    all_accounts = AllAccountsManager()  # type: ignore[misc]  # django-stubs: ClassVar on the base

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.number is None:
            number_rows([self])
        super().save(*args, **kwargs)


class Organization(NumberedTenantModel):
    name = models.CharField(_("name"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Set by an admin; stored lower case, one space between (as a user's tags).
    # Database defaults too: the bench's seed loads organizations with COPY.
    tags = models.CharField(_("tags"), max_length=1000, blank=True, default="", db_default="")
    # Admin-defined organization fields' values (customfields.OrganizationField), keyed
    # by the field's number, as tickets keep theirs (customfields/values.py).
    organization_fields = models.JSONField(
        _("organization fields"), default=dict, db_default={}, blank=True
    )
    # Members see each other's requests (Zendesk's shared_tickets), and may comment on
    # them as well (shared_comments, which needs shared_tickets).
    shared_tickets = models.BooleanField(_("shared tickets"), default=False, db_default=False)
    shared_comments = models.BooleanField(_("shared comments"), default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Sync tools read changes since their last updated_at (Zendesk's watermark).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organization")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="organization_name_unique"),
            models.UniqueConstraint(
                fields=["account", "number"], name="organization_number_unique"
            ),
        ]
        indexes = [
            # The admins' list of organizations, by name, in keyset pages (tests/bench).
            models.Index(fields=["account", "name", "id"], name="organization_account_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()


class OrganizationDomain(TenantModel):
    """An email domain whose users belong to the organization (Zendesk's "domains")."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "domain"], name="organization_domain_unique")
        ]

    def __str__(self) -> str:
        return self.domain


class UserQuerySet(TenantQuerySet):
    def agents(self) -> Self:
        return self.filter(role__in=[User.Role.AGENT, User.Role.ADMIN], is_active=True)

    def end_users(self) -> Self:
        return self.filter(role=User.Role.END_USER)


_UserManagerBase = TenantManager.from_queryset(UserQuerySet)


class UserManager(BaseUserManager["User"], _UserManagerBase):
    use_in_migrations = False

    def create_user(
        self,
        *,
        account: Account | None,
        email: str,
        name: str,
        password: str | None = None,
        prechecked: bool = False,
        **fields: Any,
    ) -> User:
        """``prechecked``: the caller (accounts.services.user_create) has checked the
        address is free and hands in its account and organization; validation then skips
        reading them back (one query each, and one per constraint), and the database's
        unique constraint stays the backstop of a race."""
        user = self.model(account=account, email=self.normalize_email(email), name=name, **fields)
        if account is not None and user.number is None:
            # Numbered before full_clean: the check constraint wants every account user
            # to carry a number, and save() would assign it only after validation.
            user.number = Sequence.next_value(account=account, name="accounts.user")
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        if prechecked and account is not None:
            user.full_clean(
                exclude=["password", "account", "organization"],
                validate_unique=False,
                validate_constraints=False,
            )
        else:
            user.full_clean(exclude=["password"])
        user.save()
        return user

    def create_superuser(
        self, email: str, password: str | None = None, name: str = "Operator", **fields: Any
    ) -> User:
        """A platform operator: belongs to no account and only uses the operators' admin.
        Written on the platform's connection (users are under row-level security, and an
        operator matches no account)."""
        fields.update(is_staff=True, is_superuser=True)
        with platform_access():
            return self.create_user(
                account=None, email=email, name=name, password=password, **fields
            )

    def get_by_natural_key(self, username: str | None) -> User:
        # Only operators sign in without an account (createsuperuser, the admin site).
        return User.all_accounts.get(account__isnull=True, email=self.normalize_email(username))

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person of one account. The same address in two accounts is two unrelated users."""

    class Role(models.TextChoices):
        END_USER = "end_user", _("End user")
        AGENT = "agent", _("Agent")
        ADMIN = "admin", _("Admin")

    # Null only for platform operators (is_staff), who use the operators' admin site.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(_("number"), null=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.END_USER)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organization"),
    )
    is_org_manager = models.BooleanField(_("organization manager"), default=False)
    # An agent's custom role (accounts.role_models); none: the plain Agent, or an Admin.
    agent_role = models.ForeignKey(
        "accounts.AgentRole",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name=_("agent role"),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, blank=True
    )
    locale = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    # Set by an admin; searched a word at a time, as a ticket's tags.
    tags = models.CharField(_("tags"), max_length=1000, blank=True)
    # Admin-defined user fields' values (customfields.UserField), keyed by number.
    user_fields = models.JSONField(_("user fields"), default=dict, db_default={}, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # False: deactivated (agents) or suspended (end users). Either way they cannot sign
    # in, their API tokens stop working and their emails become no tickets.
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Sync tools read changes since their last updated_at (Zendesk's watermark; the
    # incremental users export walks it). On PostgreSQL a trigger also moves it for
    # writes that bypass save() (QuerySet.update, save(update_fields=...)): migration 0022.
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()
    # Every account's users and the operators: on the platform's connection (users are
    # under row-level security, accounts.rls), for the operators' admin and sign-in.
    all_accounts = AllAccountsManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "email"], name="user_email_per_account"),
            models.UniqueConstraint(fields=["account", "number"], name="user_number_per_account"),
            models.UniqueConstraint(
                fields=["email"], condition=Q(account__isnull=True), name="operator_email_unique"
            ),
            models.CheckConstraint(
                condition=Q(account__isnull=False, number__isnull=False)
                | Q(account__isnull=True, is_staff=True),
                name="user_has_account_unless_operator",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "role", "name"], name="user_account_role"),
            # The admins' list of users, by name, in keyset pages (tests/bench).
            models.Index(fields=["account", "name", "id"], name="user_account_name"),
            # The incremental users export's keyset walk (account, updated_at, id).
            models.Index(fields=["account", "updated_at", "id"], name="user_acct_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = UserManager.normalize_email(self.email)
        if self.account_id and self.number is None:
            # account_id is set, so the account is there.
            self.number = Sequence.next_value(account=self.account, name="accounts.user")  # type: ignore[arg-type]
        fields = kwargs.get("update_fields")
        joins = self.organization_id is not None and (
            self._state.adding or self.organization_id != getattr(self, "_loaded_org", None)
        )
        super().save(*args, **kwargs)
        if joins and (fields is None or "organization" in fields or "organization_id" in fields):
            self._ensure_membership()
        self._loaded_org = self.organization_id

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("_shared_org_ids", None)  # accounts.memberships' cache
        super().refresh_from_db(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> User:
        user = super().from_db(db, field_names, values, **kwargs)
        user._loaded_org = user.__dict__.get("organization_id")
        return user

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()

    @property
    def sees_organization_requests(self) -> bool:
        """Organizations' requests: their default one's as its manager, or those of each
        of their organizations that shares its tickets (accounts.memberships)."""
        return bool(self.shared_organization_ids())

    def shared_organization_ids(self) -> list[int]:
        """The organizations whose requests this end user sees: each of theirs that
        shares its tickets, and the default one when they manage it (issue 21). One
        query, cached on the object; none for a user without an organization."""
        cached: list[int] | None = self.__dict__.get("_shared_org_ids")
        if cached is not None:
            return cached
        ids: list[int] = []
        if self.organization_id is not None:
            found = Q(memberships__user=self, shared_tickets=True)
            if self.is_org_manager:
                found |= Q(pk=self.organization_id)
            ids = list(
                Organization.objects.for_account(self.account)
                .filter(found)
                .values_list("pk", flat=True)
                .distinct()
            )
        self.__dict__["_shared_org_ids"] = ids
        return ids

    def _ensure_membership(self) -> None:
        """The default organization is one of the user's memberships (issue 21;
        accounts.memberships)."""
        if self.organization_id is None:
            return
        account = Account(pk=self.account_id)
        memberships = OrganizationMembership.objects.for_account(account)
        if not memberships.filter(user=self, organization_id=self.organization_id).exists():
            row = OrganizationMembership(
                account=account, user=self, organization_id=self.organization_id
            )
            number_rows([row])  # type: ignore[list-item]  # numbered as a NumberedTenantModel
            row.save()

    @property
    def is_agent(self) -> bool:
        return self.role in (self.Role.AGENT, self.Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_end_user(self) -> bool:
        return self.role == self.Role.END_USER

    @property
    def effective_time_zone(self) -> str:
        return self.time_zone or (self.account.time_zone if self.account_id else "UTC")  # type: ignore[union-attr]

    @property
    def effective_locale(self) -> str:
        return self.locale or (self.account.default_locale if self.account_id else "en")  # type: ignore[union-attr]

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2]


class AgentGroup(NumberedTenantModel):
    """A group of agents; tickets can be assigned to a group, an agent, or both."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    members = models.ManyToManyField(
        User, through="GroupMembership", related_name="agent_groups", verbose_name=_("agents")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Sync tools read changes since their last updated_at (Zendesk's watermark).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("group")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="group_name_unique"),
            models.UniqueConstraint(fields=["account", "number"], name="group_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(TenantModel):
    group = models.ForeignKey(AgentGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="group_memberships")
    # The agent's default group: a ticket assigned to them without a group takes it.
    is_default = models.BooleanField(_("default group"), default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "group", "user"], name="group_membership_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "user"],
                condition=models.Q(is_default=True),
                name="group_membership_one_default",
            ),
        ]


class SignInFailure(models.Model):
    """One failed sign-in, kept while a throttle window may still count it
    (``accounts/signin_throttle.py``). In the database rather than the cache, so a Redis
    outage neither stops sign-in nor lifts a lockout. Holds keyed digests only: no address
    typed, no IP, and no account column (the account is inside each digest)."""

    address_key = models.CharField(max_length=64)
    client_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["address_key", "created_at"], name="signin_failure_address"),
            models.Index(fields=["client_key", "created_at"], name="signin_failure_client"),
            models.Index(fields=["created_at"], name="signin_failure_created"),
        ]

    def __str__(self) -> str:
        return f"Failed sign-in at {self.created_at:%Y-%m-%d %H:%M:%S}"


# Registered with the app's models (accounts/import_mapping.py, accounts/deletion_log.py).
from accounts.deleted_user_models import DeletedUser as DeletedUser  # noqa: E402
from accounts.deletion_log import AccountDeletion  # noqa: E402, F401
from accounts.identity_models import (  # noqa: E402, F401
    AuditEntry,
    Passkey,
    RecoveryCode,
    TotpDevice,
    UserSession,
)
from accounts.import_mapping import ImportedRow  # noqa: E402, F401
from accounts.people_models import OrganizationMembership as OrganizationMembership  # noqa: E402
from accounts.people_models import UserEmail  # noqa: E402, F401
from accounts.role_models import AgentRole as AgentRole  # noqa: E402
from accounts.sso_models import IdentityProvider, SamlAssertionSeen  # noqa: E402, F401
