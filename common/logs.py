"""One JSON line per request and per background job (settings.LOGGING routes the "ttcs.request" and "ttcs.job"
loggers through `JsonFormatter`), so an operator can follow a directive from its approval to its last commune:
who, what (the view or job and the object ids), how long, the outcome."""

import json
import logging
import time

from django.urls import resolve
from django.urls.exceptions import Resolver404

request_log = logging.getLogger("ttcs.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                "logger": record.name}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        else:
            data["message"] = record.getMessage()
        return json.dumps(data, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Sync and async: the line is written once the response is ready (streamed bodies: when it starts)."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        try:
            match = resolve(request.path_info)
            view, ids = match.view_name, {k: v for k, v in match.kwargs.items() if k.endswith("pk") or k == "pk"}
        except Resolver404:
            view, ids = "", {}
        user = getattr(request, "user", None)
        request_log.info("request", extra={"fields": {
            "event": "request", "method": request.method, "path": request.path, "view": view, "ids": ids,
            "status": response.status_code, "ms": round((time.monotonic() - started) * 1000, 1),
            "user": user.username if user is not None and user.is_authenticated else None}})
        return response
