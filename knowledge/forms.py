from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from knowledge.models import Visibility
from knowledge.text import MAX_BODY_CHARS
from tickets.forms import MultipleFileField


class NamedForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=1000, required=False, widget=forms.Textarea
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0, required=False)


class SectionForm(NamedForm):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.number, str(c)) for c in categories]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    body = forms.CharField(
        label=_("Body"),
        max_length=MAX_BODY_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("HTML: headings, lists, links, code, images and tables are kept."),
    )
    images = MultipleFileField(
        label=_("Add images"),
        help_text=_(
            "PNG, JPEG or GIF, under the account's attachment rules; added at the end of "
            "the body, move them where they belong."
        ),
    )
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility)
    promoted = forms.BooleanField(label=_("Promoted"), required=False)
    labels = forms.CharField(label=_("Labels"), max_length=500, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0, required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.number, f"{s.category} › {s}") for s in sections]


class KnowledgeSettingsForm(forms.Form):
    agents_may_edit = forms.BooleanField(
        label=_("Agents may write, edit and publish articles"), required=False
    )


def locale_or_default(value: str | None, default: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return value if value in codes else default
