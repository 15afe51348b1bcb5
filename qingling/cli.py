"""The `qingling` console script."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path

from config.settings import Settings, get_settings
from models.case import Role
from models.identity import validate_region_code


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qingling", description="清零 — 欠薪案件办理引擎")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("dev", help="本机一键运行：Temporal 开发服务器 + worker + API")
    sub.add_parser("worker", help="仅运行 Temporal worker（生产）")
    sub.add_parser("api", help="仅运行 HTTP API（生产）")
    db = sub.add_parser("db", help="数据库")
    db.add_argument("db_command", choices=["upgrade"])
    user = sub.add_parser("user", help="用户")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    create = user_sub.add_parser("create", help="创建用户并打印其令牌")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--region", action="append", default=[], help="行政区划代码，可多次给出")
    cal = sub.add_parser("calendar", help="工作日历")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True)
    load = cal_sub.add_parser("load", help="载入某年的国务院节假日安排（JSON 文件）")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--no-recount", action="store_true", help="只载入，不通知在办案件重新计算暂定期限（例如 Temporal 尚未部署）"
    )
    keys = sub.add_parser("keys", help="载荷加密密钥（docs/security.md）")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_sub.add_parser("rotate", help="生成新密钥并设为当前密钥，保留旧密钥（文件不存在则创建）")
    rotate.add_argument(
        "--key-file",
        type=Path,
        help="密钥文件（默认 QINGLING_PAYLOAD_KEY_FILE，否则 <数据目录>/keys/payload-keys.json）",
    )
    listing = keys_sub.add_parser("list", help="列出密钥编号及当前密钥（不显示密钥本身）")
    listing.add_argument("--key-file", type=Path, help="密钥文件（默认：当前配置的密钥环）")
    return p


async def _db_upgrade(settings: Settings) -> None:
    from db.migrate import upgrade
    from db.session import make_engine

    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _user_create(settings: Settings, name: str, role: Role, regions: list[str]) -> str:
    from db.session import make_engine, make_session_factory
    from db.users import create_user, user_by_name

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine).begin() as session:
            if await user_by_name(session, name) is not None:
                raise SystemExit(f"错误：用户名 {name} 已存在")
            _, token = await create_user(session, name, role, regions)
        return token
    finally:
        await engine.dispose()


async def _calendar_load(settings: Settings, file: Path, recount: bool = True) -> str:
    from datetime import UTC, datetime

    from config.sealing import PayloadKeyError
    from config.temporal import connect
    from db.calendar import store_schedule
    from db.session import make_engine, make_session_factory
    from qingling.recount import signal_provisional_cases
    from rules.calendar import CalendarFileError, parse_schedule

    try:
        schedule = parse_schedule(json.loads(file.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"错误：无法读取日历文件 {file}：{exc}") from None
    except CalendarFileError as exc:
        raise SystemExit(f"错误：日历文件有误：{exc}") from None
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    try:
        async with sessions.begin() as session:
            await store_schedule(session, schedule, datetime.now(UTC))
        days_off, workdays = len(schedule.holidays), len(schedule.workdays)
        report = f"已载入 {schedule.year} 年节假日安排：休息日 {days_off} 天，调休上班 {workdays} 天"
        if not recount:
            return report + "；未通知在办案件重新计算期限（--no-recount）"
        try:
            client = await connect(settings)
        except PayloadKeyError as exc:
            return report + f"\n警告：在办案件的暂定期限未重新计算：{exc}"
        except Exception:
            return (
                report + "\n警告：无法连接 Temporal，在办案件的暂定期限未重新计算；请在 Temporal 可用时再次运行本命令"
            )
        signalled, failed = await signal_provisional_cases(client, sessions)
        report += f"；已通知 {signalled} 个含暂定期限的在办案件重新计算"
        if failed:
            report += f"\n警告：{failed} 个案件通知失败，请再次运行本命令"
        return report
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = get_settings()
    code = 0
    try:
        if args.command == "dev":
            from qingling.dev import dev

            asyncio.run(dev(settings))
        elif args.command == "worker":
            from qingling.keys import require_payload_keys
            from qingling.services import run_worker, stop_event

            require_payload_keys(settings, "worker")

            async def _worker() -> None:
                await run_worker(settings, stop_event())

            asyncio.run(_worker())
        elif args.command == "api":
            import uvicorn

            from api.app import create_app
            from qingling.keys import require_payload_keys

            require_payload_keys(settings, "api")
            uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)
        elif args.command == "db":
            asyncio.run(_db_upgrade(settings))
            print("数据库已升级到最新版本", file=sys.stderr)
        elif args.command == "user":
            try:
                regions = [validate_region_code(r) for r in args.region]
            except ValueError as exc:
                raise SystemExit(f"错误：{exc}") from None
            if args.role != Role.ADMIN.value and not regions:
                raise SystemExit("错误：监察员和负责人至少需要一个 --region")
            print(asyncio.run(_user_create(settings, args.name, Role(args.role), regions)))
        elif args.command == "calendar":
            print(asyncio.run(_calendar_load(settings, args.file, not args.no_recount)), file=sys.stderr)
        elif args.command == "keys":
            from qingling import keys

            if args.keys_command == "rotate":
                key_id, report = keys.rotate(settings, args.key_file)
                print(key_id)
                print(report, file=sys.stderr)
            else:
                print(keys.list_keys(settings, args.key_file))
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            code = 2
        else:
            code = exc.code or 0
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    # temporalio's Rust threads can crash the interpreter at exit; leave without running finalizers.
    os._exit(code)


if __name__ == "__main__":
    main()
