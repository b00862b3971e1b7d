"""Spaced review of missed questions, scheduled by FSRS (the `fsrs` package)."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.db import transaction
from fsrs import Card, Rating, Scheduler

from .models import CandidateProfile, ReviewCard, ReviewLog


def scheduler_for(profile: CandidateProfile | None, now: datetime) -> Scheduler:
    """An FSRS scheduler whose intervals never reach past the candidate's exam date."""
    maximum_interval = 36500
    if profile and profile.exam_date:
        days_left = (profile.exam_date - now.date()).days
        maximum_interval = max(1, days_left - 1)
    # No fuzzing: a candidate's few cards gain nothing from it, and schedules stay explainable.
    return Scheduler(maximum_interval=maximum_interval, enable_fuzzing=False)


def _cap_before_exam(due: datetime, profile: CandidateProfile | None, now: datetime) -> datetime:
    if profile and profile.exam_date and profile.exam_date > now.date():
        last_moment = datetime.combine(profile.exam_date, time.min, tzinfo=now.tzinfo) - timedelta(hours=12)
        return max(now, min(due, last_moment))
    return due


def _profile(user_id: int) -> CandidateProfile | None:
    return CandidateProfile.objects.filter(user_id=user_id).first()


@transaction.atomic
def record_misses(*, user_id: int, misses: Iterable[tuple[int, int | None]], now: datetime) -> int:
    """Turn missed questions into review cards (or a lapse on an existing card).

    `misses` holds (question_id, response_id) pairs. A fixed number of queries however many.
    """
    misses = dict(misses)
    if not misses:
        return 0
    profile = _profile(user_id)
    scheduler = scheduler_for(profile, now)
    existing = {c.question_id: c for c in ReviewCard.objects.filter(user_id=user_id, question_id__in=misses)}
    new_cards, logs = [], []
    for question_id in misses:
        card = existing.get(question_id)
        # An explicit id: without one, fsrs stamps the clock and sleeps a millisecond per new card.
        fsrs_card = Card.from_dict(card.fsrs_card) if card else Card(card_id=question_id)
        fsrs_card, _ = scheduler.review_card(fsrs_card, Rating.Again, review_datetime=now)
        due = _cap_before_exam(fsrs_card.due, profile, now)
        if card is None:
            card = ReviewCard(user_id=user_id, question_id=question_id, created_at=now, lapses=0)
            new_cards.append(card)
        else:
            card.lapses += 1
        card.fsrs_card, card.due, card.last_reviewed_at = fsrs_card.to_dict(), due, now
        card.reviews += 1
        logs.append((card, ReviewLog(rating=Rating.Again, was_correct=False, reviewed_at=now, due_after=due,
                                     entry_id=misses[question_id])))
    ReviewCard.objects.bulk_create(new_cards)
    if existing:
        ReviewCard.objects.bulk_update(
            existing.values(), ["fsrs_card", "due", "last_reviewed_at", "reviews", "lapses"]
        )
    for card, log in logs:
        log.card = card
    ReviewLog.objects.bulk_create(log for _, log in logs)
    return len(misses)


@transaction.atomic
def review_card(*, card: ReviewCard, correct: bool, now: datetime, rating: Rating | None = None,
                entry_id: int | None = None) -> ReviewCard:
    """Reschedule one card after a review answer: wrong is Again; right is Good unless rated."""
    if not correct:
        rating = Rating.Again
    elif rating is None or rating == Rating.Again:
        rating = Rating.Good
    profile = _profile(card.user_id)
    fsrs_card, _ = scheduler_for(profile, now).review_card(Card.from_dict(card.fsrs_card), rating, review_datetime=now)
    card.fsrs_card = fsrs_card.to_dict()
    card.due = _cap_before_exam(fsrs_card.due, profile, now)
    card.last_reviewed_at = now
    card.reviews += 1
    if not correct:
        card.lapses += 1
    card.save(update_fields=["fsrs_card", "due", "last_reviewed_at", "reviews", "lapses"])
    ReviewLog.objects.create(card=card, rating=rating, was_correct=correct, reviewed_at=now,
                             due_after=card.due, entry_id=entry_id)
    return card
