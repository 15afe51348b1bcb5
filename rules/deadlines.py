"""Deadline arithmetic: working days under the holiday schedule, legal bases, statuses.

The day of the event is not counted; counting starts the next day; a deadline ends at 24:00 of
its last day (Asia/Shanghai).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.case import DEADLINE_ZH, PARTY_PERIODS, Deadline, DeadlineKind, DeadlineStatus
from rules.calendar import WorkingCalendar

ACCEPTANCE_WORKING_DAYS = 5
INVESTIGATION_WORKING_DAYS = 60
INVESTIGATION_EXTENSION_WORKING_DAYS = 30
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class WorkingDayCount:
    """A count kept whole so the due date can be explained and, if provisional, recounted."""

    start: date
    due: date
    days: int
    provisional: bool
    unknown_years: tuple[int, ...]


def add_working_days(cal: WorkingCalendar, start: date, days: int) -> WorkingDayCount:
    """The ``days``-th working day after ``start`` (the event's own day is not counted).

    Provisional if any day examined lies in a year whose schedule is not known: that part was
    counted Monday–Friday only and must be recounted once the year is loaded.
    """
    if isinstance(days, bool) or days < 1:
        raise ValueError(f"工作日天数应为正整数，而不是 {days!r}")
    day, counted = start, 0
    unknown: set[int] = set()
    while counted < days:
        day += timedelta(days=1)
        if not cal.knows(day.year):
            unknown.add(day.year)
        if cal.is_working_day(day):
            counted += 1
    return WorkingDayCount(start, day, days, bool(unknown), tuple(sorted(unknown)))


def subtract_working_days(cal: WorkingCalendar, due: date, days: int) -> date:
    """The day ``days`` working days before ``due``: counting from it, ``due`` is the ``days``-th working day
    only when ``due`` itself is one (a warning 3 working days ahead of a Friday comes on the Tuesday)."""
    if isinstance(days, bool) or days < 1:
        raise ValueError(f"工作日天数应为正整数，而不是 {days!r}")
    day, counted = due, 0
    while counted < days:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return day


def with_alarms(cal: WorkingCalendar, d: Deadline, warn_days: int, level2_days: int) -> Deadline:
    """The deadline with the days its warning and its level-2 escalation fall on (configurable counts).

    No warning when the warning day would not come after the deadline's start (a short period): the
    assignee learns of it when it is set. Provisional if either count touches a year not loaded."""
    warn_on = subtract_working_days(cal, d.due, warn_days) if warn_days > 0 else None
    if warn_on is not None and warn_on <= d.start:
        warn_on = None
    level2 = add_working_days(cal, d.due, level2_days)
    unknown = not cal.knows(d.due.year) or (warn_on is not None and not cal.knows(warn_on.year))
    return d.model_copy(
        update={
            "warn_on": warn_on,
            "escalate_after": level2.due,
            "provisional": d.provisional or level2.provisional or unknown,
        }
    )


def explain(cal: WorkingCalendar, count: WorkingDayCount) -> list[str]:
    """Day by day, so an inspector, the party or a court can check the count by hand."""
    lines: list[str] = []
    day, n = count.start, 0
    while day < count.due:
        day += timedelta(days=1)
        label = f"{day.isoformat()} 周{_WEEKDAYS[day.weekday()]}"
        schedule = cal.schedule(day.year)
        guess = "" if schedule is not None else f"（{day.year}年节假日安排未载入，暂按周一至周五推算）"
        if cal.is_working_day(day):
            n += 1
            kind = "调休上班" if schedule is not None and day in schedule.workdays else "工作日"
            lines.append(f"{label} {kind}，第{n}个工作日{guess}")
        elif schedule is not None and day in schedule.holidays:
            name = schedule.names.get(day)
            lines.append(f"{label} 节假日休息{f'（{name}）' if name else ''}，不计")
        else:
            lines.append(f"{label} 周末休息，不计{guess}")
    return lines


def _zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（周{_WEEKDAYS[day.weekday()]}）"


def explain_deadline(cal: WorkingCalendar, d: Deadline) -> list[str]:
    """A deadline in words, day by day where it counts working days, with the moments it warns and escalates:
    what an inspector, the party or a court can check by hand."""
    lines = [
        f"{DEADLINE_ZH.get(d.kind, d.kind.value)}：{d.basis}" if d.basis else DEADLINE_ZH.get(d.kind, d.kind.value)
    ]
    if d.working_days:
        lines.append(f"自{_zh(d.start)}的次日起计算{d.working_days}个工作日（当日不计）：")
        count = add_working_days(cal, d.start, d.working_days)
        lines += explain(cal, count)
        if count.due != d.due:
            lines.append(f"按现行日历重新计算应为{_zh(count.due)}，与记载的{_zh(d.due)}不同：将在重新计算后更新")
    else:
        lines.append(f"自{_zh(d.start)}起按日历日计算，到期日为{_zh(d.due)}")
    lines.append(f"期限至{_zh(d.due)}24时届满")
    if d.provisional:
        lines.append("其中部分年份的节假日安排尚未载入，暂按周一至周五推算（provisional），载入后自动重新计算")
    if d.suspended_since is not None:
        lines.append(f"自{_zh(d.suspended_since)}起因通知补正材料中止计算，收到补正材料后重新起算")
    if d.warn_on is not None:
        lines.append(f"临期提醒：{_zh(d.warn_on)}0时提醒承办人")
    lines.append(f"逾期提级（一级）：届满未办结的，{_zh(d.due)}24时提交科室负责人")
    if d.escalate_after is not None:
        lines.append(f"逾期督办（二级）：逾期满{_zh(d.escalate_after)}24时仍未办结的，提交负责人并发出督办通知书")
    if d.met_at is not None:
        late = "（逾期后办结）" if d.status == DeadlineStatus.MET_LATE else ""
        lines.append(f"已于{_zh(d.met_at)}办结{late}")
    elif d.status == DeadlineStatus.CANCELLED:
        lines.append("案件已结案或不予受理，该期限不再计算")
    return lines


WORKING_DAY_RULES: dict[DeadlineKind, tuple[int, str]] = {
    DeadlineKind.ACCEPTANCE: (
        ACCEPTANCE_WORKING_DAYS,
        "《关于实施〈劳动保障监察条例〉若干规定》第十八条：自收到投诉之日起5个工作日内决定是否受理",
    ),
    DeadlineKind.INVESTIGATION: (
        INVESTIGATION_WORKING_DAYS,
        "《劳动保障监察条例》第十七条：自立案之日起60个工作日内完成",
    ),
}
"""Deadlines counted in working days from an event: how many days, and the legal basis."""
EXTENDED_INVESTIGATION_BASIS = (
    "《劳动保障监察条例》第十七条：自立案之日起60个工作日内完成；"
    "情况复杂的，经劳动保障行政部门负责人批准，可以延长30个工作日"
)


def working_deadline(cal: WorkingCalendar, kind: DeadlineKind, start: date, extended_by: int | None = None) -> Deadline:
    """A deadline counted in working days from ``start`` under the rule for ``kind`` (plus an approved
    extension, counted on from the same start)."""
    if kind not in WORKING_DAY_RULES:
        raise ValueError(f"no working-day rule for deadline kind {kind.value}")
    days, basis = WORKING_DAY_RULES[kind]
    if extended_by:
        if kind != DeadlineKind.INVESTIGATION:
            raise ValueError(f"deadline kind {kind.value} cannot be extended")
        days, basis = days + extended_by, EXTENDED_INVESTIGATION_BASIS
    return _counted(cal, kind, start, days, basis, extended_by)


def _counted(
    cal: WorkingCalendar, kind: DeadlineKind, start: date, days: int, basis: str, extended_by: int | None = None
) -> Deadline:
    """A deadline ``days`` working days after ``start`` (provisional if the count touches a year not loaded)."""
    count = add_working_days(cal, start, days)
    return Deadline(
        kind=kind,
        start=start,
        due=count.due,
        working_days=days,
        provisional=count.provisional,
        basis=basis,
        extended_by=extended_by,
    )


DECISION_DEFENSE_BASIS = (
    "行政处理事先告知书：当事人自收到告知书之日起{days}个工作日内可以陈述、申辩（本机关规定）；"
    "《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条"
)


PENALTY_DEFENSE_BASIS = (
    "《中华人民共和国行政处罚法》第四十四条、第四十五条：当事人有权进行陈述和申辩；"
    "本机关规定自收到行政处罚事先告知书之日起{days}个工作日内提出"
)
DEFENSE_BASES = {
    DeadlineKind.DECISION_DEFENSE: DECISION_DEFENSE_BASIS,
    DeadlineKind.PENALTY_DEFENSE: PENALTY_DEFENSE_BASIS,
}


LISTING_BASES = {
    DeadlineKind.BLACKLIST_DEFENSE: (
        "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）：当事人自收到列入告知书之日起"
        "{days}个工作日内可以陈述、申辩"
    ),
    DeadlineKind.BLACKLIST_DECISION: (
        "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）：自责令限期支付工资文书"
        "规定的期限届满之日起{days}个工作日内作出列入决定"
    ),
    DeadlineKind.EARLY_REMOVAL_DECISION: (
        "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）：自收到提前移出申请之日起"
        "{days}个工作日内作出决定"
    ),
}
"""The listing's periods in working days; how many is the bureau's configuration (defaults 5, 20, 15 from our
reading of 45号令, to be checked against the published text: docs/long-arm.md)."""


def listing_deadline(
    cal: WorkingCalendar, kind: DeadlineKind, start: date, days: int, subject: str | None = None
) -> Deadline:
    """A listing's period ``days`` working days from ``start`` (a party's defence period names the party)."""
    if isinstance(days, bool) or days < 1:
        raise ValueError(f"期限应为正整数个工作日，而不是 {days!r}")
    counted = _counted(cal, kind, start, days, LISTING_BASES[kind].format(days=days))
    return counted.model_copy(update={"subject": subject}) if subject else counted


def defense_deadline(cal: WorkingCalendar, kind: DeadlineKind, served: date, days: int) -> Deadline:
    """The party's period to state and defend after a prior notice is served (bureau configuration)."""
    if isinstance(days, bool) or days < 1:
        raise ValueError(f"陈述申辩期应为正整数个工作日，而不是 {days!r}")
    return _counted(cal, kind, served, days, DEFENSE_BASES[kind].format(days=days))


CALENDAR_DAY_RULES: dict[DeadlineKind, tuple[int, str]] = {
    DeadlineKind.PENALTY_HEARING_REQUEST: (
        5,
        "《中华人民共和国行政处罚法》第六十四条第（一）项：当事人要求听证的，应当在行政机关告知后五日内提出",
    ),
    DeadlineKind.PENALTY_DECISION: (
        90,
        "《中华人民共和国行政处罚法》第六十条：行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定",
    ),
    DeadlineKind.REFERRAL_APPROVAL: (
        3,
        "《行政执法机关移送涉嫌犯罪案件的规定》第五条：正职负责人或者主持工作的负责人应当自接到报告之日起3日内"
        "作出批准移送或者不批准移送的决定",
    ),
    DeadlineKind.REFERRAL_TRANSFER: (
        1,
        "《行政执法机关移送涉嫌犯罪案件的规定》第五条：决定批准的，应当在24小时内向同级公安机关移送",
    ),
    DeadlineKind.POLICE_DECISION: (
        3,
        "《行政执法机关移送涉嫌犯罪案件的规定》第八条、第九条：公安机关应当自接受移送（或者收到提请复议的文件）"
        "之日起3日内作出立案或者不予立案的决定，并书面通知移送案件的行政执法机关",
    ),
    DeadlineKind.RECONSIDERATION_REQUEST: (
        3,
        "《行政执法机关移送涉嫌犯罪案件的规定》第九条：可以自接到不予立案通知书之日起3日内，"
        "提请作出不予立案决定的公安机关复议，也可以建议人民检察院依法进行立案监督",
    ),
    DeadlineKind.SUPERVISION_REQUEST: (
        3,
        "《行政执法机关移送涉嫌犯罪案件的规定》第九条：对公安机关不予立案的复议决定仍有异议的，"
        "应当自收到复议决定通知书之日起3日内建议人民检察院依法进行立案监督",
    ),
    DeadlineKind.MATERIALS_HANDOVER: (
        3,
        "《行政执法机关移送涉嫌犯罪案件的规定》第十二条：对公安机关决定立案的案件，"
        "应当自接到立案通知书之日起3日内将涉案物品以及与案件有关的其他材料移交公安机关",
    ),
    DeadlineKind.PENALTY_SERVICE: (
        7,
        "《中华人民共和国行政处罚法》第六十一条：行政处罚决定书应当在宣告后当场交付当事人；"
        "当事人不在场的，行政机关应当在七日内依照民事诉讼法的有关规定送达当事人",
    ),
}
"""Deadlines counted in calendar days from an event: how many days, and the legal basis."""


def calendar_day_deadline(kind: DeadlineKind, start: date) -> Deadline:
    days, basis = CALENDAR_DAY_RULES[kind]
    return Deadline(kind=kind, start=start, due=start + timedelta(days=days), basis=basis)


def acceptance_deadline(cal: WorkingCalendar, received: date) -> Deadline:
    """Deciding whether to accept a complaint (受理) is due 5 working days after receipt."""
    return working_deadline(cal, DeadlineKind.ACCEPTANCE, received)


def investigation_deadline(cal: WorkingCalendar, filed: date) -> Deadline:
    """An investigation is due 60 working days after 立案 (extendable once by 30, approved)."""
    return working_deadline(cal, DeadlineKind.INVESTIGATION, filed)


def payment_order_deadline(issued: date, due: date) -> Deadline:
    """The inspector sets the date in the order, so nothing is counted here."""
    return Deadline(
        kind=DeadlineKind.PAYMENT_ORDER,
        start=issued,
        due=due,
        basis="《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条：按指令书限定的期限支付",
    )


def service_deadline(issued: date, days: int) -> Deadline:
    """An order that opens a period must be served; the bureau sets how many calendar days it allows."""
    if isinstance(days, bool) or days < 0:
        raise ValueError(f"送达期限天数应为非负整数，而不是 {days!r}")
    return Deadline(
        kind=DeadlineKind.SERVICE,
        start=issued,
        due=issued + timedelta(days=days),
        basis=f"本机关规定：指令书应于作出后{days}日内送达；期间自送达之日起计算，未送达的不能作为后续处理的依据",
    )


def effective_status(d: Deadline, today: date) -> DeadlineStatus:
    """A pending deadline whose last day has passed reads as overdue, unless its clock is suspended; a party's
    period (PARTY_PERIODS) that has run its course reads as met — the bureau cannot be late on it."""
    if d.status == DeadlineStatus.PENDING and d.suspended_since is None and today > d.due:
        return DeadlineStatus.MET if d.kind in PARTY_PERIODS else DeadlineStatus.OVERDUE
    return d.status


def end_party_period(deadlines: list[Deadline], kind: DeadlineKind, on: date) -> list[Deadline]:
    """New list; the party's period of ``kind`` is over: on its last day if it ran its course, else ``on``
    (the bureau acted on a defence received within it)."""
    return [
        d.model_copy(update={"status": DeadlineStatus.MET, "met_at": min(on, d.due)})
        if d.kind == kind and d.open
        else d
        for d in deadlines
    ]


def mark_overdue(deadlines: list[Deadline], kind: DeadlineKind, due: date) -> list[Deadline]:
    """New list; the kind's pending deadline with that due date has passed unmet (the engine saw it pass)."""
    return [
        d.model_copy(update={"status": DeadlineStatus.OVERDUE})
        if d.kind == kind and d.due == due and d.status == DeadlineStatus.PENDING
        else d
        for d in deadlines
    ]


def _update_pending(deadlines: list[Deadline], kind: DeadlineKind, update: dict[str, object]) -> list[Deadline]:
    def apply(d: Deadline) -> Deadline:
        return d.model_copy(update=update) if d.kind == kind and d.open else d

    return [apply(d) for d in deadlines]


def met_status(d: Deadline, on: date) -> DeadlineStatus:
    """Met on or before its last day is ``met``; after it, ``met_late`` — never silently ``met``."""
    return DeadlineStatus.MET if on <= d.due else DeadlineStatus.MET_LATE


def mark_met(deadlines: list[Deadline], kind: DeadlineKind, on: date) -> list[Deadline]:
    """New list; the kind's pending deadline is met on ``on``. Inputs stay untouched (workflow state is replayed)."""

    def apply(d: Deadline) -> Deadline:
        if d.kind != kind or not d.open:
            return d
        return d.model_copy(update={"status": met_status(d, on), "met_at": on, "suspended_since": None})

    return [apply(d) for d in deadlines]


def cancel(deadlines: list[Deadline], kind: DeadlineKind) -> list[Deadline]:
    """New list; the kind's open deadline no longer applies (e.g. the case was refused or closed)."""
    return _update_pending(deadlines, kind, {"status": DeadlineStatus.CANCELLED})


def cancel_all(deadlines: list[Deadline]) -> list[Deadline]:
    """New list; every open (pending or overdue) deadline is cancelled (closing or refusing ends every clock;
    the escalations an overdue one raised stay on the case)."""
    return [d.model_copy(update={"status": DeadlineStatus.CANCELLED}) if d.open else d for d in deadlines]


def suspend(deadlines: list[Deadline], kind: DeadlineKind, since: date) -> list[Deadline]:
    """New list; the kind's pending clock stands still from ``since`` (补正)."""
    return _update_pending(deadlines, kind, {"suspended_since": since})


def replace(deadlines: list[Deadline], fresh: Deadline) -> list[Deadline]:
    """New list; the open deadline of ``fresh.kind`` is replaced by ``fresh`` (a clock that restarts or moves)."""
    kept = [d for d in deadlines if not (d.kind == fresh.kind and d.open)]
    return [*kept, fresh]
