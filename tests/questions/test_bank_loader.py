import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from questions.bank import load_bank, read_questions
from questions.models import Concept, Question, QuestionVersion

pytestmark = pytest.mark.django_db


def test_load_bank_loads_every_shipped_question_published_with_a_version():
    report = load_bank()
    items = read_questions()
    assert report.created == len(items) >= 70
    assert Question.objects.published().filter(current_version__isnull=False).count() == len(items)
    assert Concept.objects.filter(domain__number=2).count() >= 17


def test_load_bank_twice_changes_nothing():
    load_bank()
    stamps = dict(Question.objects.values_list("key", "updated_at"))
    versions = QuestionVersion.objects.count()
    report = load_bank()
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == len(stamps)
    assert dict(Question.objects.values_list("key", "updated_at")) == stamps
    assert QuestionVersion.objects.count() == versions


def test_load_bank_updates_an_edited_fixture_with_a_new_version(tmp_path):
    bank = Path(settings.BASE_DIR) / "fixtures" / "bank"
    (tmp_path / "questions").mkdir()
    (tmp_path / "domains.yaml").write_text((bank / "domains.yaml").read_text())
    item = read_questions()[0]
    (tmp_path / "questions" / "one.yaml").write_text(yaml.safe_dump([item]))
    load_bank(tmp_path)
    item["choices"][1]["text"] = "A reworded distractor"
    (tmp_path / "questions" / "one.yaml").write_text(yaml.safe_dump([item]))
    report = load_bank(tmp_path)
    assert report.changed_keys == [item["key"]]
    assert QuestionVersion.objects.filter(question__key=item["key"]).count() == 2


def test_load_bank_command_reports_counts(capsys):
    call_command("load_bank")
    assert "created" in capsys.readouterr().out


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cpoa.settings"}, cwd=settings.BASE_DIR,
        capture_output=True, text=True,
    )


def test_settings_refuse_to_start_without_a_secret_key_in_production_mode():
    result = run_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_start_in_production_mode_with_a_secret_key():
    result = run_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="cpoa.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_deploy_check_is_clean_in_production_mode():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="q8Zr-5vT!pL0w#Xe7sYb2NcM@uKd9gHj4AfR6tWz1oVy3iQe^xUm", DJANGO_ALLOWED_HOSTS="cpoa.example")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific pragmas")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
    # The test database is in memory, where SQLite reports "memory" for the journal.
    assert mode in {"wal", "memory"}
    assert synchronous == 1  # NORMAL
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
