"""The websocket fast path. One socket per browser page; pushes reach it through its event loop's relay
(push.py), so the consumer needs no channel of its own.

Protocol (JSON, client → server): {"type": "hello", "last_id": N | null}, {"type": "mark_read", "ids": [..]},
{"type": "mark_all_read"}, {"type": "ping"}. Server → client: the messages declared in payloads.py."""

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from common.ids import parse_id, parse_ids

from . import selectors, services
from .payloads import catch_up_message, unread_message
from .push import relay

logger = logging.getLogger(__name__)


MAX_MARK_READ = 500  # ids per mark_read message; a page never holds more


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    # No channel per socket (an alias that names no layer): the relay delivers, and a thousand idle
    # receivers would only contend for channels-redis' receive lock.
    channel_layer_alias = "notifications.sockets-have-no-channel"
    user = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept(): the handshake is refused
            return
        await self.accept()
        # Registered before the client's hello is handled (a consumer handles its messages one at a time):
        # whatever commits from now on is pushed, whatever committed before is in the catch-up (a
        # notification in both is dropped by id in the browser).
        self.user = user
        await relay().add(user.pk, self)

    async def disconnect(self, code):
        if self.user is not None:
            await relay().remove(self.user.pk, self)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Whatever a client sends, the socket stays open: a message that is not a JSON object of the protocol
        gets an error answer. Binary and empty frames are answered the same way (channels would raise on them
        and close the socket with 1011)."""
        if not text_data:
            await self.send_json({"type": "error", "message": "invalid message"})
            return
        await super().receive(text_data=text_data, **kwargs)

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return json.loads(text_data)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            return None

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "message": "invalid message"})
            return
        kind = content.get("type")
        if kind == "hello":
            last_id = content.get("last_id")
            if last_id is not None and parse_id(last_id, minimum=0) is None:
                await self.send_json({"type": "error", "message": "invalid last_id"})
                return
            catch_up, unread = await self._catch_up(parse_id(last_id, minimum=0))
            await self.send_json(catch_up)
            await self.send_json(unread)
        elif kind == "mark_read":
            raw = content.get("ids")
            if not isinstance(raw, list) or len(raw) > MAX_MARK_READ:
                await self.send_json({"type": "error", "message": "invalid ids"})
                return
            ids = parse_ids(raw)  # the valid ones; a stray null or "x" among them is ignored as before
            # The confirmation comes back through the group, to every tab of this user.
            await database_sync_to_async(services.mark_read)(self.user, ids)
        elif kind == "mark_all_read":
            await database_sync_to_async(services.mark_all_read)(self.user)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "message": "unknown type"})

    @database_sync_to_async
    def _catch_up(self, last_id: int | None):
        since = selectors.notifications_since(self.user, last_id)
        return (
            catch_up_message(since.notifications, truncated=since.truncated, last_id=since.last_id),
            unread_message(selectors.unread_count(self.user)),
        )
