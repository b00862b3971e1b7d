"""Practice sessions with instant feedback, FSRS review cards, and the dashboard."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from practice import selectors, services, spaced
from practice.models import Attempt, AttemptMode, CandidateProfile, ReviewCard, ReviewLog
from tests.conftest import fill_bank
from tests.factories import ConceptFactory, DomainFactory, QuestionFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def wrong_choice(entry):
    return next(i for i in entry.choice_order if i != entry.version.correct_choice_id)


def entries(attempt):
    return list(attempt.entries.select_related("version").order_by("position"))


def test_practice_by_domain_and_by_concept(user):
    fill_bank({2: 5, 3: 5})
    concept = ConceptFactory(domain=DomainFactory(number=4))
    tagged = QuestionFactory.create_batch(3, domain=DomainFactory(number=4), concepts=[concept])
    by_domain = services.start_practice(user=user, domains=[DomainFactory(number=3)], concepts=[], count=4,
                                        source="all")
    assert {e.version.domain.number for e in by_domain.entries.select_related("version__domain")} == {3}
    assert by_domain.question_count == 4 and by_domain.deadline is None
    by_concept = services.start_practice(user=user, domains=[], concepts=[concept], count=10, source="all")
    assert {e.version.question_id for e in entries(by_concept)} == {q.pk for q in tagged}


def test_practice_sources_unseen_and_missed_and_their_refusals(user):
    fill_bank({2: 3})
    d2 = DomainFactory(number=2)
    with pytest.raises(services.CannotAssemble, match="no missed questions"):
        services.start_practice(user=user, domains=[d2], concepts=[], count=5, source="missed")
    first = services.start_practice(user=user, domains=[d2], concepts=[], count=3, source="all")
    e1, e2, e3 = entries(first)
    services.record_answer(attempt=first, position=1, choice_id=wrong_choice(e1))
    services.record_answer(attempt=first, position=2, choice_id=e2.version.correct_choice_id)
    services.submit_attempt(attempt=first)  # position 3 never reached: dropped, so still unseen
    first.refresh_from_db()
    assert (first.question_count, first.correct_count) == (2, 1)
    unseen = services.start_practice(user=user, domains=[d2], concepts=[], count=5, source="unseen")
    assert [e.version.question_id for e in entries(unseen)] == [e3.version.question_id]
    services.record_answer(attempt=unseen, position=1, choice_id=e3.version.correct_choice_id)
    services.submit_attempt(attempt=unseen)
    missed = services.start_practice(user=user, domains=[d2], concepts=[], count=5, source="missed")
    assert [e.version.question_id for e in entries(missed)] == [e1.version.question_id]
    with pytest.raises(services.CannotAssemble, match="already seen every"):
        services.start_practice(user=user, domains=[d2], concepts=[], count=5, source="unseen")


def test_practice_answer_gives_feedback_only_after_it_is_saved(client, user):
    fill_bank({2: 2})
    attempt = services.start_practice(user=user, domains=[DomainFactory(number=2)], concepts=[], count=2,
                                      source="all")
    entry = entries(attempt)[0]
    client.force_login(user)
    page = client.get(reverse("practice:question", args=[attempt.pk, 1])).content.decode()
    assert entry.version.explanation not in page
    assert not any(c["rationale"] in page for c in entry.version.choices)
    response = client.post(reverse("practice:answer", args=[attempt.pk, 1]), {"choice": wrong_choice(entry)},
                           headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Not quite" in html and "Best answer" in html
    assert entry.version.explanation in html
    assert all(c["rationale"] in html for c in entry.version.choices)
    again = client.post(reverse("practice:answer", args=[attempt.pk, 1]), {"choice": entry.version.correct_choice_id})
    assert again.status_code == 409
    assert Attempt.objects.get(pk=attempt.pk).entries.get(position=1).is_correct is False


def test_a_miss_in_an_exam_creates_a_review_card(user, small_blueprint):
    fill_bank({2: 6})
    attempt, _ = services.start_exam(user=user, blueprint=small_blueprint, now=T0)
    first = entries(attempt)[0]
    services.record_answer(attempt=attempt, position=1, choice_id=wrong_choice(first), now=T0)
    for e in entries(attempt)[1:]:
        services.record_answer(attempt=attempt, position=e.position, choice_id=e.version.correct_choice_id, now=T0)
    services.submit_attempt(attempt=attempt, now=T0 + timedelta(minutes=5))
    cards = ReviewCard.objects.filter(user=user)
    assert [c.question_id for c in cards] == [first.version.question_id]
    assert cards[0].due <= T0 + timedelta(minutes=15)  # relearn soon
    assert cards[0].logs.count() == 1


def test_a_miss_in_practice_creates_a_card_and_a_second_miss_is_a_lapse(user):
    QuestionFactory(domain=DomainFactory(number=2))
    d2 = DomainFactory(number=2)
    for _attempt_no in range(2):
        attempt = services.start_practice(user=user, domains=[d2], concepts=[], count=1, source="all", now=T0)
        services.record_answer(attempt=attempt, position=1, choice_id=wrong_choice(entries(attempt)[0]), now=T0)
    card = ReviewCard.objects.get(user=user)
    assert (card.reviews, card.lapses) == (2, 1)


def review_once(user, correct: bool, now):
    session = services.start_due_review(user=user, now=now)
    assert session.mode == AttemptMode.REVIEW
    entry = entries(session)[0]
    choice = entry.version.correct_choice_id if correct else wrong_choice(entry)
    services.record_answer(attempt=session, position=1, choice_id=choice, now=now)
    services.submit_attempt(attempt=session, now=now)
    return ReviewCard.objects.get(user=user)


def test_a_card_answered_right_comes_back_later_not_tomorrow(user):
    question = QuestionFactory(domain=DomainFactory(number=2))
    spaced.record_misses(user_id=user.pk, misses=[(question.pk, None)], now=T0)
    with pytest.raises(services.CannotAssemble):
        services.start_due_review(user=user, now=T0)  # due in a minute, not yet
    card = review_once(user, True, T0 + timedelta(minutes=15))  # relearning step
    card = review_once(user, True, card.due)  # graduates: back tomorrow
    t2 = card.due
    card = review_once(user, True, t2)  # answered right today...
    interval = card.due - t2
    assert interval >= timedelta(days=2)  # ...is not due tomorrow
    with time_machine.travel(t2 + timedelta(days=1), tick=False):
        assert not selectors.dashboard(user, t2 + timedelta(days=1))["due_count"]
    assert selectors.dashboard(user, card.due + timedelta(seconds=1))["due_count"] == 1
    card = review_once(user, True, card.due + timedelta(seconds=1))
    assert card.due - (t2 + interval) > interval  # intervals grow
    assert card.logs.count() == 5  # history kept: the miss and four reviews
    assert list(card.logs.values_list("was_correct", flat=True)) == [False, True, True, True, True]


def test_a_card_answered_wrong_in_review_comes_back_soon(user):
    question = QuestionFactory(domain=DomainFactory(number=2))
    spaced.record_misses(user_id=user.pk, misses=[(question.pk, None)], now=T0)
    card = review_once(user, False, T0 + timedelta(hours=1))
    assert card.due <= T0 + timedelta(hours=1, minutes=15)
    assert card.lapses == 1


def test_intervals_never_reach_past_the_exam_date(user):
    CandidateProfile.objects.create(user=user, exam_date=date(2026, 11, 9))
    question = QuestionFactory(domain=DomainFactory(number=2))
    spaced.record_misses(user_id=user.pk, misses=[(question.pk, None)], now=T0)
    now = T0
    for _ in range(6):
        now = max(now, ReviewCard.objects.get(user=user).due)
        card = review_once(user, True, now)
        assert card.due < datetime(2026, 11, 9, tzinfo=UTC)


def test_dashboard_counts_and_buttons(client, user, small_blueprint):
    fill_bank({2: 6})
    questions = QuestionFactory.create_batch(3, domain=DomainFactory(number=2))
    spaced.record_misses(user_id=user.pk, misses=[(q.pk, None) for q in questions], now=T0)
    services.start_exam(user=user, blueprint=small_blueprint)
    client.force_login(user)
    html = client.get(reverse("practice:dashboard")).content.decode()
    assert '<strong id="due-count">3</strong>' in html
    assert "Resume Blueprint" in html and "0 of 6 answered" in html
    assert "Start CPOA mock exam" in html and "Start Domain 2 sprint" in html and "Drill my weakest concept" in html


def test_drill_weakest_concept_starts_a_session_on_it(client, user):
    weak = ConceptFactory(domain=DomainFactory(number=2), name="Weak one")
    strong = ConceptFactory(domain=DomainFactory(number=2), name="Strong one")
    QuestionFactory.create_batch(2, domain=DomainFactory(number=2), concepts=[weak])
    QuestionFactory.create_batch(2, domain=DomainFactory(number=2), concepts=[strong])
    attempt = services.start_practice(user=user, domains=[DomainFactory(number=2)], concepts=[], count=4,
                                      source="all")
    for e in entries(attempt):
        is_weak = weak in e.version.concepts.all()
        services.record_answer(attempt=attempt, position=e.position,
                               choice_id=wrong_choice(e) if is_weak else e.version.correct_choice_id)
    services.submit_attempt(attempt=attempt)
    client.force_login(user)
    response = client.post(reverse("practice:drill_weakest"), {"attempt": attempt.pk})
    drill = Attempt.objects.exclude(pk=attempt.pk).get(user=user)
    assert response["Location"] == reverse("practice:attempt", args=[drill.pk])
    assert all(weak in e.version.concepts.all() for e in entries(drill))


def test_practice_form_refuses_an_empty_selection(client, user):
    client.force_login(user)
    response = client.post(reverse("practice:new_practice"), {"count": 5, "source": "all"})
    assert response.status_code == 400
    assert "Pick at least one domain or concept" in response.content.decode()
    assert not Attempt.objects.exists()


def test_practice_page_and_dashboard_query_budgets(client, user, full_bank, django_assert_max_num_queries):
    attempt = services.start_practice(user=user, domains=[DomainFactory(number=2)], concepts=[], count=10,
                                      source="all")
    spaced.record_misses(user_id=user.pk, misses=[(q.pk, None) for q in full_bank[3]], now=T0)
    client.force_login(user)
    client.get(reverse("practice:question", args=[attempt.pk, 1]))
    with django_assert_max_num_queries(9):
        assert client.get(reverse("practice:question", args=[attempt.pk, 2])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("practice:dashboard")).status_code == 200
    assert ReviewLog.objects.count() == 10
