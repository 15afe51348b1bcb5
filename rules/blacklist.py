"""The listing procedure's rules (人社部令第45号, docs/long-arm.md): who may act when, as pure functions the
blacklist workflow's validators and handlers share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.actions import (
    Action,
    ApplyRemovalBody,
    Body,
    DecideBlacklistBody,
    DecideRemovalBody,
    RecordServiceBody,
    SubmitDefenseBody,
)
from models.case import Role
from models.clock import shanghai_date
from models.errors import ErrorCode, Refusal
from models.tracks import BlacklistState, BlacklistStatus, ListedParty
from rules.clear import add_months
from rules.transitions import check_service

TERM_MONTHS = 36
"""A listing lasts 3 years (45号令), then ends on its own."""
REPAIR_MONTHS = 6
"""Early removal: at the earliest 6 months after the correction while listed (信用修复)."""


@dataclass(frozen=True)
class _Rule:
    role: Role
    statuses: frozenset[BlacklistStatus]


_ANY = frozenset(BlacklistStatus)
RULES: dict[Action, _Rule] = {
    Action.RECORD_SERVICE: _Rule(Role.INSPECTOR, _ANY),
    Action.SUBMIT_DEFENSE: _Rule(Role.INSPECTOR, frozenset({BlacklistStatus.PROPOSED})),
    Action.DECIDE_BLACKLIST: _Rule(Role.HEAD, frozenset({BlacklistStatus.PROPOSED})),
    Action.APPLY_REMOVAL: _Rule(Role.INSPECTOR, frozenset({BlacklistStatus.LISTED})),
    Action.DECIDE_REMOVAL: _Rule(Role.HEAD, frozenset({BlacklistStatus.LISTED})),
}


def term_end(listed_on: date) -> date:
    """The first day off the list: 3 years after the listing."""
    return add_months(listed_on, TERM_MONTHS)


def earliest_removal(state: BlacklistState) -> date | None:
    """The first day an application for early removal may be made: 6 months after the correction (the wages
    paid in full), counted while listed; None while wages are owed."""
    if state.paid_in_full_on is None or state.term_start is None:
        return None
    return add_months(max(state.paid_in_full_on, state.term_start), REPAIR_MONTHS)


def party_of(state: BlacklistState, name: str) -> ListedParty:
    party = state.party(name)
    if party is None:
        raise Refusal(ErrorCode.UNKNOWN_PARTY, field="party")
    return party


def heard(party: ListedParty, today: date) -> bool:
    """The party defended, or its defence period (from service) is over."""
    return bool(party.defenses) or (party.defense_due is not None and party.defense_due < today)


def check_decide(state: BlacklistState, now: datetime) -> None:
    today = shanghai_date(now)
    unserved = [p.name for p in state.parties if p.served_on is None]
    if unserved:
        raise Refusal(ErrorCode.NOTICE_NOT_SERVED, f"告知书尚未送达：{'、'.join(unserved)}；陈述申辩期尚未起算")
    waiting = [p for p in state.parties if not heard(p, today)]
    if waiting:
        due = max(p.defense_due for p in waiting if p.defense_due is not None)
        names = "、".join(p.name for p in waiting)
        raise Refusal(
            ErrorCode.DEFENSE_PERIOD_RUNNING,
            f"{names}的陈述申辩期尚未届满（至{due.isoformat()}），也未提出陈述申辩，暂不能作出决定",
        )


def check_apply_removal(state: BlacklistState, body: ApplyRemovalBody) -> None:
    if state.open_removal is not None:
        raise Refusal(ErrorCode.REMOVAL_PENDING)
    earliest = earliest_removal(state)
    if earliest is None:
        raise Refusal(ErrorCode.NOT_PAID_IN_FULL)
    if body.applied_on < earliest:
        raise Refusal(
            ErrorCode.REMOVAL_TOO_EARLY,
            f"自改正之日起被列入名单未满6个月，最早可于{earliest.isoformat()}申请提前移出",
            field="applied_on",
        )


def check(state: BlacklistState, action: Action, role: Role, body: Body, now: datetime) -> None:
    """Every rule an action on a listing must pass, for the validator and again under the lock."""
    rule = RULES.get(action)
    if rule is None:
        raise Refusal(ErrorCode.UNKNOWN_ACTION)
    if role != rule.role:
        raise Refusal(ErrorCode.ROLE_NOT_ALLOWED)
    if state.status not in rule.statuses:
        raise Refusal(ErrorCode.STAGE_NOT_ALLOWED, f"名单程序当前状态（{state.status.value}）不允许此操作")
    if isinstance(body, RecordServiceBody):
        check_service(state, body)
    elif isinstance(body, SubmitDefenseBody):
        party_of(state, body.party)
    elif isinstance(body, DecideBlacklistBody):
        check_decide(state, now)
    elif isinstance(body, ApplyRemovalBody):
        check_apply_removal(state, body)
    elif isinstance(body, DecideRemovalBody) and state.open_removal is None:
        raise Refusal(ErrorCode.NO_REMOVAL_APPLICATION)
