"""The ASGI application: pages through Django's handler, sockets (``/ws/realtime/``,
issue 28's live chat) through Channels. Production serves pages with gunicorn
(helpdesk.wsgi) and this with daphne beside it (docker-compose.yml, ``realtime``);
`make run` serves both from this one (``daphne`` in INSTALLED_APPS replaces runserver)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
# Django first: the socket stack imports models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
