"""Payload compression for everything Qingling sends through Temporal.

Case payloads are JSON with the same keys repeated for every worker and payment line; zlib shrinks
them several times over, so a 5,000-worker case keeps its history far below Temporal's limits. Only
payloads larger than ``MIN_SIZE`` are compressed, and payloads without our encoding (histories
written before this codec, or by other clients) pass through untouched, so old cases still replay.
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
        return [self._encode(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decode(p) for p in payloads]

    @staticmethod
    def _encode(payload: Payload) -> Payload:
        raw = payload.SerializeToString()
        if len(raw) < MIN_SIZE:
            return payload
        return Payload(metadata={"encoding": ENCODING}, data=zlib.compress(raw, 6))

    @staticmethod
    def _decode(payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        decoded = Payload()
        decoded.ParseFromString(zlib.decompress(payload.data))
        return decoded
