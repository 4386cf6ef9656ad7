"""/api/v2/views…: Zendesk's views. Agents read the views they work from (an admin also
every shared view) and their tickets and counts; writes go through
tickets.services.saved_views, whose rule is the pages' (shared views are the admins', a
personal view its owner's). Ids are the views' per-account numbers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from api.pagination import paginate
from api.serializers.output import absolute
from api.views.base import ApiView, ids_param
from api.views.tickets import tickets_page
from tickets.access import view_for_agent, view_for_editing
from tickets.conditions import public_conditions_many
from tickets.models import View
from tickets.selectors import ordering_for
from tickets.services import NotAllowed
from tickets.services import saved_views as services
from tickets.view_selectors import (
    VIEW_COLUMNS,
    view_columns,
    view_counts,
    view_matching,
    view_sort,
    views_readable_by,
)


def _views_json(request, views: list[View]) -> list[dict]:
    conditions = public_conditions_many(
        account=request.account, conditions=[v.conditions for v in views]
    )
    return [_view_json(request, v, c) for v, c in zip(views, conditions, strict=True)]


def _view_json(request, view: View, conditions: dict) -> dict:
    if view.is_personal:
        restriction = {"type": "User", "id": view.owner.number}  # type: ignore[union-attr]  # a personal view has its owner
    elif view.visibility == View.Visibility.GROUPS:
        ids = [link.group.number for link in view.group_links.all()]
        restriction = {"type": "Group", "id": ids[0] if ids else None, "ids": ids}
    else:
        restriction = None
    sort = VIEW_COLUMNS.get(view.sort_by)
    return {
        "id": view.number,
        "url": absolute(request, f"/api/v2/views/{view.number}.json"),
        "title": view.display_title,
        "description": view.description,
        "active": view.is_active,
        "position": view.position,
        "default": bool(view.key),
        "restriction": restriction,
        "conditions": conditions,
        "execution": {
            "columns": [{"id": c.key, "title": str(c.label)} for c in view_columns(view)],
            "group": None,
            "sort_by": view.sort_by,
            "sort_order": view.sort_order,
            "sort": {
                "id": view.sort_by,
                "order": view.sort_order,
                "title": str(sort.label) if sort else view.sort_by,
            },
        },
        "created_at": view.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": view.updated_at.isoformat().replace("+00:00", "Z"),
    }


def _readable(request, *, active: bool | None):
    qs = views_readable_by(viewer=request.user, active=active)
    return qs.select_related("owner").prefetch_related("group_links__group")


def _list(request, *, active: bool | None) -> Response:
    page = paginate(request, _readable(request, active=active).order_by("position", "number"))
    body: dict = {"views": _views_json(request, list(page.objects))}
    body.update(page.envelope)
    return Response(body)


def _fields(request) -> dict:
    """Zendesk's view payload as the service's fields: conditions as "all"/"any" (at the
    top or under "conditions"), columns and sort under "output" or "execution", and who
    sees it under "restriction". Keys not sent are left as they are."""
    data = request.data.get("view") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ParseError('The body must be {"view": {...}}.')
    fields: dict = {}
    for key, name in (
        ("title", "title"),
        ("description", "description"),
        ("active", "is_active"),
        ("position", "position"),
    ):
        if key in data:
            fields[name] = data[key]
    if "conditions" in data:
        fields["conditions"] = data["conditions"]
    elif "all" in data or "any" in data:
        fields["conditions"] = {"all": data.get("all") or [], "any": data.get("any") or []}
    output = data.get("output") or data.get("execution") or {}
    if not isinstance(output, dict):
        raise ParseError('"output" must be an object.')
    if "columns" in output:
        columns = output["columns"]
        if not isinstance(columns, list):
            raise ParseError('"columns" must be a list.')
        fields["columns"] = [c.get("id") if isinstance(c, dict) else c for c in columns]
    sort: dict = output["sort"] if isinstance(output.get("sort"), dict) else {}
    if "sort_by" in output or "id" in sort:
        fields["sort_by"] = output.get("sort_by", sort.get("id"))
    if "sort_order" in output or "order" in sort:
        fields["sort_order"] = output.get("sort_order", sort.get("order"))
    if "restriction" in data:
        fields.update(_restriction(data["restriction"]))
    return fields


def _restriction(restriction) -> dict:
    if restriction is None:
        return {"visibility": View.Visibility.EVERYONE, "groups": []}
    if not isinstance(restriction, dict):
        raise ParseError('"restriction" must be an object or null.')
    if restriction.get("type") == "User":
        return {"visibility": View.Visibility.PERSONAL}
    if restriction.get("type") == "Group":
        ids = restriction.get("ids") or [restriction.get("id")]
        if not isinstance(ids, list) or not all(
            isinstance(i, int) or (isinstance(i, str) and i.isdigit()) for i in ids
        ):
            raise ParseError('"restriction" ids must be group ids.')
        return {"visibility": View.Visibility.GROUPS, "groups": [int(i) for i in ids]}
    raise ParseError('"restriction" type is "User" or "Group".')


def _one(request, view: View, code=status.HTTP_200_OK) -> Response:
    return Response({"view": _views_json(request, [view])[0]}, status=code)


class ViewList(ApiView):
    def get(self, request):
        return _list(request, active=None)

    def post(self, request):
        try:
            view = services.view_create(
                account=request.account, actor=request.user, **_fields(request)
            )
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        return _one(request, view, status.HTTP_201_CREATED)


class ViewUpdateMany(ApiView):
    """PUT {"views": [{"id": 25, "position": 3, "active": true}, ...]}: reorder and
    (de)activate several views at once; a view the caller may not change is a 404."""

    def put(self, request):
        items = request.data.get("views") if isinstance(request.data, dict) else None
        if (
            not isinstance(items, list)
            or not items
            or not all(
                isinstance(i, dict)
                and isinstance(i.get("id"), int)
                and not isinstance(i["id"], bool)
                and 0 < i["id"] < 10**18
                for i in items
            )
        ):
            raise ParseError('The body must be {"views": [{"id": 1, "position": 0}, ...]}.')
        changes = []
        for item in items:
            view = view_for_editing(viewer=request.user, number=item["id"])
            fields = {"position": item["position"]} if "position" in item else {}
            if "active" in item:
                fields["is_active"] = item["active"]
            changes.append((view, fields))
        try:
            views = services.views_update_many(actor=request.user, changes=changes)
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        fresh = {
            v.pk: v for v in _readable(request, active=None).filter(pk__in=[v.pk for v in views])
        }
        return Response({"views": _views_json(request, [fresh[v.pk] for v in views])})


class ViewActiveList(ApiView):
    def get(self, request):
        return _list(request, active=True)


class ViewDetail(ApiView):
    def get(self, request, number):
        return _one(request, view_for_agent(viewer=request.user, number=number))

    def put(self, request, number):
        view = view_for_editing(viewer=request.user, number=number)
        try:
            services.view_update(view=view, actor=request.user, **_fields(request))
        except NotAllowed as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        return _one(request, view)

    def delete(self, request, number):
        view = view_for_editing(viewer=request.user, number=number)
        services.view_delete(view=view, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ViewTickets(ApiView):
    def get(self, request, number):
        view = view_for_agent(viewer=request.user, number=number)
        ordering = ordering_for(view_sort(view))
        return tickets_page(request, view_matching(view=view, viewer=request.user), ordering)


def _count_json(request, number: int, value: int) -> dict:
    return {
        "view_id": number,
        "url": absolute(request, f"/api/v2/views/{number}/count.json"),
        "value": int(value),
        "pretty": str(value),
        "fresh": True,
    }


class ViewCount(ApiView):
    def get(self, request, number):
        view = view_for_agent(viewer=request.user, number=number)
        counts = view_counts(views=[view], viewer=request.user)
        return Response({"view_count": _count_json(request, view.number, counts[view.number])})


class ViewCountMany(ApiView):
    def get(self, request):
        numbers = ids_param(request)
        if not numbers:
            raise ParseError("Give the views' ids: ?ids=1,2,3.")
        views = list(_readable(request, active=None).filter(number__in=numbers))
        counts = view_counts(views=views, viewer=request.user)
        return Response(
            {
                "view_counts": [
                    _count_json(request, v.number, counts[v.number])
                    for v in sorted(views, key=lambda v: numbers.index(v.number))
                ]
            }
        )
