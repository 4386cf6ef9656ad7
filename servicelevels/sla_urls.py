from django.urls import path

from servicelevels import sla_views

app_name = "sla"

urlpatterns = [
    path("", sla_views.policy_list, name="policy_list"),
    path("new/", sla_views.policy_new, name="policy_new"),
    path("<int:number>/", sla_views.policy_edit, name="policy_edit"),
    path("<int:number>/active/", sla_views.policy_active, name="policy_active"),
    path("<int:number>/move/", sla_views.policy_move, name="policy_move"),
    path("<int:number>/delete/", sla_views.policy_remove, name="policy_delete"),
]
