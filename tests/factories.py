"""Every factory, in one place."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from practice.models import Attempt, AttemptMode, Blueprint, BlueprintWeight, CandidateProfile
from questions import services as bank_services
from questions.models import Choice, Concept, Domain, Question, QuestionStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"candidate{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("a-strong-Passw0rd")


class CandidateProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateProfile

    user = factory.SubFactory(UserFactory)


class DomainFactory(factory.django.DjangoModelFactory):
    """The seven domains ship in a migration; this returns (or makes) the one with that number."""

    class Meta:
        model = Domain
        django_get_or_create = ["number"]

    number = 2
    name = factory.LazyAttribute(lambda d: f"Domain number {d.number}")
    slug = factory.LazyAttribute(lambda d: f"domain-{d.number}")


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concept

    domain = factory.SubFactory(DomainFactory)
    name = factory.Sequence(lambda n: f"Concept {n}")
    slug = factory.Sequence(lambda n: f"concept-{n}")


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = None
    text = factory.Faker("sentence", nb_words=8)
    rationale = factory.Faker("sentence", nb_words=12)
    is_correct = False
    order = factory.Sequence(lambda n: n % 4 + 1)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A published question with four choices (the first correct) and a current version."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"q-{n:04d}")
    domain = factory.SubFactory(DomainFactory)
    stem = factory.Faker("paragraph", nb_sentences=4)
    explanation = factory.Faker("paragraph", nb_sentences=2)
    status = QuestionStatus.PUBLISHED
    reference = "POA Guide 5.2"

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if not create:
            return
        count = extracted if isinstance(extracted, int) else 4
        for index in range(count):
            ChoiceFactory(question=self, is_correct=index == 0, order=index + 1,
                          text=f"Option {index + 1} of {self.key}")

    @factory.post_generation
    def concepts(self, create, extracted, **kwargs):
        if create and extracted:
            self.concepts.set(extracted)

    @factory.post_generation
    def versioned(self, create, extracted, **kwargs):
        if create and extracted is not False:
            bank_services.refresh_version(self)


class BlueprintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blueprint
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Blueprint {n}")
    slug = factory.Sequence(lambda n: f"blueprint-{n}")
    minutes = 30
    question_count = 6
    target_percent = 70

    @factory.post_generation
    def weights(self, create, extracted, **kwargs):
        """weights={domain_number: weight}; default: all of it on Domain 2."""
        if not create:
            return
        for number, weight in (extracted or {2: 1}).items():
            BlueprintWeight.objects.create(blueprint=self, domain=DomainFactory(number=number), weight=weight)


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attempt

    user = factory.SubFactory(UserFactory)
    mode = AttemptMode.PRACTICE
    title = "Practice"
    started_at = factory.LazyFunction(timezone.now)
    question_count = 0
