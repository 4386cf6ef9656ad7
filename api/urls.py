"""/api/v2/… on each account's subdomain, Zendesk's paths (with and without ``.json``)."""

from django.http import JsonResponse
from django.urls import path, re_path, register_converter
from django.views.decorators.csrf import csrf_exempt

from api.views import (
    audits,
    bulk,
    custom_statuses,
    imports,
    incremental,
    memberships,
    openapi,
    people,
    people_fields,
    requests,
    search,
    tags,
    ticket_fields,
    ticket_forms,
    ticket_views,
    tickets,
    uploads,
)


class NumberConverter:
    # Per-account numbers; more than 18 digits cannot be one, so it is simply not found.
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(NumberConverter, "num")

app_name = "api"


@csrf_exempt  # it changes nothing; without this a PUT would get the CSRF failure page
def invalid_endpoint(request, *args, **kwargs):
    """Any other path under /api/v2/ (a malformed id included): JSON, as Zendesk answers."""
    return JsonResponse({"error": "InvalidEndpoint", "description": "Not found"}, status=404)


def json_path(route: str, view, name: str) -> list:
    """Zendesk accepts ``/tickets.json`` and ``/tickets``; so do we."""
    return [path(f"{route}.json", view, name=name), path(route, view)]


urlpatterns = [
    path("openapi.json", openapi.OpenApiSchema.as_view(), name="openapi"),
    *json_path("tickets", tickets.TicketList.as_view(), "tickets"),
    *json_path("tickets/show_many", tickets.TicketShowMany.as_view(), "tickets_show_many"),
    *json_path("tickets/update_many", tickets.TicketUpdateMany.as_view(), "tickets_update_many"),
    *json_path("tickets/create_many", bulk.TicketCreateMany.as_view(), "tickets_create_many"),
    *json_path("tickets/destroy_many", bulk.TicketDestroyMany.as_view(), "tickets_destroy_many"),
    *json_path("tickets/<num:number>", tickets.TicketDetail.as_view(), "ticket"),
    *json_path(
        "tickets/<num:number>/comments", tickets.TicketComments.as_view(), "ticket_comments"
    ),
    *json_path("tickets/<num:number>/audits", audits.TicketAudits.as_view(), "ticket_audits"),
    *json_path(
        "tickets/<num:number>/audits/<num:audit_id>",
        audits.TicketAuditDetail.as_view(),
        "ticket_audit",
    ),
    *json_path("tickets/<num:number>/tags", tags.TicketTags.as_view(), "ticket_tags"),
    *json_path("tags", tags.TagList.as_view(), "tags"),
    *json_path("custom_statuses", custom_statuses.CustomStatusList.as_view(), "custom_statuses"),
    *json_path(
        "custom_statuses/<num:number>",
        custom_statuses.CustomStatusDetail.as_view(),
        "custom_status",
    ),
    *json_path("job_statuses/<str:job_id>", tickets.JobStatusDetail.as_view(), "job_status"),
    *json_path("users", people.UserList.as_view(), "users"),
    *json_path("users/me", people.UserMe.as_view(), "users_me"),
    *json_path("users/search", people.UserSearch.as_view(), "users_search"),
    *json_path("users/show_many", people.UserShowMany.as_view(), "users_show_many"),
    *json_path("users/create_many", bulk.UserCreateMany.as_view(), "users_create_many"),
    *json_path(
        "users/create_or_update", bulk.UserCreateOrUpdate.as_view(), "users_create_or_update"
    ),
    *json_path("users/<num:number>", people.UserDetail.as_view(), "user"),
    *json_path(
        "users/<num:number>/tickets/requested",
        people.UserRequestedTickets.as_view(),
        "user_requested",
    ),
    *json_path("users/<num:number>/tickets/ccd", people.UserCcdTickets.as_view(), "user_ccd"),
    *json_path("organizations", people.OrganizationList.as_view(), "organizations"),
    *json_path(
        "organizations/create_many",
        bulk.OrganizationCreateMany.as_view(),
        "organizations_create_many",
    ),
    *json_path("organizations/<num:number>", people.OrganizationDetail.as_view(), "organization"),
    # Several organizations per user (issue 21).
    *json_path(
        "organization_memberships",
        memberships.MembershipList.as_view(),
        "organization_memberships",
    ),
    *json_path(
        "organization_memberships/<num:number>",
        memberships.MembershipDetail.as_view(),
        "organization_membership",
    ),
    *json_path(
        "users/<num:user_number>/organization_memberships",
        memberships.MembershipList.as_view(),
        "user_organization_memberships",
    ),
    *json_path(
        "users/<num:user_number>/organization_memberships/<num:number>",
        memberships.MembershipDetail.as_view(),
        "user_organization_membership",
    ),
    *json_path(
        "users/<num:user_number>/organization_memberships/<num:number>/make_default",
        memberships.MembershipMakeDefault.as_view(),
        "user_organization_membership_default",
    ),
    *json_path(
        "organizations/<num:organization_number>/organization_memberships",
        memberships.MembershipList.as_view(),
        "organization_organization_memberships",
    ),
    *json_path(
        "organizations/<num:number>/tickets",
        people.OrganizationTickets.as_view(),
        "organization_tickets",
    ),
    *json_path(
        "organizations/<num:number>/users", people.OrganizationUsers.as_view(), "organization_users"
    ),
    *json_path("groups", people.GroupList.as_view(), "groups"),
    *json_path("groups/<num:number>", people.GroupDetail.as_view(), "group"),
    *json_path("ticket_fields", ticket_fields.TicketFieldList.as_view(), "ticket_fields"),
    *json_path(
        "ticket_fields/<num:number>", ticket_fields.TicketFieldDetail.as_view(), "ticket_field"
    ),
    *json_path("ticket_forms", ticket_forms.TicketFormList.as_view(), "ticket_forms"),
    *json_path("ticket_forms/<num:number>", ticket_forms.TicketFormDetail.as_view(), "ticket_form"),
    *json_path("user_fields", people_fields.UserFieldList.as_view(), "user_fields"),
    *json_path("user_fields/<num:number>", people_fields.UserFieldDetail.as_view(), "user_field"),
    *json_path(
        "organization_fields", people_fields.OrganizationFieldList.as_view(), "organization_fields"
    ),
    *json_path(
        "organization_fields/<num:number>",
        people_fields.OrganizationFieldDetail.as_view(),
        "organization_field",
    ),
    *json_path("views", ticket_views.ViewList.as_view(), "views"),
    *json_path("views/active", ticket_views.ViewActiveList.as_view(), "views_active"),
    *json_path("views/count_many", ticket_views.ViewCountMany.as_view(), "views_count_many"),
    *json_path("views/update_many", ticket_views.ViewUpdateMany.as_view(), "views_update_many"),
    *json_path("views/<num:number>", ticket_views.ViewDetail.as_view(), "view"),
    *json_path("views/<num:number>/tickets", ticket_views.ViewTickets.as_view(), "view_tickets"),
    *json_path("views/<num:number>/count", ticket_views.ViewCount.as_view(), "view_count"),
    *json_path("imports/tickets", imports.TicketImport.as_view(), "imports_tickets"),
    *json_path(
        "imports/tickets/create_many",
        imports.TicketImportMany.as_view(),
        "imports_tickets_create_many",
    ),
    *json_path("uploads", uploads.UploadCreate.as_view(), "uploads"),
    *json_path("search", search.Search.as_view(), "search"),
    *json_path("requests", requests.RequestList.as_view(), "requests"),
    *json_path("requests/<num:number>", requests.RequestDetail.as_view(), "request"),
    *json_path(
        "requests/<num:number>/comments", requests.RequestComments.as_view(), "request_comments"
    ),
    *json_path(
        "incremental/tickets/cursor",
        incremental.TicketCursorExport.as_view(),
        "incremental_tickets_cursor",
    ),
    *json_path(
        "incremental/tickets", incremental.TicketTimeExport.as_view(), "incremental_tickets"
    ),
    *json_path(
        "incremental/users/cursor",
        incremental.UserCursorExport.as_view(),
        "incremental_users_cursor",
    ),
    *json_path(
        "incremental/organizations",
        incremental.OrganizationTimeExport.as_view(),
        "incremental_organizations",
    ),
    *json_path(
        "incremental/ticket_events",
        incremental.TicketEventTimeExport.as_view(),
        "incremental_ticket_events",
    ),
    # Last: whatever matched nothing above.
    re_path(r"", invalid_endpoint),
]
