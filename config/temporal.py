"""The one data converter every Temporal client, worker, test environment and replayer uses."""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from config.codec import ZlibCodec

DATA_CONVERTER: DataConverter = dataclasses.replace(pydantic_data_converter, payload_codec=ZlibCodec())
"""pydantic models as JSON (amounts as decimal strings), compressed when large."""
