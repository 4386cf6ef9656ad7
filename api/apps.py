from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Tickets API (Zendesk dialect)"

    def ready(self) -> None:
        from api import checks  # noqa: F401 - registers its system check
