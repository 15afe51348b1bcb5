"""`qingling keys rotate|list`, the check that refuses to start a worker or the API without a payload key,
and the key file `qingling dev` makes on first run (docs/security.md)."""

from __future__ import annotations

import logging
from pathlib import Path

from config.sealing import (
    PayloadKeyError,
    default_key_file,
    ensure_key_file,
    key_file,
    key_source,
    load_key_ring,
    payload_codec,
    read_key_file,
    rotate_key_file,
)
from config.settings import Settings

log = logging.getLogger(__name__)


def require_payload_keys(settings: Settings, command: str) -> None:
    """Refuse (SystemExit with the reason and how to fix it) unless payloads will be sealed, or sealing is
    explicitly turned off (QINGLING_PAYLOAD_SEALING=off, tests only: then a loud warning)."""
    try:
        codec = payload_codec(settings)
    except PayloadKeyError as exc:
        raise SystemExit(f"错误：qingling {command} 未启动。{exc}") from None
    if codec.key_id is None:
        log.warning(
            "QINGLING_PAYLOAD_SEALING=off：载荷不加密，案件个人信息将以明文存入 Temporal。仅限测试，切勿用于生产"
        )
    else:
        log.info("载荷加密已启用：当前密钥 %s（来自 %s）", codec.key_id, key_source(settings))


def _target_file(settings: Settings, given: Path | None) -> Path:
    if given is not None:
        return given
    if settings.payload_keys is not None:
        raise SystemExit(
            "错误：密钥环来自环境变量 QINGLING_PAYLOAD_KEYS，本命令不能修改它。"
            "请以 --key-file 指定密钥文件（之后改用 QINGLING_PAYLOAD_KEY_FILE），"
            "或自行在该变量的最前面加入新密钥（编号:base64，32 字节）并保留旧密钥"
        )
    return key_file(settings)


def rotate(settings: Settings, given: Path | None) -> tuple[str, str]:
    """Add a new key to the key file and make it current, keeping the old keys. Returns the new key id (for
    stdout) and what was done (for stderr)."""
    path = _target_file(settings, given)
    try:
        ring, old = rotate_key_file(path)
    except (PayloadKeyError, OSError) as exc:
        raise SystemExit(f"错误：密钥未轮换：{exc}") from None
    used = given is None or given == key_file(settings)
    if old is None:
        report = f"已创建密钥文件 {path}（权限 0600）：当前密钥 {ring.current}。"
    else:
        report = (
            f"已生成新密钥 {ring.current} 并设为当前密钥（{path}）；保留旧密钥 {', '.join(sorted(old.keys))} "
            "以解密已有案件的载荷，请勿删除。\n"
            "请依次重启 worker 和 API；尚未重启的进程遇到新密钥的载荷时会自动重新读取该文件。"
        )
    if not used:
        report += f"\n请为每个 worker 和 API 设置 QINGLING_PAYLOAD_KEY_FILE={path}"
    elif settings.payload_key_file is None and path == default_key_file(settings):
        report += f"\n未设置 QINGLING_PAYLOAD_KEY_FILE：本机以 {settings.var_dir} 为数据目录的进程将使用该文件。"
    return ring.current, report


def list_keys(settings: Settings, given: Path | None) -> str:
    """Key ids, the current one marked; never the key material."""
    try:
        ring = read_key_file(given) if given is not None else load_key_ring(settings)
    except PayloadKeyError as exc:
        raise SystemExit(f"错误：{exc}") from None
    if ring is None:
        raise SystemExit("错误：未配置载荷加密密钥。请运行 qingling keys rotate --key-file <路径> 生成")
    source = str(given) if given is not None else key_source(settings)
    lines = [f"# 密钥来源 source: {source}"]
    for key_id in sorted(ring.keys, reverse=True):
        lines.append(
            f"{'*' if key_id == ring.current else ' '} {key_id}{'  当前 current' if key_id == ring.current else ''}"
        )
    return "\n".join(lines)


def ensure_dev_keys(settings: Settings) -> Path | None:
    """`qingling dev`: with no key configured (and sealing on), create ``<var_dir>/keys/payload-keys.json``
    (or the missing QINGLING_PAYLOAD_KEY_FILE) once; the default key file is then found by every command run
    with the same var dir. Returns the key file in use, or None when the ring comes from
    QINGLING_PAYLOAD_KEYS or sealing is off."""
    if settings.payload_keys is not None or settings.payload_sealing == "off":
        return None
    path = key_file(settings)
    try:
        ring, created = ensure_key_file(path)
    except (PayloadKeyError, OSError) as exc:
        raise SystemExit(f"错误：无法准备开发用载荷密钥 {path}：{exc}") from None
    if created:
        log.info("已生成开发用载荷加密密钥 %s（%s，权限 0600）", ring.current, path)
    return path
