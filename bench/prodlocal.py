"""deploy/prod-local.sh (nginx in front of 2 daphne processes, 2 huey consumers) on the database and Redis this
benchmark process uses, in a run folder of its own; for the benchmarks that go through the proxy."""

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from shutil import rmtree

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


class ProdLocal:
    """`with ProdLocal(port, (web1, web2), database_url) as prod:` serves http://127.0.0.1:port/ until the block
    ends; `prod.kill_web(i)` stops daphne i (0 or 1) at once."""

    def __init__(self, port: int, web: tuple[int, int], database_url: str):
        self.port, self.web = port, web
        self.run = Path(tempfile.mkdtemp(prefix="bench-prod-"))
        self.env = {**os.environ, "PROD_RUN_DIR": str(self.run), "WEB1_PORT": str(web[0]), "WEB2_PORT": str(web[1]),
                    "DATABASE_URL": database_url, "REDIS_URL": settings.REDIS_URL,
                    "DJANGO_SECRET_KEY": settings.SECRET_KEY}  # the sessions this process made must be valid there

    def __enter__(self) -> "ProdLocal":
        started = subprocess.run(["deploy/prod-local.sh", "start", str(self.port)], cwd=ROOT, env=self.env,
                                 capture_output=True, text=True, timeout=180)
        if started.returncode:
            self.__exit__()
            raise RuntimeError(f"deploy/prod-local.sh failed: {started.stderr[-500:]}")
        return self

    def web_pid(self, i: int) -> int:
        return int((self.run / f"web-{self.web[i]}.pid").read_text())

    def kill_web(self, i: int) -> None:
        pid = self.web_pid(i)
        os.kill(pid, signal.SIGKILL)  # SIGTERM leaves daphne draining (and still answering) for a long while
        for _ in range(100):
            stat = Path(f"/proc/{pid}/stat")
            if not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":  # gone (or a zombie)
                return
            time.sleep(0.1)
        raise RuntimeError(f"daphne {pid} did not stop")

    def __exit__(self, *exc) -> None:
        pids = [int(f.read_text()) for f in self.run.glob("*.pid")]
        subprocess.run(["deploy/prod-local.sh", "stop"], cwd=ROOT, env=self.env, capture_output=True, timeout=60)
        time.sleep(1)
        for pid in pids:  # a daphne that served websockets can outlive the script's TERM
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        rmtree(self.run, ignore_errors=True)
