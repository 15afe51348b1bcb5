"""Sampling profiles of the API and worker processes with py-spy (when installed), summarised as the
frames that used the CPU: self time by library and by function, and time spent under each project
function. py-spy samples from outside the process (--nonblocking), so the process is not paused."""

from __future__ import annotations

import collections
import linecache
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROJECT_DIRS = ("api", "activities", "db", "models", "notices", "qingling", "rules", "workflows")


def py_spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


class Profiler:
    """``py-spy record`` on several processes for the duration of a ``with`` block; raw stacks to files."""

    def __init__(self, pids: dict[str, int], out_dir: Path, label: str, rate: int = 100) -> None:
        self.pids = pids
        self.out_dir = out_dir
        self.label = label
        self.rate = rate
        self.running: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        self.error: str | None = None

    def __enter__(self) -> Profiler:
        exe = py_spy()
        if exe is None:
            self.error = "py-spy not installed (.venv/bin/pip install py-spy)"
            return self
        for name, pid in self.pids.items():
            out = self.out_dir / f"profile-{self.label}-{name}.txt"
            argv = [exe, "record", "-p", str(pid), "-f", "raw", "-o", str(out), "-r", str(self.rate)]
            argv += ["--nonblocking", "--full-filenames"]
            log = (self.out_dir / f"py-spy-{self.label}-{name}.log").open("ab")
            self.running[name] = (subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT), out)
        return self

    def pids_of_samplers(self) -> dict[str, int]:
        return {f"py-spy({name})": p.pid for name, (p, _) in self.running.items()}

    def __exit__(self, *exc: object) -> None:
        for proc, _ in self.running.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc, _ in self.running.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    def summaries(self) -> dict[str, Any]:
        if self.error:
            return {"error": self.error}
        out: dict[str, Any] = {}
        for name, (proc, path) in self.running.items():
            if not path.exists():
                log = self.out_dir / f"py-spy-{self.label}-{name}.log"
                tail = log.read_text(errors="replace")[-400:] if log.exists() else ""
                out[name] = {"error": f"py-spy wrote no profile (exit {proc.returncode}): {tail.strip()}"}
                continue
            out[name] = summarise(path.read_text(encoding="utf-8", errors="replace"))
        return out


def _split(frame: str) -> tuple[str, str]:
    """'func (path/file.py:12)' -> ('func', 'path/file.py')."""
    func, _, rest = frame.partition(" (")
    return func, rest.rstrip(")").rsplit(":", 1)[0]


def library(path: str) -> str:
    """Which library a frame's file belongs to: a site-packages distribution, a project package,
    the standard library module, or '?'."""
    if "site-packages/" in path:
        top = path.split("site-packages/", 1)[1].split("/", 1)[0]
        return top.removesuffix(".py")
    p = Path(path)
    try:
        rel = p.resolve().relative_to(ROOT)
        if rel.parts and rel.parts[0] in PROJECT_DIRS:
            return f"{rel.parts[0]}/ (project)"
    except ValueError:
        pass
    if "/lib/python" in path:
        after = path.split("/lib/python", 1)[1].split("/", 1)
        if len(after) == 2:
            return "stdlib:" + after[1].split("/", 1)[0].removesuffix(".py")
    return path or "?"


_BLOCKING = re.compile(r"\.(get|wait|select|acquire|poll|recv|accept|join)\(|\bsleep\(")


def idle(frame: str) -> bool:
    """A leaf frame that blocks in C (a queue's get, a selector's select, a lock): py-spy cannot always
    tell such a thread is idle, so these samples are dropped rather than counted as CPU."""
    func, path = _split(frame)
    if func in {"select", "wait", "get", "poll", "acquire"} or func.endswith((".select", ".wait", ".get")):
        return True
    line_no = frame.rstrip(")").rsplit(":", 1)[-1]
    line = linecache.getline(path, int(line_no)) if line_no.isdigit() else ""
    return bool(_BLOCKING.search(line))


def _project_frame(func: str, path: str) -> str | None:
    if "site-packages/" in path:
        return None
    try:
        rel = Path(path).resolve().relative_to(ROOT)
    except ValueError:
        return None
    if (
        not rel.parts
        or rel.parts[0] not in PROJECT_DIRS
        or (func in {"<module>", "main"} and rel.parts[0] == "qingling")
    ):
        return None
    return f"{rel.as_posix()}:{func}"


CENTRES = {
    "Temporal sandbox: new workflow instance (workflow module re-imported)": r"SandboxedWorkflowRunner\.create_inst",
    "workflow code (activations)": r"_WorkflowInstanceImpl\.activate",
    "notice rendering (typst)": r"NoticeRenderer\.render",
    "database (SQLAlchemy, aiosqlite, asyncpg)": r"/(sqlalchemy|aiosqlite|asyncpg)/",
    "HTTP server (uvicorn, starlette, fastapi)": r"/(uvicorn|h11|starlette|fastapi)/",
    "Temporal client calls": r"/temporalio/(client|service)\.py",
    "pydantic": r"/pydantic(_core)?/",
}
"""Where the time goes, by what is on the stack (a sample may fall under several)."""


def summarise(raw: str, top: int = 8) -> dict[str, Any]:
    """Shares of on-CPU samples: by the leaf frame's library and function (self time) and under each
    project function (inclusive)."""
    total = dropped = 0
    by_lib: collections.Counter[str] = collections.Counter()
    by_leaf: collections.Counter[str] = collections.Counter()
    by_project: collections.Counter[str] = collections.Counter()
    by_centre: collections.Counter[str] = collections.Counter()
    centres = {name: re.compile(pattern) for name, pattern in CENTRES.items()}
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if f]
        if not frames:
            continue
        if idle(frames[-1]):
            dropped += count
            continue
        total += count
        func, path = _split(frames[-1])
        lib = library(path)
        by_lib[lib] += count
        by_leaf[f"{func} ({lib})"] += count
        for name, pattern in centres.items():
            if pattern.search(stack):
                by_centre[name] += count
        seen = set()
        for frame in frames:
            key = _project_frame(*_split(frame))
            if key and key not in seen:
                seen.add(key)
                by_project[key] += count

    def share(counter: collections.Counter[str]) -> list[list[Any]]:
        return [[k, round(100 * v / total, 1)] for k, v in counter.most_common(top)] if total else []

    return {
        "samples": total,
        "idle_samples_dropped": dropped,
        "centres_pct": share(by_centre),
        "self_by_library_pct": share(by_lib),
        "self_by_function_pct": share(by_leaf),
        "under_project_function_pct": share(by_project),
    }
