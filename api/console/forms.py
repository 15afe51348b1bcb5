"""The console's action forms, built from each action's body model (models.actions.BODY_MODELS) so a form always
asks for what the API will check; and the way back: a posted form as the JSON body the API takes, and the API's
refusal as messages next to the fields they are about.

Widgets: one-line text for short strings, a textarea for reasons and facts, ``type=date`` for dates,
``type=datetime-local`` for moments (read as Beijing time), selects with Chinese labels for enums and yes/no, a
decimal text input for amounts and rates; lists (payments, a finding's workers, the persons to list, the officers)
are one line per item in a textarea. The ``threshold*`` fields are the API's own and never shown."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AwareDatetime, WithJsonSchema
from pydantic.fields import FieldInfo

from api.errors import ApiError
from config.logs import redact
from models.actions import (
    ACTION_ZH,
    BODY_MODELS,
    REJECT_REASON_ZH,
    SERVICE_METHOD_ZH,
    Action,
    ChallengeKind,
    CloseReason,
    DefenseFor,
    DefenseProcedure,
    OrderAddressee,
    PaymentSource,
    RejectReason,
    ServiceMethod,
)
from models.clock import SHANGHAI
from models.enforcement import PenaltyBasis
from models.errors import ErrorCode
from models.tracks import BASIS_ZH, PARTY_ROLE_ZH, BlacklistBasis, PartyRole
from rules.penalties import BASES

TEXTAREA_FROM = 201
"""Strings allowed longer than an address (200) are free text: reasons, facts, records (2000)."""
HIDDEN_FIELDS = ("threshold",)
"""Prefixes of fields the API fills in itself (the province's figures): never on a form."""

ORDER_ADDRESSEE_ZH = {OrderAddressee.EMPLOYER: "用人单位", OrderAddressee.GENERAL_CONTRACTOR: "施工总承包单位"}
PAYMENT_SOURCE_ZH = {
    PaymentSource.EMPLOYER: "用人单位",
    PaymentSource.GENERAL_CONTRACTOR: "施工总承包单位（先行清偿）",
    PaymentSource.CONSTRUCTION_UNIT: "建设单位",
    PaymentSource.WAGE_DEPOSIT: "工资保证金",
}
CLOSE_REASON_ZH = {
    CloseReason.CLEARED: "欠薪已清偿（经责令改正）",
    CloseReason.NO_VIOLATION: "未发现违法行为",
    CloseReason.MINOR_CORRECTED: "情节轻微且已改正",
    CloseReason.TRANSFERRED: "移送其他部门处理",
    CloseReason.WITHDRAWN: "投诉人撤回投诉",
}
DEFENSE_FOR_ZH = {
    DefenseFor.DECISION: "行政处理事先告知",
    DefenseFor.PENALTY: "行政处罚事先告知",
    DefenseFor.BLACKLIST: "列入失信联合惩戒名单告知",
}
PROCEDURE_ZH = {DefenseProcedure.DECISION: "行政处理决定", DefenseProcedure.PENALTY: "行政处罚决定"}
CHALLENGE_KIND_ZH = {ChallengeKind.REVIEW: "行政复议", ChallengeKind.LITIGATION: "行政诉讼"}
PENALTY_BASIS_ZH = {b: f"{r.citation}（{r.minimum:,.0f}–{r.maximum:,.0f} 元）" for b, r in BASES.items()}
ENUM_ZH: dict[type[StrEnum], Mapping[Any, str]] = {
    RejectReason: REJECT_REASON_ZH,
    ServiceMethod: SERVICE_METHOD_ZH,
    OrderAddressee: ORDER_ADDRESSEE_ZH,
    PaymentSource: PAYMENT_SOURCE_ZH,
    CloseReason: CLOSE_REASON_ZH,
    DefenseFor: DEFENSE_FOR_ZH,
    DefenseProcedure: PROCEDURE_ZH,
    ChallengeKind: CHALLENGE_KIND_ZH,
    PenaltyBasis: PENALTY_BASIS_ZH,
    BlacklistBasis: BASIS_ZH,
    PartyRole: PARTY_ROLE_ZH,
}

LABELS: dict[str, str] = {
    "comment": "备注",
    "not_time_barred_because": "未超过查处时效的理由",
    "reason_code": "不予受理的理由类别",
    "reason": "理由",
    "missing": "需补正的材料",
    "received_at": "收到补正材料的时间",
    "workers": "认定结果",
    "due_date": "限期支付日期",
    "addressee": "责令对象",
    "notice_id": "送达的文书",
    "served_at": "送达时间",
    "method": "送达方式",
    "recipient": "签收人（非受送达人本人签收时填写）",
    "electronic_consent": "同意电子送达的记录（电子送达时必填）",
    "payments": "支付明细",
    "id_number": "劳动者身份证号码",
    "amount": "金额（元）",
    "paid_at": "支付时间",
    "compensation_rate": "加付赔偿金比例",
    "party": "当事人",
    "text": "陈述申辩内容",
    "procedure": "针对的程序",
    "basis": "依据",
    "facts": "违法事实",
    "requested_at": "提出听证要求的时间",
    "hearing_at": "听证时间",
    "place": "听证地点",
    "held_at": "听证举行时间",
    "record": "听证笔录摘要",
    "opinion": "意见",
    "impose": "是否给予罚款",
    "kind": "类别",
    "filed_on": "申请日期",
    "paid_on": "缴纳日期",
    "court": "受理法院",
    "reference": "文号或案号",
    "outcome": "执行结果",
    "due": "清零期限",
    "violation": "向社会公布的违法行为",
    "persons": "列入名单的自然人",
    "list": "是否列入名单",
    "applied_on": "申请日期",
    "promise": "守信承诺书（摘要）",
    "remove": "是否提前移出",
    "report": "涉嫌犯罪案件移送报告",
    "officers": "承办人员",
    "approve": "是否批准移送",
    "transferred_at": "移送时间",
    "police_organ": "接受移送的公安机关",
    "receipt": "公安机关回执编号",
    "accepted": "公安机关是否立案",
    "decided_on": "决定日期",
    "requested_on": "提请日期",
    "procuratorate": "人民检察院",
    "handed_over_on": "移交日期",
    "items": "移交的涉案物品和材料",
}
LABEL_OVERRIDES: dict[tuple[Action, str], str] = {
    (Action.REJECT, "reason"): "不予受理的具体理由",
    (Action.CLOSE, "reason"): "结案理由",
    (Action.EXTEND_INVESTIGATION, "reason"): "延长调查期限的理由",
    (Action.SET_CLEAR_DEADLINE, "reason"): "设定理由（重大或存量案件）",
    (Action.ASSIGN, "assignee"): "承办监察员（用户名）",
    (Action.ASSIGN, "reason"): "分派理由",
    (Action.PROPOSE_PENALTY, "amount"): "拟罚款数额（元）",
    (Action.DECIDE_PENALTY, "amount"): "罚款数额（元，给予罚款时必填）",
    (Action.RECORD_AID, "amount"): "救助金额（元）",
    (Action.RECORD_AID, "paid_at"): "发放时间",
    (Action.RECORD_POLICE_DECISION, "reference"): "公安机关决定文号",
    (Action.RECORD_CHALLENGE, "filed_on"): "提出复议或起诉的日期",
    (Action.RECORD_COURT_ENFORCEMENT, "filed_on"): "申请强制执行的日期（首次登记时必填）",
}
HINTS: dict[str, str] = {
    "workers": "每行一名劳动者：身份证号码 认定金额（元），以空格分开",
    "payments": (
        "每行一笔：身份证号码 金额 [支付时间 [支付来源]]，以空格分开，例如 …… 6000.00 2026-11-20 10:00 用人单位；"
        "支付时间为北京时间，不写的按提交时间登记；支付来源可写 用人单位、施工总承包单位、建设单位、工资保证金，"
        "不写的为用人单位"
    ),
    "persons": (
        "每行一人：角色 姓名 身份证号码 [职务]；角色写 法定代表人（或 主要负责人）或 直接责任人员，"
        "须有且仅有一名法定代表人或者主要负责人"
    ),
    "officers": "每行一名承办人员姓名，至少两名",
    "not_time_barred_because": "欠薪行为终了看似已超过两年时填写",
    "compensation_rate": "应付金额的 50% 以上 1 倍以下，填写 0.5 至 1.0 之间的小数，例如 0.5",
    "amount": "以元为单位，最多两位小数，例如 12000.00",
}
ONE_LINE = frozenset({"recipient"})
"""Free-text fields that hold a name: one line, though their type allows more."""
ALSO_REQUIRED = frozenset({(Action.REJECT, "reason_code")})
"""Optional in the model (old records replay without them) but required of every new action (check_input)."""
YES_NO = (("true", "是"), ("false", "否"))
LINE_SUBFIELDS = {
    "id_number": "身份证号码",
    "amount": "金额",
    "confirmed_amount": "认定金额",
    "paid_at": "支付时间",
    "source": "支付来源",
    "role": "角色",
    "name": "姓名",
    "position": "职务",
}
"""The parts of one line of a list field, as an error names them."""


@dataclass(frozen=True)
class Field:
    """One input of an action's form."""

    name: str
    label: str
    widget: str
    """text, textarea, date, datetime, decimal, select, lines or hidden."""
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    """A select's (value, label) pairs."""
    default: str = ""
    hint: str = ""


@dataclass(frozen=True)
class ActionForm:
    action: Action
    title: str
    fields: tuple[Field, ...]


@dataclass
class Failure:
    """An action refused: which form (action and panel), why, each field's problems, and what was typed."""

    action: str
    scope: str
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def form_for(
    action: Action,
    *,
    choices: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    fixed: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
) -> ActionForm:
    """The form of ``action``: ``choices`` turn a field into a select of those options (the notices one may
    serve), ``fixed`` into a hidden field with that value (a listing's defence is the listing's), ``defaults``
    preset a value."""
    shown: list[Field] = []
    for f in fields_of(action):
        if fixed and f.name in fixed:
            f = replace(f, widget="hidden", default=fixed[f.name])
        elif choices and f.name in choices:
            f = replace(f, widget="select", options=tuple(choices[f.name]))
        if defaults and f.name in defaults and f.widget != "hidden":
            f = replace(f, default=defaults[f.name])
        shown.append(f)
    return ActionForm(action=action, title=ACTION_ZH[action], fields=tuple(shown))


@cache
def fields_of(action: Action) -> tuple[Field, ...]:
    """The inputs of an action, in its model's order with the comment last."""
    model = BODY_MODELS[action]
    built = [_field(action, name, info) for name, info in model.model_fields.items() if not _internal(name)]
    return tuple(sorted(built, key=lambda f: f.name == "comment"))


def _internal(name: str) -> bool:
    return name.startswith(HIDDEN_FIELDS)


def _field(action: Action, name: str, info: FieldInfo) -> Field:
    kind, metadata = _unwrap(info.annotation)
    label = LABEL_OVERRIDES.get((action, name), LABELS.get(name, name))
    required = info.is_required() or (action, name) in ALSO_REQUIRED
    default = info.default.value if isinstance(info.default, StrEnum) else ""
    hint = HINTS.get(name, "")
    if get_origin(kind) is list:
        return Field(name, label, "lines", required, hint=hint)
    if kind is bool:
        return Field(name, label, "select", required, options=YES_NO)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return Field(name, label, "select", required, options=_options(kind), default=default)
    if kind is AwareDatetime or (isinstance(kind, type) and issubclass(kind, datetime)):
        return Field(name, label, "datetime", required, hint="北京时间")
    if kind is date:
        return Field(name, label, "date", required)
    if kind is Decimal:
        return Field(name, label, "decimal", required, hint=hint)
    long = _max_length([*info.metadata, *metadata]) >= TEXTAREA_FROM and name not in ONE_LINE
    return Field(name, label, "textarea" if long else "text", required, hint=hint)


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under ``Optional[...]`` and ``Annotated[...]``, with the Annotated metadata."""
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *more = get_args(annotation)
            metadata.extend(more)
        elif origin in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation, metadata


def _max_length(metadata: Sequence[Any]) -> int:
    for item in metadata:
        if isinstance(item, WithJsonSchema) and item.json_schema:
            return int(item.json_schema.get("maxLength", 0))
    return 0


def _options(kind: type[StrEnum]) -> tuple[tuple[str, str], ...]:
    names = ENUM_ZH.get(kind, {})
    return tuple((member.value, names.get(member, member.value)) for member in kind)


# --- a posted form as the API's body -------------------------------------------------------------------------


class FormProblems(list[tuple[str, str]]):
    """(field, message) pairs found while reading a form, before the API sees it."""


def body_of(action: Action, form: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """The JSON body of ``action`` from its posted form: empty optional fields omitted (an empty required one is
    omitted too, and the API names it); a form that cannot be read is refused as the API refuses a body (422)."""
    body: dict[str, Any] = {}
    problems = FormProblems()
    for f in fields_of(action):
        raw = form.get(f.name, "")
        if not raw.strip():
            continue
        value = _value(f, raw, now, problems)
        if value is not None:
            body[f.name] = value
    if problems:
        raise ApiError(ErrorCode.VALIDATION_FAILED, details=[{"field": n, "message": m} for n, m in problems])
    return body


def _value(f: Field, raw: str, now: datetime, problems: FormProblems) -> Any:
    if f.widget == "lines":
        return _lines(f.name, raw, now, problems)
    if f.widget == "datetime":
        return shanghai_moment(raw.strip())
    if f.widget == "decimal":
        return decimal_text(raw)
    if f.widget == "select" and f.options == YES_NO:
        return {"true": True, "false": False}.get(raw.strip(), raw.strip())
    if f.widget == "textarea":
        return raw
    return raw.strip()


def shanghai_moment(text: str) -> str:
    """A ``datetime-local`` value (no offset) as Beijing time with its offset; anything else as typed, for the API
    to refuse with its own words."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.isoformat()


_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def decimal_text(text: str) -> str:
    """An amount as typed, trimmed, with thousands separators (``12,000.00``) dropped; never rounded."""
    text = text.strip()
    return text.replace(",", "") if _GROUPED.fullmatch(text) else text


def _lines(name: str, raw: str, now: datetime, problems: FormProblems) -> list[Any]:
    reader = LINE_READERS.get(name, _plain_line)
    items: list[Any] = []
    for number, line in enumerate((line for line in raw.splitlines() if line.strip()), start=1):
        try:
            items.append(reader(line.split(), now))
        except ValueError as exc:
            problems.append((name, f"第{number}行：{exc}"))
    return items


def _plain_line(parts: list[str], now: datetime) -> str:
    return " ".join(parts)


def _finding_line(parts: list[str], now: datetime) -> dict[str, Any]:
    if len(parts) != 2:
        raise ValueError("应为“身份证号码 认定金额”两项，以空格分开")
    return {"id_number": parts[0], "confirmed_amount": decimal_text(parts[1])}


_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(T.*)?")
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def _payment_line(parts: list[str], now: datetime) -> dict[str, Any]:
    if not 2 <= len(parts) <= 5:
        raise ValueError("应为“身份证号码 金额 [支付时间 [支付来源]]”，以空格分开")
    line: dict[str, Any] = {"id_number": parts[0], "amount": decimal_text(parts[1])}
    rest = parts[2:]
    paid_at = now.astimezone(SHANGHAI).replace(microsecond=0).isoformat()
    if rest and _DATE.fullmatch(rest[0]):
        when = rest.pop(0)
        if rest and _TIME.fullmatch(rest[0]) and "T" not in when:
            when = f"{when}T{rest.pop(0)}"
        paid_at = _moment_of(when)
    line["paid_at"] = paid_at
    if rest:
        line["source"] = _member(PaymentSource, " ".join(rest), PAYMENT_ALIASES, "支付来源")
    return line


def _moment_of(text: str) -> str:
    """A day (00:00 Beijing time) or a day and time, as the API's moment."""
    try:
        return shanghai_moment(datetime.fromisoformat(text).isoformat())
    except ValueError:
        raise ValueError("支付时间应写作 2026-11-20 或 2026-11-20 10:00") from None


PAYMENT_ALIASES = {
    "用人单位": PaymentSource.EMPLOYER,
    "总包": PaymentSource.GENERAL_CONTRACTOR,
    "总承包单位": PaymentSource.GENERAL_CONTRACTOR,
    "施工总承包单位": PaymentSource.GENERAL_CONTRACTOR,
    "建设单位": PaymentSource.CONSTRUCTION_UNIT,
    "工资保证金": PaymentSource.WAGE_DEPOSIT,
    "保证金": PaymentSource.WAGE_DEPOSIT,
}
ROLE_ALIASES = {
    "法定代表人": PartyRole.LEGAL_REPRESENTATIVE,
    "主要负责人": PartyRole.LEGAL_REPRESENTATIVE,
    "法定代表人或者主要负责人": PartyRole.LEGAL_REPRESENTATIVE,
    "直接责任人员": PartyRole.RESPONSIBLE_PERSON,
    "责任人员": PartyRole.RESPONSIBLE_PERSON,
    "直接负责的主管人员": PartyRole.RESPONSIBLE_PERSON,
    "直接负责的主管人员和其他直接责任人员": PartyRole.RESPONSIBLE_PERSON,
}


def _member(kind: type[StrEnum], text: str, aliases: Mapping[str, StrEnum], what: str) -> str:
    """An enum's value from its code, its Chinese label or a usual short name."""
    labels = {label: member for member, label in ENUM_ZH.get(kind, {}).items()}
    found = aliases.get(text) or labels.get(text) or next((m for m in kind if m.value == text), None)
    if found is None:
        raise ValueError(f"{what}应为：{'、'.join(aliases)}")
    return str(found.value)


def _person_line(parts: list[str], now: datetime) -> dict[str, Any]:
    if len(parts) < 3:
        raise ValueError("应为“角色 姓名 身份证号码 [职务]”，以空格分开")
    role = _member(PartyRole, parts[0], ROLE_ALIASES, "角色")
    if role == PartyRole.EMPLOYER:
        raise ValueError("用人单位本身总是当事人，这里只列自然人")
    person: dict[str, Any] = {"role": role, "name": parts[1], "id_number": parts[2]}
    if len(parts) > 3:
        person["position"] = " ".join(parts[3:])
    return person


LINE_READERS = {
    "workers": _finding_line,
    "payments": _payment_line,
    "persons": _person_line,
    "officers": _plain_line,
}


# --- the API's refusal next to the fields -------------------------------------------------------------------


def failure(action: Action, scope: str, exc: ApiError, values: Mapping[str, str]) -> Failure:
    """Where a refusal shows: each detail next to its field (a list's line by its number), the rest above the
    form; ID and mobile numbers masked in every message, as the API's error body has them."""
    names = {f.name for f in fields_of(action)}
    result = Failure(action=action.value, scope=scope, message=for_people(exc.message), values=dict(values))
    for detail in exc.details:
        path = str(detail.get("field", "")).split(".")
        message = for_people(str(detail.get("message", "")))
        if path[0] in names:
            result.fields.setdefault(path[0], []).append(_located(path[1:], message))
        elif message and message != result.message:
            result.general.append(message)
    return result


_CODE_IN_BRACKETS = re.compile(r"（[a-z][a-z_]*）")
_CODE = re.compile(r"(?<![A-Za-z_-])[a-z]+(?:_[a-z]+)*(?![A-Za-z_-])")


def for_people(message: str) -> str:
    """An API message as the console says it: the field codes it names for API callers (``（reason_code）``) left
    out or replaced by the field's label, ID and mobile numbers masked (as in the API's error body)."""
    plain = _CODE_IN_BRACKETS.sub("", message)
    plain = _CODE.sub(lambda m: f"“{_word(m.group())}”" if _word(m.group()) else m.group(), plain)
    return redact(plain)


def _word(code: str) -> str | None:
    """A field's label, else an enum value's Chinese name."""
    if code in LABELS:
        return LABELS[code]
    return next((names[m] for kind, names in ENUM_ZH.items() for m in kind if m.value == code and m in names), None)


def _located(rest: list[str], message: str) -> str:
    """``payments.2.amount`` → 第3行（金额）：…"""
    if not rest or not rest[0].isdigit():
        return message
    where = f"第{int(rest[0]) + 1}行"
    if len(rest) > 1:
        where += f"（{LINE_SUBFIELDS.get(rest[1], rest[1])}）"
    return f"{where}：{message}"
