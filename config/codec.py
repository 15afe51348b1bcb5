"""Payload compression for everything Qingling sends through Temporal.

Case payloads are JSON with the same keys repeated for every worker and payment line; zlib shrinks
them several times over, so a 5,000-worker case keeps its history far below Temporal's limits. Only
payloads larger than ``MIN_SIZE`` are compressed, and payloads without our encoding (histories
written before this codec, or by other clients) pass through untouched, so old cases still replay.

Clients and workers use it as the first step of the sealing codec (config/sealing.py: compress, then
encrypt); on its own it only remains for payloads written before sealing.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/zlib"
MIN_SIZE = 512
"""Below this, compressing costs more than it saves."""


class ZlibCodec(PayloadCodec):
    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [compress(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [decompress(p) for p in payloads]


def compress(payload: Payload) -> Payload:
    """The payload as a ``binary/zlib`` payload when that is worth it, else itself."""
    raw = payload.SerializeToString()
    if len(raw) < MIN_SIZE:
        return payload
    return Payload(metadata={"encoding": ENCODING}, data=zlib.compress(raw, 6))


def decompress(payload: Payload) -> Payload:
    """The payload a ``binary/zlib`` payload holds; any other payload as it is."""
    if payload.metadata.get("encoding") != ENCODING:
        return payload
    decoded = Payload()
    decoded.ParseFromString(zlib.decompress(payload.data))
    return decoded
