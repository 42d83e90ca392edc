"""The data map (adapters/privacy_report.py): every table and column of the schema has a
privacy decision on its model, every personal column says how long it is kept and how it
is erased, `recovery-bot privacy report` prints it, and docs/privacy.md is what the
generator produces now. No database is needed."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from typer.testing import CliRunner

from adapters import privacy_report
from adapters.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def metadata() -> MetaData:
    return privacy_report.load_metadata()


def test_every_table_and_column_has_a_decision(metadata: MetaData) -> None:
    assert privacy_report.problems(metadata) == []
    report = privacy_report.build(metadata)
    assert {t.name for t in report.tables} == set(metadata.tables)
    for t in report.tables:
        columns = {c.name for c in metadata.tables[t.name].columns}
        if t.personal:  # each column once: personal, or said to be nothing about anyone
            named = [c.name for c in t.columns] + t.not_personal
            assert sorted(named) == sorted(columns), t.name
        else:  # a table-level "none" covers all its columns
            assert t.reason and not t.columns


def test_every_personal_column_says_how_long_and_how_it_is_erased(metadata: MetaData) -> None:
    report = privacy_report.build(metadata)
    personal = [(t, c) for t in report.tables for c in t.columns]
    assert personal
    for t, c in personal:
        assert c.kind in privacy_report.KINDS, (t.name, c.name)
        for value in (c.holds, c.purpose, c.retention, c.erasure):
            assert value.strip(), (t.name, c.name)
    kinds = {(t.name, c.name): c.kind for t, c in personal}
    # The decisions the privacy promises rest on.
    assert kinds[("conversation", "state")] == "special"
    assert kinds[("conversation", "key_hash")] == "pseudonym"
    assert kinds[("subscription", "user_id")] == "identifier"
    assert kinds[("audit_event", "account_hash")] == "pseudonym"
    # Every setting a retention rule names exists, with its value in the report.
    assert {"CONVERSATION_TTL_HOURS", "RETENTION_DELIVERY_DAYS"} <= set(report.settings)


def test_a_table_or_column_without_a_decision_is_caught(metadata: MetaData) -> None:
    """What a new column, a new table or a renamed setting would look like."""
    copy = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(copy)
    assert privacy_report.problems(copy) == []
    copy.tables["conversation"].append_column(Column("nickname", String(40)))
    Table("diary", copy, Column("id", Integer, primary_key=True), Column("text", String))
    Table("notes", copy, Column("id", Integer, primary_key=True),
          info={"privacy": {"subjects": "s", "purpose": "p", "erasure": "e",
                            "retention": "RETENTION_NOTES_DAYS", "columns": {"id": "secret: x"},
                            "not_personal": "gone"}})
    assert sorted(privacy_report.problems(copy)) == sorted([
        "table conversation: column nickname has no privacy decision",
        "table diary: no privacy decision (info={'privacy': ...})",
        "table notes: names column gone, which it does not have",
        "table notes: column id must hold 'KIND: what', KIND one of identifier, special, "
        "pseudonym, personal",
        "table notes: names the setting RETENTION_NOTES_DAYS, which does not exist",
    ])
    with pytest.raises(ValueError, match="nickname"):
        privacy_report.build(copy)


def test_the_model_modules_are_the_migrations(metadata: MetaData) -> None:
    """The report sees the tables the migrations see (directory/migrations/env.py), and
    no module of bot/ or directory/ defines a table outside them."""
    env = ast.parse((ROOT / "directory/migrations/env.py").read_text())
    listed = next(ast.literal_eval(node.value) for node in ast.walk(env)
                  if isinstance(node, ast.Assign)
                  and any(getattr(t, "id", "") == "MODEL_MODULES" for t in node.targets))
    assert tuple(listed) == privacy_report.MODEL_MODULES
    every = (
        "import importlib, pkgutil, bot, directory\n"
        "from directory.models import Base\n"
        "for pkg in (bot, directory):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' not in m.name:\n"
        "            importlib.import_module(m.name)\n"
        "print(' '.join(sorted(Base.metadata.tables)))\n")
    out = subprocess.run([sys.executable, "-c", every], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    assert out.stdout.split() == sorted(metadata.tables)


def test_cli_prints_the_report_and_json() -> None:
    result = runner.invoke(app, ["privacy", "report"])
    assert result.exit_code == 0, result.output
    assert "conversation: people seeking help" in result.stdout
    assert "CONVERSATION_TTL_HOURS = " in result.stdout
    result = runner.invoke(app, ["privacy", "report", "--json"],
                           env={"RETENTION_DELIVERY_DAYS": "7"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["settings"]["RETENTION_DELIVERY_DAYS"] == 7  # the value in force
    tables = {t["name"]: t for t in data["tables"]}
    assert {c["name"] for c in tables["subscription"]["columns"]} >= {"user_id", "topics"}
    assert tables["send_budget"]["personal"] is False


def test_docs_privacy_md_is_what_the_generator_prints_now() -> None:
    """After changing a model's info["privacy"] or the generator:
    recovery-bot privacy report --markdown > docs/privacy.md"""
    expected = privacy_report.markdown(privacy_report.build())
    assert (ROOT / "docs/privacy.md").read_text(encoding="utf-8") == expected
    # The settings in force never leak into the document: it shows the defaults.
    result = runner.invoke(app, ["privacy", "report", "--markdown"],
                           env={"CONVERSATION_TTL_HOURS": "2"})
    assert result.exit_code == 0 and result.stdout == expected
