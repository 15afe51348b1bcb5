"""Which action is allowed in which stage for which role, and what it does to the case.

Pure functions over models. The workflow's update validators and handlers call these, so
the API's 409 and the workflow's refusal can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from models.actions import (
    AcceptBody,
    Action,
    Body,
    CloseBody,
    CloseReason,
    DecidePenaltyBody,
    DefenseProcedure,
    ExtendInvestigationBody,
    IssueDecisionBody,
    IssueOrderBody,
    OrderAddressee,
    PaymentLine,
    ProposeBlacklistBody,
    ProposeDecisionBody,
    ProposePenaltyBody,
    PublishViolationBody,
    RecordAidBody,
    RecordChallengeBody,
    RecordCourtEnforcementBody,
    RecordFindingBody,
    RecordFinePaidBody,
    RecordHearingBody,
    RecordPaymentBody,
    RecordReviewBody,
    RecordServiceBody,
    RecordSupplementBody,
    RecordTransferBody,
    ReferToPoliceBody,
    RejectBody,
    RejectReason,
    RequestHearingBody,
    ScheduleHearingBody,
    ServiceMethod,
    SetClearDeadlineBody,
    SubmitDefenseBody,
)
from models.case import (
    TERMINAL_STAGES,
    Aid,
    CaseState,
    DeadlineKind,
    NoticeRef,
    Payment,
    ProcedureState,
    Role,
    Stage,
    WorkerState,
    totals_by_source,
)
from models.clock import shanghai_date
from models.enforcement import DecisionLine, PenaltyTrack
from models.errors import ErrorCode, Refusal
from models.money import FEN, ZERO
from models.notices import SERVED_KINDS, NoticeKind
from rules import court, long_arm
from rules.penalties import range_problem

CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the server's clock a reported moment may lie (a phone's clock runs fast)."""


@dataclass(frozen=True)
class ActionRule:
    roles: frozenset[Role]
    stages: frozenset[Stage]


_OPEN = frozenset({Stage.INVESTIGATING, Stage.ORDERED})
_CLOSERS = frozenset({Role.SUPERVISOR, Role.HEAD})
_INSPECTOR = frozenset({Role.INSPECTOR})
_PENALTY_STAGES = frozenset({Stage.INVESTIGATING, Stage.ORDERED, Stage.CLEARED})
_LONG_ARM_STAGES = frozenset({Stage.ORDERED})
PENALTY_DECISION_DAYS = 90
"""行政处罚法 2021 art. 60: decided within 90 days of 立案."""
HEARING_REQUEST_DAYS = 5
"""Art. 64 (一): the party asks for a hearing within 5 days of being told."""
HEARING_NOTICE_DAYS = 7
"""Art. 64 (二): the hearing is announced 7 days before it is held."""
RULES: dict[Action, ActionRule] = {
    Action.ACCEPT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.REJECT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.REQUEST_SUPPLEMENT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.RECORD_SUPPLEMENT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.RECORD_FINDING: ActionRule(_INSPECTOR, _OPEN),
    Action.ISSUE_ORDER: ActionRule(_INSPECTOR, frozenset({Stage.INVESTIGATING})),
    # Every notice is served, including those issued as the case ends (refusal, closing notice).
    Action.RECORD_SERVICE: ActionRule(_INSPECTOR, frozenset(Stage)),
    Action.RECORD_PAYMENT: ActionRule(_INSPECTOR, _OPEN),
    Action.CLOSE: ActionRule(_CLOSERS, frozenset({Stage.INVESTIGATING, Stage.ORDERED, Stage.CLEARED})),
    # 条例 art. 17: the bureau's head approves the one extension of the investigation.
    Action.EXTEND_INVESTIGATION: ActionRule(frozenset({Role.HEAD}), _OPEN),
    # A supervisor (or the head) gives a running case to an inspector: from the queue, or on handover.
    Action.ASSIGN: ActionRule(_CLOSERS, frozenset(Stage) - TERMINAL_STAGES),
    Action.SET_CLEAR_DEADLINE: ActionRule(_CLOSERS, frozenset({Stage.INTAKE, *_OPEN})),
    # Aid may be recorded after the wages were paid: it was often given before.
    Action.RECORD_AID: ActionRule(_INSPECTOR, frozenset({*_OPEN, Stage.CLEARED})),
    # The decision track runs beside the ordered stage (domain: decide, head; 条例 art. 26).
    Action.PROPOSE_DECISION: ActionRule(_INSPECTOR, frozenset({Stage.ORDERED})),
    Action.SUBMIT_DEFENSE: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    Action.ISSUE_DECISION: ActionRule(frozenset({Role.HEAD}), frozenset({Stage.ORDERED})),
    # The penalty track (行政处罚法 2021) runs beside the stage once the case is filed.
    Action.PROPOSE_PENALTY: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    Action.REQUEST_HEARING: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    Action.SCHEDULE_HEARING: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    Action.RECORD_HEARING: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    Action.RECORD_LEGAL_REVIEW: ActionRule(frozenset({Role.SUPERVISOR}), _PENALTY_STAGES),
    Action.RECORD_COLLECTIVE_DISCUSSION: ActionRule(frozenset({Role.HEAD}), _PENALTY_STAGES),
    Action.DECIDE_PENALTY: ActionRule(frozenset({Role.HEAD}), _PENALTY_STAGES),
    Action.RECORD_CHALLENGE: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    Action.RECORD_FINE_PAID: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    Action.RECORD_COURT_ENFORCEMENT: ActionRule(_INSPECTOR, _PENALTY_STAGES),
    # The long arm (docs/long-arm.md): started from an order ignored; the sub-processes then run on their own.
    Action.PROPOSE_BLACKLIST: ActionRule(_INSPECTOR, _LONG_ARM_STAGES),
    Action.REFER_TO_POLICE: ActionRule(_INSPECTOR, _LONG_ARM_STAGES),
    Action.PUBLISH_VIOLATION: ActionRule(frozenset({Role.HEAD}), _PENALTY_STAGES),
}


def check_action(stage: Stage, action: Action, role: Role) -> None:
    """Raise Refusal unless ``role`` may take ``action`` in ``stage``."""
    rule = RULES.get(action)
    if rule is None:  # an action of a sub-process (models.actions.TRACK_ACTIONS), never of the case itself
        raise Refusal(ErrorCode.STAGE_NOT_ALLOWED, "该操作属于失信名单或移送公安程序，不能对案件本身执行")
    if role not in rule.roles:
        raise Refusal(ErrorCode.ROLE_NOT_ALLOWED)
    if stage not in rule.stages:
        raise Refusal(ErrorCode.STAGE_NOT_ALLOWED)


def allowed_actions(stage: Stage, role: Role) -> list[Action]:
    return [a for a, r in RULES.items() if role in r.roles and stage in r.stages]


def check_input(body: Body, now: datetime) -> None:
    """Rules on the body alone, independent of the case: the API checks them before anything is sent,
    and the workflow's validators again. Handlers do not re-check them (time only moves forward, and
    actions recorded before a rule existed must still replay)."""
    if isinstance(body, RejectBody) and body.reason_code is None:
        raise Refusal(ErrorCode.REASON_CODE_REQUIRED, field="reason_code")
    if isinstance(body, RecordServiceBody):
        if body.method == ServiceMethod.ELECTRONIC and not body.electronic_consent:
            raise Refusal(ErrorCode.CONSENT_REQUIRED, field="electronic_consent")
        _not_future(body.served_at, now, "served_at")
    if isinstance(body, RecordSupplementBody):
        _not_future(body.received_at, now, "received_at")
    if isinstance(body, SetClearDeadlineBody):
        check_clear_deadline(body, now)
    if isinstance(body, RecordPaymentBody):
        for i, line in enumerate(body.payments):
            _not_future(line.paid_at, now, f"payments.{i}.paid_at")
    if isinstance(body, RecordAidBody):
        _not_future(body.paid_at, now, "paid_at")
    if isinstance(body, ProposePenaltyBody):
        problem = range_problem(body.basis, body.amount)
        if problem:
            raise Refusal(ErrorCode.PENALTY_OUT_OF_RANGE, problem, field="amount")
    if isinstance(body, DecidePenaltyBody) and body.impose and body.amount is None:
        raise Refusal(ErrorCode.AMOUNT_REQUIRED, field="amount")
    if isinstance(body, RequestHearingBody):
        _not_future(body.requested_at, now, "requested_at")
    if (
        isinstance(body, ScheduleHearingBody)
        and (shanghai_date(body.hearing_at) - shanghai_date(now)).days < HEARING_NOTICE_DAYS
    ):
        raise Refusal(ErrorCode.HEARING_TOO_SOON, field="hearing_at")
    if isinstance(body, RecordHearingBody):
        _not_future(body.held_at, now, "held_at")
    if isinstance(body, ProposeBlacklistBody):
        long_arm.check_persons(body)
    if isinstance(body, RecordTransferBody):
        _not_future(body.transferred_at, now, "transferred_at")
    for field in ("filed_on", "paid_on", "applied_on", "decided_on", "requested_on", "handed_over_on"):
        day = getattr(body, field, None)
        if isinstance(day, date) and day > shanghai_date(now):
            raise Refusal(ErrorCode.IN_THE_FUTURE, field=field)


def _workers(case: CaseState) -> dict[str, WorkerState]:
    return {w.id_number: w for w in case.workers}


def _unique(ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        raise Refusal(ErrorCode.DUPLICATE_WORKER)


def _not_future(moment: datetime, now: datetime, field: str) -> None:
    if moment > now + CLOCK_SKEW:
        raise Refusal(ErrorCode.IN_THE_FUTURE, field=field)


def check_accept(case: CaseState, body: AcceptBody) -> None:
    if case.supplement_missing is not None:
        raise Refusal(ErrorCode.SUPPLEMENT_PENDING)
    if case.limitation is not None and case.limitation.time_barred and not body.not_time_barred_because:
        raise Refusal(ErrorCode.TIME_BARRED)


def check_reject(case: CaseState, body: RejectBody) -> None:
    barred = case.limitation is not None and case.limitation.time_barred
    if body.reason_code == RejectReason.TIME_BARRED and not barred:
        raise Refusal(ErrorCode.NOT_TIME_BARRED)


def check_supplement(case: CaseState, body: RecordSupplementBody) -> None:
    if case.supplement_missing is None or case.supplement_requested_at is None:
        raise Refusal(ErrorCode.NO_SUPPLEMENT_REQUESTED)
    if body.received_at < case.supplement_requested_at:
        raise Refusal(ErrorCode.SUPPLEMENT_BEFORE_REQUEST)


def check_finding(case: CaseState, body: RecordFindingBody) -> None:
    _unique([line.id_number for line in body.workers])
    workers = _workers(case)
    for line in body.workers:
        worker = workers.get(line.id_number)
        if worker is None:
            raise Refusal(ErrorCode.UNKNOWN_WORKER)
        if line.confirmed_amount < worker.paid_amount:
            raise Refusal(ErrorCode.OVERPAYMENT, "认定金额不能低于该劳动者已获支付的金额")


def check_order(case: CaseState, body: IssueOrderBody, now: datetime) -> None:
    if body.due_date <= shanghai_date(now):
        raise Refusal(ErrorCode.ORDER_DUE_NOT_AFTER_TODAY)
    if case.outstanding == ZERO:
        raise Refusal(ErrorCode.NOTHING_OUTSTANDING)
    if body.addressee == OrderAddressee.GENERAL_CONTRACTOR and (
        case.project is None or case.project.general_contractor is None
    ):
        raise Refusal(ErrorCode.NO_GENERAL_CONTRACTOR)


def check_service(case: ProcedureState, body: RecordServiceBody) -> None:
    """A notice of this procedure (the case, or a sub-process), to a party, not yet served, served after issue."""
    notice = case.notice(body.notice_id)
    if notice is None:
        raise Refusal(ErrorCode.UNKNOWN_NOTICE)
    if notice.kind not in SERVED_KINDS:
        raise Refusal(ErrorCode.NOT_SERVABLE)
    if notice.served:
        raise Refusal(ErrorCode.ALREADY_SERVED)
    if body.served_at < notice.issued_at:
        raise Refusal(ErrorCode.SERVED_BEFORE_ISSUE)
    due = case.order_due if isinstance(case, CaseState) else None
    if notice.kind == NoticeKind.PAYMENT_ORDER and due and shanghai_date(body.served_at) >= due:
        raise Refusal(ErrorCode.SERVED_AFTER_DUE)


def payment_key(line: PaymentLine) -> tuple[str, Decimal, datetime, str]:
    """The same key as ``Payment.key`` for a line not yet recorded (no model round trip: 5,000 lines)."""
    return (line.id_number, line.amount, line.paid_at, line.source.value)


def check_payment(case: CaseState, body: RecordPaymentBody) -> None:
    """Each line names a worker of the case, pays no more than is outstanding, falls inside the arrears'
    time and was not recorded before (the same worker, amount, moment and payer twice is one payment)."""
    workers = _workers(case)
    seen = {p.key() for p in case.payments}
    per_worker: dict[str, Decimal] = {}
    for line in body.payments:
        worker = workers.get(line.id_number)
        if worker is None:
            raise Refusal(ErrorCode.UNKNOWN_WORKER)
        key = payment_key(line)
        if key in seen:
            raise Refusal(ErrorCode.DUPLICATE_PAYMENT)
        seen.add(key)
        if shanghai_date(line.paid_at) < worker.owed_from:
            raise Refusal(ErrorCode.PAID_BEFORE_OWED)
        per_worker[line.id_number] = per_worker.get(line.id_number, ZERO) + line.amount
        if per_worker[line.id_number] > worker.outstanding:
            raise Refusal(ErrorCode.OVERPAYMENT)


def check_aid(case: CaseState, body: RecordAidBody) -> None:
    """Aid goes to a worker of the case, once (the same worker, amount and moment twice is one entry)."""
    if case.worker(body.id_number) is None:
        raise Refusal(ErrorCode.UNKNOWN_WORKER, field="id_number")
    if (body.id_number, body.amount, body.paid_at) in {a.key() for a in case.aid}:
        raise Refusal(ErrorCode.DUPLICATE_AID)


def _order_unpaid_past_due(case: CaseState, now: datetime) -> None:
    """An administrative decision rests on an order that was served and whose pay-by date passed unpaid."""
    if not order_served(case):
        raise Refusal(ErrorCode.ORDER_NOT_SERVED)
    if case.order_due is None or shanghai_date(now) <= case.order_due:
        raise Refusal(ErrorCode.ORDER_NOT_DUE)
    if case.outstanding == ZERO:
        raise Refusal(ErrorCode.NOTHING_OUTSTANDING)


def check_propose_decision(case: CaseState, now: datetime) -> None:
    if case.decision is not None:
        decided = case.decision.decided_at is not None
        raise Refusal(ErrorCode.ALREADY_DECIDED if decided else ErrorCode.DECISION_ALREADY_PROPOSED)
    _order_unpaid_past_due(case, now)


def defense_procedure(case: CaseState, body: SubmitDefenseBody) -> DefenseProcedure:
    """Which prior notice a defence answers: the one named, or the only one awaiting a defence."""
    open_ = []
    if case.decision is not None and case.decision.decided_at is None:
        open_.append(DefenseProcedure.DECISION)
    if case.penalty is not None and case.penalty.decided_at is None:
        open_.append(DefenseProcedure.PENALTY)
    if body.procedure is not None:
        named = next((p for p in open_ if p.value == body.procedure.value), None)
        if named is None:  # not open, or a listing's (the listing's workflow hears those)
            raise Refusal(ErrorCode.NO_DEFENSE_OPEN)
        return named
    if not open_:
        raise Refusal(ErrorCode.NO_DEFENSE_OPEN)
    if len(open_) > 1:
        raise Refusal(ErrorCode.DEFENSE_AMBIGUOUS, field="procedure")
    return open_[0]


def _open_penalty(case: CaseState) -> PenaltyTrack:
    track = case.penalty
    if track is None:
        raise Refusal(ErrorCode.NO_PENALTY_PROPOSED)
    if track.decided_at is not None:
        raise Refusal(ErrorCode.ALREADY_DECIDED)
    return track


def _penalty_notice_served(case: CaseState, track: PenaltyTrack) -> NoticeRef:
    notice = case.notice(track.prior_notice_id) if track.prior_notice_id else None
    if notice is None or notice.served_at is None:
        raise Refusal(ErrorCode.PENALTY_NOTICE_NOT_SERVED)
    return notice


def check_propose_penalty(case: CaseState) -> None:
    if case.penalty is not None:
        raise Refusal(ErrorCode.PENALTY_ALREADY_PROPOSED)


def check_request_hearing(case: CaseState, body: RequestHearingBody) -> None:
    track = _open_penalty(case)
    if not track.hearing_right:
        raise Refusal(ErrorCode.NO_HEARING_RIGHT)
    if track.hearing_requested_at is not None:
        raise Refusal(ErrorCode.HEARING_ALREADY_REQUESTED)
    served = _penalty_notice_served(case, track)
    assert served.served_at is not None
    if (shanghai_date(body.requested_at) - shanghai_date(served.served_at)).days > HEARING_REQUEST_DAYS:
        raise Refusal(ErrorCode.HEARING_WINDOW_CLOSED)


def check_schedule_hearing(case: CaseState) -> None:
    track = _open_penalty(case)
    if track.hearing_requested_at is None:
        raise Refusal(ErrorCode.NO_HEARING_REQUESTED)


def check_record_hearing(case: CaseState, body: RecordHearingBody) -> None:
    track = _open_penalty(case)
    if track.hearing_at is None:
        raise Refusal(ErrorCode.HEARING_NOT_SCHEDULED)
    if shanghai_date(body.held_at) < shanghai_date(track.hearing_at):
        raise Refusal(ErrorCode.HEARING_TOO_SOON, "听证不能早于听证通知书载明的日期举行", field="held_at")


def check_decide_penalty(case: CaseState, body: DecidePenaltyBody, now: datetime) -> None:
    """The prior notice served; the party's periods over (or used); a requested hearing held; legal review
    and, where configured, collective discussion recorded; within 90 days of 立案; never heavier than the
    notice after the party defended (art. 45), and inside the provision's range."""
    track = _open_penalty(case)
    served = _penalty_notice_served(case, track)
    assert served.served_at is not None
    today = shanghai_date(now)
    if case.accepted_at is not None and (today - shanghai_date(case.accepted_at)).days > PENALTY_DECISION_DAYS:
        raise Refusal(ErrorCode.PENALTY_TIME_LIMIT)
    if track.hearing_requested_at is not None:
        if track.hearing_held_at is None:
            raise Refusal(ErrorCode.HEARING_PENDING)
    else:
        if track.hearing_right and (today - shanghai_date(served.served_at)).days <= HEARING_REQUEST_DAYS:
            raise Refusal(ErrorCode.HEARING_WINDOW_OPEN)
        period = next((d for d in case.deadlines if d.kind == DeadlineKind.PENALTY_DEFENSE), None)
        if not track.defenses and (period is None or today <= period.due):
            raise Refusal(ErrorCode.PENALTY_DEFENSE_RUNNING)
    if track.legal_review_at is None:
        raise Refusal(ErrorCode.LEGAL_REVIEW_MISSING)
    if track.collective_discussion_required and track.collective_discussion_at is None:
        raise Refusal(ErrorCode.COLLECTIVE_DISCUSSION_MISSING)
    if body.impose and body.amount is not None:
        if body.amount > track.proposed_amount:  # a heavier fine needs a new prior notice (art. 44)
            code = ErrorCode.HEAVIER_AFTER_DEFENSE if track.defended else ErrorCode.HEAVIER_THAN_NOTICED
            raise Refusal(code, field="amount")
        problem = range_problem(track.basis, body.amount)
        if problem:
            raise Refusal(ErrorCode.PENALTY_OUT_OF_RANGE, problem, field="amount")


def check_issue_decision(case: CaseState, body: IssueDecisionBody, now: datetime) -> None:
    """After the prior notice was served and the party defended or let its period pass; never heavier than
    the notice said (the party defended against that)."""
    track = case.decision
    if track is None:
        raise Refusal(ErrorCode.NO_DECISION_NOTICE)
    if track.decided_at is not None:
        raise Refusal(ErrorCode.ALREADY_DECIDED)
    _order_unpaid_past_due(case, now)
    notice = case.notice(track.prior_notice_id) if track.prior_notice_id else None
    if notice is None or not notice.served:
        raise Refusal(ErrorCode.DECISION_NOTICE_NOT_SERVED)
    if not track.defenses:
        period = next((d for d in case.deadlines if d.kind == DeadlineKind.DECISION_DEFENSE), None)
        if period is None or shanghai_date(now) <= period.due:
            raise Refusal(ErrorCode.DEFENSE_PERIOD_RUNNING)
    if body.compensation_rate > track.proposed_rate:
        raise Refusal(ErrorCode.HEAVIER_THAN_NOTICED, field="compensation_rate")


def check_challenge(case: CaseState, body: RecordChallengeBody) -> None:
    e = court.enforcement_of(case, body.procedure)
    if e is None or e.served_on is None:
        raise Refusal(ErrorCode.NOT_SERVED_YET)
    if e.challenge is not None:
        raise Refusal(ErrorCode.ALREADY_CHALLENGED)
    if body.filed_on < e.served_on or body.filed_on > court.challenge_ends(e.served_on, body.kind):
        raise Refusal(ErrorCode.CHALLENGE_TOO_LATE, field="filed_on")


def check_fine_paid(case: CaseState) -> None:
    if court.enforcement_of(case, DefenseProcedure.PENALTY) is None:
        raise Refusal(ErrorCode.NO_FINE_IMPOSED)
    if case.penalty is not None and case.penalty.fine_paid_on is not None:
        raise Refusal(ErrorCode.FINE_ALREADY_PAID)


def check_court_enforcement(case: CaseState, body: RecordCourtEnforcementBody) -> None:
    e = court.enforcement_of(case, body.procedure)
    if e is None or e.opened_at is None:
        raise Refusal(ErrorCode.ENFORCEMENT_NOT_DUE)
    if e.filed_on is None and (body.filed_on is None or body.court is None):
        raise Refusal(ErrorCode.ENFORCEMENT_FILING_REQUIRED)


def check_close(case: CaseState, body: CloseBody, role: Role) -> None:
    """Closing reasons follow 劳动保障监察条例 art. 18; a case whose confirmed arrears are zero is
    ``no_violation``, never ``cleared``."""
    reason, owed, outstanding = body.reason, case.owed_total, case.outstanding
    if court.pending_for_closing(case):
        raise Refusal(ErrorCode.ENFORCEMENT_PENDING)
    if reason == CloseReason.CLEARED:
        if owed == ZERO:
            raise Refusal(ErrorCode.NOTHING_WAS_OWED)
        if outstanding > ZERO:
            raise Refusal(ErrorCode.OUTSTANDING_NOT_ZERO)
    elif reason == CloseReason.NO_VIOLATION:
        if owed > ZERO:
            raise Refusal(ErrorCode.VIOLATION_FOUND)
    elif reason == CloseReason.MINOR_CORRECTED:
        if outstanding > ZERO:
            raise Refusal(ErrorCode.NOT_CORRECTED)
    elif reason == CloseReason.WITHDRAWN and outstanding > ZERO and role != Role.HEAD:
        raise Refusal(ErrorCode.HEAD_APPROVAL_REQUIRED)


def check_extension(case: CaseState, now: datetime) -> None:
    """Once, and only while the period runs: an extension approved after expiry would hide the overdue."""
    deadline = next((d for d in case.deadlines if d.kind == DeadlineKind.INVESTIGATION and d.open), None)
    if deadline is None:
        raise Refusal(ErrorCode.NO_INVESTIGATION_DEADLINE)
    if deadline.extended_by:
        raise Refusal(ErrorCode.ALREADY_EXTENDED)
    if shanghai_date(now) > deadline.due:
        raise Refusal(ErrorCode.INVESTIGATION_EXPIRED)


def check_clear_deadline(body: SetClearDeadlineBody, now: datetime) -> None:
    if body.due <= shanghai_date(now):
        raise Refusal(ErrorCode.CLEAR_DUE_NOT_AFTER_TODAY, field="due")


def check(case: CaseState, action: Action, role: Role, body: Body, now: datetime) -> None:
    """Every rule an action must pass against the case, in one call: the stage and role, then the body
    against the case. Validators and handlers both call it (the case may change between them)."""
    check_action(case.stage, action, role)
    if isinstance(body, AcceptBody):
        check_accept(case, body)
    elif isinstance(body, RejectBody):
        check_reject(case, body)
    elif isinstance(body, RecordSupplementBody):
        check_supplement(case, body)
    elif isinstance(body, RecordFindingBody):
        check_finding(case, body)
    elif isinstance(body, IssueOrderBody):
        check_order(case, body, now)
    elif isinstance(body, RecordServiceBody):
        check_service(case, body)
    elif isinstance(body, RecordPaymentBody):
        check_payment(case, body)
    elif isinstance(body, CloseBody):
        check_close(case, body, role)
    elif isinstance(body, ExtendInvestigationBody):
        check_extension(case, now)
    elif isinstance(body, RecordAidBody):
        check_aid(case, body)
    elif isinstance(body, ProposeDecisionBody):
        check_propose_decision(case, now)
    elif isinstance(body, SubmitDefenseBody):
        defense_procedure(case, body)
    elif isinstance(body, ProposePenaltyBody):
        check_propose_penalty(case)
    elif isinstance(body, RequestHearingBody):
        check_request_hearing(case, body)
    elif isinstance(body, ScheduleHearingBody):
        check_schedule_hearing(case)
    elif isinstance(body, RecordHearingBody):
        check_record_hearing(case, body)
    elif isinstance(body, RecordReviewBody):
        _open_penalty(case)
    elif isinstance(body, DecidePenaltyBody):
        check_decide_penalty(case, body, now)
    elif isinstance(body, RecordChallengeBody):
        check_challenge(case, body)
    elif isinstance(body, RecordFinePaidBody):
        check_fine_paid(case)
    elif isinstance(body, RecordCourtEnforcementBody):
        check_court_enforcement(case, body)
    elif isinstance(body, IssueDecisionBody):
        check_issue_decision(case, body, now)
    elif isinstance(body, ProposeBlacklistBody):
        long_arm.check_propose_blacklist(case, body, now)
    elif isinstance(body, ReferToPoliceBody):
        long_arm.check_refer(case, body, now)
    elif isinstance(body, PublishViolationBody):
        long_arm.check_publish(case, body)


def apply_finding(case: CaseState, body: RecordFindingBody) -> CaseState:
    """Confirmed arrears replace claimed ones for the workers named."""
    confirmed = {line.id_number: line.confirmed_amount for line in body.workers}
    workers = [
        w.model_copy(update={"confirmed_amount": confirmed[w.id_number]}) if w.id_number in confirmed else w
        for w in case.workers
    ]
    return settle(case.model_copy(update={"workers": workers}))


def apply_payment(case: CaseState, body: RecordPaymentBody) -> CaseState:
    paid: dict[str, Decimal] = {}
    for line in body.payments:
        paid[line.id_number] = paid.get(line.id_number, ZERO) + line.amount
    workers = [
        w.model_copy(update={"paid_amount": w.paid_amount + paid[w.id_number]}) if w.id_number in paid else w
        for w in case.workers
    ]
    fresh = [
        Payment.model_construct(id_number=p.id_number, amount=p.amount, paid_at=p.paid_at, source=p.source.value)
        for p in body.payments
    ]
    by_source = totals_by_source(fresh, case.paid_by_source)
    update = {"workers": workers, "payments": [*case.payments, *fresh], "paid_by_source": by_source}
    return settle(case.model_copy(update=update))


def apply_aid(case: CaseState, body: RecordAidBody) -> CaseState:
    """Aid is added to the ledger; the workers' paid amounts, and so the debt and the stage, stay as they were."""
    aid = Aid(id_number=body.id_number, amount=body.amount, paid_at=body.paid_at)
    return case.model_copy(update={"aid": [*case.aid, aid]})


def decision_lines(case: CaseState, rate: Decimal) -> list[DecisionLine]:
    """Each worker still owed: the wages outstanding and 加付赔偿金 at ``rate`` of them, to the fen (half up)."""
    return [
        DecisionLine(
            id_number=w.id_number,
            wages=w.outstanding,
            compensation=(w.outstanding * rate).quantize(FEN, rounding=ROUND_HALF_UP),
        )
        for w in case.workers
        if w.outstanding > ZERO
    ]


def settle(case: CaseState) -> CaseState:
    """An open case is cleared (清零) when every confirmed amount is paid and something was owed; a
    finding of zero arrears is no violation, not a clearing."""
    if case.stage in _OPEN and case.outstanding == ZERO and case.owed_total > ZERO:
        return case.model_copy(update={"stage": Stage.CLEARED})
    return case


def order_served(case: CaseState) -> bool:
    """Whether the latest order to pay was served: an unserved order grounds no decision, listing or
    referral (SPC interpretation 2013 art. 4)."""
    order = case.latest_notice(NoticeKind.PAYMENT_ORDER.value)
    return order is not None and order.served
