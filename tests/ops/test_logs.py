"""One JSON line per request (who, which view and object, status, duration) and per job (which job, its
arguments, outcome, duration)."""

import json
import logging

from huey import signals as S
from huey.contrib.djhuey import HUEY

from common.logs import JsonFormatter


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


def _capture(name):
    handler = Lines()
    logging.getLogger(name).addHandler(handler)
    return handler


def test_a_request_is_one_json_line_naming_who_what_and_how_long(demo, client, user):
    handler = _capture("ttcs.request")
    try:
        client.force_login(user("phongtt"))
        client.get("/coordination/directives/123456/")
    finally:
        logging.getLogger("ttcs.request").removeHandler(handler)
    [line] = [x for x in handler.lines if x["path"] == "/coordination/directives/123456/"]
    assert line["event"] == "request" and line["user"] == "phongtt" and line["status"] == 404
    assert line["view"] == "coordination:directive_detail" and line["ids"] == {"pk": 123456}
    assert isinstance(line["ms"], float)


def test_a_job_is_one_json_line_with_its_outcome(db):
    handler = _capture("ttcs.job")
    try:
        @HUEY.task(name="tests.ops.sample_job")
        def sample(x):
            return x

        task = sample.s(42)
        HUEY._emit(S.SIGNAL_EXECUTING, task)
        HUEY._emit(S.SIGNAL_COMPLETE, task)
        HUEY._emit(S.SIGNAL_EXECUTING, task)
        HUEY._emit(S.SIGNAL_ERROR, task, ValueError("hỏng"))
    finally:
        logging.getLogger("ttcs.job").removeHandler(handler)
    ok, failed = handler.lines
    assert (ok["job"], ok["args"], ok["outcome"]) == ("tests.ops.sample_job", [42], "ok") and ok["ms"] is not None
    assert failed["outcome"] == "failed" and "hỏng" in failed["error"]
