"""Forms: the fields of a ticket as form inputs (sidebar, new-ticket form), and the
admins' field editor. They parse; customfields.values decides what a value may be."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from customfields.models import FieldKind, LookupTarget, TicketField, TicketForm
from customfields.translations_form import (
    add_translation_inputs,
    translation_inputs,
    translations_from,
)

PREFIX = "cf"
FORM = "ticket_form"


def _input(field: TicketField, title: str, *, portal: bool = False) -> forms.Field:
    common: dict[str, Any] = {
        "label": title,
        # On the help center's form a field required on submit says so at once (the
        # service refuses its absence anyway, for every channel).
        "required": portal and field.required_in_portal,
        "help_text": field.description_in_portal if portal else field.description,
    }
    kind = field.kind
    if kind == FieldKind.CHECKBOX:
        return forms.BooleanField(**common)
    if kind == FieldKind.DROPDOWN:
        choices = [("", "—")] + [(o.value, o.label) for o in field.options.all()]
        return forms.ChoiceField(choices=choices, **common)
    if kind == FieldKind.MULTISELECT:
        return forms.MultipleChoiceField(
            choices=[(o.value, o.label) for o in field.options.all()],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    widget: forms.Widget = forms.TextInput()
    if kind == FieldKind.TEXTAREA:
        widget = forms.Textarea(attrs={"rows": 3})
    elif kind == FieldKind.DATE:
        widget = forms.DateInput(attrs={"type": "date"})
    elif kind in (FieldKind.INTEGER, FieldKind.LOOKUP):
        widget = forms.TextInput(attrs={"inputmode": "numeric"})
    elif kind == FieldKind.DECIMAL:
        widget = forms.TextInput(attrs={"inputmode": "decimal"})
    if kind == FieldKind.LOOKUP and not field.description:
        common["help_text"] = (
            _("A user's number")
            if field.lookup_target == LookupTarget.USER
            else _("An organization's number")
        )
    # Text in, checked by customfields.values (one set of messages for every channel).
    return forms.CharField(widget=widget, strip=False, **common)


class CustomFieldsForm(forms.Form):
    """``fields`` as inputs named ``cf_<number>``, initially ``values``. Each carries the
    value loaded, so only what the person changed is sent to the service.

    With ``ticket_forms`` (agents), a select of the form the ticket is on. ``conditions``
    (the form's) go to the page for static/js/conditional-fields.js, and the inputs of
    ``hidden`` fields start hidden; the services decide what hidden means for values."""

    # The help center's: the form a request is submitted on (a hidden input).
    ticket_form_number: int | None = None

    def __init__(
        self,
        *args: Any,
        fields: list[TicketField],
        values: dict,
        portal: bool = False,
        ticket_forms: list[TicketForm] | None = None,
        current_form: TicketForm | None = None,
        hidden: set[str] | frozenset[str] = frozenset(),
        **kwargs: Any,
    ):
        kwargs.setdefault("prefix", PREFIX)
        initial = {}
        for field in fields:
            value = values.get(field.key)
            initial[field.key] = bool(value) if field.kind == FieldKind.CHECKBOX else value
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.definitions = {f.key: f for f in fields}
        self.hidden = set(hidden)
        keys = {f.number for f in fields}
        self.conditions = [
            {
                **c,
                "child_fields": [x for x in c["child_fields"] if x["id"] in keys],
            }
            for c in (current_form.conditions if current_form is not None else [])
            # A parent the person has no input for (agent-only, on the help center)
            # stays the server's to judge: its number and value never reach the page.
            if c["parent_field_id"] in keys
        ]
        children = {str(x["id"]) for c in self.conditions for x in c["child_fields"]}
        for field in fields:
            title = field.portal_title if portal else field.label
            self.fields[field.key] = _input(field, title, portal=portal)
            self.fields[field.key].show_hidden_initial = True
            if field.key in children:
                # Required only while its conditions show it: the service says so.
                self.fields[field.key].required = False
        if ticket_forms:
            self.fields[FORM] = forms.TypedChoiceField(
                label=_("Form"),
                choices=[(f.number, f.label) for f in ticket_forms],
                coerce=int,
                required=False,
                initial=current_form.number if current_form is not None else None,
            )
            self.fields[FORM].show_hidden_initial = True

    def rows(self) -> list[tuple[forms.BoundField, str, bool]]:
        """Each field's input, its number, and whether its conditions hide it."""
        return [(self[key], key, key in self.hidden) for key in self.definitions]

    def chosen_form(self) -> int | None:
        """The form number chosen, when the person changed it."""
        if FORM in self.fields and FORM in self.changed_data:
            return self.cleaned_data.get(FORM)
        return None

    def raw_values(self) -> dict[int, Any]:
        """The changed inputs, as {field number: value typed}."""
        data = {}
        for key in self.changed_data:
            if key not in self.definitions:
                continue
            name = self.add_prefix(key)
            if self.definitions[key].kind == FieldKind.MULTISELECT:
                data[int(key)] = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            elif self.definitions[key].kind == FieldKind.CHECKBOX:
                data[int(key)] = bool(self.cleaned_data.get(key))
            else:
                data[int(key)] = self.data.get(name, "")
        return data


class TicketFieldForm(forms.ModelForm):
    """Admins' editor of one field. Options are typed one a line, ``value: Title`` or just
    ``Title`` (its value made from it); ``Parent::Child`` nests."""

    options_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One a line: a title, or value: title. Hardware::Printer nests Printer under "
            "Hardware. Keep an option's value to keep the tickets that chose it."
        ),
    )
    required_for_problem_only = forms.BooleanField(
        label=_("Required to solve only for tickets of type Problem"), required=False
    )

    class Meta:
        model = TicketField
        fields = [
            "kind",
            "title",
            "description",
            "title_in_portal",
            "description_in_portal",
            "visible_in_portal",
            "editable_in_portal",
            "required",
            "required_in_portal",
            "regexp",
            "lookup_target",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.instance
        add_translation_inputs(self, field.translations, label=_("Title"))
        if field.pk:
            self.fields["kind"].disabled = True
            self.initial["options_text"] = "\n".join(
                f"{o.value}: {o.title}" for o in field.options.all()
            )
            self.initial["required_for_problem_only"] = getattr(
                field, "required_for_types", None
            ) == ["problem"]

    def translation_inputs(self) -> list:
        return translation_inputs(self)

    def options(self) -> list[dict] | None:
        if self.cleaned_data.get("kind", self.instance.kind) not in (
            FieldKind.DROPDOWN,
            FieldKind.MULTISELECT,
        ):
            return None
        options = []
        for line in self.cleaned_data.get("options_text", "").splitlines():
            line = line.strip()
            if not line:
                continue
            value, sep, title = line.partition(": ")
            if sep and " " not in value.strip() and "::" not in value:
                options.append({"value": value.strip(), "name": title.strip()})
            else:
                options.append({"name": line})
        return options

    def attributes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data.pop("kind", None)
        data["translations"] = translations_from(self, self.instance.translations)
        data["required_for_types"] = (
            ["problem"] if self.cleaned_data.get("required_for_problem_only") else []
        )
        return data
