import pytest
from django.db import IntegrityError, transaction

from questions import services
from questions.models import Choice, Domain, QuestionVersion
from tests.factories import ChoiceFactory, ConceptFactory, DomainFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_seven_domains_ship_with_the_schema():
    assert list(Domain.objects.values_list("number", "name")) == [
        (1, "Apply Foundational Concepts"),
        (2, "Cultivate Customer Intimacy"),
        (3, "Engage the Whole Team"),
        (4, "Make an Impact"),
        (5, "Deliver Often"),
        (6, "Learn Fast"),
        (7, "Obsess About Value"),
    ]


def test_domain_number_outside_1_to_7_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        Domain.objects.create(number=8, name="Eight", slug="eight")


def test_a_second_correct_choice_is_refused_by_the_database():
    question = QuestionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChoiceFactory(question=question, is_correct=True)
    assert question.choices.filter(is_correct=True).count() == 1


def test_empty_rationale_is_refused_by_the_database():
    question = QuestionFactory()
    with pytest.raises(IntegrityError):
        Choice.objects.create(question=question, text="An option", rationale="")


def test_invalid_status_is_refused_by_the_database():
    question = QuestionFactory()
    question.status = "archived"
    with pytest.raises(IntegrityError):
        question.save()


def test_refresh_version_snapshots_content_and_reuses_an_unchanged_one():
    concept = ConceptFactory()
    question = QuestionFactory(concepts=[concept])
    first = question.current_version
    assert first.number == 1
    assert first.stem == question.stem
    assert first.correct_choice_id == question.choices.get(is_correct=True).pk
    assert list(first.concepts.all()) == [concept]
    assert services.refresh_version(question) == first
    question.stem = "A changed scenario. What should the product owner do first?"
    question.save()
    second = services.refresh_version(question)
    assert second.number == 2
    assert question.current_version == second
    first.refresh_from_db()
    assert first.stem != second.stem  # the old version keeps what candidates saw


def test_refresh_version_refuses_a_question_without_a_correct_choice():
    question = QuestionFactory()
    question.choices.update(is_correct=False)
    with pytest.raises(services.InvalidQuestion, match="none is marked"):
        services.refresh_version(question)
    assert QuestionVersion.objects.filter(question=question).count() == 1


@pytest.mark.parametrize(
    "choices, expected",
    [
        ([{"text": "a", "is_correct": True, "rationale": "r"}] * 2, "at least 3 choices"),
        ([{"text": "a", "is_correct": False, "rationale": "r"}] * 4, "none is marked"),
        ([{"text": "a", "is_correct": True, "rationale": "r"}] * 4, "4 are marked"),
        ([{"text": "a", "is_correct": True, "rationale": ""}] + [{"text": "b", "rationale": "r"}] * 3,
         "Choice 1 has no rationale"),
    ],
)
def test_choice_problems_name_the_problem(choices, expected):
    problems = services.choice_problems(choices)
    assert any(expected in p for p in problems), problems


def test_concept_slug_is_unique():
    ConceptFactory(slug="personas-x")
    with pytest.raises(IntegrityError):
        ConceptFactory(slug="personas-x", domain=DomainFactory(number=3))
