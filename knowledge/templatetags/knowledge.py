from __future__ import annotations

from django import template

from knowledge.models import Category, Section

register = template.Library()


@register.filter
def named(obj: Category | Section, locale: str) -> str:
    """The name in ``locale``, else the first language that has one."""
    return str(obj.version(locale).get("name") or obj)


@register.filter
def described(obj: Category | Section, locale: str) -> str:
    return str(obj.version(locale).get("description") or "")
