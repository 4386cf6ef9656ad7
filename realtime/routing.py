"""The sockets' URLs and the stack in front of them (helpdesk/asgi.py mounts it)."""

from __future__ import annotations

from typing import Any

from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from realtime.connection import socket_auth_stack
from realtime.consumers import RealtimeConsumer

PATH = "ws/realtime/"

websocket_urlpatterns = [path(PATH, RealtimeConsumer.as_asgi())]


def websocket_application() -> Any:
    """A browser's Origin must be one of ALLOWED_HOSTS (then exactly the socket's host:
    realtime.connection), the session's user and the host's account are resolved, then
    the consumer."""
    return AllowedHostsOriginValidator(socket_auth_stack(URLRouter(websocket_urlpatterns)))
