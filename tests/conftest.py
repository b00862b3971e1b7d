import random

import pytest

from practice.models import Blueprint
from tests.factories import BlueprintFactory, DomainFactory, QuestionFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def rng():
    return random.Random(1234)


@pytest.fixture
def mock_blueprint(db):
    """The shipped 60-question, 90-minute CPOA mock exam blueprint."""
    return Blueprint.objects.get(slug="cpoa-mock-exam")


def fill_bank(per_domain: dict[int, int]) -> dict[int, list]:
    """Publish `n` questions in each domain; returns them by domain number."""
    return {number: QuestionFactory.create_batch(n, domain=DomainFactory(number=number))
            for number, n in per_domain.items()}


@pytest.fixture
def full_bank(db):
    """Enough questions for one mock exam plus a few spares in every domain."""
    return fill_bank({1: 8, 2: 12, 3: 10, 4: 10, 5: 10, 6: 10, 7: 10})


@pytest.fixture
def small_blueprint(db):
    return BlueprintFactory(question_count=6, minutes=10, weights={2: 1})
