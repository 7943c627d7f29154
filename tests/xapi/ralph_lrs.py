"""Ralph (``ralph-malph``), a real xAPI Learning Record Store, on loopback.

Ralph's dependencies conflict with ours, so it lives in its own virtual environment,
created on first use under ``.venv-ralph/`` (pip from the registries; a file lock keeps two
test workers from building it at once) and reused afterwards. Each ``Ralph`` runs
``ralph runserver`` with the file-system backend and basic auth in its own directory, and
is stopped with its whole process group. The server is Ralph's own app under uvicorn,
started by ``ralph_server.py`` (which says why not ``ralph runserver``)."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("GROUNDWORK_RALPH_VENV", ROOT / ".venv-ralph"))
RALPH_PACKAGES = ["ralph-malph[cli,backend-fs,lrs]==5.1.0", "requests"]
USER = "groundwork"
PASSWORD = "ralph-test-secret"


def ralph_bin() -> Path:
    """The ``ralph`` command, installing its venv first when it is missing."""
    ralph = VENV / "bin" / "ralph"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / ".venv-ralph.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (VENV / ".installed").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
            subprocess.run(
                [str(VENV / "bin" / "pip"), "install", "--quiet", *RALPH_PACKAGES], check=True
            )
            (VENV / ".installed").write_text(" ".join(RALPH_PACKAGES))
    return ralph


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Ralph:
    """One Ralph LRS; ``start`` again after ``stop`` serves the same statements."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def _environment(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("RALPH_")},
            "RALPH_APP_DIR": str(self.directory / ".ralph"),
            "RALPH_AUTH_FILE": str(self.directory / ".ralph" / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.directory / "data"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.directory / "data"),
        }

    def start(self) -> Ralph:
        ralph = ralph_bin()
        env = self._environment()
        (self.directory / "data").mkdir(parents=True, exist_ok=True)
        if not (self.directory / ".ralph" / "auth.json").exists():
            subprocess.run(
                [str(ralph), "auth", "-u", USER, "-p", PASSWORD, "-s", "all"]
                + ["-M", "mailto:lrs@example.org", "-w"],
                env=env,
                check=True,
                capture_output=True,
            )
        log = open(self.directory / "ralph.log", "ab")  # noqa: SIM115  (closed with the process)
        server = [str(VENV / "bin" / "python"), str(Path(__file__).with_name("ralph_server.py"))]
        self.process = subprocess.Popen(
            [*server, "127.0.0.1", str(self.port)],
            env=env,
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited: {self.log_tail()}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).is_success:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not start: {self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.process = None

    def log_tail(self) -> str:
        path = self.directory / "ralph.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def statements(self, **params: Any) -> list[dict[str, Any]]:
        """Every statement Ralph holds matching ``params`` (xAPI GET filters), newest first."""
        found: list[dict[str, Any]] = []
        url = f"http://127.0.0.1:{self.port}/xAPI/statements"
        query: dict[str, Any] = {"limit": 500, **params}
        while True:
            response = httpx.get(
                url,
                params=query,
                auth=(USER, PASSWORD),
                headers={"X-Experience-API-Version": "1.0.3"},
                timeout=30,
            )
            response.raise_for_status()
            body = response.json()
            found.extend(body["statements"])
            more = body.get("more")
            if not more:
                return found
            url, query = f"http://127.0.0.1:{self.port}{more}", {}
