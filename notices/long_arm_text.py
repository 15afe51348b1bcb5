"""What the long arm's documents say: the arrears blacklist's (人社部令第45号) and the criminal referral's
(国务院令第310号), from the case as recorded and the sub-process's own state (models/tracks.py).

A listing's documents go to one party each, so each names that party (a person by name, role, masked ID
number and position) and says 你单位 or 你 accordingly; they never name a worker. The referral's go to the
bureau's head, the police or the procuratorate. Free text written by people (facts, reasons, the report,
defences, promises) passes through ``scrub``, as in every notice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from models.case import CaseState, NoticeRef
from models.clock import shanghai_date
from models.identity import mask_id
from models.money import ZERO
from models.notices import BLACKLIST_KINDS, NOTICE_TITLES, REFERRAL_KINDS, Bureau, NoticeKind
from models.tracks import (
    BASIS_ZH,
    PARTY_ROLE_ZH,
    TRACK_ZH,
    BlacklistBasis,
    BlacklistState,
    ListedParty,
    PartyRole,
    PoliceDecision,
    ReferralState,
    RemovalApplication,
    TrackState,
)
from notices.amounts import format_yuan, zh_date
from notices.wording import ORDER_TITLE, _money, _party, rights_clause, scrub

# --- citations, exactly as printed ---------------------------------------------------------------------
WAGE_REG_48 = "《保障农民工工资支付条例》第四十八条"
RULES_45 = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
CRIMINAL_LAW = "《中华人民共和国刑法》第二百七十六条之一"
CRIMINAL_LAW_3 = "《中华人民共和国刑法》第二百七十六条之一第三款"
"""Paid before prosecution, no serious consequences: the penalty may be reduced or waived."""
SPC_2013 = "《最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释》（法释〔2013〕3号）"
DECREE_310 = "《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）"
JOINT_2014 = (
    "《人力资源社会保障部 公安部关于加强涉嫌拒不支付劳动报酬犯罪案件查处衔接工作的通知》（人社部发〔2014〕100号）"
)
LIST_NAME = "拖欠农民工工资失信联合惩戒对象名单"
MEASURES = (
    "政府资金支持、政府采购、招投标、生产许可、履约担保、资质审核、融资贷款、市场准入、税收优惠、评优评先、交通出行"
)
"""The joint punishment (条例 art. 48, 45号令 art. 9), in general words: the measures are other bodies'."""
CASE_PAPERS = (
    NoticeKind.PAYMENT_ORDER,
    NoticeKind.DECISION_NOTICE,
    NoticeKind.DECISION,
    NoticeKind.PENALTY_NOTICE,
    NoticeKind.PENALTY_DECISION,
)
"""The case's own documents enclosed with a transfer, beside the order the referral rests on."""
LONG_ARM_KINDS = BLACKLIST_KINDS | REFERRAL_KINDS


RULES_45_NAMED = ("第五条",)
"""The articles of 45号令 the domain's text names (art. 5: the grounds and the parties). The other provisions are
cited by the 办法's name alone until their numbers are checked against the published text (docs/long-arm.md)."""


def rules45(*articles: str) -> str:
    return RULES_45 + "、".join(a for a in articles if a in RULES_45_NAMED)


def decree310(*articles: str) -> str:
    return DECREE_310 + "、".join(articles)


class TrackText(NamedTuple):
    addressee: str
    paragraphs: list[str]
    basis: list[str]
    rights: list[str]


def _free(text: str | None) -> str:
    """Free text as a clause: masked, without its closing stop (the sentence adds its own)."""
    return scrub(text or "").strip().rstrip("。；;") or "—"


# --- what both sub-processes say of the order and the arrears --------------------------------------------


def _employer(track: TrackState) -> str:
    return _party(track.employer.name, track.employer.uscc)


def _order(track: TrackState, who: str) -> str:
    """The order to pay, served, not complied with by its date (条例 art. 26; 法释〔2013〕3号 art. 4)."""
    o = track.order
    receipt = f"（送达回证：{scrub(o.receipt_doc_number)}）" if o.receipt_doc_number else ""
    return (
        f"本机关于{zh_date(shanghai_date(o.served_at))}送达{ORDER_TITLE}（{scrub(o.doc_number)}）{receipt}，"
        f"责令{who}于{zh_date(o.due)}前（含当日）支付所拖欠的农民工工资，{who}逾期未支付。"
    )


def _owed(track: TrackState, who: str, this: str) -> str:
    return f"截至本{this}作出之日，{who}仍拖欠{track.owed_workers}名农民工工资共计{_money(track.outstanding)}。"


def _threshold(track: TrackState) -> str:
    """The figures for 数额较大 applied (法释〔2013〕3号 art. 3), saying when they are the national floor."""
    t = track.threshold
    if t is None:
        return ""
    figures = (
        f"拒不支付一名劳动者三个月以上的劳动报酬且数额在{format_yuan(t.one_worker)}元以上，"
        f"或者拒不支付十名以上劳动者的劳动报酬且数额累计在{format_yuan(t.ten_workers)}元以上"
    )
    if track.threshold_is_provincial:
        return f"本机关适用本地区执行的认定拒不支付劳动报酬罪数额标准，即{figures}。"
    return f"因本地区执行的具体数额标准未予确定，本机关适用{SPC_2013}第三条规定的数额幅度的下限，即{figures}。"


# --- the blacklist (人社部令第45号) ------------------------------------------------------------------------


class _Addressed(NamedTuple):
    """One party as a listing's document speaks to it."""

    addressee: str
    you: str
    """你单位 or 你."""
    employer: str
    """The employer after the opening: 你单位, or 该单位 once the person's opening has named it."""
    opening: str
    """For a person: who they are to the employer; empty for the employer."""


def _addressed(track: BlacklistState, party: ListedParty) -> _Addressed:
    if party.role == PartyRole.EMPLOYER:
        return _Addressed(_party(party.name, party.uscc or track.employer.uscc), "你单位", "你单位", "")
    role = PARTY_ROLE_ZH[party.role]
    position = _free(party.position) if party.position else ""
    details = [
        role,
        f"身份证号码：{mask_id(party.id_number)}" if party.id_number else "",
        position and f"职务：{position}",
    ]
    held = f"（职务：{position}）" if position else ""
    return _Addressed(
        f"{scrub(party.name)}（{'，'.join(d for d in details if d)}）",
        "你",
        "该单位",
        f"你系{_employer(track)}（以下简称该单位）的{role}{held}。",
    )


def served_party(track: BlacklistState | ReferralState, subject: NoticeRef) -> str:
    """Whom a sub-process's document proved served was addressed to (the 送达回证's 受送达人)."""
    if isinstance(track, BlacklistState) and track.parties:
        for p in track.parties:
            if subject.notice_id in (p.notice_id, p.decision_notice_id, p.removal_notice_id):
                return _addressed(track, p).addressee
        if subject.kind == NoticeKind.REMOVAL_REFUSAL.value:
            return _addressed(track, track.parties[0]).addressee
    return _employer(track)


def _listing_facts(track: BlacklistState, a: _Addressed, this: str) -> list[str]:
    """The facts, the order ignored, the arrears and the ground (45号令 art. 5) with the figures applied."""
    ground = f"{a.employer}的上述行为属于“{BASIS_ZH[track.basis]}”的情形。"
    if track.basis == BlacklistBasis.LARGE_AMOUNT:
        ground += _threshold(track)
    return [
        f"{a.opening}经查，{_free(track.facts)}。",
        _order(track, a.employer) + _owed(track, a.employer, this),
        ground,
    ]


def _blacklist_notice(case: CaseState, track: BlacklistState, party: ListedParty, bureau: Bureau) -> TrackText:
    """告知书 (45号令 art. 7): the facts, ground and basis of the listing intended, and the right to state and
    defend within the bureau's working days; nothing is decided, so no rights of review."""
    a = _addressed(track, party)
    basis = rules45("第五条", "第七条")
    return TrackText(
        a.addressee,
        [
            *_listing_facts(track, a, "告知书"),
            f"根据{WAGE_REG_48}和{basis}的规定，本机关拟将{a.you}列入{LIST_NAME}。",
            f"{a.you}依法享有陈述、申辩的权利。如有异议，可自收到本告知书之日起"
            f"{bureau.blacklist_defense_working_days}个工作日内向本机关提出陈述、申辩意见，并提交相关证据材料；"
            f"逾期未提出的，视为放弃陈述、申辩的权利。本机关将对{a.you}提出的事实、理由和证据进行复核。",
        ],
        [WAGE_REG_48, basis],
        [],
    )


def _term(track: BlacklistState) -> tuple[date, date]:
    """The listing's first and last day: it ends at the start of ``term_end``."""
    if track.term_start is None or track.term_end is None:
        raise ValueError(f"列入决定书须载明列入期限，{LIST_NAME}尚未作出列入决定")
    return track.term_start, track.term_end - timedelta(days=1)


def _heard(track: BlacklistState, party: ListedParty, a: _Addressed) -> str:
    """The prior notice served, the party's defence (masked) or none, and the head's reason."""
    ref = track.notice(party.notice_id) if party.notice_id else None
    title = f"《{NOTICE_TITLES[NoticeKind.BLACKLIST_NOTICE]}》" + (f"（{scrub(ref.doc_number)}）" if ref else "")
    when = f"于{zh_date(party.served_on)}" if party.served_on else "已"
    text = f"本机关{when}向{a.you}送达{title}，告知拟作出列入决定的事实、理由、依据及依法享有的陈述、申辩权利。"
    if party.defenses:
        said = "；".join(_free(d.text) for d in party.defenses)
        text += f"{a.you}在规定期限内提出了陈述、申辩意见：{said}。"
    else:
        text += f"{a.you}在规定期限内未提出陈述、申辩。"
    if track.decision_reason:
        text += f"{'经复核' if party.defenses else '经审查'}，{_free(track.decision_reason)}。"
    return text


def _blacklist_decision(case: CaseState, track: BlacklistState, party: ListedParty, bureau: Bureau) -> TrackText:
    """列入决定书 (45号令 art. 8): facts, the defence heard, the decision and its 3-year term, the joint
    punishment (art. 9), publication (art. 10), removal at term end (art. 13) or early (art. 14), rights."""
    a = _addressed(track, party)
    first, last = _term(track)
    listing, measures, published = rules45("第五条", "第八条"), rules45("第九条"), rules45("第十条")
    expiry, early = rules45("第十三条"), rules45("第十四条")
    return TrackText(
        a.addressee,
        [
            *_listing_facts(track, a, "决定书"),
            _heard(track, party, a),
            f"根据{WAGE_REG_48}和{listing}的规定，本机关决定：将{a.you}列入{LIST_NAME}，列入期限为3年，"
            f"自{zh_date(first)}起至{zh_date(last)}止。",
            f"根据{WAGE_REG_48}和{measures}的规定，列入期间，有关部门将在{MEASURES}等方面对{a.you}依法依规予以限制。",
            f"根据{published}的规定，本机关将通过本部门门户网站、“信用中国”网站等向社会公开{a.you}的失信联合惩戒名单信息。",
            f"根据{expiry}的规定，列入期限届满的，自动移出失信联合惩戒名单。根据{early}的规定，"
            "已改正拖欠农民工工资违法行为且自改正之日起被列入失信联合惩戒名单满6个月的，"
            "可以向本机关申请提前移出，并提交信用修复申请书和守信承诺书。",
        ],
        [WAGE_REG_48, listing, measures, published, expiry, early],
        [rights_clause(NoticeKind.DECISION, bureau)],  # the clause of a 决定书
    )


def _application(track: BlacklistState, what: str) -> RemovalApplication:
    if not track.removals:
        raise ValueError(f"{what}须针对一项提前移出申请，{LIST_NAME}尚无申请")
    return track.removals[-1]


def _listed(track: BlacklistState, party: ListedParty, a: _Addressed) -> str:
    """The listing decision this party was served, by number, with its term."""
    first, last = _term(track)
    ref = track.notice(party.decision_notice_id) if party.decision_notice_id else None
    title = f"《{NOTICE_TITLES[NoticeKind.BLACKLIST_DECISION]}》" + (f"（{scrub(ref.doc_number)}）" if ref else "")
    on = zh_date(shanghai_date(track.decided_at)) if track.decided_at else zh_date(first)
    return (
        f"{a.opening}本机关于{on}作出{title}，将{a.you}列入{LIST_NAME}，"
        f"列入期限自{zh_date(first)}起至{zh_date(last)}止。"
    )


def _applied(app: RemovalApplication, a: _Addressed) -> str:
    return (
        f"{a.employer}于{zh_date(app.applied_on)}向本机关申请提前移出，并提交了信用修复申请书和守信承诺书，"
        f"承诺：{_free(app.promise)}。"
    )


def _blacklist_removal(case: CaseState, track: BlacklistState, party: ListedParty, bureau: Bureau) -> TrackText:
    """提前移出决定书 (45号令 art. 14, 15): paid in full, six months listed since, removed from today on."""
    title = NOTICE_TITLES[NoticeKind.BLACKLIST_REMOVAL]
    app = _application(track, title)
    if track.paid_in_full_on is None:
        raise ValueError(f"{title}须载明拖欠的农民工工资已全部支付，案件中尚无记录")
    a = _addressed(track, party)
    basis = rules45("第十四条", "第十五条")
    return TrackText(
        a.addressee,
        [
            _listed(track, party, a),
            _applied(app, a) + f"经核实，{a.employer}已于{zh_date(track.paid_in_full_on)}足额支付所拖欠的农民工工资，"
            "改正了拖欠农民工工资违法行为，且自改正之日起被列入失信联合惩戒名单已满6个月。",
            f"根据{basis}的规定，本机关决定：自本决定作出之日起，将{a.you}移出{LIST_NAME}。",
            f"本机关将通过原公开渠道公开提前移出信息，停止公开{a.you}的失信联合惩戒名单信息，并告知有关部门停止实施联合惩戒。",
        ],
        [basis],
        [],
    )


def _removal_refusal(case: CaseState, track: BlacklistState, party: ListedParty, bureau: Bureau) -> TrackText:
    """不予提前移出决定书 (45号令 art. 14), to the applicant: the application, the reason, the rights."""
    app = _application(track, NOTICE_TITLES[NoticeKind.REMOVAL_REFUSAL])
    a = _addressed(track, party)
    _, last = _term(track)
    basis = rules45("第十四条")
    return TrackText(
        a.addressee,
        [
            _listed(track, party, a),
            _applied(app, a) + f"经核实，{_free(app.reason)}。",
            f"根据{basis}的规定，本机关决定：不予提前移出。{a.you}的列入期限仍至{zh_date(last)}止。",
        ],
        [basis],
        [rights_clause(NoticeKind.DECISION, bureau)],
    )


_PER_PARTY = frozenset({NoticeKind.BLACKLIST_NOTICE, NoticeKind.BLACKLIST_DECISION, NoticeKind.BLACKLIST_REMOVAL})
_BLACKLIST: dict[NoticeKind, Callable[[CaseState, BlacklistState, ListedParty, Bureau], TrackText]] = {
    NoticeKind.BLACKLIST_NOTICE: _blacklist_notice,
    NoticeKind.BLACKLIST_DECISION: _blacklist_decision,
    NoticeKind.BLACKLIST_REMOVAL: _blacklist_removal,
    NoticeKind.REMOVAL_REFUSAL: _removal_refusal,
}


def _the_party(kind: NoticeKind, track: BlacklistState, index: int | None) -> ListedParty:
    """The addressee: the party named for a per-party document, the employer (the applicant) for a refusal."""
    if kind not in _PER_PARTY:
        index = 0
    if index is None or not 0 <= index < len(track.parties):
        raise ValueError(f"{NOTICE_TITLES[kind]}须指明当事人（第{index}名当事人不存在）")
    return track.parties[index]


# --- the criminal referral (国务院令第310号) ---------------------------------------------------------------


def police(track: ReferralState, bureau: Bureau) -> str:
    """The police organ: as recorded with the transfer, else as configured, else the one at the same level."""
    return scrub(track.police_organ or bureau.police_organ).strip() or "同级公安机关"


def _doc(track: TrackState, notice_id: str | None) -> str:
    ref = track.notice(notice_id) if notice_id else None
    return f"（{scrub(ref.doc_number)}）" if ref else ""


def _suspect(track: ReferralState) -> str:
    return f"{_employer(track)}（以下简称该单位）涉嫌拒不支付劳动报酬罪一案"


def _grounds(track: ReferralState, this: str) -> str:
    """The order ignored, the arrears, the figures applied and the team's findings (masked)."""
    return (
        _order(track, "该单位")
        + _owed(track, "该单位", this)
        + _threshold(track)
        + f"专案组核实的情况：{_free(track.report)}。"
    )


def _materials(case: CaseState, track: ReferralState, *, with_transfer: bool) -> list[str]:
    """What goes with a transfer (310号令 art. 6; 人社部发〔2014〕100号: the order and its proof of service), each
    with its number; the workers owed by count and total only."""
    o = track.order
    served = (
        f"（{scrub(o.receipt_doc_number)}）"
        if o.receipt_doc_number
        else f"（{zh_date(shanghai_date(o.served_at))}送达）"
    )
    items = (
        [f"{NOTICE_TITLES[NoticeKind.REFERRAL_TRANSFER]}{_doc(track, track.transfer_notice_id)}"]
        if with_transfer
        else []
    )
    items += [
        f"涉嫌犯罪案件调查报告（{NOTICE_TITLES[NoticeKind.REFERRAL_REPORT]}）{_doc(track, track.report_notice_id)}",
        f"{NOTICE_TITLES[NoticeKind.PAYMENT_ORDER]}（{scrub(o.doc_number)}）",
        f"{NOTICE_TITLES[NoticeKind.PAYMENT_ORDER]}送达回证{served}",
        f"被拖欠工资的劳动者名单（共{track.owed_workers}名，拖欠工资合计{_money(track.outstanding)}）",
    ]
    items += [
        f"{NOTICE_TITLES[NoticeKind(n.kind)]}（{scrub(n.doc_number)}）"
        for n in case.notices
        if n.kind in {k.value for k in CASE_PAPERS} and n.notice_id != o.notice_id
    ]
    items.append(f"涉案物品清单：{_free(track.handed_over_items) if track.handed_over_items else '无'}")
    return items


def _referral_report(case: CaseState, track: ReferralState, bureau: Bureau) -> TrackText:
    """移送报告 (310号令 art. 5), internal, to the head: the team, the facts, why it is a suspected crime
    (刑法 art. 276-1; 法释〔2013〕3号 art. 3, 4), and the request to decide within 3 days."""
    officers = [scrub(o).strip() for o in track.officers if o.strip()]
    if len(officers) < 2:
        raise ValueError("涉嫌犯罪案件移送报告须由2名以上行政执法人员组成的专案组提出")
    team, art3, art4, art5 = "、".join(officers), f"{SPC_2013}第三条", f"{SPC_2013}第四条", decree310("第五条")
    case_number = f"（案号：{scrub(case.case_number)}）" if case.case_number else ""
    return TrackText(
        "本机关正职负责人或者主持工作的负责人",
        [
            f"根据{art5}的规定，本机关指定{team}共{len(officers)}名行政执法人员组成专案组，"
            f"对{_suspect(track)}{case_number}进行了核实。现报告如下：",
            "一、基本事实。" + _order(track, "该单位") + _owed(track, "该单位", "报告"),
            f"二、核实情况。{_free(track.report)}。",
            f"三、移送的理由和依据。该单位经本机关责令限期支付后逾期仍不支付，依照{art4}的规定，"
            f"属于“经政府有关部门责令支付仍不支付”。{_threshold(track)}该单位拖欠的劳动报酬数额达到认定标准，"
            f"依照{art3}的规定，属于“数额较大”。该单位的行为涉嫌构成{CRIMINAL_LAW}规定的拒不支付劳动报酬罪，"
            "依法需要追究刑事责任。",
            f"四、处理意见。根据{art5}的规定，专案组建议将该案移送{police(track, bureau)}。请于收到本报告之日起3日内"
            "作出批准移送或者不批准移送的决定；决定批准的，本机关将在24小时内向同级公安机关移送；决定不批准的，"
            "将不予批准的理由记录在案。",
            f"专案组成员：{team}",
        ],
        [CRIMINAL_LAW, art3, art4, art5],
        [],
    )


def _referral_transfer(case: CaseState, track: ReferralState, bureau: Bureau) -> TrackText:
    """移送书 (310号令 art. 3, 6, 8; 人社部发〔2014〕100号), to the police: the facts in brief, the materials
    enclosed, and the request for a written decision within 3 days of receipt."""
    art3, art6, art8 = decree310("第三条"), decree310("第六条"), decree310("第八条")
    enclosed = "；".join(f"{i}．{m}" for i, m in enumerate(_materials(case, track, with_transfer=False), start=1))
    list_title = NOTICE_TITLES[NoticeKind.EVIDENCE_LIST]
    return TrackText(
        police(track, bureau),
        [
            f"{_suspect(track)}，经本机关调查核实，基本事实如下：{_grounds(track, '移送书')}",
            f"根据{CRIMINAL_LAW}、{art3}和{JOINT_2014}的规定，该单位涉嫌构成拒不支付劳动报酬罪，依法需要追究刑事责任，"
            "现将该案移送贵局。",
            f"根据{art6}的规定，随本移送书附送下列材料：{enclosed}。具体见《{list_title}》。",
            f"根据{art8}的规定，请贵局自接受本案之日起3日内依法审查，决定是否立案，并书面通知本机关；"
            "决定不予立案的，请说明理由，并相应退回案卷材料。",
        ],
        [CRIMINAL_LAW, art3, art6, art8, JOINT_2014],
        [],
    )


def _evidence_list(case: CaseState, track: ReferralState, bureau: Bureau) -> TrackText:
    """移送材料清单: the first paragraph says what it goes with; each further paragraph is one item (the
    template numbers them in a table)."""
    basis = decree310("第六条")
    transfer = f"《{NOTICE_TITLES[NoticeKind.REFERRAL_TRANSFER]}》{_doc(track, track.transfer_notice_id)}"
    return TrackText(
        police(track, bureau),
        [
            f"{_suspect(track)}，根据{basis}和{JOINT_2014}的规定，随{transfer}移送下列材料：",
            *_materials(case, track, with_transfer=True),
        ],
        [basis, JOINT_2014],
        [],
    )


def _transferred(track: ReferralState, bureau: Bureau) -> str:
    when = f"于{zh_date(shanghai_date(track.transferred_at))}" if track.transferred_at else "已"
    title = f"《{NOTICE_TITLES[NoticeKind.REFERRAL_TRANSFER]}》{_doc(track, track.transfer_notice_id)}"
    return f"本机关{when}以{title}将{_suspect(track)}移送{police(track, bureau)}。"


def _refusal(track: ReferralState, reconsideration: bool) -> PoliceDecision | None:
    found = [d for d in track.police_decisions if not d.accepted and d.reconsideration == reconsideration]
    return found[-1] if found else None


def _refused(track: ReferralState, bureau: Bureau, title: str) -> tuple[PoliceDecision, str]:
    first = _refusal(track, reconsideration=False)
    if first is None:
        raise ValueError(f"{title}须针对公安机关不予立案的决定，尚无记录")
    return (
        first,
        f"{police(track, bureau)}于{zh_date(first.decided_on)}作出不予立案的决定（{scrub(first.reference)}）。",
    )


def _reconsideration_request(case: CaseState, track: ReferralState, bureau: Bureau) -> TrackText:
    """提请复议书 (310号令 art. 9), to the police: their refusal and why the case should be opened."""
    _, refused = _refused(track, bureau, NOTICE_TITLES[NoticeKind.RECONSIDERATION_REQUEST])
    art9 = decree310("第九条")
    return TrackText(
        police(track, bureau),
        [
            _transferred(track, bureau) + refused,
            f"本机关认为，该案依法应当由公安机关决定立案。理由如下：{_grounds(track, '提请复议书')}",
            f"根据{art9}的规定，现提请贵局对上述不予立案的决定进行复议，请自收到本提请复议书之日起3日内"
            "作出立案或者不予立案的决定，并书面通知本机关。",
        ],
        [art9],
        [],
    )


def _supervision_request(case: CaseState, track: ReferralState, bureau: Bureau) -> TrackText:
    """立案监督建议书 (310号令 art. 9, 14), to the procuratorate: the refusal, the reconsideration's, why."""
    _, refused = _refused(track, bureau, NOTICE_TITLES[NoticeKind.SUPERVISION_REQUEST])
    again = _refusal(track, reconsideration=True)
    if again is not None:
        asked = f"于{zh_date(track.reconsideration_requested_on)}" if track.reconsideration_requested_on else ""
        refused += (
            f"本机关{asked}提请复议，{police(track, bureau)}于{zh_date(again.decided_on)}作出复议决定"
            f"（{scrub(again.reference)}），维持不予立案的决定。"
        )
    basis = decree310("第九条")
    return TrackText(
        scrub(track.procuratorate or "").strip() or "同级人民检察院",
        [
            _transferred(track, bureau) + refused,
            f"本机关认为，该案依法应当由公安机关立案侦查。理由如下：{_grounds(track, '建议书')}",
            f"根据{basis}的规定，本机关建议贵院依法对该案进行立案监督。",
        ],
        [basis],
        [],
    )


def _referral_payment(case: CaseState, track: ReferralState, bureau: Bureau) -> TrackText:
    """补充移送材料函: payments recorded after the transfer, for the police's handling (法释〔2013〕3号 art. 6;
    刑法 art. 276-1 ¶3); they do not end the referral."""
    if not track.payments:
        raise ValueError(f"{NOTICE_TITLES[NoticeKind.REFERRAL_PAYMENT]}须载明移送后的支付情况，尚无记录")
    paid = track.payments[-1]
    opened = next((d for d in reversed(track.police_decisions) if d.accepted), None)
    accepted = f"贵局已于{zh_date(opened.decided_on)}决定立案（{scrub(opened.reference)}）。" if opened else ""
    still = f"尚有{_money(paid.outstanding)}未支付" if paid.outstanding > ZERO else "所拖欠的工资已全部支付"
    art6 = f"{SPC_2013}第六条"
    return TrackText(
        police(track, bureau),
        [
            _transferred(track, bureau) + accepted + "移送后，本机关记录了该单位支付劳动者工资的情况。",
            f"截至{zh_date(shanghai_date(paid.at))}，该案累计已支付工资{_money(paid.paid_total)}，{still}。",
            f"依照{art6}和{CRIMINAL_LAW_3}的规定，行为人在刑事立案前、提起公诉前或者一审宣判前支付劳动者的劳动报酬，"
            "并依法承担相应赔偿责任的，关系到对其是否认定为犯罪以及是否减轻、免除或者从轻处罚。"
            "现将上述情况函告贵局，请在依法处理时予以考虑。",
        ],
        [art6, CRIMINAL_LAW_3],
        [],
    )


_REFERRAL: dict[NoticeKind, Callable[[CaseState, ReferralState, Bureau], TrackText]] = {
    NoticeKind.REFERRAL_REPORT: _referral_report,
    NoticeKind.REFERRAL_TRANSFER: _referral_transfer,
    NoticeKind.EVIDENCE_LIST: _evidence_list,
    NoticeKind.RECONSIDERATION_REQUEST: _reconsideration_request,
    NoticeKind.SUPERVISION_REQUEST: _supervision_request,
    NoticeKind.REFERRAL_PAYMENT: _referral_payment,
}


def track_text(
    kind: NoticeKind, case: CaseState, track: BlacklistState | ReferralState, *, bureau: Bureau, party: int | None
) -> TrackText:
    """The document of ``kind`` of a listing (per party: ``party`` is its index) or of a referral; ValueError
    when the kind is not the sub-process's or its state lacks what the document must state."""
    if isinstance(track, BlacklistState) and kind in _BLACKLIST:
        return _BLACKLIST[kind](case, track, _the_party(kind, track, party), bureau)
    if isinstance(track, ReferralState) and kind in _REFERRAL:
        return _REFERRAL[kind](case, track, bureau)
    raise ValueError(f"{NOTICE_TITLES[kind]}不是{TRACK_ZH[track.kind]}程序的文书")
