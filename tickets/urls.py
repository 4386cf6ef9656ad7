from django.urls import path

from tickets.views import (
    admin_identity,
    admin_organizations,
    admin_people,
    admin_people_import,
    admin_people_privacy,
    admin_settings,
    admin_sso,
    create,
    lists,
    people,
    presence,
    roles_admin,
    statuses_admin,
    ticket,
    view_admin,
)

app_name = "tickets"

urlpatterns = [
    path("", lists.home, name="home"),
    path("views/personal/", view_admin.personal_views, name="views_personal"),
    path("views/new/", view_admin.view_new, name="view_new"),
    path("views/<int:number>/", lists.view_tickets, name="view"),
    path("views/<int:number>/edit/", view_admin.view_edit, name="view_edit"),
    path("views/<int:number>/toggle/", view_admin.view_toggle, name="view_toggle"),
    path("views/<int:number>/move/", view_admin.view_move, name="view_move"),
    path("views/<int:number>/clone/", view_admin.view_clone_page, name="view_clone"),
    path("views/<int:number>/delete/", view_admin.view_delete_page, name="view_delete"),
    # The fixed lists' old addresses lead to the default views they became.
    path("views/<slug:view_key>/", lists.legacy_view, name="ticket_list"),
    path("tickets/bulk/", lists.tickets_bulk, name="tickets_bulk"),
    path("tickets/bulk/fields/", lists.bulk_fields, name="bulk_fields"),
    path("search/", lists.search, name="search"),
    path("tickets/new/", create.ticket_new, name="ticket_new"),
    path("tickets/new/requester/search/", create.requester_search, name="requester_search"),
    path("tickets/new/requester/pick/", create.requester_pick, name="requester_pick"),
    path("tickets/new/requester/add/", create.requester_add_form, name="requester_add_form"),
    path("users/inline/", create.requester_add, name="requester_add"),
    path("tickets/cc/search/", create.cc_search, name="cc_search"),
    path("tickets/<int:number>/", ticket.ticket_detail, name="ticket_detail"),
    path("tickets/<int:number>/reply/", ticket.ticket_reply, name="ticket_reply"),
    path("tickets/<int:number>/fields/", ticket.ticket_fields_update, name="ticket_fields"),
    path("tickets/<int:number>/presence/", presence.ticket_presence, name="ticket_presence"),
    path("tickets/<int:number>/read/", ticket.ticket_read, name="ticket_read"),
    path(
        "tickets/<int:number>/make-private/",
        ticket.ticket_make_private_view,
        name="ticket_make_private",
    ),
    path(
        "tickets/<int:number>/attachments/<str:token>/",
        ticket.attachment_download,
        name="attachment_download",
    ),
    path("users/new/", people.user_new, name="user_new"),
    path("users/<int:number>/", people.user_detail, name="user_detail"),
    path("settings/", admin_settings.settings_general, name="settings"),
    path("settings/agents/", admin_settings.settings_agents, name="settings_agents"),
    path(
        "settings/agents/<int:number>/role/",
        admin_settings.settings_agent_role,
        name="settings_agent_role",
    ),
    path(
        "settings/agents/<int:number>/deactivate/",
        admin_settings.settings_agent_deactivate,
        name="settings_agent_deactivate",
    ),
    path("settings/views/", view_admin.shared_views, name="views_shared"),
    path("settings/roles/", roles_admin.roles_list, name="settings_roles"),
    path("settings/roles/new/", roles_admin.role_new, name="settings_role_new"),
    path("settings/roles/<int:number>/", roles_admin.role_edit, name="settings_role"),
    path(
        "settings/roles/<int:number>/delete/", roles_admin.role_delete, name="settings_role_delete"
    ),
    path("settings/statuses/", statuses_admin.statuses_list, name="settings_statuses"),
    path("settings/statuses/<int:number>/", statuses_admin.status_edit, name="settings_status"),
    path(
        "settings/statuses/<int:number>/toggle/",
        statuses_admin.status_toggle,
        name="settings_status_toggle",
    ),
    path(
        "settings/statuses/<int:number>/move/",
        statuses_admin.status_move,
        name="settings_status_move",
    ),
    path(
        "settings/organizations/",
        admin_organizations.organizations_list,
        name="settings_organizations",
    ),
    path(
        "settings/organizations/new/",
        admin_organizations.organization_new,
        name="settings_organization_new",
    ),
    path(
        "settings/organizations/<int:number>/",
        admin_organizations.organization_edit,
        name="settings_organization",
    ),
    path(
        "settings/organizations/<int:number>/delete/",
        admin_organizations.organization_deletion,
        name="settings_organization_delete",
    ),
    path("settings/users/", admin_people.users_list, name="settings_users"),
    path("settings/users/invite/", admin_people.users_invite, name="settings_users_invite"),
    path("settings/users/import/", admin_people_import.users_import, name="settings_users_import"),
    path("settings/users/<int:number>/", admin_people.user_edit, name="settings_user"),
    path(
        "settings/users/<int:number>/emails/", admin_people.user_emails, name="settings_user_emails"
    ),
    path("settings/users/<int:number>/merge/", admin_people.user_merge, name="settings_user_merge"),
    path(
        "settings/users/<int:number>/organizations/",
        admin_people.user_organizations,
        name="settings_user_organizations",
    ),
    path(
        "settings/users/<int:number>/export/",
        admin_people_privacy.user_export,
        name="settings_user_export",
    ),
    path(
        "settings/users/<int:number>/delete/",
        admin_people_privacy.user_erase,
        name="settings_user_erase",
    ),
    path(
        "settings/users/<int:number>/invitation/",
        admin_people.user_invitation,
        name="settings_user_invitation",
    ),
    path(
        "settings/users/<int:number>/suspend/",
        admin_people.user_suspension,
        name="settings_user_suspend",
    ),
    path(
        "settings/users/<int:number>/reactivate/",
        admin_people.user_reactivation,
        name="settings_user_reactivate",
    ),
    path(
        "settings/users/<int:number>/sign-out/",
        admin_identity.user_sign_out,
        name="settings_user_sign_out",
    ),
    path(
        "settings/users/<int:number>/two-factor/reset/",
        admin_identity.user_two_factor_reset,
        name="settings_user_2fa_reset",
    ),
    path("settings/audit/", admin_identity.audit_log, name="settings_audit"),
    path("settings/sso/", admin_sso.settings_sso, name="settings_sso"),
    path("settings/groups/", admin_settings.settings_groups, name="settings_groups"),
    path("settings/retention/", admin_settings.settings_retention, name="settings_retention"),
    path(
        "settings/groups/<int:number>/members/",
        admin_settings.settings_group_add,
        name="settings_group_add",
    ),
    path(
        "settings/groups/<int:number>/members/<int:user_number>/remove/",
        admin_settings.settings_group_remove,
        name="settings_group_remove",
    ),
]
