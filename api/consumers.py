"""The e-board's websocket: authenticated by its client token (query string), one group per unit.

Client → server: {"type": "shown", "bulletin_id": N} (what the board shows now, recorded for the delivery
state), {"type": "ping"}. Server → client: {"type": "emergency", "item": {...}} (take over at once),
{"type": "pong"}, {"type": "error", "message": ...}. A refused token closes the handshake (code 4403)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from common.ids import parse_id

from . import selectors, services
from .eboards import eboard_client, unit_group


class EboardConsumer(AsyncJsonWebsocketConsumer):
    client = None
    unit = None

    async def connect(self):
        query = parse_qs((self.scope.get("query_string") or b"").decode("latin-1"))
        token = (query.get("token") or [""])[0]
        code = self.scope["url_route"]["kwargs"]["unit_code"]
        self.client, self.unit = await self._authenticate(token, code)
        if self.client is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(unit_group(self.unit.pk), self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.unit is not None and self.client is not None:
            await self.channel_layer.group_discard(unit_group(self.unit.pk), self.channel_name)

    @database_sync_to_async
    def _authenticate(self, token: str, code: str):
        unit = selectors.unit_by_code(code)
        client = eboard_client(token, unit)
        return (client, unit) if client is not None else (None, None)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not text_data:
            await self.send_json({"type": "error", "message": "invalid message"})
            return
        await super().receive(text_data=text_data, **kwargs)

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return json.loads(text_data)
        except (ValueError, RecursionError):
            return None

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "message": "invalid message"})
            return
        kind = content.get("type")
        if kind == "shown":
            bulletin_id = parse_id(content.get("bulletin_id"))
            if bulletin_id is None:
                await self.send_json({"type": "error", "message": "invalid bulletin_id"})
                return
            await database_sync_to_async(services.eboard_showing_record)(
                client=self.client, unit=self.unit, bulletin_id=bulletin_id)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "message": "unknown type"})

    async def eboard_emergency(self, event):
        await self.send_json({"type": "emergency", "item": event["item"]})
