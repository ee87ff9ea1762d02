"""The emergency board's socket: a signed-in reader who may follow the directive joins its group and is told
"changed" whenever one of its assignments changes (receivers.py); the page then fetches its rows again."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from common.ids import parse_id

from .board import board_directive, board_group


class BoardConsumer(AsyncJsonWebsocketConsumer):
    group = None

    async def connect(self):
        user = self.scope.get("user")
        pk = parse_id(str(self.scope["url_route"]["kwargs"].get("pk", "")))
        if user is None or not user.is_authenticated or pk is None:
            await self.close()
            return
        directive = await database_sync_to_async(board_directive)(user, pk)
        if directive is None:
            await self.close()
            return
        self.group = board_group(directive.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "pong"})

    async def board_changed(self, event):
        await self.send_json({"type": "changed"})
