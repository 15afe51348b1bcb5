"""Sealed payloads (config/sealing.py): AES-256-GCM after zlib, the key id in the metadata, rotation, old
payloads, tampering, and a case that keeps running on the time-skipping server across a key rotation."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from config.codec import ENCODING as ZLIB_ENCODING
from config.codec import ZlibCodec
from config.sealing import (
    KEY_ID_META,
    SEALED_ENCODING,
    KeyRing,
    PayloadKeyError,
    PayloadKeysMissing,
    SealedPayloadInvalid,
    SealingCodec,
    UnknownPayloadKey,
    load_key_ring,
    payload_codec,
    read_key_file,
    rotate_key_file,
    write_key_file,
)
from config.settings import Settings
from config.temporal import data_converter
from models.actions import Action
from models.case import Stage
from tests.builders import intake_body, make_id
from tests.harness import act, running_worker, start_case
from tests.workflows.test_case_workflow import registered
from workflows.case import ArrearsCase
from workflows.options import WORKFLOW_RUNNER

ID_NUMBER = make_id(7)
SECRET_JSON = json.dumps({"name": "张三", "id_number": ID_NUMBER, "phone": "13812345678"}, ensure_ascii=False)


def plain(text: str = SECRET_JSON) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=text.encode())


def large() -> Payload:
    rows = [{"name": f"工人{i}", "id_number": make_id(i), "owed_amount": "12000.00"} for i in range(200)]
    return plain(json.dumps(rows, ensure_ascii=False))


def no_keys(tmp_path: Path, **changes: object) -> Settings:
    """A configuration with no key anywhere (the tests' environment has one: override it)."""
    values: dict[str, object] = {"var_dir": tmp_path, "payload_keys": None, "payload_key_file": None, **changes}
    return Settings(**values)  # type: ignore[arg-type]


async def test_every_payload_is_sealed_and_opens_again() -> None:
    ring = KeyRing.generate()
    codec = SealingCodec(ring)
    originals = [plain(), large(), Payload(metadata={"encoding": b"binary/null"})]
    sealed = await codec.encode(originals)
    for p in sealed:
        assert p.metadata["encoding"] == SEALED_ENCODING
        assert p.metadata[KEY_ID_META] == ring.current.encode()
        assert ID_NUMBER.encode() not in p.data and "张三".encode() not in p.data
    assert await codec.decode(sealed) == originals


async def test_compressed_before_encryption_with_a_fresh_nonce() -> None:
    ring = KeyRing.generate()
    codec = SealingCodec(ring)
    big = large()
    (sealed,) = await codec.encode([big])
    assert len(sealed.data) < big.ByteSize() / 3  # ciphertext does not compress: zlib ran first
    cipher = AESGCM(bytes(ring.keys[ring.current]))
    aad = SEALED_ENCODING + b"\x00" + ring.current.encode()
    inner = Payload.FromString(cipher.decrypt(sealed.data[:12], sealed.data[12:], aad))
    assert inner.metadata["encoding"] == ZLIB_ENCODING
    assert Payload.FromString(zlib.decompress(inner.data)) == big
    (again,) = await codec.encode([big])
    assert again.data[:12] != sealed.data[:12] and again.data != sealed.data  # random 96-bit nonce


@pytest.mark.parametrize("where", [0, 11, 12, -17, -1], ids=["nonce", "nonce-end", "ciphertext", "tag-start", "tag"])
async def test_a_flipped_byte_is_detected(where: int) -> None:
    codec = SealingCodec(KeyRing.generate())
    (sealed,) = await codec.encode([plain()])
    data = bytearray(sealed.data)
    data[where] ^= 0x01
    tampered = Payload(metadata=dict(sealed.metadata), data=bytes(data))
    with pytest.raises(SealedPayloadInvalid) as caught:
        await codec.decode([tampered])
    assert codec.key_id is not None and codec.key_id in str(caught.value)
    assert "篡改" in str(caught.value) and "failed authentication" in str(caught.value)


async def test_the_key_id_is_bound_to_the_ciphertext() -> None:
    """Relabelling a payload with another key id of the ring fails too (the key id is associated data)."""
    ring = KeyRing.generate().rotated()
    other = next(k for k in ring.keys if k != ring.current)
    codec = SealingCodec(ring)
    (sealed,) = await codec.encode([plain()])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID_META: other.encode()}, data=sealed.data)
    with pytest.raises(SealedPayloadInvalid):
        await codec.decode([relabelled])
    with pytest.raises(SealedPayloadInvalid):  # truncated below nonce + tag
        await codec.decode([Payload(metadata=dict(sealed.metadata), data=sealed.data[:20])])


async def test_an_unknown_key_id_is_named_never_passed_through() -> None:
    (sealed,) = await SealingCodec(KeyRing.generate()).encode([plain()])
    key_id = sealed.metadata[KEY_ID_META].decode()
    for codec in (SealingCodec(KeyRing.generate()), SealingCodec(None, seal=False)):
        with pytest.raises(UnknownPayloadKey) as caught:
            await codec.decode([sealed])
        assert caught.value.key_id == key_id
        assert (
            key_id in str(caught.value)
            and "密钥环" in str(caught.value)
            and "unknown payload key id" in str(caught.value)
        )
    odd = Payload(metadata={**sealed.metadata, KEY_ID_META: "../\x00密钥".encode()}, data=sealed.data)
    with pytest.raises(UnknownPayloadKey):
        await SealingCodec(KeyRing.generate()).decode([odd])


async def test_rotation_keeps_old_payloads_readable() -> None:
    old = KeyRing.generate()
    (before,) = await SealingCodec(old).encode([plain()])
    rotated = old.rotated()
    assert rotated.current != old.current and set(old.keys) < set(rotated.keys)
    codec = SealingCodec(rotated)
    (after,) = await codec.encode([plain()])
    assert before.metadata[KEY_ID_META] == old.current.encode()
    assert after.metadata[KEY_ID_META] == rotated.current.encode()
    assert await codec.decode([before, after]) == [plain(), plain()]
    with pytest.raises(UnknownPayloadKey):  # the old ring cannot read what the new key sealed
        await SealingCodec(old).decode([after])


async def test_payloads_from_before_sealing_still_decode(tmp_path: Path) -> None:
    """Plain JSON and binary/zlib payloads (the committed histories) decode with the sealing converter."""
    zlibbed = await ZlibCodec().encode([large(), plain()])
    assert zlibbed[0].metadata["encoding"] == ZLIB_ENCODING and zlibbed[1] == plain()
    codec = SealingCodec(KeyRing.generate())
    assert await codec.decode(zlibbed) == [large(), plain()]
    converter = data_converter(Settings(var_dir=tmp_path))
    values = await converter.decode(zlibbed)
    assert values[1]["id_number"] == ID_NUMBER and len(values[0]) == 200


async def test_failure_messages_are_sealed(tmp_path: Path) -> None:
    """An exception's message (a database error may quote a name or an ID number) and stack trace travel in
    an encoded attribute, sealed like any payload."""
    converter = data_converter(Settings(var_dir=tmp_path))
    failure = Failure()
    await converter.encode_failure(ApplicationError(f"张三 {ID_NUMBER}", "detail"), failure)
    raw = failure.SerializeToString()
    assert ID_NUMBER.encode() not in raw and "张三".encode() not in raw
    assert failure.encoded_attributes.metadata["encoding"] == SEALED_ENCODING
    error = await converter.decode_failure(failure)
    assert isinstance(error, ApplicationError) and error.message == f"张三 {ID_NUMBER}"


def test_key_ring_forms_and_errors() -> None:
    ring = KeyRing.generate().rotated()
    assert KeyRing.parse(ring.to_env()) == ring
    assert KeyRing.parse(ring.to_json()) == ring
    assert ring.to_env().split(":")[0] == ring.current  # the first is current
    b64 = base64.b64encode(bytes(32)).decode()
    for bad, needle in [
        ("", "为空"),
        ("k1", "<编号>:<base64>"),
        ("k1:notbase64!", "base64"),
        (f"k1:{base64.b64encode(bytes(16)).decode()}", "32 字节"),
        (f"k1:{b64},k1:{b64}", "重复"),
        (f"bad id:{b64}", "不合规"),
        ('{"current": "k2", "keys": {"k1": "' + b64 + '"}}', "不在密钥环中"),
        ('{"keys": []}', "current"),
        ("{nope", "JSON"),
    ]:
        with pytest.raises(PayloadKeyError) as caught:
            KeyRing.parse(bad)
        assert needle in str(caught.value), (bad, str(caught.value))
    assert "AAAA" not in repr(KeyRing.parse(f"k1:{b64}"))  # never the key material


def test_where_the_ring_comes_from(tmp_path: Path) -> None:
    with pytest.raises(PayloadKeysMissing) as caught:
        payload_codec(no_keys(tmp_path))
    assert "qingling keys rotate --key-file" in str(caught.value)
    assert load_key_ring(no_keys(tmp_path)) is None

    # The var dir's default key file (what `qingling dev` makes) is found without any setting.
    default = tmp_path / "keys" / "payload-keys.json"
    ring = KeyRing.generate()
    write_key_file(default, ring)
    assert load_key_ring(no_keys(tmp_path)) == ring
    # An explicit key file; both the variable and a file: refused as ambiguous.
    other = tmp_path / "elsewhere" / "k.json"
    write_key_file(other, KeyRing.generate())
    assert load_key_ring(no_keys(tmp_path, payload_key_file=other)) == read_key_file(other)
    with pytest.raises(PayloadKeyError, match="只能设置其一"):
        load_key_ring(Settings(var_dir=tmp_path, payload_keys=ring.to_env(), payload_key_file=other))  # type: ignore[arg-type]
    with pytest.raises(PayloadKeyError, match="无法读取密钥文件"):
        load_key_ring(no_keys(tmp_path, payload_key_file=tmp_path / "missing.json"))


async def test_sealing_off_is_an_explicit_opt_out(tmp_path: Path) -> None:
    off = payload_codec(no_keys(tmp_path, payload_sealing="off"))
    assert off.key_id is None
    (p,) = await off.encode([plain()])
    assert p == plain()  # not sealed: for tests only
    # With a ring configured, "off" still opens sealed payloads.
    ring = KeyRing.generate()
    (sealed,) = await SealingCodec(ring).encode([plain()])
    reader = payload_codec(Settings(var_dir=tmp_path, payload_keys=ring.to_env(), payload_sealing="off"))  # type: ignore[arg-type]
    assert await reader.decode([sealed]) == [plain()]


async def test_a_process_not_yet_restarted_rereads_its_key_file(tmp_path: Path) -> None:
    """After `qingling keys rotate`, a restarted worker seals with the new key; a process still running with
    the old ring re-reads the key file when it meets that key id, instead of failing the case."""
    path = tmp_path / "keys.json"
    rotate_key_file(path)
    running = payload_codec(no_keys(tmp_path, payload_key_file=path))
    ring, old = rotate_key_file(path)
    assert old is not None and set(old.keys) < set(ring.keys)
    (sealed,) = await payload_codec(no_keys(tmp_path, payload_key_file=path)).encode([plain()])
    assert sealed.metadata[KEY_ID_META] == ring.current.encode()
    assert await running.decode([sealed]) == [plain()]
    assert running.key_id == ring.current  # and it seals with the new key from now on
    # A key the file does not hold either is still an error naming it.
    (foreign,) = await SealingCodec(KeyRing.generate()).encode([plain()])
    with pytest.raises(UnknownPayloadKey):
        await running.decode([foreign])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_running_case_survives_a_key_rotation(
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    """A case started with key A goes on after the worker and client are restarted with the ring rotated to
    B (A kept): its history holds payloads sealed with both, and every one still opens."""
    path = tmp_path / "ring" / "payload-keys.json"
    ring_a, _ = rotate_key_file(path)
    # No workflow cache: a cached case would sit on the first worker's sticky queue, which the test server
    # does not hand back to the second worker.
    keyed = settings.model_copy(update={"payload_keys": None, "payload_key_file": path, "workflow_cache": 0})

    def client_for(converter: DataConverter) -> Client:
        base = time_skipping_env.client
        return Client(base.service_client, namespace=base.namespace, data_converter=converter)

    before = client_for(data_converter(keyed))
    async with running_worker(before, keyed, sessions):
        handle = await start_case(before, keyed, intake_body(workers=2))
        await registered(handle)
        accepted = await act(handle, Action.ACCEPT, {})

    ring_b, _ = rotate_key_file(path)
    after = client_for(data_converter(keyed))
    async with running_worker(after, keyed, sessions):
        moved = after.get_workflow_handle(handle.id)
        finding = {"workers": [{"id_number": make_id(1), "confirmed_amount": "100.00"}]}
        state = await act(moved, Action.RECORD_FINDING, finding)
        assert state.stage == Stage.INVESTIGATING and state.last_seq == accepted.last_seq + 1

    raw = client_for(DataConverter.default)
    history = await raw.get_workflow_handle(handle.id).fetch_history()
    key_ids: set[str] = set()
    for event in history.events:
        for payload in sealable_payloads(event):
            assert payload.metadata["encoding"] == SEALED_ENCODING, (event.event_type, payload)
            key_ids.add(payload.metadata[KEY_ID_META].decode())
        assert set(search_attributes(event)) <= SAFE_SEARCH_ATTRIBUTES
    assert key_ids == {ring_a.current, ring_b.current}
    # The history, sealed with both keys, replays with the rotated ring (what a worker does after a restart).
    replayer = Replayer(workflows=[ArrearsCase], data_converter=data_converter(keyed), workflow_runner=WORKFLOW_RUNNER)
    sealed_history = await after.get_workflow_handle(handle.id).fetch_history()
    assert (await replayer.replay_workflow(sealed_history, raise_on_replay_failure=True)).replay_failure is None
    await moved.terminate()


SDK_MARKER_DETAILS = {"core_patch": None, "core_local_activity": {"data"}}
"""Marker details the SDK core writes itself, never through a codec: a patch's id (workflow.patched()), and a
local activity's bookkeeping (seq, attempt, activity type, times); the local activity's result is sealed.
None: all of the marker's details."""
SAFE_SEARCH_ATTRIBUTES = {"TemporalChangeVersion"}
"""The only search attribute a case has: the SDK's list of the patches it took (ids such as "clocks")."""


def search_attributes(event: HistoryEvent) -> dict[str, Payload]:
    """Search attributes set by an event: indexed by the server, so never sealed (they must hold no
    personal data)."""
    if event.HasField("upsert_workflow_search_attributes_event_attributes"):
        return dict(event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields)
    if event.HasField("workflow_execution_started_event_attributes"):
        return dict(event.workflow_execution_started_event_attributes.search_attributes.indexed_fields)
    return {}


def sealable_payloads(event: HistoryEvent) -> list[Payload]:
    """The payloads of an event that pass through the data converter: all but search attributes and the
    SDK core's own marker details (SDK_MARKER_DETAILS)."""
    event = HistoryEvent.FromString(event.SerializeToString())
    if event.HasField("marker_recorded_event_attributes"):
        marker = event.marker_recorded_event_attributes
        if marker.marker_name in SDK_MARKER_DETAILS:
            names = SDK_MARKER_DETAILS[marker.marker_name]
            for name in list(marker.details) if names is None else names & set(marker.details):
                del marker.details[name]
    if event.HasField("upsert_workflow_search_attributes_event_attributes"):
        return []
    if event.HasField("workflow_execution_started_event_attributes"):
        event.workflow_execution_started_event_attributes.ClearField("search_attributes")
    return payloads_in(event)


def payloads_in(message: Message) -> list[Payload]:
    """Every Payload anywhere inside a protobuf message (an event, a failure, a memo …), depth first."""
    if isinstance(message, Payload):
        return [message]
    found: list[Payload] = []
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            values = list(value.values())
        elif isinstance(value, Message):
            values = [value]
        else:  # a repeated field
            values = list(value)
        for item in values:
            if isinstance(item, Message):
                found += payloads_in(item)
    return found
