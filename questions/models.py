"""The question bank: domains, concepts, questions, their choices and frozen versions."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Domain(models.Model):
    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    section = models.CharField(max_length=20, blank=True, help_text="Section of the POA Guide, e.g. 5.2")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=7), name="domain_number_1_to_7"),
        ]

    def __str__(self) -> str:
        return f"Domain {self.number}: {self.name}"


class Concept(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="concepts")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["domain__number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "name"], name="concept_name_unique_in_domain"),
        ]

    def __str__(self) -> str:
        return self.name


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=QuestionStatus.PUBLISHED)


class Question(models.Model):
    key = models.SlugField(
        max_length=40, unique=True, help_text="Stable identifier used by the bank's fixture files."
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="questions")
    concepts = models.ManyToManyField(Concept, related_name="questions", blank=True)
    stem = models.TextField(help_text="The scenario and the question the candidate must answer.")
    explanation = models.TextField(help_text="General explanation shown after the attempt.")
    difficulty = models.CharField(max_length=10, choices=Difficulty, default=Difficulty.MEDIUM)
    status = models.CharField(max_length=10, choices=QuestionStatus, default=QuestionStatus.DRAFT)
    reference = models.CharField(max_length=200, blank=True, help_text="POA Guide domain and section.")
    pattern = models.SlugField(
        max_length=60, blank=True,
        help_text="The item's archetype (e.g. say-do-gap); a mock holds at most one item of each.",
    )
    current_version = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["domain__number", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__in=Difficulty.values), name="question_difficulty_valid"),
            models.CheckConstraint(condition=Q(status__in=QuestionStatus.values), name="question_status_valid"),
            models.CheckConstraint(condition=~Q(stem=""), name="question_stem_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.stem[:70]}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField()
    is_correct = models.BooleanField(default=False)
    rationale = models.TextField(help_text="Why this option is right or wrong.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            # At most one correct choice; "at least one" spans rows, so the admin enforces it.
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_correct=True), name="choice_one_correct_per_question"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="choice_text_not_empty"),
            models.CheckConstraint(condition=~Q(rationale=""), name="choice_rationale_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class QuestionVersion(models.Model):
    """An immutable snapshot of a question as candidates see and are scored on it.

    Attempts point at versions, so editing or retiring a question never changes
    what an earlier candidate saw, their score or their review.
    """

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    concepts = models.ManyToManyField(Concept, related_name="+", blank=True)
    stem = models.TextField()
    explanation = models.TextField()
    reference = models.CharField(max_length=200, blank=True)
    # [{"id": <choice pk>, "text": ..., "rationale": ...}] in the author's order.
    choices = models.JSONField()
    correct_choice_id = models.PositiveBigIntegerField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="questionversion_number_unique"),
            models.UniqueConstraint(fields=["question", "content_hash"], name="questionversion_content_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} v{self.number}"

    @property
    def choice_ids(self) -> list[int]:
        return [c["id"] for c in self.choices]

    def choices_in(self, order: list[int]) -> list[dict]:
        by_id = {c["id"]: c for c in self.choices}
        return [by_id[i] for i in order if i in by_id]
