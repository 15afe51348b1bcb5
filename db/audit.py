"""``qingling audit verify``: recompute every case's history chain (db/chain.py) and name the first broken row.

Two checks:

* ``verify_chains``: the database against itself. Each case's rows in insertion order (``id``) must link: a
  row's ``prev_hash`` is the previous row's hash (GENESIS for the first, or the virtual hash of the legacy rows
  written before the chain), and its ``hash`` is SHA-256 of its own content and ``prev_hash``. A row whose
  content was edited, a row deleted from the middle, a row whose hash was wiped after chained rows, and a
  deleted last row (the read model's ``cases.last_seq``, written in the same transaction, names a seq that is
  no longer there) are each found. Rows are streamed, case by case, never all held in memory.
* ``verify_against_workflows``: the database against Temporal. Each case's workflow keeps the hash of the last
  row it wrote (``ProcedureState.history_hash``); a chain rewritten consistently in the database (every hash
  recomputed after an edit, so ``verify_chains`` passes) no longer holds that hash. Since the hash covers the
  row's seq and, through the links, every row before it, finding it in a chain that verifies proves the case's
  history up to the workflow's last row intact. Rows written after it (the shared clock's, whose rows the
  workflow never sees) are covered by the database chain only.

No Temporal import here: the caller passes a function that answers a case's workflow head (qingling/cli.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.chain import CHAINED, GENESIS, row_hash
from db.tables import case_events, cases, tracks
from models.case import TERMINAL_STAGES
from models.tracks import BLACKLIST_ENDED, SEQ_STRIDE, TrackKind, stream_of

STREAM_BATCH = 5000
"""Rows fetched at a time while streaming the history."""
CASE_BATCH = 500
"""Cases compared with their workflows at a time."""
QUERY_CONCURRENCY = 16
"""Workflow queries in flight at once."""


class Problem(StrEnum):
    CONTENT_CHANGED = "content_changed"
    """The row's hash does not match its content: the row was edited."""
    LINK_BROKEN = "link_broken"
    """The row does not link to the row before it: a row before it was replaced, rehashed or removed."""
    ROW_MISSING = "row_missing"
    """A row of the workflow's own count (seq) is absent."""
    UNCHAINED = "unchained"
    """A row without a hash after chained rows: its hash was wiped, or it was inserted by hand."""
    REWRITTEN = "rewritten"
    """The case's workflow wrote a row whose hash the database's chain no longer holds."""


PROBLEM_ZH: dict[Problem, str] = {
    Problem.CONTENT_CHANGED: "内容被改动",
    Problem.LINK_BROKEN: "链接断开",
    Problem.ROW_MISSING: "记录缺失",
    Problem.UNCHAINED: "记录未链入",
    Problem.REWRITTEN: "链被整体改写",
}


@dataclass(frozen=True)
class Break:
    """The first broken row of one case."""

    case_id: str
    seq: int | None
    problem: Problem
    detail: str

    def line(self) -> str:
        where = "" if self.seq is None else f" seq={self.seq}"
        return f"案件 {self.case_id}{where}：{PROBLEM_ZH[self.problem]}（{self.problem.value}）：{self.detail}"


@dataclass
class ChainReport:
    cases: int = 0
    rows: int = 0
    legacy_rows: int = 0
    """Rows written before the chain (hash NULL), sealed by the first chained row after them."""
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def summary(self) -> str:
        legacy = f"（其中 {self.legacy_rows} 条为哈希链建立前写入的旧记录）" if self.legacy_rows else ""
        if self.ok:
            return f"历史记录哈希链核验通过：{self.cases} 个案件、{self.rows} 条记录均未被篡改{legacy}"
        return (
            f"历史记录哈希链核验失败：{self.cases} 个案件中有 {len(self.breaks)} 个的历史记录被篡改"
            f"（共核验 {self.rows} 条记录{legacy}）"
        )


class _CaseChain:
    """One case's rows, in insertion order, checked as they stream by; stops at the first break."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        self.expected = GENESIS
        self.chained = False
        self.last_own: dict[int, int] = {}
        """The last seq seen of each writer's count (the case's, each sub-process's: models.tracks.stream_of)."""
        self.broken: Break | None = None

    def _break(self, seq: int, problem: Problem, detail: str) -> None:
        self.broken = Break(self.case_id, seq, problem, detail)

    def add(self, row: Mapping[Any, Any]) -> bool:
        """Check one row; True when it is a legacy row (written before the chain)."""
        if self.broken is not None:
            return False
        seq: int = row["seq"]
        stored: str | None = row["hash"]
        legacy = stored is None
        if stored is None:
            if self.chained:
                detail = "该记录没有哈希，却排在已链入哈希链的记录之后（哈希被抹去或被人为插入）"
                self._break(seq, Problem.UNCHAINED, detail)
                return False
            self.expected = row_hash(row, self.expected)
        else:
            self.chained = True
            prev: str | None = row["prev_hash"]
            if prev != self.expected:
                self._link_broken(seq)
                return False
            if row_hash(row, prev) != stored:
                self._break(seq, Problem.CONTENT_CHANGED, "记录内容与其哈希不符（记录被改动）")
                return False
            self.expected = stored
        if seq > 0:
            self.last_own[stream_of(seq)] = seq
        return legacy

    def _link_broken(self, seq: int) -> None:
        stream = stream_of(seq)
        before = self.last_own.get(stream)
        first = stream * SEQ_STRIDE + 1  # a sub-process counts from its own base (models.tracks.seq_base)
        if seq > 0 and before is not None and seq > before + 1:
            gap = f"第 {before + 1} 条" if seq == before + 2 else f"第 {before + 1}–{seq - 1} 条"
            self._break(seq, Problem.ROW_MISSING, f"缺少{gap}记录：本条未链接到其前一条记录（记录被删除）")
        elif seq > first and before is None:
            gap = f"第 {first} 条" if seq == first + 1 else f"第 {first}–{seq - 1} 条"
            self._break(seq, Problem.ROW_MISSING, f"缺少{gap}记录：本条未链接到链首（记录被删除）")
        else:
            where = "链首" if before is None and not self.chained else "前一条记录"
            self._break(
                seq,
                Problem.LINK_BROKEN,
                f"本条的前序哈希与{where}的哈希不符（此前的记录被改动后重算了哈希、被删除、被替换或被调换了顺序）",
            )


def _history_query(case_id: str | None) -> Any:
    e = case_events
    stmt = select(e.c.id, *(e.c[name] for name in CHAINED), e.c.prev_hash, e.c.hash).order_by(e.c.case_id, e.c.id)
    return stmt if case_id is None else stmt.where(e.c.case_id == case_id)


async def verify_chains(
    sessions: async_sessionmaker[AsyncSession], case_id: str | None = None, *, batch: int = STREAM_BATCH
) -> ChainReport:
    """Every case's chain (or one case's), streamed by case; the first broken row of each broken case."""
    report = ChainReport()
    broken: dict[str, Break] = {}
    async with sessions() as session:
        current: _CaseChain | None = None
        result = await session.stream(_history_query(case_id).execution_options(yield_per=batch))
        async for partition in result.partitions(batch):
            for row in partition:
                m = row._mapping
                if current is None or current.case_id != m["case_id"]:
                    if current is not None and current.broken is not None:
                        broken[current.case_id] = current.broken
                    current = _CaseChain(m["case_id"])
                    report.cases += 1
                report.rows += 1
                report.legacy_rows += current.add(m)
        if current is not None and current.broken is not None:
            broken[current.case_id] = current.broken
        # A deleted last row leaves no broken link: the read model's last_seq, written in the same transaction
        # as the row, still names it. One statement (one snapshot: a row appended meanwhile is seen with its
        # last_seq), using the (case_id, seq) unique index.
        e = case_events
        own_max = (
            select(e.c.case_id, func.max(e.c.seq).label("max_seq"))
            .where(e.c.seq > 0, e.c.seq < SEQ_STRIDE)  # the case's own count, not its sub-processes'
            .group_by(e.c.case_id)
            .subquery()
        )
        tail = (
            select(cases.c.case_id, cases.c.last_seq, own_max.c.max_seq)
            .outerjoin(own_max, own_max.c.case_id == cases.c.case_id)
            .where(cases.c.last_seq > func.coalesce(own_max.c.max_seq, 0))
        )
        if case_id is not None:
            tail = tail.where(cases.c.case_id == case_id)
        for r in await session.execute(tail):
            if r.case_id in broken:
                continue
            if r.max_seq is None:
                report.cases += 1
                detail = f"案件记录显示已写入 {r.last_seq} 条，历史记录却一条也没有（记录被删除）"
                broken[r.case_id] = Break(r.case_id, 1, Problem.ROW_MISSING, detail)
            else:
                first = r.max_seq + 1
                gap = f"第 {first} 条" if first == r.last_seq else f"第 {first}–{r.last_seq} 条"
                detail = (
                    f"缺少{gap}记录：案件记录显示已写入 {r.last_seq} 条，"
                    f"历史记录只到第 {r.max_seq} 条（末尾记录被删除）"
                )
                broken[r.case_id] = Break(r.case_id, first, Problem.ROW_MISSING, detail)
    report.breaks = [broken[k] for k in sorted(broken)]
    return report


async def case_known(sessions: async_sessionmaker[AsyncSession], case_id: str) -> bool:
    """The case has a read-model row or a history row."""
    async with sessions() as session:
        if await session.scalar(select(cases.c.case_id).where(cases.c.case_id == case_id)) is not None:
            return True
        found = await session.scalar(select(case_events.c.id).where(case_events.c.case_id == case_id).limit(1))
        return found is not None


@dataclass(frozen=True)
class WorkflowHead:
    """What a case's workflow knows of its history: its own count and the hash of the last row it wrote."""

    last_seq: int
    history_hash: str | None


HeadLookup = Callable[[str], Awaitable[WorkflowHead | None]]
"""A case id → its workflow's head; None when Temporal has no such workflow."""


@dataclass
class WorkflowReport:
    checked: int = 0
    """Cases whose workflow answered with a hash, compared with the database."""
    without_hash: int = 0
    """Workflows that have written no row since the chain exists (nothing to compare yet)."""
    missing: list[str] = field(default_factory=list)
    """Open cases of the database whose workflow Temporal does not know."""
    unanswered: list[tuple[str, str]] = field(default_factory=list)
    """Cases whose workflow could not be asked (case id, the error): the comparison is incomplete."""
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def summary(self) -> str:
        if not self.ok:
            head = "与 Temporal 工作流比对失败"
        else:
            head = "与 Temporal 工作流比对通过" if self.complete else "与 Temporal 工作流比对未完成"
        text = f"{head}：比对 {self.checked} 个案件，{len(self.breaks)} 个不一致"
        if self.without_hash:
            text += f"；{self.without_hash} 个工作流尚未记下哈希（链建立后尚无新记录）"
        if self.missing:
            text += f"；{len(self.missing)} 个在办案件在 Temporal 中找不到工作流"
        if self.unanswered:
            text += f"；{len(self.unanswered)} 个案件的工作流查询失败（请确认 worker 在运行后重试）"
        return text


async def _open_case_ids(sessions: async_sessionmaker[AsyncSession], after: str, limit: int) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(cases.c.case_id)
            .where(cases.c.stage.not_in([s.value for s in TERMINAL_STAGES]), cases.c.case_id > after)
            .order_by(cases.c.case_id)
            .limit(limit)
        )
        return list(rows)


async def _open_tracks(
    sessions: async_sessionmaker[AsyncSession], after: str, limit: int, case_id: str | None
) -> list[tuple[str, str]]:
    """(workflow id, case id) of the sub-processes (listings, referrals) still at work: those of an open case, and
    listings proposed or in their term whatever became of the case."""
    t = tracks
    running = or_(
        t.c.case_id.in_(select(cases.c.case_id).where(cases.c.stage.not_in([s.value for s in TERMINAL_STAGES]))),
        and_(t.c.kind == TrackKind.BLACKLIST.value, t.c.status.not_in([s.value for s in BLACKLIST_ENDED])),
    )
    stmt = select(t.c.track_id, t.c.case_id).where(running, t.c.track_id > after)
    if case_id is not None:
        stmt = stmt.where(t.c.case_id == case_id)
    async with sessions() as session:
        rows = await session.execute(stmt.order_by(t.c.track_id).limit(limit))
        return [(r.track_id, r.case_id) for r in rows]


async def verify_against_workflows(
    sessions: async_sessionmaker[AsyncSession],
    head_of: HeadLookup,
    case_id: str | None = None,
    *,
    batch: int = CASE_BATCH,
    concurrency: int = QUERY_CONCURRENCY,
) -> WorkflowReport:
    """Each open case's (or the one case's) workflow hash, and each of its running sub-processes' (their rows join
    the case's chain), looked for in the database's chain of that case.

    A workflow's ``last_seq`` runs ahead of its hash while a row is being written (the seq is counted before
    the activity runs); the hash is then that of an earlier row, which the chain still holds: not a break."""
    report = WorkflowReport()
    limit = asyncio.Semaphore(concurrency)

    async def ask(workflow_id: str) -> WorkflowHead | Exception | None:
        async with limit:
            try:
                return await head_of(workflow_id)
            except Exception as exc:  # one workflow that cannot answer must not stop the others
                return exc

    async def compare(units: list[tuple[str, str]]) -> None:
        """(workflow id, case id) each: its head against its case's chain."""
        answers = dict(zip(units, await asyncio.gather(*(ask(wid) for wid, _ in units)), strict=True))
        report.unanswered += [
            (wid, str(a) or type(a).__name__) for (wid, _), a in answers.items() if isinstance(a, Exception)
        ]
        heads = {u: a for u, a in answers.items() if not isinstance(a, Exception)}
        hashes = {u: h.history_hash for u, h in heads.items() if h is not None and h.history_hash is not None}
        report.missing += [wid for (wid, _), h in heads.items() if h is None]
        report.without_hash += sum(1 for h in heads.values() if h is not None and h.history_hash is None)
        found: set[tuple[str, str]] = set()
        if hashes:
            e = case_events
            async with sessions() as session:
                rows = await session.execute(
                    select(e.c.case_id, e.c.hash).where(
                        e.c.case_id.in_({cid for _, cid in hashes}), e.c.hash.in_(list(set(hashes.values())))
                    )
                )
                found = {(r.case_id, r.hash) for r in rows}
        for (wid, cid), wanted in hashes.items():
            report.checked += 1
            if (cid, wanted) not in found:
                head = heads[(wid, cid)]
                assert head is not None
                whose = "工作流" if wid == cid else f"子流程 {wid} "
                detail = (
                    f"{whose}记下的最后一条记录（至多第 {head.last_seq} 条）的哈希 {wanted[:12]}… 不在数据库的哈希链中"
                    "（链被改写后整体重算了哈希，或该记录被删除）"
                )
                report.breaks.append(Break(cid, head.last_seq, Problem.REWRITTEN, detail))

    after = ""
    while True:
        ids = [case_id] if case_id is not None else await _open_case_ids(sessions, after, batch)
        if not ids:
            break
        await compare([(cid, cid) for cid in ids])
        if case_id is not None:
            break
        after = ids[-1]
    after = ""
    while units := await _open_tracks(sessions, after, batch, case_id):
        await compare(units)
        after = units[-1][0]
    return report
