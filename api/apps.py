from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Tickets API (Zendesk dialect)"
