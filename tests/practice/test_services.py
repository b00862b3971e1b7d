from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from practice import services
from practice.models import AnswerEvent, Attempt, AttemptStatus, CandidateProfile, Response, TimeAllowance
from tests.conftest import fill_bank
from tests.factories import BlueprintFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_domain_counts_use_largest_remainder():
    assert services.domain_counts({1: 10, 2: 15, 3: 15, 4: 15, 5: 15, 6: 15, 7: 15}, 60) == {
        1: 6, 2: 9, 3: 9, 4: 9, 5: 9, 6: 9, 7: 9}
    # 10 split 1:1:1 -> 3.33 each; one domain gets the leftover.
    assert sorted(services.domain_counts({1: 1, 2: 1, 3: 1}, 10).values()) == [3, 3, 4]
    assert services.domain_counts({1: 2, 2: 1}, 4) == {1: 3, 2: 1}


def test_start_exam_follows_the_default_blueprint(user, mock_blueprint, full_bank, rng):
    attempt, created = services.start_exam(user=user, blueprint=mock_blueprint, now=T0, rng=rng)
    assert created
    counts = {}
    for number in Response.objects.filter(attempt=attempt).values_list("version__domain__number", flat=True):
        counts[number] = counts.get(number, 0) + 1
    assert counts == {1: 6, 2: 9, 3: 9, 4: 9, 5: 9, 6: 9, 7: 9}
    assert attempt.deadline == T0 + timedelta(minutes=90)
    positions = list(attempt.entries.values_list("position", flat=True))
    assert sorted(positions) == list(range(1, 61))
    assert attempt.entries.values("version__question_id").distinct().count() == 60


def test_start_exam_stores_shuffled_choice_orders_that_a_reload_keeps(user, small_blueprint, rng):
    fill_bank({2: 6})
    attempt, _ = services.start_exam(user=user, blueprint=small_blueprint, rng=rng)
    orders = {e.position: e.choice_order for e in attempt.entries.select_related("version")}
    assert any(order != sorted(order) for order in orders.values())  # not all in authoring order
    for entry in attempt.entries.select_related("version"):
        assert sorted(entry.choice_order) == sorted(entry.version.choice_ids)
    reloaded = {e.position: e.choice_order for e in Attempt.objects.get(pk=attempt.pk).entries.all()}
    assert reloaded == orders


def test_start_exam_prefers_unseen_questions(user, small_blueprint, rng):
    bank = fill_bank({2: 12})[2]
    first, _ = services.start_exam(user=user, blueprint=small_blueprint, now=T0, rng=rng)
    services.submit_attempt(attempt=first, now=T0 + timedelta(minutes=1))
    seen = set(first.entries.values_list("version__question_id", flat=True))
    second, _ = services.start_exam(user=user, blueprint=small_blueprint, now=T0 + timedelta(minutes=2), rng=rng)
    again = set(second.entries.values_list("version__question_id", flat=True))
    assert not seen & again
    assert seen | again == {q.pk for q in bank}


def _patterns(attempt) -> list[str]:
    return list(attempt.entries.values_list("version__question__pattern", flat=True))


def test_start_exam_never_repeats_an_archetype_when_the_pool_allows(user, mock_blueprint, rng):
    # Each domain has exactly as many patterns of its own as it needs, plus three spares that repeat
    # a pattern of the next domain: a draw blind to patterns would almost always repeat one.
    needed = {1: 6, 2: 9, 3: 9, 4: 9, 5: 9, 6: 9, 7: 9}
    bank = fill_bank({number: n + 3 for number, n in needed.items()})
    for number, questions in bank.items():
        following = number % 7 + 1
        for index, question in enumerate(questions):
            own = index < needed[number]
            question.pattern = f"d{number}-{index}" if own else f"d{following}-{index - needed[number]}"
            question.save(update_fields=["pattern"])
    for _ in range(5):
        attempt, _ = services.start_exam(user=UserFactory(), blueprint=mock_blueprint, now=T0, rng=rng)
        patterns = _patterns(attempt)
        assert len(patterns) == 60
        assert len(set(patterns)) == 60


def test_start_exam_repeats_an_archetype_only_when_it_must(user, small_blueprint, rng):
    questions = fill_bank({2: 8})[2]
    for index, question in enumerate(questions):  # four patterns, two questions each
        question.pattern = f"pattern-{index % 4}"
        question.save(update_fields=["pattern"])
    attempt, _ = services.start_exam(user=user, blueprint=small_blueprint, now=T0, rng=rng)
    patterns = _patterns(attempt)
    assert len(patterns) == 6
    assert len(set(patterns)) == 4  # every pattern before any repeat


def test_start_exam_refuses_when_a_domain_is_short_and_creates_nothing(user, mock_blueprint):
    fill_bank({1: 6, 2: 9, 3: 9, 4: 9, 5: 4, 6: 9, 7: 9})
    with pytest.raises(services.CannotAssemble) as error:
        services.start_exam(user=user, blueprint=mock_blueprint)
    assert "Deliver Often: 4 available, 9 needed" in str(error.value)
    assert not Attempt.objects.exists()
    assert not Response.objects.exists()


def test_unpublished_questions_are_never_drawn(user, small_blueprint):
    fill_bank({2: 6})
    from questions.models import Question
    Question.objects.filter(pk=Question.objects.first().pk).update(status="retired")
    with pytest.raises(services.CannotAssemble):
        services.start_exam(user=user, blueprint=small_blueprint)


def test_starting_again_resumes_the_exam_in_progress(user, small_blueprint):
    fill_bank({2: 12})
    first, created = services.start_exam(user=user, blueprint=small_blueprint, now=T0)
    again, created_again = services.start_exam(user=user, blueprint=small_blueprint, now=T0 + timedelta(minutes=3))
    assert created and not created_again
    assert again.pk == first.pk
    assert again.deadline == first.deadline
    assert Attempt.objects.count() == 1


def test_extended_time_allowance_lengthens_the_deadline(small_blueprint):
    fill_bank({2: 6})
    user = UserFactory()
    CandidateProfile.objects.create(user=user, time_allowance=TimeAllowance.X150)
    attempt, _ = services.start_exam(user=user, blueprint=small_blueprint, now=T0)
    assert attempt.deadline == T0 + timedelta(minutes=15)
    assert attempt.time_allowance == "1.50"


@pytest.fixture
def exam(user, small_blueprint):
    fill_bank({2: 6})
    with time_machine.travel(T0, tick=False):
        attempt, _ = services.start_exam(user=user, blueprint=small_blueprint)
    return attempt


def first_choice(attempt, position=1):
    return attempt.entries.get(position=position).choice_order[0]


def correct_choice(attempt, position=1):
    return attempt.entries.select_related("version").get(position=position).version.correct_choice_id


def test_answer_just_inside_the_grace_is_saved(exam, settings):
    with time_machine.travel(exam.deadline + timedelta(seconds=settings.EXAM_GRACE_SECONDS), tick=False):
        entry = services.record_answer(attempt=exam, position=1, choice_id=first_choice(exam))
    assert entry.selected_choice_id == first_choice(exam)


def test_answer_just_after_the_grace_is_refused_and_the_attempt_is_finalised(exam, settings):
    with time_machine.travel(exam.deadline + timedelta(seconds=settings.EXAM_GRACE_SECONDS + 1), tick=False):
        with pytest.raises(services.AttemptClosed):
            services.record_answer(attempt=exam, position=1, choice_id=first_choice(exam))
    exam.refresh_from_db()
    assert exam.status == AttemptStatus.EXPIRED
    assert exam.correct_count == 0
    assert not exam.entries.filter(selected_choice_id__isnull=False).exists()


def test_an_overdue_attempt_is_finalised_when_next_touched(exam):
    services.record_answer(attempt=exam, position=1, choice_id=correct_choice(exam), now=T0 + timedelta(minutes=1))
    with time_machine.travel(exam.deadline + timedelta(hours=5), tick=False):
        attempt = services.finalise_if_overdue(Attempt.objects.get(pk=exam.pk))
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.correct_count == 1
    assert attempt.submitted_at <= exam.deadline + timedelta(seconds=15)


def test_the_command_finalises_every_overdue_attempt(exam, small_blueprint):
    other, _ = services.start_exam(user=UserFactory(), blueprint=small_blueprint, now=T0 + timedelta(minutes=9))
    with time_machine.travel(exam.deadline + timedelta(minutes=1), tick=False):
        call_command("finalise_attempts")
    exam.refresh_from_db()
    other.refresh_from_db()
    assert exam.status == AttemptStatus.EXPIRED
    assert other.status == AttemptStatus.IN_PROGRESS  # its clock is still running


def test_record_answer_changes_the_answer_and_logs_each_change(exam):
    a, b = exam.entries.get(position=2).choice_order[:2]
    services.enter_position(attempt=exam, position=2, now=T0)
    services.record_answer(attempt=exam, position=2, choice_id=a, now=T0 + timedelta(seconds=30))
    services.record_answer(attempt=exam, position=2, choice_id=b, now=T0 + timedelta(seconds=50))
    entry = exam.entries.get(position=2)
    assert entry.selected_choice_id == b
    events = list(AnswerEvent.objects.filter(entry=entry).values_list("from_choice_id", "to_choice_id",
                                                                        "seconds_on_question"))
    assert events == [(None, a, 30), (a, b, 50)]
    assert entry.is_correct is None  # correctness waits for submission


def test_record_answer_refuses_a_choice_from_another_question(exam):
    with pytest.raises(services.InvalidChoice):
        services.record_answer(attempt=exam, position=1, choice_id=first_choice(exam, position=2), now=T0)
    assert exam.entries.get(position=1).selected_choice_id is None


def test_time_on_each_question_adds_up_across_visits(exam):
    services.enter_position(attempt=exam, position=1, now=T0)
    services.enter_position(attempt=exam, position=2, now=T0 + timedelta(seconds=40))
    services.enter_position(attempt=exam, position=1, now=T0 + timedelta(seconds=100))
    services.enter_position(attempt=exam, position=2, now=T0 + timedelta(seconds=110))
    spent = dict(exam.entries.values_list("position", "seconds_spent"))
    assert spent[1] == 50 and spent[2] == 60


def test_submit_scores_exactly_once(exam):
    services.record_answer(attempt=exam, position=1, choice_id=correct_choice(exam), now=T0)
    attempt, scored = services.submit_attempt(attempt=exam, now=T0 + timedelta(minutes=2))
    again, scored_again = services.submit_attempt(attempt=exam, now=T0 + timedelta(minutes=3))
    assert (scored, scored_again) == (True, False)
    assert attempt.status == again.status == AttemptStatus.SUBMITTED
    assert again.submitted_at == T0 + timedelta(minutes=2)
    assert again.correct_count == 1
    assert exam.entries.filter(is_correct=False).count() == 5  # unanswered count as wrong


def test_nothing_changes_after_submission(exam):
    services.submit_attempt(attempt=exam, now=T0 + timedelta(minutes=1))
    with pytest.raises(services.AttemptClosed):
        services.record_answer(attempt=exam, position=1, choice_id=first_choice(exam), now=T0 + timedelta(minutes=2))
    with pytest.raises(services.AttemptClosed):
        services.set_flag(attempt=exam, position=1, flagged=True, now=T0 + timedelta(minutes=2))
    assert not exam.entries.filter(flagged=True).exists()


def test_flag_and_strike_are_saved_per_position(exam):
    choice = first_choice(exam, 3)
    services.set_flag(attempt=exam, position=3, flagged=True, now=T0)
    services.set_struck(attempt=exam, position=3, choice_id=choice, struck=True, now=T0)
    entry = exam.entries.get(position=3)
    assert entry.flagged and entry.struck_choice_ids == [choice]
    services.set_struck(attempt=exam, position=3, choice_id=choice, struck=False, now=T0)
    assert exam.entries.get(position=3).struck_choice_ids == []


def test_exam_with_bespoke_blueprint_weights(user):
    fill_bank({2: 4, 3: 4})
    blueprint = BlueprintFactory(question_count=5, weights={2: 3, 3: 2})
    attempt, _ = services.start_exam(user=user, blueprint=blueprint)
    numbers = sorted(attempt.entries.values_list("version__domain__number", flat=True))
    assert numbers == [2, 2, 2, 3, 3]
