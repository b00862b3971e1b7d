"""Results, review, pacing and history, checked against hand-computed figures."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from practice import selectors, services
from practice.models import AttemptStatus
from questions import services as bank_services
from tests.factories import BlueprintFactory, ConceptFactory, DomainFactory, QuestionFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def concepts():
    return {"personas": ConceptFactory(name="Personas", domain=DomainFactory(number=2)),
            "journeys": ConceptFactory(name="Journey maps", domain=DomainFactory(number=2)),
            "okrs": ConceptFactory(name="OKRs", domain=DomainFactory(number=4))}


@pytest.fixture
def scored_exam(user, concepts):
    """Five questions: D2 x3 (one tagged with two concepts), D4 x2. Hand-set answers:

    pos  domain concepts               answer
    q1   2      personas               right
    q2   2      personas + journeys    wrong
    q3   2      journeys               unanswered
    q4   4      okrs                   right
    q5   4      okrs                   wrong
    """
    d2, d4 = DomainFactory(number=2), DomainFactory(number=4)
    questions = [
        QuestionFactory(domain=d2, concepts=[concepts["personas"]]),
        QuestionFactory(domain=d2, concepts=[concepts["personas"], concepts["journeys"]]),
        QuestionFactory(domain=d2, concepts=[concepts["journeys"]]),
        QuestionFactory(domain=d4, concepts=[concepts["okrs"]]),
        QuestionFactory(domain=d4, concepts=[concepts["okrs"]]),
    ]
    blueprint = BlueprintFactory(question_count=5, minutes=10, weights={2: 3, 4: 2})
    attempt, _ = services.start_exam(user=user, blueprint=blueprint, now=T0)
    by_question = {e.version.question_id: e for e in attempt.entries.select_related("version")}
    plan = {questions[0]: True, questions[1]: False, questions[3]: True, questions[4]: False}
    for question, right in plan.items():
        entry = by_question[question.pk]
        wrong = next(i for i in entry.choice_order if i != entry.version.correct_choice_id)
        choice = entry.version.correct_choice_id if right else wrong
        services.record_answer(attempt=attempt, position=entry.position, choice_id=choice, now=T0)
    services.submit_attempt(attempt=attempt, now=T0 + timedelta(minutes=7))
    attempt.refresh_from_db()
    attempt.positions = {q.key: by_question[q.pk].position for q in questions}
    attempt.questions = questions
    return attempt


def test_overall_score_counts_unanswered_as_wrong(scored_exam):
    assert (scored_exam.correct_count, scored_exam.question_count, scored_exam.percent) == (2, 5, 40)


def test_domain_scores(scored_exam):
    scores = {d["number"]: (d["correct"], d["answered"], d["total"], d["percent"])
              for d in selectors.domain_scores(scored_exam)}
    assert scores == {2: (1, 2, 3, 33), 4: (1, 2, 2, 50)}


def test_concept_scores_count_a_two_concept_question_in_both(scored_exam):
    scores = {c["name"]: (c["correct"], c["total"], c["percent"]) for c in selectors.concept_scores(scored_exam)}
    assert scores == {"Personas": (1, 2, 50), "Journey maps": (0, 2, 0), "OKRs": (1, 2, 50)}
    assert selectors.concept_scores(scored_exam)[0]["name"] == "Journey maps"  # weakest first


def test_time_used(scored_exam):
    assert selectors.time_used_seconds(scored_exam) == 7 * 60


def test_scores_and_review_survive_later_edits_and_retirement(scored_exam, client, user):
    before = selectors.domain_scores(scored_exam), selectors.concept_scores(scored_exam)
    question = scored_exam.questions[1]
    old_stem = question.stem
    question.stem = "Rewritten after the exam?"
    question.status = "retired"
    question.save()
    question.choices.update(is_correct=False)
    question.choices.filter(pk=question.choices.last().pk).update(is_correct=True)
    question.concepts.clear()
    bank_services.refresh_version(question)
    assert (selectors.domain_scores(scored_exam), selectors.concept_scores(scored_exam)) == before
    client.force_login(user)
    html = client.get(reverse("practice:review", args=[scored_exam.pk]), {"show": "all"}).content.decode()
    assert old_stem in html and "Rewritten after the exam?" not in html


def test_pacing_and_changed_answers(user):
    question = QuestionFactory(domain=DomainFactory(number=2))
    blueprint = BlueprintFactory(question_count=1, minutes=2, weights={2: 1})
    attempt, _ = services.start_exam(user=user, blueprint=blueprint, now=T0)
    entry = attempt.entries.select_related("version").get()
    right = entry.version.correct_choice_id
    wrong = [i for i in entry.choice_order if i != right]
    services.enter_position(attempt=attempt, position=1, now=T0)
    for seconds, choice in [(10, wrong[0]), (20, right), (30, wrong[1]), (40, right)]:
        services.record_answer(attempt=attempt, position=1, choice_id=choice, now=T0 + timedelta(seconds=seconds))
    services.submit_attempt(attempt=attempt, now=T0 + timedelta(seconds=100))
    attempt.refresh_from_db()
    report = selectors.pacing(attempt)
    assert report.target_seconds == 120
    assert report.rows[0]["seconds"] == 100
    assert (report.changed_wrong_to_right, report.changed_right_to_wrong) == (2, 1)
    assert question.pk == entry.version.question_id


def test_review_is_only_for_the_owner_and_only_after_submission(client, user, other_user, small_blueprint):
    from tests.conftest import fill_bank
    fill_bank({2: 6})
    attempt, _ = services.start_exam(user=user, blueprint=small_blueprint)
    client.force_login(user)
    assert client.get(reverse("practice:review", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("practice:result", args=[attempt.pk])).status_code == 302
    services.submit_attempt(attempt=attempt)
    response = client.get(reverse("practice:review", args=[attempt.pk]))
    assert response.status_code == 200
    client.force_login(other_user)
    assert client.get(reverse("practice:review", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("practice:result", args=[attempt.pk])).status_code == 404


def test_review_shows_key_rationales_and_filters(client, user, scored_exam, concepts):
    client.force_login(user)
    review = reverse("practice:review", args=[scored_exam.pk])
    missed = client.get(review).context["items"]
    assert sorted(i["entry"].position for i in missed) == sorted(
        scored_exam.positions[q.key] for q in scored_exam.questions[1:3] + scored_exam.questions[4:])
    html = client.get(review, {"show": "all"}).content.decode()
    for question in scored_exam.questions:
        assert question.explanation in html
        for choice in question.choices.all():
            assert choice.rationale in html
    assert "Best answer" in html and "Your answer" in html and "Unanswered" in html
    by_domain = client.get(review, {"show": "all", "domain": 4}).context["items"]
    assert len(by_domain) == 2
    by_concept = client.get(review, {"show": "all", "concept": concepts["journeys"].pk}).context["items"]
    assert len(by_concept) == 2
    assert client.get(review, {"show": "flagged"}).context["items"] == []


def test_results_page_shows_domain_numbers_in_markup(client, user, scored_exam):
    client.force_login(user)
    html = client.get(reverse("practice:result", args=[scored_exam.pk])).content.decode()
    assert "40%" in html and "2 of 5 correct" in html
    assert "1 / 3" in html and "33%" in html  # Domain 2, in text, not only in the bar
    assert 'aria-label="Cultivate Customer Intimacy: 33%"' in html
    assert "Practice target: 70%" in html and "pass mark is not published" in html.replace("does not publish the real pass mark", "pass mark is not published")


def test_history_and_readiness(client, user, scored_exam):
    client.force_login(user)
    html = client.get(reverse("practice:history")).content.decode()
    assert scored_exam.title in html and "40%" in html
    # Readiness only counts full CPOA mock exams; this bespoke blueprint is not one.
    assert selectors.readiness(user) is None


def test_readiness_pools_recent_mock_exams_with_a_wilson_interval(user, mock_blueprint):
    from practice.models import Attempt
    for i, correct in enumerate([30, 36, 42]):
        Attempt.objects.create(user=user, mode="exam", blueprint=mock_blueprint, title="CPOA mock exam",
                               status=AttemptStatus.SUBMITTED, started_at=T0 + timedelta(days=i),
                               deadline=T0 + timedelta(days=i, minutes=90), submitted_at=T0 + timedelta(days=i, hours=1),
                               question_count=60, correct_count=correct, target_percent=70)
    r = selectors.readiness(user)
    # 108 of 180 = 60%; Wilson 95% interval = [52.7%, 66.9%] computed by hand.
    assert (r.attempts_used, r.correct, r.questions, r.percent, r.low, r.high) == (3, 108, 180, 60, 53, 67)


def test_result_review_and_history_query_counts_do_not_grow(client, user, mock_blueprint, full_bank,
                                                               django_assert_max_num_queries):
    attempt, _ = services.start_exam(user=user, blueprint=mock_blueprint)
    for entry in attempt.entries.all()[:40]:
        services.record_answer(attempt=attempt, position=entry.position, choice_id=entry.choice_order[0])
    services.submit_attempt(attempt=attempt)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("practice:result", args=[attempt.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("practice:review", args=[attempt.pk]), {"show": "all"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("practice:history")).status_code == 200


def test_progress_chart_plots_each_mock_exam(client, user, mock_blueprint):
    from practice.models import Attempt
    for i, correct in enumerate([30, 45]):
        Attempt.objects.create(user=user, mode="exam", blueprint=mock_blueprint, title="CPOA mock exam",
                               status=AttemptStatus.SUBMITTED, started_at=T0 + timedelta(days=i),
                               deadline=T0 + timedelta(days=i, minutes=90), submitted_at=T0 + timedelta(days=i, hours=1),
                               question_count=60, correct_count=correct, target_percent=70)
    series = selectors.progress_series(selectors.history(user))
    assert series["overall"] == [50, 75]
    # 50% sits halfway down the plot area, 75% a quarter of the way down.
    assert series["overall_points"] == "30.0,110.0 610.0,70.0"
    client.force_login(user)
    html = client.get(reverse("practice:history")).content.decode()
    assert "over 2 mock exams: 50%, 75%" in html
