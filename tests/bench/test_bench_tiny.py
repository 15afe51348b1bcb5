"""The benchmarks run once at tiny size so they cannot rot: every phase of bench/bench_engine.py
completes (a real dev server, worker and API), every action of the procedure succeeds with the
bench's request bodies, and bench/report.py turns the figures into results.json and results.md.
No figure is asserted: timings are for `make bench`, never for tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
ACTIONS = ["accept", "record_finding", "issue_order", "record_service", "record_payment", "close"]
NOTICES_OUTPUT = """renderer init (font index):        50.00 ms
first notice (cold compile):       60.00 ms
baseline one-line doc (50 runs):  median 0.70 ms, mean 0.80 ms
notices (4 kinds, 1–20 workers):   median 7.00 ms, mean 8.00 ms, max 16.00 ms
ratio notice / baseline (median):  10.0x
"""


def run(*argv: str | Path, timeout: float) -> None:
    done = subprocess.run([sys.executable, *map(str, argv)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


def test_engine_and_report_at_tiny_size(tmp_path: Path) -> None:
    engine = tmp_path / "engine.json"
    run(ROOT / "bench" / "bench_engine.py", "--size", "tiny", "--out", engine, timeout=240)
    result = json.loads(engine.read_text(encoding="utf-8"))
    assert result["errors"] == {}

    intake = result["intake"]
    assert intake["api"]["ok"] == intake["n"] == 20, intake["api"]
    assert intake["bare"]["ok"] == 20 and intake["ratio"] is not None

    actions = result["actions"]
    assert actions["bare_update"]["ok"] == 5 * len(ACTIONS)
    for name in ACTIONS:
        assert actions["actions"][name]["ok"] == 5, (name, actions["actions"][name])

    rss = result["rss"]
    assert "error" not in rss, rss["error"]
    assert [s["open_cases"] for s in rss["steps"]] == [25, 50]
    assert rss["bare_worker_rss_mib"] > 0

    sqlite = result["history"]["sqlite"]
    assert sqlite["fill"]["history_rows"] == 1_000 and sqlite["rows_per_history"] == 10
    assert sqlite["query"]["index_serves"] is True, sqlite["query"]
    postgres = result["history"]["postgresql"]
    assert "error" not in postgres, postgres

    herd = tmp_path / "herd.json"
    run(ROOT / "bench" / "bench_herd.py", "--size", "tiny", "--out", herd, timeout=240)
    herded = json.loads(herd.read_text(encoding="utf-8"))
    assert herded["errors"] == {}
    for design in ("shared", "per_case"):
        runs = herded["designs"][design]
        assert [h["n"] for h in runs] == [1, 20], design
        assert all(h["escalations_recorded"] == h["escalations_expected"] for h in runs), runs

    notices = tmp_path / "notices.txt"
    notices.write_text(NOTICES_OUTPUT, encoding="utf-8")
    out_json, out_md = tmp_path / "results.json", tmp_path / "results.md"
    run(
        ROOT / "bench" / "report.py",
        "--engine",
        engine,
        "--list",
        tmp_path / "absent.json",
        "--notices",
        notices,
        "--herd",
        herd,
        "--herd-10k",
        tmp_path / "absent-herd.json",
        "--out-json",
        out_json,
        "--out-md",
        out_md,
        timeout=60,
    )
    merged = json.loads(out_json.read_text(encoding="utf-8"))
    assert {"cpu_count", "cpu_model", "python", "temporalio", "sqlalchemy", "typst", "date"} <= set(merged["machine"])
    assert merged["figures"]["notices"]["notices_per_s_per_core"] == pytest.approx(1000 / 7, abs=0.1)
    items = [t["item"] for t in merged["targets"]]
    assert items.count("2") == len(ACTIONS) and {"1", "3", "4", "5", "7"} <= set(items)
    md = out_md.read_text(encoding="utf-8")
    assert "| # | what | measured | baseline | ratio | target | holds |" in md
    assert "intake" in md and "record_service" in md and "worker RSS" in md and "year-end herd" in md
