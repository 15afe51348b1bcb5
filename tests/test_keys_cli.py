"""`qingling keys rotate|list` through the console script, the key file's modes, the key file `qingling dev`
makes, and `qingling worker` / `qingling api` refusing to start without a payload key (unless opted out)."""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.sealing import KeyRing, read_key_file
from config.settings import Settings
from db.devcluster import free_port
from qingling.keys import ensure_dev_keys

QINGLING = str(Path(sys.executable).parent / "qingling")


def env_without_keys(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGLING_PAYLOAD_")}
    return {
        **env,
        "QINGLING_VAR_DIR": str(tmp_path / "var"),
        "QINGLING_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}",
        "QINGLING_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # nothing listens there
        **extra,
    }


def qingling(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([QINGLING, *args], env=env, capture_output=True, text=True, timeout=timeout)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_rotate_creates_then_rotates_keeping_old_keys(tmp_path: Path) -> None:
    env = env_without_keys(tmp_path)
    path = tmp_path / "secrets" / "ring" / "payload-keys.json"
    first = qingling(env, "keys", "rotate", "--key-file", str(path))
    assert first.returncode == 0, first.stderr
    first_id = first.stdout.strip()
    assert mode(path) == 0o600 and mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    assert "已创建密钥文件" in first.stderr and "QINGLING_PAYLOAD_KEY_FILE" in first.stderr
    doc = json.loads(path.read_text())
    assert doc["current"] == first_id and len(base64.b64decode(doc["keys"][first_id])) == 32

    second = qingling(env, "keys", "rotate", "--key-file", str(path))
    assert second.returncode == 0, second.stderr
    second_id = second.stdout.strip()
    assert second_id != first_id and first_id in second.stderr and "保留旧密钥" in second.stderr
    ring = read_key_file(path)
    assert ring.current == second_id and set(ring.keys) == {first_id, second_id}
    assert mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind

    listed = qingling({**env, "QINGLING_PAYLOAD_KEY_FILE": str(path)}, "keys", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert f"* {second_id}  当前 current" in lines and f"  {first_id}" in lines
    for key in ring.keys.values():  # never the key material
        assert base64.b64encode(key).decode() not in listed.stdout + listed.stderr
        assert base64.b64encode(key).decode() not in second.stdout + second.stderr
    assert qingling(env, "keys", "list", "--key-file", str(path)).stdout == listed.stdout


def test_rotate_defaults_to_the_var_dir_and_refuses_an_environment_ring(tmp_path: Path) -> None:
    env = env_without_keys(tmp_path)
    made = qingling(env, "keys", "rotate")
    assert made.returncode == 0, made.stderr
    default = tmp_path / "var" / "keys" / "payload-keys.json"
    assert read_key_file(default).current == made.stdout.strip()
    assert mode(default) == 0o600 and mode(default.parent) == 0o700

    ring = KeyRing.generate()
    refused = qingling({**env, "QINGLING_PAYLOAD_KEYS": ring.to_env()}, "keys", "rotate")
    assert refused.returncode == 2 and "QINGLING_PAYLOAD_KEYS" in refused.stderr and "--key-file" in refused.stderr
    listed = qingling({**env, "QINGLING_PAYLOAD_KEYS": ring.to_env()}, "keys", "list")
    assert listed.returncode == 0 and ring.current in listed.stdout and "QINGLING_PAYLOAD_KEYS" in listed.stdout
    both = qingling(
        {**env, "QINGLING_PAYLOAD_KEYS": ring.to_env(), "QINGLING_PAYLOAD_KEY_FILE": str(default)}, "keys", "list"
    )
    assert both.returncode == 2 and "只能设置其一" in both.stderr


@pytest.mark.parametrize("command", ["worker", "api"])
def test_production_commands_refuse_to_start_without_a_key(tmp_path: Path, command: str) -> None:
    started = time.monotonic()
    done = qingling(env_without_keys(tmp_path), command, timeout=30)
    assert done.returncode == 2
    assert time.monotonic() - started < 20  # refused at once, not after retrying to connect
    assert f"qingling {command} 未启动" in done.stderr
    assert "qingling keys rotate --key-file" in done.stderr and "QINGLING_PAYLOAD_KEY_FILE" in done.stderr
    bad = qingling(
        env_without_keys(tmp_path, QINGLING_PAYLOAD_KEYS="k1:" + base64.b64encode(bytes(16)).decode()),
        command,
        timeout=30,
    )
    assert bad.returncode == 2 and "32 字节" in bad.stderr


def test_the_opt_out_lets_a_worker_start_with_a_warning(tmp_path: Path) -> None:
    """QINGLING_PAYLOAD_SEALING=off (tests only): no key needed; the worker goes on to connect to Temporal."""
    env = env_without_keys(tmp_path, QINGLING_PAYLOAD_SEALING="off")
    assert qingling(env, "db", "upgrade").returncode == 0  # past the schema check too
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [QINGLING, "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        time.sleep(4)
        assert proc.poll() is None, log.read_text()  # still trying to reach Temporal, not refused
        text = log.read_text()
        assert "QINGLING_PAYLOAD_SEALING=off" in text and "仅限测试" in text and "未启动" not in text
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)


def test_dev_makes_its_key_file_once(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", payload_keys=None, payload_key_file=None)
    path = ensure_dev_keys(settings)
    assert path == tmp_path / "var" / "keys" / "payload-keys.json"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    ring = read_key_file(path)
    assert ensure_dev_keys(settings) == path and read_key_file(path) == ring  # reused, never replaced
    # Every command run with the same var dir finds it.
    listed = qingling(env_without_keys(tmp_path), "keys", "list")
    assert listed.returncode == 0 and f"* {ring.current}" in listed.stdout
    # A ring from the environment, or sealing off: nothing is written.
    other = tmp_path / "other"
    assert ensure_dev_keys(Settings(var_dir=other, payload_keys=ring.to_env())) is None  # type: ignore[arg-type]
    assert ensure_dev_keys(Settings(var_dir=other, payload_keys=None, payload_sealing="off")) is None
    assert not other.exists()


def test_gitignore_keeps_keys_out_of_the_repository() -> None:
    root = Path(__file__).resolve().parents[1]
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "var/keys/payload-keys.json"], cwd=root, capture_output=True, timeout=30
    )
    assert ignored.returncode == 0
