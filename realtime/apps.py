from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The receivers that close a session's sockets when it ends.
        from realtime import sessions  # noqa: F401
