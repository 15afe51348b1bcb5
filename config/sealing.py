"""Sealed payloads: every payload Qingling hands to Temporal is compressed, then encrypted with AES-256-GCM.

The Temporal server, its UI and ``temporal workflow show`` then hold ciphertext only: the names, ID numbers
and phones in a case's inputs, results, updates, queries, memo and failure messages never reach them in clear.

A sealed payload is ``Payload(metadata={"encoding": "binary/qingling-sealed", "key-id": <id>}, data=nonce ||
ciphertext)``. The plaintext is the serialized payload after the zlib step of config/codec.py
(compression always comes before encryption: ciphertext does not compress); the nonce is 96 random bits; the
associated data binds the encoding and the key id, so neither can be swapped without the tag failing.

Keys come from a key ring: the current key seals, every key of the ring opens (by the key id in the payload),
so a rotation never breaks a running case. Payloads without our encoding (plain JSON, or ``binary/zlib`` from
before sealing) still decode, so old histories replay; a sealed payload whose key id is not in the ring, or
that fails authentication, is an error that names the key id, never a silent pass-through.

Where the ring comes from (docs/security.md): ``QINGLING_PAYLOAD_KEYS`` (JSON ``{"current": id, "keys": {id:
base64}}`` or ``id:base64,id:base64``, the first current), else the key file ``QINGLING_PAYLOAD_KEY_FILE``,
else ``<var_dir>/keys/payload-keys.json`` if it exists (what ``qingling dev`` generates). Setting both the
variable and the file is refused as ambiguous. Without a ring, :func:`payload_codec` refuses unless
``QINGLING_PAYLOAD_SEALING=off`` (tests only), which stops sealing new payloads.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import json
import logging
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from config.codec import compress, decompress
from config.settings import Settings

log = logging.getLogger(__name__)

SEALED_ENCODING = b"binary/qingling-sealed"
KEY_ID_META = "key-id"
NONCE_SIZE = 12
TAG_SIZE = 16
KEY_SIZE = 32
"""AES-256."""
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KEY_FILE_NAME = Path("keys") / "payload-keys.json"
"""The default key file, under the var dir (``qingling dev`` creates it there)."""
RELOAD_INTERVAL = 1.0
"""A codec whose ring came from a key file re-reads it at most this often, when it meets an unknown key id."""

SETUP_HINT = (
    "请先生成密钥文件（放在代码仓库之外，例如 /etc/qingling/payload-keys.json）：\n"
    "  qingling keys rotate --key-file /etc/qingling/payload-keys.json\n"
    "再为 worker 和 API 设置 QINGLING_PAYLOAD_KEY_FILE=/etc/qingling/payload-keys.json"
    "（或以 QINGLING_PAYLOAD_KEYS 提供密钥环），详见 docs/security.md。\n"
    "仅限测试：QINGLING_PAYLOAD_SEALING=off 可不加密运行。"
)


class PayloadKeyError(Exception):
    """A key ring that cannot be used, or a sealed payload that cannot be opened."""


class PayloadKeysMissing(PayloadKeyError):
    def __init__(self) -> None:
        super().__init__(
            "未配置载荷加密密钥，拒绝运行：案件中的姓名、身份证号码和电话不能以明文交给 Temporal。\n"
            + SETUP_HINT
            + "\n(no payload key configured: set QINGLING_PAYLOAD_KEY_FILE or QINGLING_PAYLOAD_KEYS)"
        )


class UnknownPayloadKey(PayloadKeyError):
    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            f"载荷所用的密钥 {key_id!r} 不在本进程的密钥环中：轮换时删除了旧密钥，或各进程的密钥配置不一致；"
            f"请把该密钥加回密钥文件或 QINGLING_PAYLOAD_KEYS 后重启。"
            f" (unknown payload key id {key_id!r}: it is not in this process's key ring)"
        )


class SealedPayloadInvalid(PayloadKeyError):
    def __init__(self, key_id: str) -> None:
        self.key_id = key_id
        super().__init__(
            f"密封载荷（密钥 {key_id!r}）未通过完整性校验：内容已被篡改或损坏，或同名密钥的内容不一致。"
            f" (sealed payload with key id {key_id!r} failed authentication: tampered, corrupt or wrong key)"
        )


def _printable_key_id(raw: bytes) -> str:
    """A key id read from a payload, as it may be shown in an error (it comes from outside)."""
    text = raw.decode("utf-8", "replace")[:64]
    return text if KEY_ID_PATTERN.match(text) else text.encode("unicode_escape").decode("ascii")


def new_key_id(now: datetime | None = None) -> str:
    """``YYYYMMDD-xxxxxx``: the UTC day of its creation and 24 random bits (sortable, never reused)."""
    return f"{(now or datetime.now(UTC)):%Y%m%d}-{secrets.token_hex(3)}"


def _check_key_id(key_id: str) -> str:
    if not KEY_ID_PATTERN.match(key_id):
        raise PayloadKeyError(
            f"密钥编号 {key_id!r} 不合规：只能用字母、数字、点、下划线和连字符，至多 64 个字符"
            f" (invalid key id {key_id!r})"
        )
    return key_id


def _decode_key(key_id: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadKeyError(f"密钥 {key_id!r} 不是合法的 base64 (key {key_id!r} is not base64)") from None
    if len(key) != KEY_SIZE:
        raise PayloadKeyError(
            f"密钥 {key_id!r} 应为 {KEY_SIZE} 字节（AES-256），实为 {len(key)} 字节"
            f" (key {key_id!r} must be {KEY_SIZE} bytes)"
        )
    return key


@dataclass(frozen=True)
class KeyRing:
    """The current key (seals) and every key still needed to open old payloads, by key id."""

    current: str
    keys: Mapping[str, bytes]

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            _check_key_id(key_id)
            if len(key) != KEY_SIZE:
                raise PayloadKeyError(f"密钥 {key_id!r} 应为 {KEY_SIZE} 字节 (key {key_id!r} must be {KEY_SIZE} bytes)")
        if self.current not in self.keys:
            raise PayloadKeyError(
                f"当前密钥 {self.current!r} 不在密钥环中 (current key id {self.current!r} is not in the ring)"
            )
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def __repr__(self) -> str:  # never the key material
        return f"KeyRing(current={self.current!r}, ids={list(self.keys)!r})"

    @classmethod
    def generate(cls) -> KeyRing:
        key_id = new_key_id()
        return cls(current=key_id, keys={key_id: AESGCM.generate_key(bit_length=256)})

    def rotated(self) -> KeyRing:
        """A new random key, made current; every old key kept (payloads sealed with them still open)."""
        key_id = new_key_id()
        while key_id in self.keys:
            key_id = new_key_id()
        return KeyRing(current=key_id, keys={**self.keys, key_id: AESGCM.generate_key(bit_length=256)})

    def to_json(self) -> str:
        """The key file's content: ``{"current": id, "keys": {id: base64}}``."""
        keys = {k: base64.b64encode(v).decode("ascii") for k, v in self.keys.items()}
        return json.dumps({"current": self.current, "keys": keys}, indent=2) + "\n"

    def to_env(self) -> str:
        """The ``QINGLING_PAYLOAD_KEYS`` form: ``id:base64,…``, the current key first."""
        ordered = [self.current, *(k for k in self.keys if k != self.current)]
        return ",".join(f"{k}:{base64.b64encode(self.keys[k]).decode('ascii')}" for k in ordered)

    @classmethod
    def parse(cls, text: str, source: str = "QINGLING_PAYLOAD_KEYS") -> KeyRing:
        """The JSON form (key file, or the variable) or ``id:base64,id:base64`` (the first is current)."""
        text = text.strip()
        if not text:
            raise PayloadKeyError(f"{source} 为空 ({source} is empty)")
        if text.startswith("{"):
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                raise PayloadKeyError(f"{source} 不是合法的 JSON：{exc} ({source} is not valid JSON)") from None
            current, keys = (doc.get("current"), doc.get("keys")) if isinstance(doc, dict) else (None, None)
            if not isinstance(current, str) or not isinstance(keys, dict) or not keys:
                raise PayloadKeyError(
                    f'{source} 应为 {{"current": "<编号>", "keys": {{"<编号>": "<base64>"}}}}'
                    f" ({source}: expected current and keys)"
                )
            pairs = [(str(k), v) for k, v in keys.items()]
        else:
            pairs = []
            for item in text.split(","):
                key_id, sep, value = item.strip().partition(":")
                if not sep:
                    raise PayloadKeyError(f"{source} 的每一项应为 <编号>:<base64> ({source}: expected id:base64)")
                pairs.append((key_id.strip(), value))
            current = pairs[0][0]
        ring: dict[str, bytes] = {}
        for key_id, value in pairs:
            _check_key_id(key_id)
            if not isinstance(value, str):
                raise PayloadKeyError(f"密钥 {key_id!r} 应为 base64 文本 (key {key_id!r} must be a base64 string)")
            if key_id in ring:
                raise PayloadKeyError(f"密钥编号 {key_id!r} 重复 (duplicate key id {key_id!r})")
            ring[key_id] = _decode_key(key_id, value)
        return cls(current=current, keys=ring)


# --- the key file ------------------------------------------------------------------------------------------


def read_key_file(path: Path) -> KeyRing:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PayloadKeyError(f"无法读取密钥文件 {path}：{exc.strerror} (cannot read key file {path})") from None
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("密钥文件 %s 的权限为 %o，其他用户可读：请 chmod 600", path, stat.S_IMODE(mode))
    return KeyRing.parse(text, source=str(path))


def write_key_file(path: Path, ring: KeyRing) -> None:
    """Atomically (a temporary file renamed over it), mode 0600; the directories it creates are made 0700."""
    folder = path.parent
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for created in reversed(missing):  # every directory made here is 0700, whatever the umask
        created.mkdir(mode=0o700, exist_ok=True)
        created.chmod(0o700)
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(ring.to_json())
            out.flush()
            os.fsync(out.fileno())
        tmp.chmod(0o600)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def default_key_file(settings: Settings) -> Path:
    return settings.var_dir / KEY_FILE_NAME


def key_file(settings: Settings) -> Path:
    """The key file this configuration names: ``QINGLING_PAYLOAD_KEY_FILE``, or the var dir's default."""
    return settings.payload_key_file or default_key_file(settings)


def key_source(settings: Settings) -> str | None:
    """Where the key ring comes from (for messages), or None when none is configured."""
    if settings.payload_keys is not None:
        return "QINGLING_PAYLOAD_KEYS"
    path = key_file(settings)
    if settings.payload_key_file is not None or path.exists():
        return str(path)
    return None


def load_key_ring(settings: Settings) -> KeyRing | None:
    """The configured key ring, or None when no key is configured anywhere."""
    if settings.payload_keys is not None and settings.payload_key_file is not None:
        raise PayloadKeyError(
            "QINGLING_PAYLOAD_KEYS 与 QINGLING_PAYLOAD_KEY_FILE 只能设置其一"
            " (set either QINGLING_PAYLOAD_KEYS or QINGLING_PAYLOAD_KEY_FILE, not both)"
        )
    if settings.payload_keys is not None:
        return KeyRing.parse(settings.payload_keys.get_secret_value())
    path = key_file(settings)
    if settings.payload_key_file is None and not path.exists():
        return None
    return read_key_file(path)


def sealing_enabled(settings: Settings) -> bool:
    return settings.payload_sealing == "on"


# --- the codec ---------------------------------------------------------------------------------------------


def _associated_data(key_id: str) -> bytes:
    return SEALED_ENCODING + b"\x00" + key_id.encode("ascii")


@dataclass(eq=False)
class SealingCodec(PayloadCodec):
    """Compress (zlib, when large), then seal with the ring's current key; open with any key of the ring.

    ``seal=False`` (``QINGLING_PAYLOAD_SEALING=off``, tests only) compresses without sealing; sealed payloads
    still open when a ring is given. ``reload`` re-reads the ring (from its key file) when a payload names a
    key this process does not have yet: a process that has not been restarted since a rotation keeps going.
    """

    ring: KeyRing | None
    seal: bool = True
    reload: Callable[[], KeyRing | None] | None = None
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False)
    _reloaded_at: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.seal and self.ring is None:
            raise PayloadKeysMissing()

    @property
    def key_id(self) -> str | None:
        """The key new payloads are sealed with (None: not sealing)."""
        return self.ring.current if self.seal and self.ring is not None else None

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.seal_payload(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open_payload(p) for p in payloads]

    def _cipher(self, key_id: str) -> AESGCM:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            ring = self.ring
            if ring is None or key_id not in ring.keys:
                ring = self._reload_for(key_id)
            cipher = self._ciphers[key_id] = AESGCM(bytes(ring.keys[key_id]))
        return cipher

    def _reload_for(self, key_id: str) -> KeyRing:
        now = time.monotonic()
        if self.reload is not None and now - self._reloaded_at >= RELOAD_INTERVAL:
            self._reloaded_at = now
            try:
                fresh = self.reload()
            except PayloadKeyError as exc:
                log.error("重新读取密钥失败：%s", exc)
                fresh = None
            if fresh is not None and key_id in fresh.keys:
                log.info("密钥环已重新读取：新增密钥 %s，当前密钥 %s", key_id, fresh.current)
                self.ring = fresh
                self._ciphers.clear()
                return fresh
        raise UnknownPayloadKey(key_id)

    def seal_payload(self, payload: Payload) -> Payload:
        compressed = compress(payload)
        if not self.seal or self.ring is None:
            return compressed
        key_id = self.ring.current
        nonce = secrets.token_bytes(NONCE_SIZE)
        sealed = self._cipher(key_id).encrypt(nonce, compressed.SerializeToString(), _associated_data(key_id))
        return Payload(metadata={"encoding": SEALED_ENCODING, KEY_ID_META: key_id.encode("ascii")}, data=nonce + sealed)

    def open_payload(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != SEALED_ENCODING:
            return decompress(payload)  # plain, or binary/zlib from before sealing
        raw_id = payload.metadata.get(KEY_ID_META, b"")
        key_id = _printable_key_id(raw_id)
        if raw_id != key_id.encode("ascii") or not KEY_ID_PATTERN.match(key_id):
            raise UnknownPayloadKey(key_id)
        cipher = self._cipher(key_id)
        if len(payload.data) < NONCE_SIZE + TAG_SIZE:
            raise SealedPayloadInvalid(key_id)
        nonce, sealed = payload.data[:NONCE_SIZE], payload.data[NONCE_SIZE:]
        try:
            plain = cipher.decrypt(nonce, sealed, _associated_data(key_id))
        except InvalidTag:
            raise SealedPayloadInvalid(key_id) from None
        inner = Payload()
        inner.ParseFromString(plain)
        return decompress(inner)


def payload_codec(settings: Settings) -> SealingCodec:
    """The codec this configuration asks for; refuses (:class:`PayloadKeysMissing`) when sealing is on and no
    key is configured."""
    ring = load_key_ring(settings)
    seal = sealing_enabled(settings)
    if seal and ring is None:
        raise PayloadKeysMissing()
    reload: Callable[[], KeyRing | None] | None = None
    if settings.payload_keys is None and ring is not None:
        reload = functools.partial(read_key_file, key_file(settings))
    return SealingCodec(ring, seal=seal, reload=reload)


def ensure_key_file(path: Path) -> tuple[KeyRing, bool]:
    """The ring in ``path``, created (one new key) if the file does not exist. True if it was created."""
    if path.exists():
        return read_key_file(path), False
    ring = KeyRing.generate()
    write_key_file(path, ring)
    return ring, True


def rotate_key_file(path: Path) -> tuple[KeyRing, KeyRing | None]:
    """Add a new key to the file's ring and make it current (created with one key if absent). Returns the new
    ring and the old one (None if the file was created)."""
    old = read_key_file(path) if path.exists() else None
    ring = old.rotated() if old is not None else KeyRing.generate()
    write_key_file(path, ring)
    return ring, old
