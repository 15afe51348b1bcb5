"""Administrative penalties (行政处罚) as pure rules: the selectable bases with their fine ranges, and when a
fine is large enough to give the party a hearing (行政处罚法 2021 art. 63–64; thresholds are provincial)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models.enforcement import HearingThreshold, PenaltyBasis, PenaltyTerms


@dataclass(frozen=True)
class BasisRule:
    citation: str
    """How the provision is cited in the documents."""
    conduct: str
    """What it punishes, as the documents say it."""
    minimum: Decimal
    maximum: Decimal


BASES: dict[PenaltyBasis, BasisRule] = {
    PenaltyBasis.INSPECTION_ART30: BasisRule(
        "《劳动保障监察条例》第三十条",
        "无理抗拒、阻挠劳动保障监察，不按照要求报送书面材料、隐瞒事实真相，或者拒不履行行政处理决定",
        Decimal("2000"),
        Decimal("20000"),
    ),
    PenaltyBasis.WAGE_ART54: BasisRule(
        "《保障农民工工资支付条例》第五十四条",
        "以实物、有价证券等形式代替货币支付农民工工资，未编制工资支付台账或者未提供工资清单，"
        "扣押或者变相扣押农民工社会保障卡、银行卡，经责令限期改正逾期不改正",
        Decimal("20000"),
        Decimal("50000"),
    ),
    PenaltyBasis.WAGE_ART55: BasisRule(
        "《保障农民工工资支付条例》第五十五条",
        "施工总承包单位未按规定开设或者使用农民工工资专用账户、未按规定存储工资保证金或者提供金融机构保函，"
        "施工总承包单位、分包单位未实行劳动用工实名制管理，经责令限期改正逾期不改正",
        Decimal("50000"),
        Decimal("100000"),
    ),
    PenaltyBasis.WAGE_ART56: BasisRule(
        "《保障农民工工资支付条例》第五十六条",
        "分包单位未按月考核农民工工作量、编制工资支付表并经本人签字确认，施工总承包单位未对分包单位劳动用工"
        "实施监督管理或者未实行施工现场维权信息公示制度，经责令限期改正逾期不改正",
        Decimal("50000"),
        Decimal("100000"),
    ),
    PenaltyBasis.WAGE_ART57: BasisRule(
        "《保障农民工工资支付条例》第五十七条",
        "建设单位未依法提供工程款支付担保或者未按约定及时足额拨付人工费用，建设单位或者施工总承包单位拒不提供"
        "或者无法提供工程施工合同、农民工工资专用账户有关资料，经责令限期改正逾期不改正",
        Decimal("10000"),
        Decimal("50000"),
    ),
}
"""Ranges for a unit (单位) as the provisions set them; art. 54's separate fines on the persons in charge
(1万–3万) are not modelled (the party of a case is the employer)."""


def range_problem(basis: PenaltyBasis, amount: Decimal) -> str | None:
    """Why ``amount`` is outside what ``basis`` allows, in Chinese; None when it is inside."""
    rule = BASES[basis]
    if rule.minimum <= amount <= rule.maximum:
        return None
    return f"依据{rule.citation}，罚款数额应在 {rule.minimum:,.0f} 元至 {rule.maximum:,.0f} 元之间"


HUNAN = HearingThreshold(individual=Decimal("1000"), organisation=Decimal("20000"))
"""湖南省 (region prefix 43), shipped as the example: 1,000 yuan for individuals, 20,000 for organisations."""


def threshold_for(region_code: str, thresholds: dict[str, HearingThreshold]) -> HearingThreshold | None:
    """The configured threshold whose region prefix is the longest that the case's region starts with."""
    matches = [prefix for prefix in thresholds if region_code.startswith(prefix)]
    return thresholds[max(matches, key=len)] if matches else None


def hearing_right(amount: Decimal, threshold: HearingThreshold | None, *, organisation: bool = True) -> bool:
    """A large fine gives the right to a hearing. With no threshold configured for the region every fine does:
    the safe side for the party (a hearing offered needlessly costs days; one withheld voids the penalty)."""
    if threshold is None:
        return True
    return amount >= (threshold.organisation if organisation else threshold.individual)


def collective_discussion_required(region_code: str, amount: Decimal, from_amounts: dict[str, Decimal]) -> bool:
    """Where a bureau configured it (region prefix: fine from which the heads decide collectively, art. 57)."""
    matches = [prefix for prefix in from_amounts if region_code.startswith(prefix)]
    return bool(matches) and amount >= from_amounts[max(matches, key=len)]


def terms(
    region_code: str,
    amount: Decimal,
    thresholds: dict[str, HearingThreshold],
    collective_from: dict[str, Decimal],
) -> PenaltyTerms:
    return PenaltyTerms(
        hearing_right=hearing_right(amount, threshold_for(region_code, thresholds)),
        collective_discussion_required=collective_discussion_required(region_code, amount, collective_from),
    )
