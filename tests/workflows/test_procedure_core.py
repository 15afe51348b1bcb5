"""The procedure core's contract: every action is an update of the same name with a validator, on the workflow
that owns it (the case, or one of its sub-processes), and the update decodes its body by the action's model."""

from __future__ import annotations

from typing import Any

from temporalio.workflow import _Definition

from models.actions import BLACKLIST_SHARED, BODY_MODELS, INPUT_MODELS, TRACK_ACTIONS, Action
from models.track_summary import TrackKind
from workflows.blacklist import Blacklist
from workflows.case import REGISTRATION, ArrearsCase
from workflows.referral import Referral
from workflows.track import TRACK_REGISTRATION


def _actions(cls: type[Any], registration: str) -> dict[str, Any]:
    updates = dict(_Definition.must_from_class(cls).updates)
    assert updates.pop(registration).arg_types == []  # the start's answer, not an action
    for name, update in updates.items():
        assert update.validator is not None, f"{cls.__name__}.{name} has no validator: a refusal would reach history"
        assert update.arg_types == [INPUT_MODELS[Action(name)]], f"{cls.__name__}.{name} decodes the wrong body"
    return updates


def test_every_action_is_an_update_of_its_name_on_the_workflow_that_owns_it() -> None:
    case = set(_actions(ArrearsCase, REGISTRATION))
    listing = set(_actions(Blacklist, TRACK_REGISTRATION))
    referral = set(_actions(Referral, TRACK_REGISTRATION))
    owned = {a.value for a, kind in TRACK_ACTIONS.items() if kind == TrackKind.BLACKLIST}
    assert listing == owned | {a.value for a in BLACKLIST_SHARED}
    assert referral == {a.value for a, kind in TRACK_ACTIONS.items() if kind == TrackKind.REFERRAL}
    assert case == {a.value for a in Action} - {a.value for a in TRACK_ACTIONS}, "an Action without its update"
    assert case | listing | referral == {a.value for a in Action}


def test_every_action_has_a_body_model() -> None:
    assert set(BODY_MODELS) == set(Action) == set(INPUT_MODELS)
