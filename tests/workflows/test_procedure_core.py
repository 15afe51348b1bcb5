"""The procedure core's contract: every action is an update of the same name with a validator, and
the update decodes its body by the action's model."""

from __future__ import annotations

from temporalio.workflow import _Definition

from models.actions import BODY_MODELS, INPUT_MODELS, Action
from workflows.case import REGISTRATION, ArrearsCase


def test_every_action_is_an_update_of_its_name_with_a_validator() -> None:
    updates = dict(_Definition.must_from_class(ArrearsCase).updates)
    assert updates.pop(REGISTRATION).arg_types == []  # intake's answer, not an action
    assert set(updates) == {a.value for a in Action}, "an Action without its update, or an update without its Action"
    for name, update in updates.items():
        assert update.validator is not None, f"{name} has no validator: a refusal would reach history"
        assert update.arg_types == [INPUT_MODELS[Action(name)]], f"{name} decodes the wrong body"


def test_every_action_has_a_body_model() -> None:
    assert set(BODY_MODELS) == set(Action) == set(INPUT_MODELS)
