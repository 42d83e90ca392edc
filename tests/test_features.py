"""Each feature's steps are named (a StrEnum in its module) and drawn in a Mermaid
diagram beside the module (bot/volunteers/dialogue.mmd, bot/broadcasts/dialogue.mmd),
kept true here as tests/test_conversation.py keeps bot/conversation.mmd true (issue 13).

No database: the features are built as the conversation runs with them.
"""

from __future__ import annotations

import enum
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest
from dialogue import GAZETTEER

from adapters.wiring import standard_features
from bot.conversation import Config, Step
from bot.features import Feature

FEATURES = standard_features(GAZETTEER, Config())
# Where a feature's flows end: back in the conversation, at its first step. No other
# state of the conversation may be drawn in a feature's diagram.
EXITS = frozenset({Step.NEW.value})
EDGE = re.compile(r"^\s*(\S+)\s*-->\s*([^\s:]+)", re.MULTILINE)


def module_of(feature: Feature) -> ModuleType:
    module = inspect.getmodule(type(feature))
    assert module is not None
    return module


def step_enum(feature: Feature) -> type[enum.StrEnum]:
    """The one StrEnum the feature's module defines: its steps."""
    module = module_of(feature)
    enums = [v for v in vars(module).values()
             if isinstance(v, type) and issubclass(v, enum.StrEnum)
             and v.__module__ == module.__name__]
    assert len(enums) == 1, f"{module.__name__} should define one StrEnum of its steps, " \
                            f"not {[e.__name__ for e in enums]}"
    return enums[0]


def diagram_path(feature: Feature) -> Path:
    return Path(inspect.getfile(type(feature))).with_suffix(".mmd")


def edges(diagram: str) -> list[tuple[str, str]]:
    body = "\n".join(line for line in diagram.splitlines()
                     if not line.strip().startswith("%%"))
    return EDGE.findall(body)


def by_name(feature: Feature) -> str:
    return type(feature).__name__


def test_there_are_features() -> None:
    assert {by_name(f) for f in FEATURES} >= {"Volunteering", "Broadcasting"}


@pytest.mark.parametrize("feature", FEATURES, ids=by_name)
def test_the_features_steps_are_its_enum(feature: Feature) -> None:
    steps = step_enum(feature)
    assert len(steps.__members__) == len(list(steps)), f"{steps.__name__} has aliases"
    members = set(steps)
    for key in feature.steps:
        assert isinstance(key, steps), f"step {key!r} is not a {steps.__name__} member"
    assert set(feature.steps) == members, \
        f"{steps.__name__} members without a handler: {members - set(feature.steps)}"
    for key in feature.drafting:
        assert isinstance(key, steps) and key in feature.steps, \
            f"drafting step {key!r} is not one of {steps.__name__}'s steps"
    # Where a flow ends, if the module names it, is the conversation's first step.
    start = getattr(module_of(feature), "CONVERSATION_START", Step.NEW)
    assert start == Step.NEW


@pytest.mark.parametrize("feature", FEATURES, ids=by_name)
def test_the_diagram_names_every_step_command_and_nothing_else(feature: Feature) -> None:
    path = diagram_path(feature)
    assert path.is_file(), f"{by_name(feature)} has no diagram at {path}"
    diagram = path.read_text()
    assert diagram.lstrip("%").splitlines()[0] and "stateDiagram-v2" in diagram
    arrows = edges(diagram)
    states = {s for edge in arrows for s in edge} - {"[*]"}
    steps = {s.value for s in step_enum(feature)}
    drawn = states - EXITS
    assert drawn == steps, f"{path.name}: in the diagram but not a step: {drawn - steps}; " \
                           f"a step missing from the diagram: {steps - drawn}"
    assert states & EXITS, f"{path.name}: no flow goes back to the conversation"
    # Every step can be reached and left.
    assert {b for _, b in arrows} >= steps, \
        f"{path.name}: steps with no arrow in: {steps - {b for _, b in arrows}}"
    assert {a for a, _ in arrows} >= steps, \
        f"{path.name}: steps with no arrow out: {steps - {a for a, _ in arrows}}"
    body = "\n".join(line for line in diagram.splitlines()
                     if not line.strip().startswith("%%"))
    for command in feature.commands:
        assert re.search(rf"/{command}\b", body), f"/{command} is not in {path.name}"


def test_step_names_are_unique_across_the_conversation_and_its_features() -> None:
    owners: dict[str, str] = {s.value: "conversation" for s in Step}
    for feature in FEATURES:
        for step in step_enum(feature):
            assert step.value not in owners, \
                f"{by_name(feature)}'s step {step.value!r} is also {owners[step.value]}'s"
            owners[step.value] = by_name(feature)
