"""What the enforcement notices say: the administrative decision (行政处理事先告知书, 行政处理决定书), the
penalty (行政处罚事先告知书, 听证通知书, 行政处罚决定书) and the application to the court (强制执行申请书)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from models.case import (
    CaseState,
    NoticeRef,
)
from models.clock import shanghai_date
from models.enforcement import CourtEnforcement, DecisionTrack, Defense, PenaltyTrack
from models.money import ZERO
from models.notices import NOTICE_TITLES, Bureau, NoticeKind
from notices.amounts import zh_date, zh_datetime
from notices.wording import (
    DECISION_BASIS,
    ENFORCEMENT_LAW,
    EVIDENCE,
    FINE_PAYMENT_DAYS_ZH,
    FINE_PAYMENT_LAW,
    HEARING_LAW,
    HEARING_REQUEST_DAYS_ZH,
    HEARING_RIGHT_LAW,
    LITIGATION_LAW,
    ORDER_TITLE,
    PENALTY_DEFENCE_LAW,
    PENALTY_NOTICE_TITLE,
    PRIOR_NOTICE_TITLE,
    REVIEW_LAW,
    _at_project,
    _employer,
    _money,
    _owed_workers,
    _party_address,
    _period,
    _project,
    _Text,
    _to_general_contractor,
    scrub,
)
from rules.penalties import BASES, BasisRule


def _percent(rate: Decimal) -> str:
    """A rate as printed: 0.50 → 50%, 0.75 → 75%, 1.00 → 100%."""
    return f"{(rate * 100).normalize():f}%"


def _served_notice(ref: NoticeRef | None, title: str) -> str:
    """An earlier notice of the case by title and number, and the day it was served (本机关于…向你单位送达
    《…》（…）), or issued while its service is not recorded; empty when the case holds no such notice."""
    if ref is None:
        return ""
    named = f"{title}（{scrub(ref.doc_number)}）"
    if ref.served_at is None:
        return f"本机关于{zh_date(shanghai_date(ref.issued_at))}作出{named}"
    return f"本机关于{zh_date(shanghai_date(ref.served_at))}向你单位送达{named}"


def _decision_facts(case: CaseState, owed: Decimal, owed_workers: int, this: str) -> str:
    """The facts both decision notices rest on (条例 art. 26: 逾期不支付): the arrears found, the order to
    pay by a date, served, and what was still not paid when ``this`` notice was made."""
    workers = _owed_workers(case)
    arrears = f"拖欠{len(workers)}名劳动者{_period(workers)}的工资"
    if _to_general_contractor(case):
        found = f"经调查，你单位系{_project(case)}的施工总承包单位，该项目分包单位{_employer(case)}{arrears}。"
        pay = "先行清偿"
    else:
        found = f"经调查，你单位{_at_project(case)}{arrears}。"
        pay = "足额支付"
    due = f"于{zh_date(case.order_due)}前（含当日）" if case.order_due else "限期"
    order = _served_notice(case.latest_notice(NoticeKind.PAYMENT_ORDER.value), ORDER_TITLE)
    ordered = f"{order}，责令你单位{due}{pay}上述工资" if order else f"本机关已责令你单位{due}{pay}上述工资"
    return (
        f"{found}{ordered}。你单位逾期未{pay}，截至本{this}作出之日，"
        f"仍有{owed_workers}名劳动者的工资共计{_money(owed)}未支付。"
    )


def _intended(case: CaseState) -> DecisionTrack:
    if case.decision is None:
        raise ValueError("行政处理事先告知书须载明拟作出的处理决定（加付赔偿金比例），案件中尚无")
    return case.decision


def _decided(case: CaseState) -> tuple[DecisionTrack, Decimal]:
    track = case.decision
    if track is None or track.rate is None or track.decided_at is None or not track.lines:
        raise ValueError("行政处理决定书须载明已作出的处理决定（加付赔偿金比例及每名劳动者的金额），案件中尚无")
    return track, track.rate


def _decision_notice(case: CaseState, bureau: Bureau) -> _Text:
    """行政处理事先告知书: the facts (an order to pay served and not complied with by its date), the decision
    intended under 条例 art. 26 and 劳动合同法 art. 85 (the wages still owed plus 加付赔偿金 at the proposed
    rate of them, listed per worker below), and the party's right to state and defend within the bureau's
    working days. Nothing is decided yet, so no rights of review."""
    rate = _intended(case).proposed_rate
    owed = [w for w in case.workers if w.outstanding > ZERO]
    return _Text(
        [
            _decision_facts(case, case.outstanding, len(owed), "告知书"),
            f"根据{'、'.join(DECISION_BASIS)}的规定，本机关拟作出如下行政处理决定：责令你单位向下列劳动者支付"
            f"所欠工资，并按应付金额{_percent(rate)}的标准向劳动者加付赔偿金。",
            f"你单位依法享有陈述、申辩的权利。如有异议，可自收到本告知书之日起"
            f"{bureau.decision_defense_working_days}个工作日内向本机关提出陈述、申辩意见，并提交相关证据材料；"
            "逾期未提出的，视为放弃陈述、申辩的权利。本机关将对你单位提出的事实、理由和证据进行复核。",
        ],
        list(DECISION_BASIS),
    )


def _parties(defenses: Sequence[Defense]) -> str:
    """Who stated and defended, by name only, each once: the statements themselves are never printed."""
    names = dict.fromkeys(scrub(d.party).strip() for d in defenses)
    return "、".join(n for n in names if n) or "当事人"


def _decision(case: CaseState, bureau: Bureau) -> _Text:
    """行政处理决定书: the facts, the prior notice and whether the party stated and defended (by name, never
    what it said), then the decision under 条例 art. 26 and 劳动合同法 art. 85: the wages and 加付赔偿金 of
    each listed worker, paid within the bureau's days from service. The rights of review and the court's
    enforcement (行政强制法 art. 53) follow as the notice's rights."""
    track, rate = _decided(case)
    prior = case.notice(track.prior_notice_id) if track.prior_notice_id else None
    told = _served_notice(prior or case.latest_notice(NoticeKind.DECISION_NOTICE.value), PRIOR_NOTICE_TITLE)
    procedure = (
        f"{told or '本机关已向你单位送达' + PRIOR_NOTICE_TITLE}，告知你单位拟作出行政处理决定的事实、理由、依据"
        "及依法享有的陈述、申辩权利。"
    )
    if not track.defenses:
        procedure += "你单位在规定期限内未提出陈述、申辩。"
    else:
        outcome = (
            f"加付赔偿金的标准由拟定的应付金额{_percent(track.proposed_rate)}调整为{_percent(rate)}"
            if rate != track.proposed_rate
            else "维持拟定的加付赔偿金标准"
        )
        procedure += f"本机关收到{_parties(track.defenses)}提出的陈述、申辩意见，经复核，{outcome}。"
    return _Text(
        [
            _decision_facts(case, track.wages, len(track.lines), "决定书"),
            procedure,
            f"根据{'、'.join(DECISION_BASIS)}的规定，本机关决定：责令你单位自收到本决定书之日起"
            f"{bureau.decision_compliance_days}日内，向下列劳动者支付所欠工资，并按应付金额{_percent(rate)}的标准"
            "向劳动者加付赔偿金，并书面报告支付情况。",
        ],
        list(DECISION_BASIS),
    )


# --- the administrative penalty (行政处罚法 2021) ---------------------------------------------------------


def _penalty(case: CaseState, title: str) -> tuple[PenaltyTrack, BasisRule]:
    if case.penalty is None:
        raise ValueError(f"{title}须载明拟作出的行政处罚（处罚依据和罚款数额），案件中尚无")
    return case.penalty, BASES[case.penalty.basis]


def _penalty_facts(case: CaseState, rule: BasisRule) -> str:
    """The facts found by the investigation of the case (art. 44, art. 59 (二)): as the inspector stated them
    when proposing the fine; else the conduct the provision punishes."""
    investigated = f"经本机关立案调查（案号：{scrub(case.case_number)}）" if case.case_number else "经本机关调查"
    facts = case.penalty.facts if case.penalty is not None else None
    if facts:
        return f"{investigated}，查明：{scrub(facts).strip().rstrip('。')}。上述行为违反了{rule.citation}的规定。"
    return f"{investigated}，你单位存在{rule.conduct}的违法行为。"


def _penalty_notice(case: CaseState, bureau: Bureau) -> _Text:
    """行政处罚事先告知书 (行政处罚法 art. 44): the facts, the provision and the fine intended (in figures and
    大写); the right to state and defend within the bureau's working days, with no heavier penalty for doing
    so (art. 45); for a large fine the right to ask for a hearing within 5 days (art. 63–64), not asking in
    time being giving it up. Nothing is decided yet, so no rights of review."""
    track, rule = _penalty(case, NOTICE_TITLES[NoticeKind.PENALTY_NOTICE])
    paragraphs = [
        _penalty_facts(case, rule),
        f"根据{rule.citation}的规定，本机关拟对你单位作出如下行政处罚：罚款{_money(track.proposed_amount)}。",
        f"根据{PENALTY_DEFENCE_LAW}的规定，你单位依法享有陈述、申辩的权利。如有异议，可自收到本告知书之日起"
        f"{bureau.decision_defense_working_days}个工作日内向本机关提出陈述、申辩意见，并提交相关证据材料；"
        "逾期未提出的，视为放弃陈述、申辩的权利。本机关将对你单位提出的事实、理由和证据进行复核，"
        "不得因你单位陈述、申辩而给予更重的处罚。",
    ]
    basis = [rule.citation, PENALTY_DEFENCE_LAW]
    if track.hearing_right:
        paragraphs.append(
            f"根据{HEARING_RIGHT_LAW}的规定，你单位有要求听证的权利。如要求听证，应当自收到本告知书之日起"
            f"{HEARING_REQUEST_DAYS_ZH}内向本机关提出；逾期未提出的，视为放弃听证权利。"
        )
        basis.append(HEARING_RIGHT_LAW)
    return _Text(paragraphs, basis)


def _prior_penalty_notice(case: CaseState, track: PenaltyTrack) -> str:
    """The 行政处罚事先告知书 of the case by number, served (or issued) on which day; empty when none is held."""
    prior = case.notice(track.prior_notice_id) if track.prior_notice_id else None
    return _served_notice(prior or case.latest_notice(NoticeKind.PENALTY_NOTICE.value), PENALTY_NOTICE_TITLE)


def _hearing_notice(case: CaseState, _: Bureau) -> _Text:
    """听证通知书 (行政处罚法 art. 64): the party asked for a hearing on the fine intended; when and where it is
    held (Asia/Shanghai); public unless secrets or privacy are at stake; chaired by someone who did not
    investigate the case, whom the party may ask to withdraw; in person or by one or two agents; the party
    defends and examines the evidence; absence without good reason is giving the hearing up."""
    title = NOTICE_TITLES[NoticeKind.HEARING_NOTICE]
    track, _rule = _penalty(case, title)
    if track.hearing_requested_at is None:
        raise ValueError(f"{title}须载明当事人申请听证的日期，案件中尚无听证申请")
    place = scrub(track.hearing_place or "").strip()
    if track.hearing_at is None or not place:
        raise ValueError(f"{title}须载明举行听证的时间和地点，案件中尚未确定")
    told = _prior_penalty_notice(case, track)
    intended = f"拟对你单位处以罚款{_money(track.proposed_amount)}。"
    asked = f"你单位于{zh_date(shanghai_date(track.hearing_requested_at))}向本机关提出听证申请。"
    return _Text(
        [
            (f"{told}，{intended}" if told else f"本机关{intended}") + asked,
            f"根据{HEARING_LAW}的规定，本机关定于{zh_datetime(track.hearing_at)}在{place}举行听证。"
            "现将有关事项通知如下：",
            "一、除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，听证公开举行。",
            "二、听证由本机关指定的非本案调查人员主持。你单位认为主持人与本案有直接利害关系的，有权申请回避。",
            "三、你单位可以亲自参加听证，也可以委托一至二人代理。",
            "四、举行听证时，调查人员提出你单位违法的事实、证据和行政处罚建议，你单位可以进行申辩和质证。",
            "五、你单位及其代理人无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关终止听证。",
        ],
        [HEARING_LAW],
    )


def _imposed(case: CaseState) -> tuple[PenaltyTrack, BasisRule, Decimal]:
    title = NOTICE_TITLES[NoticeKind.PENALTY_DECISION]
    track, rule = _penalty(case, title)
    if track.decided_at is None or not track.imposed or track.amount is None:
        raise ValueError(f"{title}须载明已作出的罚款决定及罚款数额，案件中尚无")
    if track.legal_review_at is None:
        raise ValueError(f"{title}须在法制审核后作出，案件中尚无法制审核记录")
    if track.hearing_requested_at is not None and track.hearing_held_at is None:
        raise ValueError(f"{title}须在当事人申请的听证举行后作出，案件中尚无听证记录")
    return track, rule, track.amount


def _penalty_procedure(case: CaseState, track: PenaltyTrack, amount: Decimal) -> str:
    """What preceded the decision: the prior notice (by number), whether the party stated and defended (by
    name only, never what it said), whether a hearing was held, how the fine changed, the legal review
    (法制审核, art. 58) and the heads' collective discussion (集体讨论, art. 57) where it was recorded."""
    told = _prior_penalty_notice(case, track) or f"本机关已向你单位送达{PENALTY_NOTICE_TITLE}"
    rights = "陈述、申辩和要求听证的权利" if track.hearing_right else "陈述、申辩的权利"
    text = f"{told}，告知你单位拟作出行政处罚的内容及事实、理由、依据，以及依法享有的{rights}。"
    if track.defenses:
        text += f"本机关收到{_parties(track.defenses)}提出的陈述、申辩意见，并对其提出的事实、理由和证据进行了复核。"
    elif track.hearing_held_at is None:
        text += "你单位在规定期限内未提出陈述、申辩。"
    if track.hearing_held_at is not None:
        asked = "应你单位申请，" if track.hearing_requested_at is not None else ""
        text += f"{asked}本机关于{zh_date(shanghai_date(track.hearing_held_at))}依法举行了听证。"
    elif track.hearing_right:
        text += "你单位在规定期限内未要求听证。"
    if amount < track.proposed_amount:
        checked = "经复核" if track.defended else "经审查"
        text += f"{checked}，罚款数额由拟定的{_money(track.proposed_amount)}调整为{_money(amount)}。"
    elif track.defended and amount == track.proposed_amount:
        text += "经复核，维持拟定的罚款数额。"
    assert track.legal_review_at is not None
    text += f"本案已于{zh_date(shanghai_date(track.legal_review_at))}经本机关法制审核"
    if track.collective_discussion_at is not None:
        text += f"，并于{zh_date(shanghai_date(track.collective_discussion_at))}经本机关负责人集体讨论决定"
    return text + "。"


def _penalty_decision(case: CaseState, _: Bureau) -> _Text:
    """行政处罚决定书 with the six items of 行政处罚法 art. 59: (一) the party's name and address (the party
    block, from the addressee and ``party_address``); (二) the facts and, by kind, the evidence; (三) the
    fine, in figures and 大写, and the provision; (四) how and by when to pay it (art. 67: 15 days, at the
    designated bank or by electronic payment); (五) the rights of review and litigation and the court's
    enforcement (the notice's rights); (六) the bureau and the date (the signature). Before the decision,
    the procedure: prior notice, defence (names only), hearing, legal review, collective discussion."""
    track, rule, amount = _imposed(case)
    return _Text(
        [
            _penalty_facts(case, rule) + EVIDENCE,
            _penalty_procedure(case, track, amount),
            f"根据{rule.citation}的规定，本机关决定对你单位作出如下行政处罚：罚款{_money(amount)}。",
            f"根据{FINE_PAYMENT_LAW}的规定，你单位应当自收到本决定书之日起{FINE_PAYMENT_DAYS_ZH}内，"
            "到指定的银行或者通过电子支付系统缴纳罚款。",
        ],
        [rule.citation, FINE_PAYMENT_LAW],
    )


def enforcement_clause() -> str:
    """What follows when the party neither pays nor challenges the decision (行政强制法 art. 53)."""
    return (
        "你单位在法定期限内不申请行政复议、不提起行政诉讼，又不履行本决定的，"
        f"本机关将依照{ENFORCEMENT_LAW}的规定申请人民法院强制执行。"
    )


def _enforced(case: CaseState) -> tuple[str, NoticeRef, CourtEnforcement, str]:
    """The decision or fine whose court enforcement was opened last: its title, notice, state and what the
    party was ordered to do."""
    found: list[tuple[datetime, str, NoticeRef, CourtEnforcement, str]] = []
    d = case.decision
    if d is not None and d.notice_id and d.enforcement.opened_at and not d.enforcement.filed_on:
        ref = case.notice(d.notice_id)
        if ref is not None:
            owed = f"向劳动者支付所欠工资并加付赔偿金，共计{_money(d.wages + d.compensation)}"
            found.append((d.enforcement.opened_at, NOTICE_TITLES[NoticeKind.DECISION], ref, d.enforcement, owed))
    p = case.penalty
    if p is not None and p.notice_id and p.amount and p.enforcement.opened_at and not p.enforcement.filed_on:
        ref = case.notice(p.notice_id)
        if ref is not None:
            owed = f"缴纳罚款{_money(p.amount)}"
            title = NOTICE_TITLES[NoticeKind.PENALTY_DECISION]
            found.append((p.enforcement.opened_at, title, ref, p.enforcement, owed))
    if not found:
        raise ValueError("强制执行申请书须针对一项已届满复议、诉讼期限且未履行的决定，案件中尚无")
    _, title, ref, enforcement, owed = max(found, key=lambda item: item[0])
    return title, ref, enforcement, owed


def _court_application(case: CaseState, bureau: Bureau) -> _Text:
    """强制执行申请书, from the bureau to the court (行政强制法 art. 53): the decision (title, number, date of
    service), what it ordered, that the party neither applied for review within 60 days nor sued within six
    months and has not complied, and the request that the court enforce it. Art. 54's prior 催告 is the
    bureau's own step and is not generated here."""
    title, ref, enforcement, owed = _enforced(case)
    served = enforcement.served_on or shanghai_date(ref.issued_at)
    return _Text(
        [
            f"申请人：{scrub(bureau.name)}。被申请人：{_employer(case)}"
            + (f"，住所：{_party_address(case)}。" if _party_address(case) else "。"),
            f"申请事项：请求依法强制执行本机关作出的《{title}》（{scrub(ref.doc_number)}）。",
            f"事实和理由：本机关于{zh_date(served)}向被申请人送达《{title}》（{scrub(ref.doc_number)}），"
            f"责令被申请人{owed}。被申请人在法定期限内未申请行政复议（{REVIEW_LAW}：六十日），"
            f"未提起行政诉讼（{LITIGATION_LAW}：六个月），又不履行该决定。",
            f"根据{ENFORCEMENT_LAW}的规定，特向贵院申请强制执行。",
        ],
        [ENFORCEMENT_LAW],
    )


_DECISION_PARAGRAPHS: dict[NoticeKind, Callable[[CaseState, Bureau], _Text]] = {
    NoticeKind.DECISION_NOTICE: _decision_notice,
    NoticeKind.DECISION: _decision,
    NoticeKind.PENALTY_NOTICE: _penalty_notice,
    NoticeKind.HEARING_NOTICE: _hearing_notice,
    NoticeKind.PENALTY_DECISION: _penalty_decision,
    NoticeKind.COURT_APPLICATION: _court_application,
}
"""The builders of the administrative decision's and the administrative penalty's notices, whose periods are
the bureau's configuration."""
ENFORCED = frozenset({NoticeKind.DECISION, NoticeKind.PENALTY_DECISION})
"""The decisions the court enforces when the party neither complies nor challenges them (行政强制法 art. 53)."""
