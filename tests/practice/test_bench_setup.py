"""The benchmark's setup command makes real, logged-in candidates whose requests the site accepts."""

import pytest
from django.core.management import call_command

from bench.profile import replay
from practice.models import Attempt, AttemptStatus

pytestmark = pytest.mark.django_db


def test_bench_setup_writes_requests_the_site_serves(tmp_path, full_bank):
    from django.test import Client

    call_command("bench_setup", "--out", str(tmp_path), "--candidates", "2")
    assert Attempt.objects.filter(status=AttemptStatus.SUBMITTED).count() == 2
    assert Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS).count() == 2
    client = Client(enforce_csrf_checks=True)
    for name in ("answer", "flag", "strike", "question", "overview", "results", "review"):
        lines = (tmp_path / f"{name}.tsv").read_text().split("\n")
        assert replay(client, lines[0]).status_code == 200, name
    assert len((tmp_path / "answer.tsv").read_text().strip().split("\n")) == 120  # 2 candidates x 60


def test_bench_setup_generates_a_storm_bank(tmp_path, db):
    call_command("bench_setup", "--out", str(tmp_path), "--candidates", "3", "--storm-bank", "700")
    from questions.models import Question
    assert Question.objects.published().filter(key__startswith="storm-", current_version__isnull=False).count() == 700
    assert len(__import__("json").loads((tmp_path / "storm.json").read_text())) == 3
