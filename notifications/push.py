"""The fast path: hand messages to the channel layer for the `user.<id>` groups. Callers run it only after
their transaction committed (see services), so a browser never hears of a row it cannot read yet."""

import asyncio
import logging
from collections.abc import Sequence

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Concurrent group_send calls in flight: enough to hide Redis round trips, few enough for its connection pool.
SEND_CONCURRENCY = 64


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


async def send_to_groups_async(messages: Sequence[tuple[str, dict]]) -> list[BaseException | None]:
    layer = get_channel_layer()
    if layer is None:
        return [RuntimeError("no channel layer")] * len(messages)
    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def one(group: str, message: dict) -> BaseException | None:
        async with gate:
            try:
                await layer.group_send(group, message)
            except Exception as exc:  # one unreachable group must not stop the others
                return exc
            return None

    return list(await asyncio.gather(*(one(g, m) for g, m in messages)))


def send_to_groups(messages: Sequence[tuple[str, dict]]) -> list[BaseException | None]:
    """Send each (group, message); returns the error per message (None when handed over)."""
    if not messages:
        return []
    try:
        return async_to_sync(send_to_groups_async)(messages)
    except Exception as exc:  # the layer itself is down: the rows stay, clients catch up on reconnect
        logger.exception("channel layer unavailable")
        return [exc] * len(messages)
