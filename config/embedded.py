"""The embedded profile runs huey's consumer as threads inside the web process, so that a background
job's channel-layer message reaches sockets of the same process (the in-memory layer is per process)."""

import logging

from huey.consumer import Consumer

logger = logging.getLogger(__name__)


class ThreadedConsumer(Consumer):
    """huey's consumer without signal handlers: only the main thread may install them, and the web
    server owns the process's signals."""

    def _set_signal_handlers(self):
        logger.debug("huey consumer embedded: signal handlers left to the web server")


def start_embedded_consumer(*, workers: int | None = None) -> ThreadedConsumer:
    # imported here, not at the top: `serve` imports this module before Django's apps are ready
    from django.conf import settings  # noqa: PLC0415
    from django.utils.module_loading import autodiscover_modules  # noqa: PLC0415
    from huey.contrib.djhuey import HUEY  # noqa: PLC0415

    autodiscover_modules("tasks")  # as run_huey does: registers every app's jobs and periodic tasks

    options = dict(settings.HUEY.get("consumer", {}))
    options["worker_type"] = "thread"
    if workers is not None:
        options["workers"] = workers
    consumer = ThreadedConsumer(HUEY, **options)
    consumer.start()
    return consumer
