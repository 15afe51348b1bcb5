"""What the API shows of a case (the interface's "A case"), built from the workflow's state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from api.masking import mask_record, masked_id, masked_phone
from api.track_views import summary_view
from db.cases import ListedCase
from models.actions import ChallengeKind
from models.activities import CaseEvent
from models.case import (
    CaseState,
    Deadline,
    DeadlineKind,
    Escalation,
    EscalationKind,
    Limitation,
    NoticeRef,
    Party,
    Project,
    Role,
)
from models.clock import to_shanghai
from models.enforcement import CourtEnforcement, DecisionTrack, Defense, PenaltyTrack
from models.identity import mask_numbers
from models.money import Balance
from models.track_summary import TrackKind
from rules import transitions
from rules.court import challenge_ends
from rules.deadlines import effective_status


class WorkerView(BaseModel):
    name: str
    id_number: str
    """In full to the inspectors, supervisors and heads of the case's region; masked (``110105********1234``)
    to anyone else."""
    phone: str | None = None
    """In full to the same people; masked (``139****0000``) to anyone else."""
    claimed_amount: Balance
    confirmed_amount: Balance | None
    paid_amount: Balance
    outstanding: Balance
    aid_amount: Balance = Decimal("0.00")
    """Emergency aid this worker received (应急周转金): not wages, so not in ``paid_amount``."""


class ComplainantView(BaseModel):
    """Who complained: ID number and phone as for the workers (full to the people of the case's region)."""

    name: str
    id_number: str | None
    phone: str | None


class EscalationView(BaseModel):
    """A warning or escalation the engine raised on its own (临期提醒、逾期提级、逾期督办)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    kind: EscalationKind
    """warning (level 0, to the assignee before the deadline), overdue (level 1, to the supervisor once it
    passed), supervision (level 2, to the head, with a 督办通知书)."""
    level: int
    deadline_kind: DeadlineKind
    """The deadline it was raised for."""
    due: date
    """That deadline's due date when it was raised."""
    at: datetime
    """When it was raised (Asia/Shanghai)."""
    addressee_role: Role
    addressee: str | None
    """The user it is addressed to; null: every holder of ``addressee_role`` in the case's region."""
    notice: str | None
    """The 督办通知书's document number (level 2); null otherwise."""


def escalation_view(e: Escalation) -> EscalationView:
    return EscalationView(
        kind=e.kind,
        level=e.level,
        deadline_kind=e.deadline_kind,
        due=e.due,
        at=to_shanghai(e.at),
        addressee_role=e.addressee_role,
        addressee=e.addressee,
        notice=e.notice,
    )


def _at(moment: datetime | None) -> datetime | None:
    return to_shanghai(moment) if moment is not None else None


class DefenseView(BaseModel):
    party: str
    at: datetime
    text: str
    """As recorded; ID and mobile numbers in it are masked."""


def defense_views(defenses: list[Defense]) -> list[DefenseView]:
    return [DefenseView(party=d.party, at=to_shanghai(d.at), text=mask_numbers(d.text)) for d in defenses]


class EnforcementView(BaseModel):
    """After service: the review (60 days) and litigation (6 months) periods, a challenge, and going to court
    (行政强制法 art. 53)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    status: str
    """not_served, running, challenged, not_needed (complied with), due (apply to the court), filed,
    concluded."""
    served_on: date | None
    review_ends: date | None
    litigation_ends: date | None
    challenge: str | None
    challenged_on: date | None
    filed_on: date | None
    court: str | None
    reference: str | None
    outcome: str | None


def enforcement_view(e: CourtEnforcement) -> EnforcementView:
    served = e.served_on
    return EnforcementView(
        status=e.status,
        served_on=served,
        review_ends=challenge_ends(served, ChallengeKind.REVIEW) if served else None,
        litigation_ends=challenge_ends(served, ChallengeKind.LITIGATION) if served else None,
        challenge=e.challenge,
        challenged_on=e.challenged_on,
        filed_on=e.filed_on,
        court=e.court,
        reference=e.reference,
        outcome=e.outcome,
    )


class DecisionView(BaseModel):
    """The administrative decision track (行政处理决定): ``noticed`` once the 行政处理事先告知书 is issued,
    ``decided`` once the head issued the 行政处理决定书."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    status: str
    proposed_rate: str
    """The rate of 加付赔偿金 the prior notice announced (0.50–1.00)."""
    prior_notice_id: str | None
    defenses: list[DefenseView]
    rate: str | None
    """The rate decided; never above ``proposed_rate``."""
    wages: Balance | None
    compensation: Balance | None
    """加付赔偿金 in total."""
    decided_at: datetime | None
    notice_id: str | None
    enforcement: EnforcementView


def decision_view(track: DecisionTrack | None) -> DecisionView | None:
    if track is None:
        return None
    decided = track.decided_at is not None
    return DecisionView(
        status=track.status,
        proposed_rate=f"{track.proposed_rate:.2f}",
        prior_notice_id=track.prior_notice_id,
        defenses=defense_views(track.defenses),
        rate=f"{track.rate:.2f}" if track.rate is not None else None,
        wages=track.wages if decided else None,
        compensation=track.compensation if decided else None,
        decided_at=_at(track.decided_at),
        notice_id=track.notice_id,
        enforcement=enforcement_view(track.enforcement),
    )


class PenaltyView(BaseModel):
    """The administrative penalty track (行政处罚): proposed, hearing, decided or not_imposed."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    status: str
    basis: str
    proposed_amount: Balance
    hearing_right: bool
    """The fine reaches the province's large-fine threshold: the party may ask for a hearing within 5 days."""
    collective_discussion_required: bool
    prior_notice_id: str | None
    defenses: list[DefenseView]
    hearing_requested_at: datetime | None
    hearing_at: datetime | None
    hearing_held_at: datetime | None
    legal_review_at: datetime | None
    collective_discussion_at: datetime | None
    decided_at: datetime | None
    imposed: bool | None
    amount: Balance | None
    notice_id: str | None
    fine_paid_on: date | None
    enforcement: EnforcementView


def penalty_view(track: PenaltyTrack | None) -> PenaltyView | None:
    if track is None:
        return None
    return PenaltyView(
        status=track.status,
        basis=track.basis.value,
        proposed_amount=track.proposed_amount,
        hearing_right=track.hearing_right,
        collective_discussion_required=track.collective_discussion_required,
        prior_notice_id=track.prior_notice_id,
        defenses=defense_views(track.defenses),
        hearing_requested_at=_at(track.hearing_requested_at),
        hearing_at=_at(track.hearing_at),
        hearing_held_at=_at(track.hearing_held_at),
        legal_review_at=_at(track.legal_review_at),
        collective_discussion_at=_at(track.collective_discussion_at),
        decided_at=_at(track.decided_at),
        imposed=track.imposed,
        amount=track.amount,
        notice_id=track.notice_id,
        fine_paid_on=track.fine_paid_on,
        enforcement=enforcement_view(track.enforcement),
    )


class CaseListItem(BaseModel):
    """One line of the case list: the case without its workers, payments and notices (GET /cases/{id}
    has those)."""

    case_id: str
    case_number: str | None
    stage: str
    region_code: str
    received_at: datetime
    channel: str
    employer: Party
    project: Project | None
    worker_count: int
    owed_total: Balance
    paid_total: Balance
    outstanding: Balance
    deadlines: list[Deadline]
    escalations: list[EscalationView]
    """Every warning and escalation raised on the case, oldest first."""
    blacklist: dict[str, Any] | None
    referral: dict[str, Any] | None
    assignee: str | None
    order_due: date | None
    order_served: bool
    """Whether the latest order to pay was served: an unserved order grounds no later step."""
    close_reason: str | None
    rejection_code: str | None
    limitation: Limitation | None
    """The two-year limit, worked out at intake so the inspector sees it before acting."""


class CaseView(CaseListItem):
    """The whole case (the interface's "A case"): the only answer with full ID numbers and phones, and only
    to the inspectors, supervisors and heads whose jurisdiction covers the case's region."""

    complainant: ComplainantView
    workers: list[WorkerView]
    order_addressee: str | None
    rejection_reason: str | None
    not_time_barred_because: str | None
    supplement_missing: str | None
    notices: list[NoticeRef]
    paid_by_source: dict[str, Balance]
    """What each payer paid: ``employer``, ``general_contractor`` (总包先行清偿), ``construction_unit``,
    ``wage_deposit`` (工资保证金 drawdown); the ledger (``GET /cases/{id}/ledger``) has every line."""
    aid_total: Balance
    """Emergency aid paid to the workers; it does not reduce ``outstanding``."""
    decision: DecisionView | None
    """The administrative decision track, once its prior notice is issued."""
    penalty: PenaltyView | None
    """The administrative penalty track, once its prior notice is issued."""
    allowed_actions: list[str]
    """What the caller may do next in this stage (the rules table; the body is checked when sent)."""


class CaseList(BaseModel):
    items: list[CaseListItem]
    total: int
    """Cases matching the filters, counted up to 1000; see ``total_is_estimate``."""
    total_is_estimate: bool = False
    """More than ``total`` (1000) cases match: show "1000+", page on with ``next_cursor``."""
    limit: int
    offset: int
    next_cursor: str | None = None
    """Pass as ``cursor`` for the next page (the same filters); null on the last page."""


def _line(case: CaseState, today: date, count: int, totals: tuple[Decimal, Decimal, Decimal]) -> dict[str, Any]:
    """The fields of a list line; the totals come from the caller (the state's workers, or the read
    model's columns when the list did not decode the workers)."""
    owed, paid, outstanding = totals
    return {
        "case_id": case.case_id,
        "case_number": case.case_number,
        "stage": case.stage.value,
        "region_code": case.region_code,
        "received_at": to_shanghai(case.received_at),
        "channel": case.channel.value,
        "employer": Party(name=case.employer.name, uscc=case.employer.uscc),
        "project": case.project,
        "worker_count": count,
        "owed_total": owed,
        "paid_total": paid,
        "outstanding": outstanding,
        "deadlines": [d.model_copy(update={"status": effective_status(d, today)}) for d in case.deadlines],
        "escalations": [escalation_view(e) for e in case.escalations],
        "blacklist": summary_view(case.tracks, TrackKind.BLACKLIST),
        "referral": summary_view(case.tracks, TrackKind.REFERRAL),
        "assignee": case.assignee,
        "order_due": case.order_due,
        "order_served": transitions.order_served(case),
        "close_reason": case.close_reason,
        "rejection_code": case.rejection_code,
        "limitation": case.limitation,
    }


def list_item(listed: ListedCase, today: date) -> CaseListItem:
    return CaseListItem(**_line(listed.state, today, listed.worker_count, listed.totals()))


def case_view(case: CaseState, today: date, role: Role | None = None, *, personal: bool = False) -> CaseView:
    """The case page; ``personal``: with full ID numbers and phones (api.masking.sees_personal_data), else
    masked."""
    totals = (case.owed_total, case.paid_total, case.outstanding)
    shown_id, shown_phone = (_as_is, _as_is) if personal else (masked_id, masked_phone)
    complainant = case.complainant
    aid: dict[str, Decimal] = {}
    for a in case.aid:
        aid[a.id_number] = aid.get(a.id_number, Decimal("0.00")) + a.amount
    return CaseView(
        **_line(case, today, len(case.workers), totals),
        complainant=ComplainantView(
            name=complainant.name, id_number=shown_id(complainant.id_number), phone=shown_phone(complainant.phone)
        ),
        workers=[
            WorkerView(
                name=w.name,
                id_number=shown_id(w.id_number) or "",
                phone=shown_phone(w.phone),
                claimed_amount=w.claimed_amount,
                confirmed_amount=w.confirmed_amount,
                paid_amount=w.paid_amount,
                outstanding=w.outstanding,
                aid_amount=aid.get(w.id_number, Decimal("0.00")),
            )
            for w in case.workers
        ],
        order_addressee=case.order_addressee,
        rejection_reason=case.rejection_reason,
        not_time_barred_because=case.not_time_barred_because,
        supplement_missing=case.supplement_missing,
        notices=case.notices,
        paid_by_source=case.paid_by_source,
        aid_total=case.aid_total,
        decision=decision_view(case.decision),
        penalty=penalty_view(case.penalty),
        allowed_actions=[a.value for a in transitions.allowed_actions(case.stage, role)] if role else [],
    )


def _as_is(value: str | None) -> str | None:
    return value


class HistoryEntry(CaseEvent):
    """A history row as the API shows it: the fields the workflow recorded, with the ID numbers, phones
    and mobile numbers in ``data`` masked (the stored row, evidence, keeps them)."""


def history_entry(row: Mapping[str, Any]) -> HistoryEntry:
    return HistoryEntry(**{**row, "at": to_shanghai(row["at"]), "data": mask_record(row.get("data") or {})})


class NoticeView(BaseModel):
    notice_id: str
    kind: str
    title: str
    doc_number: str
    issued_at: datetime
    sha256: str
    url: str
    served: bool
    served_at: datetime | None
    service_method: str | None
    receipt_id: str | None


class LedgerLine(BaseModel):
    """One movement of money for a worker of the case, in time order."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    at: datetime
    """When it was paid (Asia/Shanghai)."""
    kind: str
    """``payment`` (wages paid, reducing the debt) or ``aid`` (emergency aid, not reducing it)."""
    source: str | None
    """Who paid wages: employer, general_contractor, construction_unit, wage_deposit; null for aid."""
    worker_name: str
    id_number: str
    """As on the case page: in full only to the people of the case's region."""
    amount: Balance


class Ledger(BaseModel):
    """The case's 台账 of money: every payment with its payer and every aid, and their totals."""

    lines: list[LedgerLine]
    owed_total: Balance
    paid_total: Balance
    paid_by_source: dict[str, Balance]
    aid_total: Balance
    outstanding: Balance


def ledger(case: CaseState, rows: Sequence[Mapping[str, Any]], *, personal: bool = False) -> Ledger:
    """The ledger from the history rows that moved money (``record_payment``, ``record_aid``): the evidence
    itself, so the ledger can never disagree with the history."""
    shown_id = _as_is if personal else masked_id
    names = {w.id_number: w.name for w in case.workers}
    lines: list[LedgerLine] = []
    for row in rows:
        data = row.get("data") or {}
        if row["kind"] == "record_payment":
            entries = [(p, "payment", p.get("source", "employer")) for p in data.get("payments", [])]
        elif row["kind"] == "record_aid":
            entries = [(data, "aid", None)]
        else:
            continue
        for entry, kind, source in entries:
            lines.append(
                LedgerLine(
                    at=to_shanghai(datetime.fromisoformat(entry["paid_at"])),
                    kind=kind,
                    source=source,
                    worker_name=names.get(entry["id_number"], ""),
                    id_number=shown_id(entry["id_number"]) or "",
                    amount=Decimal(entry["amount"]),
                )
            )
    return Ledger(
        lines=sorted(lines, key=lambda line: line.at),
        owed_total=case.owed_total,
        paid_total=case.paid_total,
        paid_by_source=case.paid_by_source,
        aid_total=case.aid_total,
        outstanding=case.outstanding,
    )
