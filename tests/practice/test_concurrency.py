"""Concurrent answers and submissions for one attempt (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection, connections

from practice import services
from practice.models import AnswerEvent, Attempt, AttemptStatus, ReviewLog
from tests.conftest import fill_bank

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; CI runs it there"),
]


def run_together(jobs):
    """Run callables in threads released at the same instant; return their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            outcomes[index] = ("ok", job())
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_concurrent_answers_and_submissions_end_consistent_and_scored_once(user, small_blueprint):
    fill_bank({2: 12})
    small_blueprint.question_count = 12
    small_blueprint.save()
    attempt, _ = services.start_exam(user=user, blueprint=small_blueprint)
    entries = list(attempt.entries.select_related("version"))
    wrong = {e.position: next(i for i in e.choice_order if i != e.version.correct_choice_id) for e in entries}

    def answer(position):
        return lambda: services.record_answer(attempt=attempt, position=position, choice_id=wrong[position])

    def submit():
        return services.submit_attempt(attempt=attempt)[1]

    jobs = [answer(p) for p in range(1, 13)] + [submit, submit, submit]
    outcomes = run_together(jobs)

    final = Attempt.objects.get(pk=attempt.pk)
    assert final.status == AttemptStatus.SUBMITTED
    submissions = [o for o in outcomes[12:]]
    assert [o[0] for o in submissions] == ["ok"] * 3
    assert sum(1 for o in submissions if o[1]) == 1  # exactly one call scored it
    saved = {p for p, o in zip(range(1, 13), outcomes[:12], strict=False) if o[0] == "ok"}
    refused = {p for p, o in zip(range(1, 13), outcomes[:12], strict=False) if o[0] == "error"}
    assert all(isinstance(outcomes[p - 1][1], services.AttemptClosed) for p in refused)
    for entry in final.entries.all():
        # An answer the server acknowledged is never lost; a refused one changed nothing.
        assert entry.selected_choice_id == (wrong[entry.position] if entry.position in saved else None)
        assert entry.is_correct is False
    assert AnswerEvent.objects.filter(entry__attempt=final).count() == len(saved)
    assert final.correct_count == 0
    assert ReviewLog.objects.filter(card__user=user).count() == 12  # misses recorded once, not per submit
