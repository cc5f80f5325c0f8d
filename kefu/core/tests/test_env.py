"""Settings read from the environment name the variable when its value is wrong."""

from __future__ import annotations

import pytest

from config.env import env_choice

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def test_a_choice_is_taken_in_any_case_and_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("KEFU_LOG_LEVEL", raising=False)
    assert env_choice("KEFU_LOG_LEVEL", "INFO", LEVELS) == "INFO"
    monkeypatch.setenv("KEFU_LOG_LEVEL", "warning")
    assert env_choice("KEFU_LOG_LEVEL", "INFO", LEVELS) == "WARNING"


def test_a_wrong_choice_names_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv("KEFU_LOG_LEVEL", "LOUD")
    with pytest.raises(ValueError, match="KEFU_LOG_LEVEL must be one of DEBUG, INFO"):
        env_choice("KEFU_LOG_LEVEL", "INFO", LEVELS)
