import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from api.routing import websocket_urlpatterns as eboard_websockets  # noqa: E402
from common.asgi import RequestBodyLimit  # noqa: E402
from notifications.routing import websocket_urlpatterns as notification_sockets  # noqa: E402
from workflows.broadcast.routing import websocket_urlpatterns as board_sockets  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(notification_sockets + board_sockets + eboard_websockets))),
    }
)
