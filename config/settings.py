"""One place for configuration: environment variables ``QINGLING_*`` (pydantic-settings)."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.enforcement import CriminalThreshold, HearingThreshold
from models.notices import Bureau

DEFAULT_BUREAUS = [
    Bureau(
        name="太原市小店区人力资源和社会保障局",
        abbr="小人社监",
        region_code="140105",
        address="太原市小店区（示例地址）",
        phone="12333",
        review_body="太原市小店区人民政府",
        court="太原市小店区人民法院",
    )
]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QINGLING_", extra="ignore")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_tls: bool = False
    """Connect to the cluster over TLS (production); the files below are PEM paths, all optional."""
    temporal_tls_ca: Path | None = None
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_api_key: str | None = None
    """An API key for a cloud-hosted Temporal namespace."""
    task_queue: str = "qingling"
    worker_health_file: Path | None = None
    """The worker touches this file every ``WORKER_HEALTH_INTERVAL`` seconds while it runs (containers' health
    checks read its age: deploy/); None: no file."""
    workflow_cache: int = 1000
    """Open cases a worker keeps in memory (about 250 KiB each, bench/results.md); the others are
    rebuilt from their (small) histories when they next act."""
    database_url: str = "sqlite+aiosqlite:///./var/qingling.db"
    public_base_url: str = "http://127.0.0.1:8000"
    """The address the public reaches the console at: printed on the 受理通知书 with the query code (``/follow``)."""
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    notice_dir: Path = Path("./var/notices")
    var_dir: Path = Path("./var")
    temporal_ui_port: int = 8233
    warning_working_days: int = Field(default=3, ge=0, le=30)
    """A deadline warns its assignee this many working days before it falls due (0: no warnings)."""
    level2_working_days: int = Field(default=5, ge=1, le=60)
    """A deadline this many working days overdue escalates to level 2 (the head, with a 督办通知书)."""
    shared_clock: bool = True
    """New cases leave their shared-day targets (Dec 31, the Spring Festival's eve) to the one shared clock,
    which raises them for every case at once (bench/results.md: the year-end herd); False: each case's own
    timers raise them."""
    penalty_hearing_thresholds: dict[str, HearingThreshold] = Field(
        default_factory=lambda: {"43": HearingThreshold(individual=Decimal("1000"), organisation=Decimal("20000"))}
    )
    """Large-fine thresholds (较大数额) by region-code prefix: at or above, the party may ask for a hearing
    (行政处罚法 art. 63). Shipped: 湖南省 (43), 1,000 / 20,000 yuan. A region without one offers every fine a
    hearing (the party's safe side). JSON in ``QINGLING_PENALTY_HEARING_THRESHOLDS``."""
    criminal_thresholds: dict[str, CriminalThreshold] = Field(default_factory=dict)
    """A province's figures for 数额较大 (拒不支付劳动报酬罪) by region-code prefix, over the shipped ones
    (rules/criminal.py: Liaoning, Henan, Hunan, Guizhou); each must lie inside 法释〔2013〕3号 art. 3's ranges,
    or the service refuses to start. JSON in ``QINGLING_CRIMINAL_THRESHOLDS``."""
    penalty_collective_discussion_from: dict[str, Decimal] = Field(default_factory=dict)
    """By region-code prefix: fines from this amount are decided collectively by the heads (art. 57)."""
    digest_hour: int = Field(default=7, ge=0, le=23)
    """Hour (Asia/Shanghai) of the daily digest of overdue deadlines, per region (a Temporal Schedule)."""
    payload_keys: SecretStr | None = None
    """The payload key ring (docs/security.md): ``id:base64,id:base64`` (the first seals) or the key file's JSON."""
    payload_key_file: Path | None = None
    """A key file ``{"current": id, "keys": {id: base64}}`` (0600, outside the repository); without this or
    ``payload_keys``, ``<var_dir>/keys/payload-keys.json`` is used if it exists (``qingling dev`` makes it)."""
    payload_sealing: Literal["on", "off"] = "on"
    """``off`` (tests only): new payloads are not encrypted and no key is required; sealed ones still open with
    a configured ring. With ``on`` every client and worker refuses to start without a key."""
    codec_cors_origins: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:8233", "http://localhost:8233"])
    """Browser origins (the Temporal UI) allowed to call the codec endpoint /codec/decode and /codec/encode."""
    token_lifetime_days: int = Field(default=90, ge=1, le=3650)
    """A new or renewed token expires this many days later (``qingling user create|renew --days`` overrides);
    an expired token is refused with 401 (docs/security.md, Accounts)."""
    sign_in_failures_max: int = Field(default=10, ge=1)
    """A client may present this many bad tokens (unknown, expired, revoked) per window; beyond, 429."""
    sign_in_window_seconds: int = Field(default=300, ge=1, le=86_400)
    """The window of ``sign_in_failures_max``, from the client's first failure in it."""
    console_session_minutes: int = Field(default=480, ge=5, le=1440)
    """How long a console sign-in lasts (absolute; a working day by default)."""
    console_secure_cookie: bool = False
    """Mark the console's cookies ``Secure`` (set it behind HTTPS, as in production)."""
    trusted_proxy: bool = False
    """The API sits behind a reverse proxy that sets ``X-Forwarded-For`` (overwriting what the client sent):
    the client of a request is that header's first address, not the connection's peer (the proxy)."""
    bureaus: list[Bureau] = Field(default_factory=lambda: list(DEFAULT_BUREAUS))
    """Issuing bureaus; the one whose region_code is the longest prefix of a case's region issues."""

    def bureau_for(self, region_code: str) -> Bureau:
        matches = [b for b in self.bureaus if region_code.startswith(b.region_code.rstrip("0") or "")]
        if not matches:
            return Bureau(name=f"{region_code}劳动保障监察机构", abbr=f"{region_code}监", region_code=region_code)
        return max(matches, key=lambda b: len(b.region_code.rstrip("0")))


SECRETS_DIR_ENV = "QINGLING_SECRETS_DIR"
"""A directory of secret files (Docker/Kubernetes secrets, e.g. ``/run/secrets``): a file named like a setting's
variable (``QINGLING_DATABASE_URL``) holds its value, so a password never sits in the environment. A variable set
in the environment wins over a file."""


@lru_cache
def get_settings() -> Settings:
    secrets = os.environ.get(SECRETS_DIR_ENV)
    if secrets:
        if not Path(secrets).is_dir():
            raise SystemExit(f"错误：{SECRETS_DIR_ENV}={secrets} 不是目录（应为存放密钥文件的目录，如 /run/secrets）")
        return Settings(_secrets_dir=secrets)
    return Settings()
