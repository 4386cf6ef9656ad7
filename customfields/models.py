"""Admin-defined fields (issue 19): their definitions and drop-down options.

A field's values live on the row they describe, never here: a ticket keeps its values in
``Ticket.custom_fields`` (JSONB keyed by the field's per-account number; see
customfields/values.py for why). Keys and stored values are per-account numbers and
option *values*, never primary keys or titles, so an account's export carries them
unchanged and renaming an option loses nothing.

``FieldBase`` holds what every kind of field shares, so user and organization fields
(later) are ``FieldBase`` subclasses with their own visibility flags, and their options a
``OptionBase`` subclass.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel


def translated(title: str, translations: dict) -> str:
    language = (get_language() or "en").split("-")[0]
    value = translations.get(language) if isinstance(translations, dict) else None
    return value if isinstance(value, str) and value else title


class FieldKind(models.TextChoices):
    # Zendesk's type names: the API answers them as they are.
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Multi-line text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    CHECKBOX = "checkbox", _("Checkbox")
    DROPDOWN = "tagger", _("Drop-down")
    MULTISELECT = "multiselect", _("Multi-select")
    REGEXP = "regexp", _("Regular expression")
    LOOKUP = "lookup", _("Lookup")


WITH_OPTIONS = (FieldKind.DROPDOWN, FieldKind.MULTISELECT)


class LookupTarget(models.TextChoices):
    USER = "user", _("User")
    ORGANIZATION = "organization", _("Organization")


class FieldBase(NumberedTenantModel):
    kind = models.CharField(_("kind"), max_length=12, choices=FieldKind)
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    regexp = models.CharField(_("regular expression"), max_length=500, blank=True)
    lookup_target = models.CharField(
        _("lookup of"), max_length=12, choices=LookupTarget, blank=True
    )
    # The title in other languages ({"it": "Causa principale"}); the seeds' fields come
    # with one per language the product speaks. A missing language shows ``title``.
    translations = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["position", "number"]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """The title in the language of the page (or email) being made."""
        return translated(self.title, self.translations)

    @property
    def key(self) -> str:
        """Its key in a row's values."""
        return str(self.number)

    @property
    def has_options(self) -> bool:
        return self.kind in WITH_OPTIONS


class TicketField(FieldBase):
    title_in_portal = models.CharField(_("title for end users"), max_length=200, blank=True)
    description_in_portal = models.CharField(
        _("description for end users"), max_length=500, blank=True
    )
    visible_in_portal = models.BooleanField(_("visible to end users"), default=False)
    editable_in_portal = models.BooleanField(_("editable by end users"), default=False)
    required = models.BooleanField(_("required to solve"), default=False)
    # Ticket types the requirement to solve applies to; empty: every ticket.
    required_for_types = models.JSONField(default=list, blank=True)
    required_in_portal = models.BooleanField(_("required on submit"), default=False)

    class Meta(FieldBase.Meta):
        verbose_name = _("ticket field")
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="ticketfield_number_unique")
        ]
        indexes = [models.Index(fields=["account", "position"], name="ticketfield_acct_pos")]

    @property
    def portal_title(self) -> str:
        return self.title_in_portal or self.label


class OptionBase(NumberedTenantModel):
    # The stored value (Zendesk's tag): kept when the option is renamed.
    value = models.CharField(_("value"), max_length=100)
    # "Hardware::Printer" is "Printer" under "Hardware".
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "number"]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return translated(self.title, self.translations)


class TicketFieldOption(OptionBase):
    field = models.ForeignKey(TicketField, on_delete=models.CASCADE, related_name="options")

    class Meta(OptionBase.Meta):
        verbose_name = _("option")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="ticketfieldoption_number_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "field", "value"], name="ticketfieldoption_value"
            ),
        ]


class TicketForm(NumberedTenantModel):
    """A named, ordered set of ticket fields (Zendesk's ticket form), optionally offered
    to end users in the help center under a name of its own. Fields are named by their
    per-account numbers (``field_numbers``, in order), as tickets name their values: a
    deleted field simply drops out, and an export carries the list unchanged.

    ``conditions`` make a field show (and perhaps become required) only when another
    field of the form has a value: ``[{"parent_field_id": 3, "value": "high",
    "child_fields": [{"id": 5, "is_required": true}]}]`` (customfields/conditions.py);
    the same conditions hold for agents and end users."""

    name = models.CharField(_("name"), max_length=200)
    name_in_portal = models.CharField(_("name for end users"), max_length=200, blank=True)
    visible_in_portal = models.BooleanField(_("shown in the help center"), default=False)
    active = models.BooleanField(_("active"), default=True)
    # The form of a ticket that names none (one an account; the services keep it so).
    default = models.BooleanField(_("default form"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    field_numbers = models.JSONField(default=list, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ticket form")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="ticketform_number_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return translated(self.name, self.translations)

    @property
    def portal_name(self) -> str:
        return self.name_in_portal or self.label


class UserField(FieldBase):
    """A field of users' profiles (Zendesk's user field): agents see and edit it on the
    profile page; values live in ``User.user_fields``, keyed by its number."""

    class Meta(FieldBase.Meta):
        verbose_name = _("user field")
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="userfield_number_unique")
        ]


class UserFieldOption(OptionBase):
    field = models.ForeignKey(UserField, on_delete=models.CASCADE, related_name="options")

    class Meta(OptionBase.Meta):
        verbose_name = _("option")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="userfieldoption_number_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "field", "value"], name="userfieldoption_value"
            ),
        ]


class OrganizationField(FieldBase):
    """A field of organizations (Zendesk's organization field); values live in
    ``Organization.organization_fields``, keyed by its number."""

    class Meta(FieldBase.Meta):
        verbose_name = _("organization field")
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="orgfield_number_unique")
        ]


class OrganizationFieldOption(OptionBase):
    field = models.ForeignKey(OrganizationField, on_delete=models.CASCADE, related_name="options")

    class Meta(OptionBase.Meta):
        verbose_name = _("option")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="orgfieldoption_number_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "field", "value"], name="orgfieldoption_value"
            ),
        ]
