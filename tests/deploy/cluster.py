"""Several Groundwork processes on one PostgreSQL database, as a deployment runs them:
`groundwork serve` instances on loopback ports and `groundwork worker` processes, each a
real subprocess with production settings, stopped (and its log kept) afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.config import ROOT
from tests.accounts.smtp_server import free_port
from tests.settings_support import PRODUCTION_TEST_KEY

BIN = Path(sys.executable).parent


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        assert self.port is not None
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Cluster:
    """The processes of one deployment; ``settings`` are GROUNDWORK_* names without the
    prefix, shared by every process (as a deployment shares its environment)."""

    folder: Path
    settings: dict[str, str]
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        # The suite's own GROUNDWORK_* values (cheap argon2, development) are not a
        # production deployment's: start from the rest of the environment.
        env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDWORK_")}
        env.update(self.extra_env)
        env.update({f"GROUNDWORK_{k.upper()}": v for k, v in self.settings.items()})
        env.update(GROUNDWORK_ENVIRONMENT="production", GROUNDWORK_SECRET_KEY=PRODUCTION_TEST_KEY)
        return env

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """A one-shot ``groundwork`` command (a migration, a content sync)."""
        return subprocess.run(
            [str(BIN / "groundwork"), *args],
            env=self.environment(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def _start(self, name: str, args: list[str], port: int | None = None) -> Process:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [str(BIN / "groundwork"), *args],
                env=self.environment(),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, popen, log, port)
        self.processes.append(process)
        return process

    def serve(self, name: str) -> Process:
        """A ``groundwork serve`` instance (one uvicorn worker) on a free port."""
        port = free_port()
        return self._start(name, ["serve", "--port", str(port)], port)

    def worker(self, name: str, interval: float) -> Process:
        return self._start(name, ["worker", "--interval", str(interval)])

    def wait_ready(self, *instances: Process, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        for instance in instances:
            while True:
                if instance.popen.poll() is not None:
                    raise RuntimeError(f"{instance.name} exited:\n{instance.output()}")
                try:
                    if httpx.get(f"{instance.url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{instance.name} not ready:\n{instance.output()}")
                time.sleep(0.1)

    def stop(self, *processes: Process) -> None:
        """SIGTERM to each at once (a worker finishes its round, uvicorn its requests),
        then wait for each."""
        running = [p for p in processes if p.popen.poll() is None]
        for process in running:
            process.popen.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(timeout=10)

    def stop_all(self) -> None:
        self.stop(*self.processes)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.output()[-3000:]}" for p in self.processes)
