"""A throwaway PostgreSQL server for the test run: a temp folder, a free port, stopped after."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed here."""


def _bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    which = shutil.which("postgres")
    if which:
        return Path(which).parent
    raise PostgresUnavailable("PostgreSQL server programs not found (Debian package `postgresql`).")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """Start with ``start()``; ``url`` is a superuser URL; ``stop()`` removes everything."""

    @staticmethod
    def check_installed() -> None:
        """Raise PostgresUnavailable when the server programs are missing."""
        _bin_dir()

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="groundwork-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.as_root = os.geteuid() == 0

    def _cmd(self, *args: str) -> list[str]:
        # initdb and postgres refuse to run as root: use the package's postgres user.
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            self._cmd(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-instructions",
            ),
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(
            self._cmd(
                str(self.bin / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.dir),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    time.sleep(0.3)
                    return self.url("postgres")
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("PostgreSQL did not start within 30 s")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
