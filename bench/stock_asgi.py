"""The "stock" baseline of bench/notify.py: live notifications as most Django projects build them with channels,
served by a second daphne (`daphne bench.stock_asgi:application`). Bench only, never routed in production.

Each socket's consumer has its own channel (channels-redis), joins one group per user, `user.<id>`, and forwards
every group message to its browser; a sender does, per recipient, `Notification.objects.create(...)` and
`async_to_sync(channel_layer.group_send)(f"user.{id}", ...)` (bench/notify.py --sender, mode "stock").
The client's hello is answered as the real consumer answers it (catch-up, unread count), so the same
notifications/testing.py WebSocketClient drives both."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

# One Redis connection per concurrent group_add / group_discard: a reconnect storm of 200 sockets (and the
# benchmark's 1,000 closing at once) exceeds redis-py 8's default pool of 100, which raises instead of waiting.
# Unbounded, as redis-py was before 5.x: the baseline must work, not fail at connect.
for _host in settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]:
    _host["max_connections"] = 10_000

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from notifications import selectors  # noqa: E402
from notifications.payloads import catch_up_message, unread_message  # noqa: E402


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


class StockNotificationConsumer(AsyncJsonWebsocketConsumer):
    group = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        self.user = user
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "hello":
            catch_up, unread = await self._catch_up(content.get("last_id"))
            await self.send_json(catch_up)
            await self.send_json(unread)

    async def notification_message(self, event):
        """A group message {"type": "notification.message", "notification": {...}}."""
        await self.send_json({"type": "notification", "notification": event["notification"]})

    @database_sync_to_async
    def _catch_up(self, last_id):
        since = selectors.notifications_since(self.user, last_id if isinstance(last_id, int) else None)
        return (
            catch_up_message(since.notifications, truncated=since.truncated, last_id=since.last_id),
            unread_message(selectors.unread_count(self.user)),
        )


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([
            path("ws/notifications/", StockNotificationConsumer.as_asgi()),
        ]))),
    }
)
