"""The module page on its own: cold start, first page, server CPU per page, RSS, a profile.

Run: .venv/bin/python bench/bench_module_page.py [--pages 500] [--profile out.txt]

Starts `groundwork serve --workers 1` with production settings on a fresh SQLite database
(the same set-up as `bench_ceiling.py`) and reports:
- start to the first 200 on /healthz, and how long the first module page then takes;
- the worker's CPU time per module page over ``--pages`` sequential requests, read from
  /proc (user + system), which a busy shared machine disturbs far less than requests/s;
- the worker's resident memory after 1,000 module pages, and whether Polars, fpdf or segno
  were loaded into it (from /proc/PID/maps);
- with ``--profile FILE`` (needs py-spy in the venv): ``py-spy record --gil`` on the worker
  while wrk loads the page, written as "collapsed" stacks, and the top frames by share.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ceiling import BIN, COURSE, MODULE, ROOT, _free_port, _login, _rss_mb, _wait_ok

MODULE_PATH = f"/courses/{COURSE}/modules/{MODULE}"
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _loaded(pid: int) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in ("polars", "fpdf", "segno", "fontTools", "PIL") if name in maps]


def _top_frames(collapsed: Path, count: int = 25) -> list[tuple[str, float]]:
    """Inclusive share of each frame (function + file) over all samples."""
    totals: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in collapsed.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        weight = int(n)
        samples += weight
        for frame in set(stack.split(";")):
            totals[frame] += weight
    return [(f, c / samples) for f, c in totals.most_common(count)] if samples else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gw-module-"))
    env = {
        **os.environ,
        "GROUNDWORK_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "GROUNDWORK_SECRET_KEY": os.urandom(48).hex(),
        "GROUNDWORK_ENVIRONMENT": "production",
        "GROUNDWORK_NEW_PASSWORD": "bench password 1",
    }
    run = {"env": env, "check": True, "capture_output": True}
    subprocess.run([BIN / "groundwork", "db", "upgrade"], **run)  # type: ignore[call-overload]
    subprocess.run(  # type: ignore[call-overload]
        [BIN / "groundwork", "users", "create", "--email", "bench@example.org", "--name", "B"],
        **run,
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    server = subprocess.Popen(
        [BIN / "groundwork", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ok(base + "/healthz")
        print(f"start to first 200 on /healthz: {time.monotonic() - started:.2f} s")
        cookie, _pages = _login(base)
        with httpx.Client(base_url=base, timeout=30, headers={"Cookie": cookie}) as client:
            began = time.monotonic()
            assert client.get(MODULE_PATH).status_code == 200
            print(f"first module page after start: {(time.monotonic() - began) * 1000:.0f} ms")
            for _ in range(50):
                client.get(MODULE_PATH)
            cpu = _cpu_s(server.pid)
            for _ in range(args.pages):
                assert client.get(MODULE_PATH).status_code == 200
            per_page = (_cpu_s(server.pid) - cpu) / args.pages * 1000
            print(f"worker CPU per module page ({args.pages} sequential): {per_page:.2f} ms")
            for _ in range(max(0, 1000 - args.pages - 51)):
                client.get(MODULE_PATH)
        print(f"resident memory after 1,000 module pages: {_rss_mb(server.pid):.0f} MB")
        print(f"loaded into the worker: {', '.join(_loaded(server.pid)) or 'none of them'}")
        if args.profile is not None:
            spy = subprocess.Popen(
                [BIN / "py-spy", "record", "--gil", "--format", "raw", "--nonblocking"]
                + ["-r", "250", "-d", str(args.seconds), "-o", str(args.profile)]
                + ["--pid", str(server.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1)
            subprocess.run(
                ["wrk", "-t2", "-c32", f"-d{args.seconds - 2}s", "-H", f"Cookie: {cookie}"]
                + [base + MODULE_PATH],
                capture_output=True,
                check=True,
            )
            spy.wait(timeout=60)
            print(f"\npy-spy --gil, inclusive share of samples ({args.profile}):")
            for frame, share in _top_frames(args.profile):
                print(f"{share:6.1%}  {frame}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
