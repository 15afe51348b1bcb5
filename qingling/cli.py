"""The `qingling` console script."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from config.logs import setup_logging
from config.settings import Settings, get_settings
from models.case import Role
from models.clock import to_shanghai
from models.identity import validate_region_code

SERVICES = frozenset({"dev", "worker", "api"})
"""The long-running commands, which log JSON lines."""


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
    create = user_sub.add_parser("create", help="创建用户并打印其令牌（只打印这一次）")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--region", action="append", default=[], help="行政区划代码，可多次给出")
    create.add_argument("--days", type=_days, help="令牌有效天数（默认 QINGLING_TOKEN_LIFETIME_DAYS，90 天）")
    user_sub.add_parser("list", help="列出用户：角色、辖区、创建时间、有效期、注销时间（不显示令牌）")
    revoke = user_sub.add_parser("revoke", help="注销用户：其令牌立即失效")
    revoke.add_argument("name")
    renew = user_sub.add_parser("renew", help="换发新令牌并打印（旧令牌立即失效；已注销的用户随之恢复）")
    renew.add_argument("name")
    renew.add_argument("--days", type=_days, help="令牌有效天数（默认 QINGLING_TOKEN_LIFETIME_DAYS，90 天）")
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
    audit = sub.add_parser("audit", help="审计（docs/security.md）")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="重新计算每个案件历史记录的哈希链，指出每个被篡改案件的第一条问题记录；有问题时以非零状态退出"
    )
    verify.add_argument("--case", help="只核验这一个案件（案件 ID，QL-…）")
    verify.add_argument(
        "--against-temporal",
        action="store_true",
        help="并与 Temporal 中各在办案件工作流记下的最后哈希比对（能发现整体重算过哈希的改写）",
    )
    grids = sub.add_parser("grids", help="网格与分派（docs/routing.md）")
    grids_sub = grids.add_subparsers(dest="grids_command", required=True)
    gload = grids_sub.add_parser(
        "load", help="载入网格（CSV：网格编号,网格名称,覆盖区划代码,负责监察员,代理监察员），整体替换"
    )
    gload.add_argument("file", type=Path)
    grids_sub.add_parser("list", help="列出网格")
    away = user_sub.add_parser("away", help="登记监察员不在岗期间：其间新投诉分派给网格的代理监察员")
    away.add_argument("name")
    away.add_argument("--from", dest="date_from", required=True, type=date.fromisoformat, help="起始日期 YYYY-MM-DD")
    away.add_argument("--to", dest="date_to", required=True, type=date.fromisoformat, help="截止日期（含）")
    imp = sub.add_parser("import", help="批量导入（docs/exchange.md）")
    imp_sub = imp.add_subparsers(dest="import_command", required=True)
    complaints = imp_sub.add_parser(
        "complaints", help="从 Excel 导入投诉：每行一名劳动者，按统一社会信用代码和项目归并为投诉；重复导入不会重复立案"
    )
    complaints.add_argument("file", type=Path, help="按 docs/complaints-template.xlsx 填写的 .xlsx 文件")
    complaints.add_argument("--as", dest="as_user", required=True, help="以该用户（监察员或科室负责人）的名义登记")
    exp = sub.add_parser("export", help="导出 Excel（docs/exchange.md）")
    exp_sub = exp.add_subparsers(dest="export_command", required=True)
    led = exp_sub.add_parser("ledger", help="案件台账：某行政区划、某期间收到的每件投诉一行")
    led.add_argument("--as", dest="as_user", required=True, help="以该用户的辖区为限")
    led.add_argument("--region", required=True, help="行政区划代码（县区、地市 xxxx00 或省 xx0000）")
    led.add_argument("--from", dest="date_from", required=True, type=date.fromisoformat, help="起始日期 YYYY-MM-DD")
    led.add_argument("--to", dest="date_to", required=True, type=date.fromisoformat, help="截止日期 YYYY-MM-DD（含）")
    led.add_argument("-o", "--output", required=True, type=Path)
    half = exp_sub.add_parser("half-year", help="“三个清零”半年报（上半年至6月30日，下半年至12月31日）")
    half.add_argument("--as", dest="as_user", required=True, help="以该用户的辖区为限")
    half.add_argument("--region", required=True, help="行政区划代码")
    half.add_argument("--period", required=True, help="2026H1 或 2026H2")
    half.add_argument("-o", "--output", required=True, type=Path)
    return p


async def _db_upgrade(settings: Settings) -> None:
    from db.migrate import upgrade
    from db.session import make_engine

    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _require_schema(settings: Settings, command: str) -> None:
    """SystemExit with the reason and the command that fixes it, unless the database is at this release's schema
    (an unmigrated database would fail the first case that touches a new column, mid-action)."""
    from db.migrate import SchemaNotCurrent, require_current_schema
    from db.session import make_engine

    engine = make_engine(settings.database_url)
    try:
        await require_current_schema(engine, engine.url.render_as_string(hide_password=True))
    except SchemaNotCurrent as exc:
        raise SystemExit(f"错误：qingling {command} 未启动。{exc}") from None
    finally:
        await engine.dispose()


async def _grids(settings: Settings, args: argparse.Namespace) -> str:
    from db.grids import all_grids, replace_all
    from db.session import make_engine, make_session_factory
    from qingling.grids import parse_grids

    await _require_schema(settings, f"grids {args.grids_command}")
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        if args.grids_command == "list":
            async with sessions() as s:
                found = await all_grids(s)
            return (
                "\n".join(f"{g}\t{n}\t{i}\t{d or '-'}\t{'、'.join(c)}" for g, n, i, d, c in found) or "（尚未载入网格）"
            )
        if not args.file.is_file():
            raise _Failed(f"错误：找不到文件 {args.file}")
        async with sessions.begin() as s:
            rows, problems = await parse_grids(s, args.file.read_text(encoding="utf-8"))
            if problems:
                raise _Failed("错误：未载入任何网格。\n" + "\n".join(str(p) for p in problems))
            await replace_all(s, rows, datetime.now(UTC))
    finally:
        await engine.dispose()
    return f"已载入 {len(rows)} 个网格，覆盖 {sum(len(r.areas) for r in rows)} 个区划代码（原有网格已替换）"


async def _user_away(settings: Settings, name: str, starts: date, ends: date) -> str:
    from db.grids import record_absence
    from db.session import make_engine, make_session_factory
    from db.users import user_by_name

    if ends < starts:
        raise _Failed("错误：截止日期不能早于起始日期")
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine).begin() as s:
            user = await user_by_name(s, name)
            if user is None:
                raise _Failed(_UNKNOWN_USER.format(name=name))
            await record_absence(s, user.user_id, starts, ends)
    finally:
        await engine.dispose()
    return f"已登记 {name} 于 {starts} 至 {ends} 不在岗：其间新投诉分派给其网格的代理监察员"


async def _import_complaints(settings: Settings, file: Path, as_user: str) -> int:
    """Start the file's valid complaints with a progress bar; the invalid rows go to FILE.errors.xlsx. Exit status
    0 when every row was imported (or had been before), 1 otherwise."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from api.deps import Backend
    from api.errors import ApiError
    from api.exchange.complaints_sheet import SheetError, error_sheet, parse
    from api.exchange.importer import Outcome, start_all
    from config.temporal import connect
    from db.session import make_engine, make_session_factory
    from db.users import user_by_name

    if not file.is_file():
        raise _Failed(f"错误：找不到文件 {file}")
    await _require_schema(settings, "import complaints")
    try:
        parsed = parse(file.read_bytes(), datetime.now(UTC))
    except SheetError as exc:
        raise _Failed(f"错误：{exc}") from None
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        async with sessions() as s:
            user = await user_by_name(s, as_user)
        if user is None:
            raise _Failed(_UNKNOWN_USER.format(name=as_user))
        try:
            client = await connect(settings)
        except Exception as exc:
            raise _Failed(f"错误：无法连接 Temporal（{settings.temporal_address}）：{exc}；未导入任何投诉") from None
        b = Backend(settings=settings, sessions=sessions, client=client)
        columns = (TextColumn("导入投诉"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task("import", total=len(parsed.complaints))
            try:
                results = await start_all(b, user, parsed, lambda _: bar.advance(task))
            except ApiError as exc:
                raise _Failed(f"错误：{exc.message}") from None
    finally:
        await engine.dispose()
    counts = {o: sum(1 for r in results if r.outcome == o) for o in Outcome}
    print(
        f"{file.name}：{parsed.rows} 行，{len(parsed.complaints)} 件投诉；新登记 {counts[Outcome.CREATED]} 件，"
        f"此前已导入 {counts[Outcome.ALREADY]} 件，未导入 {counts[Outcome.REFUSED]} 件",
        file=sys.stderr,
    )
    for r in results:
        if r.case_id is not None:
            print(f"{r.case_id}\t{r.outcome_zh}\t第{r.complaint.rows[0]}-{r.complaint.rows[-1]}行")
    errors_file = file.with_suffix(".errors.xlsx")
    if parsed.errors:
        errors_file.write_bytes(error_sheet(parsed))
        print(f"{len(parsed.errors)} 处问题已写入 {errors_file}（行号、列、原因）", file=sys.stderr)
        return 1
    errors_file.unlink(missing_ok=True)  # an earlier run's, now resolved
    return 0 if counts[Outcome.REFUSED] == 0 else 1


async def _export(settings: Settings, args: argparse.Namespace) -> str:
    from api.exchange.exports import NotCovered, half_year_workbook, ledger_workbook
    from api.exchange.report_sheets import Period, half_year
    from db.session import make_engine, make_session_factory
    from db.users import user_by_name

    await _require_schema(settings, f"export {args.export_command}")
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        async with sessions() as s:
            user = await user_by_name(s, args.as_user)
        if user is None:
            raise _Failed(_UNKNOWN_USER.format(name=args.as_user))
        today = to_shanghai(datetime.now(UTC)).date()
        try:
            if args.export_command == "ledger":
                if args.date_to < args.date_from:
                    raise _Failed("错误：截止日期不能早于起始日期")
                data = await ledger_workbook(sessions, user, args.region, Period(args.date_from, args.date_to), today)
            else:
                try:
                    year, half = half_year(args.period)
                except ValueError as exc:
                    raise _Failed(f"错误：{exc}") from None
                data = await half_year_workbook(sessions, user, args.region, year, half, today)
        except NotCovered as exc:
            raise _Failed(f"错误：{exc}") from None
    finally:
        await engine.dispose()
    args.output.write_bytes(data)
    return f"已导出 {args.output}"


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数天数：{text}") from None
    if not 1 <= days <= 3650:
        raise argparse.ArgumentTypeError("有效天数应在 1 到 3650 之间")
    return days


def _lifetime(settings: Settings, days: int | None) -> timedelta:
    return timedelta(days=days if days is not None else settings.token_lifetime_days)


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else to_shanghai(moment).strftime("%Y-%m-%d %H:%M")


class _Failed(Exception):
    """A command that could not do what was asked: its message on stderr, exit status 1."""


_UNKNOWN_USER = "错误：没有名为 {name} 的用户"
_STATE_ZH = {"live": "有效", "expired": "已过期", "revoked": "已注销"}
NO_EXPIRY = "未设置有效期"
"""How `qingling user list` flags a token made before tokens expired (it still works: renew it)."""


async def _user_create(
    settings: Settings, name: str, role: Role, regions: list[str], days: int | None = None
) -> tuple[str, str]:
    """The new token (for stdout) and a note of its expiry (for stderr)."""
    from db.session import make_engine, make_session_factory
    from db.users import create_user, user_by_name

    engine = make_engine(settings.database_url)
    try:
        now = datetime.now(UTC)
        lifetime = _lifetime(settings, days)
        async with make_session_factory(engine).begin() as session:
            if await user_by_name(session, name) is not None:
                raise SystemExit(f"错误：用户名 {name} 已存在")
            _, token = await create_user(session, name, role, regions, lifetime=lifetime, now=now)
    finally:
        await engine.dispose()
    return token, f"已创建用户 {name}，令牌有效期至 {_when(now + lifetime)}（北京时间）；令牌只显示这一次"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]]) -> str:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip() for row in rows
    )


async def _user_list(settings: Settings) -> str:
    """One line per user: never the token nor its hash."""
    from db.session import make_engine, make_session_factory
    from db.users import TokenState, list_accounts

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            accounts = await list_accounts(session)
    finally:
        await engine.dispose()
    now = datetime.now(UTC)
    rows = [
        ["用户名 name", "角色 role", "辖区 regions", "创建 created", "有效期至 expires", "注销 revoked", "状态 state"]
    ]
    for a in accounts:
        state = a.state(now)
        note = _STATE_ZH[state.value]
        if a.expires_at is None and state == TokenState.LIVE:
            note += f"（{NO_EXPIRY}，请 renew）"
        rows.append(
            [
                a.name,
                a.role.value,
                ",".join(a.regions) or "-",
                _when(a.created_at),
                _when(a.expires_at) if a.expires_at is not None else NO_EXPIRY,
                _when(a.revoked_at),
                note,
            ]
        )
    return _table(rows) + f"\n共 {len(accounts)} 个用户；时间为北京时间"


async def _user_revoke(settings: Settings, name: str) -> str:
    from db.session import make_engine, make_session_factory
    from db.users import revoke_user

    engine = make_engine(settings.database_url)
    try:
        now = datetime.now(UTC)
        async with make_session_factory(engine).begin() as session:
            revoked = await revoke_user(session, name, now)
    finally:
        await engine.dispose()
    if revoked is None:
        raise _Failed(_UNKNOWN_USER.format(name=name))
    account, now_revoked = revoked
    if not now_revoked:
        return f"用户 {name} 已于 {_when(account.revoked_at)}（北京时间）注销，未作改变"
    return f"已注销用户 {name}：其令牌立即失效（如需恢复，以 qingling user renew {name} 换发新令牌）"


async def _user_renew(settings: Settings, name: str, days: int | None) -> tuple[str, str]:
    from db.session import make_engine, make_session_factory
    from db.users import renew_token

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine).begin() as session:
            renewed = await renew_token(session, name, lifetime=_lifetime(settings, days))
    finally:
        await engine.dispose()
    if renewed is None:
        raise _Failed(_UNKNOWN_USER.format(name=name))
    account, token = renewed
    return token, (
        f"已为用户 {name} 换发新令牌，旧令牌立即失效；有效期至 {_when(account.expires_at)}（北京时间）；"
        "令牌只显示这一次"
    )


def _user(settings: Settings, args: argparse.Namespace) -> None:
    if args.user_command == "create":
        try:
            regions = [validate_region_code(r) for r in args.region]
        except ValueError as exc:
            raise SystemExit(f"错误：{exc}") from None
        if args.role != Role.ADMIN.value and not regions:
            raise SystemExit("错误：监察员和负责人至少需要一个 --region")
        token, note = asyncio.run(_user_create(settings, args.name, Role(args.role), regions, args.days))
        print(token)
        print(note, file=sys.stderr)
    elif args.user_command == "list":
        print(asyncio.run(_user_list(settings)))
    elif args.user_command == "revoke":
        print(asyncio.run(_user_revoke(settings, args.name)), file=sys.stderr)
    elif args.user_command == "away":
        print(asyncio.run(_user_away(settings, args.name, args.date_from, args.date_to)), file=sys.stderr)
    else:
        token, note = asyncio.run(_user_renew(settings, args.name, args.days))
        print(token)
        print(note, file=sys.stderr)


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


def temporal_heads(client: Any) -> Callable[[str], Awaitable[Any]]:
    """The audit's look-up of a workflow's head (db.audit.HeadLookup): the ``state`` query of a case's workflow (its
    id is the case id) or of a sub-process's; None when Temporal does not know the workflow."""
    from temporalio.service import RPCError, RPCStatusCode

    from db.audit import WorkflowHead
    from models.case import ProcedureState

    async def head_of(workflow_id: str) -> WorkflowHead | None:
        try:
            state = await client.get_workflow_handle(workflow_id).query("state", result_type=ProcedureState)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        return WorkflowHead(last_seq=state.last_seq, history_hash=state.history_hash)

    return head_of


async def _audit_verify(settings: Settings, case_id: str | None, against_temporal: bool) -> int:
    """Print each broken case's first broken row and a summary; the exit status: 0 intact, 1 tampered, 2 when
    the comparison with Temporal could not be completed (nothing found broken)."""
    from db.audit import case_known, verify_against_workflows, verify_chains
    from db.session import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    try:
        if case_id is not None and not await case_known(sessions, case_id):
            raise SystemExit(f"错误：找不到案件 {case_id}")
        chains = await verify_chains(sessions, case_id)
        for broken in chains.breaks:
            print(broken.line())
        print(chains.summary())
        ok = chains.ok
        if against_temporal:
            from config.sealing import PayloadKeyError
            from config.temporal import connect

            try:
                client = await connect(settings)
            except PayloadKeyError as exc:
                raise SystemExit(f"错误：无法与 Temporal 比对：{exc}") from None
            except Exception as exc:
                raise SystemExit(f"错误：无法连接 Temporal（{settings.temporal_address}），未能比对：{exc}") from None
            workflows = await verify_against_workflows(sessions, temporal_heads(client), case_id)
            for broken in workflows.breaks:
                print(broken.line())
            for missing in workflows.missing:
                print(f"警告：案件 {missing} 在 Temporal 中找不到工作流，未能比对")
            for unanswered, error in workflows.unanswered:
                print(f"警告：案件 {unanswered} 的工作流查询失败，未能比对：{error}")
            print(workflows.summary())
            if ok and workflows.ok and not workflows.complete:
                return 2
            ok = ok and workflows.ok
        return 0 if ok else 1
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    # The services log JSON lines (config/logs.py); the short commands run at a terminal log plain lines.
    # Both mask ID and mobile numbers.
    setup_logging(json_lines=args.command in SERVICES)
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
                await _require_schema(settings, "worker")
                await run_worker(settings, stop_event())

            asyncio.run(_worker())
        elif args.command == "api":
            import uvicorn

            from api.app import create_app
            from qingling.keys import require_payload_keys

            require_payload_keys(settings, "api")
            asyncio.run(_require_schema(settings, "api"))
            uvicorn.run(
                create_app(settings),
                host=settings.api_host,
                port=settings.api_port,
                log_config=None,  # uvicorn's loggers propagate to our JSON handler
                access_log=False,  # the API's own access line carries the request id, the actor and the case
            )
        elif args.command == "db":
            asyncio.run(_db_upgrade(settings))
            print("数据库已升级到最新版本", file=sys.stderr)
        elif args.command == "user":
            _user(settings, args)
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
        elif args.command == "audit":
            code = asyncio.run(_audit_verify(settings, args.case, args.against_temporal))
        elif args.command == "grids":
            print(asyncio.run(_grids(settings, args)))
        elif args.command == "import":
            code = asyncio.run(_import_complaints(settings, args.file, args.as_user))
        elif args.command == "export":
            print(asyncio.run(_export(settings, args)), file=sys.stderr)
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            code = 2
        else:
            code = exc.code or 0
    except _Failed as exc:
        print(exc, file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    # temporalio's Rust threads can crash the interpreter at exit; leave without running finalizers.
    os._exit(code)


if __name__ == "__main__":
    main()
