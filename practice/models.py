"""Exams, practice sessions, the candidates' answers and their spaced-review cards."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from questions.models import Domain, Question, QuestionVersion


class TimeAllowance(models.TextChoices):
    STANDARD = "1.00", "Standard time"
    X125 = "1.25", "Extended time ×1.25"
    X150 = "1.50", "Extended time ×1.5"
    X200 = "2.00", "Extended time ×2"


class CandidateProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate")
    time_allowance = models.CharField(
        max_length=4,
        choices=TimeAllowance,
        default=TimeAllowance.STANDARD,
        help_text="An approved accommodation lengthens the deadline of every timed attempt.",
    )
    exam_date = models.DateField(null=True, blank=True, help_text="Review intervals never reach past it.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(time_allowance__in=TimeAllowance.values), name="candidateprofile_allowance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def multiplier(self) -> Decimal:
        return Decimal(self.time_allowance)


class Blueprint(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    minutes = models.PositiveIntegerField()
    question_count = models.PositiveIntegerField()
    target_percent = models.PositiveSmallIntegerField(
        default=70, help_text="A practice target: the real exam's pass mark is not published."
    )
    is_active = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="blueprint_minutes_positive"),
            models.CheckConstraint(condition=Q(question_count__gt=0), name="blueprint_question_count_positive"),
            models.CheckConstraint(condition=Q(target_percent__lte=100), name="blueprint_target_percent_max_100"),
        ]

    def __str__(self) -> str:
        return self.name


class BlueprintWeight(models.Model):
    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="weights")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["domain__number"]
        constraints = [
            models.UniqueConstraint(fields=["blueprint", "domain"], name="blueprintweight_one_per_domain"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="blueprintweight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.weight}"


class AttemptMode(models.TextChoices):
    EXAM = "exam", "Mock exam"
    PRACTICE = "practice", "Practice session"
    REVIEW = "review", "Spaced review"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    EXPIRED = "expired", "Time ran out"


class Attempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    mode = models.CharField(max_length=10, choices=AttemptMode, default=AttemptMode.EXAM)
    blueprint = models.ForeignKey(Blueprint, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=150)
    status = models.CharField(max_length=20, choices=AttemptStatus, default=AttemptStatus.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    time_allowance = models.CharField(max_length=4, choices=TimeAllowance, default=TimeAllowance.STANDARD)
    target_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    question_count = models.PositiveIntegerField()
    correct_count = models.PositiveIntegerField(null=True, blank=True)
    # Where the candidate is now, to add up the time spent on each question.
    current_position = models.PositiveIntegerField(null=True, blank=True)
    position_entered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_status_deadline_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AttemptStatus.values), name="attempt_status_valid"),
            models.CheckConstraint(condition=Q(mode__in=AttemptMode.values), name="attempt_mode_valid"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gt=F("started_at")),
                name="attempt_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(mode=AttemptMode.EXAM) | Q(deadline__isnull=False, blueprint__isnull=False),
                name="attempt_exam_has_deadline_and_blueprint",
            ),
            models.CheckConstraint(
                condition=Q(status=AttemptStatus.IN_PROGRESS) | Q(submitted_at__isnull=False),
                name="attempt_finished_has_submitted_at",
            ),
            # One exam of a blueprint in progress per candidate: a second start resumes it.
            models.UniqueConstraint(
                fields=["user", "blueprint"],
                condition=Q(status=AttemptStatus.IN_PROGRESS, mode=AttemptMode.EXAM),
                name="attempt_one_open_exam_per_blueprint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.user}, {self.started_at:%Y-%m-%d %H:%M})"

    @property
    def is_timed(self) -> bool:
        return self.deadline is not None

    @property
    def is_finished(self) -> bool:
        return self.status != AttemptStatus.IN_PROGRESS

    def grace_deadline(self) -> datetime | None:
        if self.deadline is None:
            return None
        return self.deadline + timedelta(seconds=settings.EXAM_GRACE_SECONDS)

    def is_open(self, now: datetime) -> bool:
        """True while answers are accepted: in progress and not past the deadline's grace."""
        if self.status != AttemptStatus.IN_PROGRESS:
            return False
        return self.deadline is None or now <= self.grace_deadline()

    def is_overdue(self, now: datetime) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS and self.deadline is not None and now > self.grace_deadline()

    def seconds_left(self, now: datetime) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - now).total_seconds()))

    @property
    def percent(self) -> int | None:
        if self.correct_count is None or not self.question_count:
            return None
        return round(100 * self.correct_count / self.question_count)


class Response(models.Model):
    """One position of an attempt: the question version shown, its choice order and the answer.

    Called `entry` in code; `response` always means the HTTP object.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    choice_order = models.JSONField(help_text="Choice ids in the order this candidate sees them.")
    selected_choice_id = models.PositiveBigIntegerField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    struck_choice_ids = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)
    is_correct = models.BooleanField(null=True, blank=True, help_text="Decided at scoring, never before.")

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="response_one_per_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="response_position_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"

    @property
    def is_answered(self) -> bool:
        return self.selected_choice_id is not None


class EventKind(models.TextChoices):
    ANSWER = "answer", "Answer"
    FLAG = "flag", "Flag"


class AnswerEvent(models.Model):
    """Each save of an answer or flag, for pacing and changed-answer reports."""

    entry = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind)
    from_choice_id = models.PositiveBigIntegerField(null=True, blank=True)
    to_choice_id = models.PositiveBigIntegerField(null=True, blank=True)
    flagged = models.BooleanField(null=True, blank=True)
    at = models.DateTimeField()
    seconds_on_question = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="answerevent_kind_valid"),
        ]


class ReviewCard(models.Model):
    """A missed question the candidate reviews on an FSRS schedule."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    fsrs_card = models.JSONField(help_text="fsrs.Card.to_dict()")
    due = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField()
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="reviewcard_one_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.question.key} due {self.due:%Y-%m-%d %H:%M}"


class ReviewLog(models.Model):
    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    rating = models.PositiveSmallIntegerField(help_text="fsrs.Rating: 1 again, 2 hard, 3 good, 4 easy")
    was_correct = models.BooleanField()
    reviewed_at = models.DateTimeField()
    due_after = models.DateTimeField()
    entry = models.ForeignKey(Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["reviewed_at", "pk"]
