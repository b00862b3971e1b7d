"""Exam and practice rules: assembly, the server's clock, answers, submission and scoring."""

import functools
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Window
from django.db.models.functions import Random, RowNumber
from django.utils import timezone

from questions.models import Concept, Domain, Question, QuestionVersion

from . import spaced
from .models import (
    AnswerEvent,
    Attempt,
    AttemptMode,
    AttemptStatus,
    Blueprint,
    CandidateProfile,
    EventKind,
    Response,
    ReviewCard,
    TimeAllowance,
)

# Exam assembly draws this many candidates per slot of the largest domain: enough patterns to keep
# archetypes apart, while a start never reads the whole bank.
DRAW_PER_SLOT = 8

# An untimed visit to one question counts for at most this long (a tab left open overnight).
MAX_UNTIMED_VISIT = timedelta(minutes=10)


class AttemptClosed(Exception):
    """The attempt no longer accepts answers: submitted, or its time is up."""


class InvalidChoice(Exception):
    """The chosen option does not belong to the question at that position."""


class AlreadyAnswered(Exception):
    """A practice question's answer is final once its feedback has been shown."""


@dataclass
class Shortage:
    label: str
    available: int
    needed: int

    def __str__(self) -> str:
        return f"{self.label}: {self.available} available, {self.needed} needed"


class CannotAssemble(Exception):
    """The bank cannot supply what was asked; the message says why."""

    def __init__(self, message: str, shortages: list[Shortage] | None = None):
        super().__init__(message)
        self.shortages = shortages or []


# --- Blueprints and assembly -------------------------------------------------------------


def domain_counts(weights: dict[int, int], total: int) -> dict[int, int]:
    """Split `total` questions over domains by weight, with largest-remainder rounding."""
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise ValueError("A blueprint needs at least one positive weight.")
    quotas = {key: Fraction(total * w, weight_sum) for key, w in weights.items()}
    counts = {key: int(q) for key, q in quotas.items()}
    leftover = total - sum(counts.values())
    by_remainder = sorted(quotas, key=lambda key: (-(quotas[key] - counts[key]), key))
    for key in by_remainder[:leftover]:
        counts[key] += 1
    return counts


def blueprint_counts(blueprint: Blueprint) -> dict[Domain, int]:
    rows = list(blueprint.weights.select_related("domain"))
    domains = {w.domain.number: w.domain for w in rows}
    weights = {w.domain.number: w.weight for w in rows}
    return {domains[n]: count for n, count in sorted(domain_counts(weights, blueprint.question_count).items())}


def _pool(user, questions, *, per_domain: int | None = None) -> list[tuple[int, int, int, bool, str]]:
    """(question id, domain id, current version id, seen, pattern) for eligible questions, in one query.

    With `per_domain`, the database returns at most that many per domain, unseen first and otherwise
    at random, so a start reads a few hundred rows however large the bank grows.
    """
    # "Seen" as IN over the candidate's own answers: one uncorrelated subquery, not one per question.
    seen = Q(pk__in=Response.objects.filter(attempt__user=user).values("version__question_id"))
    rows = questions.published().filter(current_version__isnull=False).annotate(
        seen=ExpressionWrapper(seen, output_field=BooleanField()))
    if per_domain is not None:
        rows = rows.annotate(draw=Window(RowNumber(), partition_by=[F("domain_id")],
                                         order_by=[F("seen").asc(), Random().asc()])).filter(draw__lte=per_domain)
    return list(rows.values_list("pk", "domain_id", "current_version_id", "seen", "pattern"))


def _unseen_first(rows: list, rng: random.Random) -> list:
    unseen = [r for r in rows if not r[3]]
    seen = [r for r in rows if r[3]]
    rng.shuffle(unseen)
    rng.shuffle(seen)
    return unseen + seen


def _pick_to_blueprint(pool: list, counts: dict[Domain, int], rng: random.Random) -> tuple[list[int], list]:
    """Version ids filling each domain's count, unseen before seen, and no archetype (pattern) twice
    while the pool allows it: a bipartite matching of the blueprint's slots to patterns (Kuhn's
    augmenting paths), each slot trying its domain's patterns in unseen-first random order."""
    options, shortages, by_domain = [], [], defaultdict(list)
    for row in pool:
        by_domain[row[1]].append(row)
    for domain, needed in counts.items():
        rows = _unseen_first(by_domain[domain.pk], rng)
        if len(rows) < needed:
            shortages.append(Shortage(str(domain), len(rows), needed))
        by_pattern: dict = {}
        for row in rows:  # an item without a pattern is an archetype of its own
            by_pattern.setdefault(row[4] or ("question", row[0]), []).append(row)
        options.append(by_pattern)
    if shortages:
        return [], shortages
    slots = [index for index, needed in enumerate(counts.values()) for _ in range(needed)]
    owner: dict = {}  # pattern -> slot

    def claim(slot: int, visited: set) -> bool:
        for pattern in options[slots[slot]]:
            if pattern not in visited:
                visited.add(pattern)
                if pattern not in owner or claim(owner[pattern], visited):
                    owner[pattern] = slot
                    return True
        return False

    for slot in range(len(slots)):
        claim(slot, set())
    picked = []
    for index, needed in enumerate(counts.values()):
        chosen = [options[index][pattern][0] for pattern, slot in owner.items() if slots[slot] == index]
        rest = [row for rows in options[index].values() for row in rows if row not in chosen]
        chosen += sorted(rest, key=lambda row: row[3])[:needed - len(chosen)]  # repeats, unseen first
        picked += [row[2] for row in chosen]
    return picked, shortages


def _create_attempt(*, user, version_ids: list[int], rng: random.Random, **fields) -> Attempt:
    """Store an attempt with shuffled positions and per-question shuffled choice orders."""
    rng.shuffle(version_ids)
    choices = dict(QuestionVersion.objects.filter(pk__in=version_ids).values_list("pk", "choices"))
    attempt = Attempt.objects.create(user=user, question_count=len(version_ids), **fields)
    entries = []
    for position, version_id in enumerate(version_ids, start=1):
        order = [c["id"] for c in choices[version_id]]
        rng.shuffle(order)
        entries.append(Response(attempt=attempt, position=position, version_id=version_id, choice_order=order))
    Response.objects.bulk_create(entries)
    return attempt


def open_exam(*, user, blueprint: Blueprint) -> Attempt | None:
    return Attempt.objects.filter(
        user=user, blueprint=blueprint, mode=AttemptMode.EXAM, status=AttemptStatus.IN_PROGRESS
    ).first()


def _allowance(user) -> str:
    profile = CandidateProfile.objects.filter(user=user).first()
    return profile.time_allowance if profile else TimeAllowance.STANDARD


def start_exam(*, user, blueprint: Blueprint, now: datetime | None = None,
               rng: random.Random | None = None) -> tuple[Attempt, bool]:
    """Start a timed exam to the blueprint, or return the one already in progress.

    Returns (attempt, created). Raises CannotAssemble naming each domain the bank cannot fill.
    """
    now = now or timezone.now()
    rng = rng or random.Random()  # seeded from the OS; SystemRandom is slow and order needs no secrecy
    existing = open_exam(user=user, blueprint=blueprint)
    if existing is not None:
        existing = finalise_if_overdue(existing, now=now)
        if not existing.is_finished:
            return existing, False
    counts = blueprint_counts(blueprint)
    pool = _pool(user, Question.objects.filter(domain__in=[d.pk for d in counts]),
                 per_domain=DRAW_PER_SLOT * max(counts.values()))
    picked, shortages = _pick_to_blueprint(pool, counts, rng)
    if shortages:
        raise CannotAssemble(
            "The question bank cannot fill this exam yet. " + "; ".join(map(str, shortages)) + ".", shortages
        )
    allowance = _allowance(user)
    minutes = blueprint.minutes * Decimal(allowance)
    try:
        with transaction.atomic():
            attempt = _create_attempt(
                user=user,
                version_ids=picked,
                rng=rng,
                mode=AttemptMode.EXAM,
                blueprint=blueprint,
                title=blueprint.name,
                started_at=now,
                deadline=now + timedelta(minutes=float(minutes)),
                time_allowance=allowance,
                target_percent=blueprint.target_percent,
            )
    except IntegrityError:
        # Another tab started the same exam a moment ago: resume that one.
        existing = open_exam(user=user, blueprint=blueprint)
        if existing is None:
            raise
        return existing, False
    return attempt, True


class PracticeSource:
    ALL = "all"
    UNSEEN = "unseen"
    MISSED = "missed"
    CHOICES = [(ALL, "All questions, unseen first"), (UNSEEN, "Only questions I have not seen"),
               (MISSED, "Questions I missed before")]


def missed_question_ids(user):
    return Response.objects.filter(
        attempt__user=user, attempt__status__in=[AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED], is_correct=False
    ).values("version__question_id")


@transaction.atomic
def start_practice(*, user, domains: list[Domain], concepts: list[Concept], count: int, source: str,
                   now: datetime | None = None, rng: random.Random | None = None) -> Attempt:
    """Assemble an untimed practice session; fewer questions than asked if that is all there is."""
    now = now or timezone.now()
    rng = rng or random.Random()  # seeded from the OS; SystemRandom is slow and order needs no secrecy
    if not domains and not concepts:
        raise CannotAssemble("Pick at least one domain or concept to practise.")
    scope = Q(domain__in=domains) | Q(concepts__in=concepts)
    questions = Question.objects.filter(pk__in=Question.objects.filter(scope).values("pk"))
    if source == PracticeSource.MISSED:
        questions = questions.filter(pk__in=missed_question_ids(user))
    pool = _pool(user, questions)
    if source == PracticeSource.UNSEEN:
        pool = [r for r in pool if not r[3]]
    if not pool:
        reason = {
            PracticeSource.MISSED: "You have no missed questions in that selection yet: finish an exam "
            "or practice session first, or choose another source.",
            PracticeSource.UNSEEN: "You have already seen every published question in that selection: "
            "choose “All questions” or “Questions I missed before”.",
        }.get(source, "No published questions match that selection yet.")
        raise CannotAssemble(reason)
    picked = [r[2] for r in _unseen_first(pool, rng)[:count]]
    names = [d.name for d in domains] + [c.name for c in concepts]
    title = "Practice: " + ", ".join(names[:3]) + (" and more" if len(names) > 3 else "")
    return _create_attempt(user=user, version_ids=picked, rng=rng, mode=AttemptMode.PRACTICE,
                           title=title[:150], started_at=now)


@transaction.atomic
def start_due_review(*, user, now: datetime | None = None, limit: int = 30,
                     rng: random.Random | None = None) -> Attempt:
    """Assemble a review session of the candidate's due cards (their questions' current versions)."""
    now = now or timezone.now()
    rng = rng or random.Random()  # seeded from the OS; SystemRandom is slow and order needs no secrecy
    version_ids = list(
        ReviewCard.objects.filter(user=user, due__lte=now, question__current_version__isnull=False)
        .exclude(question__status="retired")
        .order_by("due")
        .values_list("question__current_version_id", flat=True)[:limit]
    )
    if not version_ids:
        raise CannotAssemble("Nothing is due for review right now. Missed questions come back here when due.")
    return _create_attempt(user=user, version_ids=version_ids, rng=rng, mode=AttemptMode.REVIEW,
                           title="Spaced review", started_at=now)


# --- The clock ---------------------------------------------------------------------------


def finalise_if_overdue(attempt: Attempt, *, now: datetime | None = None) -> Attempt:
    """Finish and score an attempt whose deadline and grace have passed; return it fresh."""
    now = now or timezone.now()
    if attempt.is_overdue(now):
        attempt, _ = submit_attempt(attempt=attempt, now=now)
    return attempt


def finalise_overdue_attempts(*, now: datetime | None = None) -> int:
    """Finish every overdue attempt (for the management command); return how many."""
    now = now or timezone.now()
    finished = 0
    overdue = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__isnull=False, deadline__lt=now)
    for attempt in overdue.iterator():
        if attempt.is_overdue(now):
            _, scored = submit_attempt(attempt=attempt, now=now)
            finished += scored
    return finished


def _visit_seconds(attempt: Attempt, now: datetime) -> int:
    if attempt.current_position is None or attempt.position_entered_at is None:
        return 0
    end = min(now, attempt.deadline) if attempt.deadline else now
    elapsed = max(timedelta(0), end - attempt.position_entered_at)
    if attempt.deadline is None:
        elapsed = min(elapsed, MAX_UNTIMED_VISIT)
    return round(elapsed.total_seconds())


def enter_position(*, attempt: Attempt, position: int, now: datetime | None = None) -> None:
    """Note that the candidate now looks at `position`, adding the time spent on the previous one."""
    now = now or timezone.now()
    if attempt.is_finished or attempt.current_position == position:
        return
    with transaction.atomic():  # both updates in one commit: one WAL flush per page view
        if attempt.current_position is not None:
            Response.objects.filter(attempt=attempt, position=attempt.current_position).update(
                seconds_spent=F("seconds_spent") + _visit_seconds(attempt, now)
            )
        Attempt.objects.filter(pk=attempt.pk).update(current_position=position, position_entered_at=now)
    attempt.current_position, attempt.position_entered_at = position, now


# --- Answering ---------------------------------------------------------------------------


def _lock_open_entry(attempt: Attempt | int, position: int, now: datetime, *, user=None,
                     choice_id: int | None = None) -> tuple[Attempt, Response]:
    """Lock the open attempt; return it with the entry at `position`, checking `choice_id` if given.

    The attempt and the entry are read once, together, under the lock. `attempt` may be an id; another
    candidate's attempt (with `user`) and a missing position are both Response.DoesNotExist.
    """
    # One query reads the entry with its attempt and locks the attempt's row, so a late answer cannot
    # slip past submit_attempt() (PostgreSQL); SQLite's IMMEDIATE transactions serialise writers the same way.
    owned = {"attempt__user": user} if user is not None else {}
    entry = (Response.objects.select_related("attempt").select_for_update(of=("attempt",))
             .get(attempt_id=getattr(attempt, "pk", attempt), position=position, **owned))
    locked = entry.attempt
    if not locked.is_open(now):
        raise AttemptClosed(locked)
    if choice_id is not None and choice_id not in entry.choice_order:
        raise InvalidChoice(choice_id)
    return locked, entry


def _finalise_when_closed(write):
    """Run a locked write; if the attempt turned out closed, score it if overdue, then re-raise."""

    @functools.wraps(write)
    def wrapper(*, now: datetime | None = None, **kwargs):
        now = now or timezone.now()
        try:
            with transaction.atomic():
                return write(now=now, **kwargs)
        except AttemptClosed as closed:
            finalise_if_overdue(closed.args[0], now=now)
            raise

    return wrapper


@_finalise_when_closed
def record_answer(*, attempt: Attempt | int, position: int, choice_id: int, now: datetime,
                  user=None) -> Response:
    """Save the chosen option and log the change; in practice modes, mark it and reschedule."""
    attempt, entry = _lock_open_entry(attempt, position, now, user=user, choice_id=choice_id)
    instant_feedback = attempt.mode != AttemptMode.EXAM
    if instant_feedback and entry.is_answered:
        raise AlreadyAnswered(entry)
    seconds = entry.seconds_spent + (_visit_seconds(attempt, now) if attempt.current_position == position else 0)
    AnswerEvent.objects.create(
        entry=entry, kind=EventKind.ANSWER, from_choice_id=entry.selected_choice_id,
        to_choice_id=choice_id, at=now, seconds_on_question=seconds,
    )
    entry.selected_choice_id, entry.answered_at = choice_id, now
    fields = ["selected_choice_id", "answered_at"]
    if instant_feedback:
        entry.is_correct = choice_id == entry.version.correct_choice_id
        fields.append("is_correct")
        _schedule_after_practice_answer(attempt, entry, now)
    entry.save(update_fields=fields)
    return entry


def _schedule_after_practice_answer(attempt: Attempt, entry: Response, now: datetime) -> None:
    question_id = entry.version.question_id
    if attempt.mode == AttemptMode.REVIEW:
        card = ReviewCard.objects.filter(user_id=attempt.user_id, question_id=question_id).first()
        if card is not None:
            spaced.review_card(card=card, correct=entry.is_correct, now=now, entry_id=entry.pk)
            return
    if not entry.is_correct:
        spaced.record_misses(user_id=attempt.user_id, misses=[(question_id, entry.pk)], now=now)


@_finalise_when_closed
def set_flag(*, attempt: Attempt | int, position: int, flagged: bool, now: datetime, user=None) -> Response:
    """Flag or unflag a position for review before submission."""
    _, entry = _lock_open_entry(attempt, position, now, user=user)
    if entry.flagged != flagged:
        entry.flagged = flagged
        entry.save(update_fields=["flagged"])
        AnswerEvent.objects.create(entry=entry, kind=EventKind.FLAG, flagged=flagged, at=now,
                                   from_choice_id=entry.selected_choice_id,
                                   to_choice_id=entry.selected_choice_id)
    return entry


@_finalise_when_closed
def set_struck(*, attempt: Attempt | int, position: int, choice_id: int, struck: bool, now: datetime,
               user=None) -> Response:
    """Strike out (or restore) an option the candidate has ruled out; a visual aid only."""
    _, entry = _lock_open_entry(attempt, position, now, user=user, choice_id=choice_id)
    ids = set(entry.struck_choice_ids) - {choice_id} | ({choice_id} if struck else set())
    entry.struck_choice_ids = [i for i in entry.choice_order if i in ids]
    entry.save(update_fields=["struck_choice_ids"])
    return entry


# --- Submission --------------------------------------------------------------------------


def submit_attempt(*, attempt: Attempt, now: datetime | None = None) -> tuple[Attempt, bool]:
    """Score and close the attempt exactly once; returns (attempt, scored_now).

    Past the deadline's grace the attempt is closed as expired; unanswered questions count as wrong.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_finished:
            return locked, False
        if locked.current_position is not None:
            locked.entries.filter(position=locked.current_position).update(
                seconds_spent=F("seconds_spent") + _visit_seconds(locked, now)
            )
        entries = locked.entries.all()
        if locked.mode == AttemptMode.EXAM:
            correct = QuestionVersion.objects.filter(
                pk=OuterRef("version_id"), correct_choice_id=OuterRef("selected_choice_id")
            )
            entries.update(is_correct=Exists(correct))
        else:
            # Ending a practice session early drops the questions never reached.
            entries.filter(selected_choice_id__isnull=True).delete()
        tally = entries.aggregate(total=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
        locked.question_count, locked.correct_count = tally["total"], tally["correct"]
        overdue = locked.is_overdue(now)
        locked.status = AttemptStatus.EXPIRED if overdue else AttemptStatus.SUBMITTED
        locked.submitted_at = min(now, locked.grace_deadline()) if overdue else now
        locked.current_position = None
        locked.save(update_fields=["question_count", "correct_count", "status", "submitted_at", "current_position"])
        if locked.mode == AttemptMode.EXAM:
            misses = entries.filter(is_correct=False).values_list("version__question_id", "pk")
            spaced.record_misses(user_id=locked.user_id, misses=misses, now=now)
    return locked, True
