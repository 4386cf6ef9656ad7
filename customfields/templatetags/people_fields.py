"""The profile pages' card of user or organization fields (issue 19)."""

from django import template

from customfields.people_admin import values_form

register = template.Library()


@register.inclusion_tag("customfields/_people_values.html", takes_context=True)
def people_fields_card(context, row, target: str):
    form = values_form(row, target)
    return {
        "custom_form": form,
        "row": row,
        "target": target,
        "csrf_token": context.get("csrf_token"),
    }
