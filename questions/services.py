"""Writes to the question bank: validation rules and version snapshots."""

import hashlib
import json
from collections.abc import Iterable

from django.db import transaction

from .models import Question, QuestionVersion

MIN_CHOICES = 3


class InvalidQuestion(Exception):
    """A question breaks an authoring rule; the message names the problem."""


def choice_problems(choices: Iterable[dict]) -> list[str]:
    """Return what is wrong with a question's choices (dicts with text, is_correct, rationale)."""
    choices = list(choices)
    problems = []
    if len(choices) < MIN_CHOICES:
        problems.append(f"A question needs at least {MIN_CHOICES} choices; it has {len(choices)}.")
    correct = sum(1 for c in choices if c.get("is_correct"))
    if correct == 0:
        problems.append("Mark exactly one choice as correct; none is marked.")
    elif correct > 1:
        problems.append(f"Mark exactly one choice as correct; {correct} are marked.")
    for number, choice in enumerate(choices, start=1):
        if not (choice.get("rationale") or "").strip():
            problems.append(f"Choice {number} has no rationale: say why it is right or wrong.")
        if not (choice.get("text") or "").strip():
            problems.append(f"Choice {number} has no text.")
    return problems


def _snapshot(question: Question) -> dict:
    choices = list(question.choices.all())
    return {
        "domain_id": question.domain_id,
        "concept_ids": sorted(c.pk for c in question.concepts.all()),
        "stem": question.stem,
        "explanation": question.explanation,
        "reference": question.reference,
        "choices": [{"id": c.pk, "text": c.text, "rationale": c.rationale} for c in choices],
        "correct_choice_id": next((c.pk for c in choices if c.is_correct), None),
    }


@transaction.atomic
def refresh_version(question: Question) -> QuestionVersion:
    """Point the question at a version matching its content, creating one if it changed."""
    problems = choice_problems(
        {"text": c.text, "is_correct": c.is_correct, "rationale": c.rationale} for c in question.choices.all()
    )
    if problems:
        raise InvalidQuestion(" ".join(problems))
    snapshot = _snapshot(question)
    digest = hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
    version = QuestionVersion.objects.filter(question=question, content_hash=digest).first()
    if version is None:
        last = question.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = QuestionVersion.objects.create(
            question=question,
            number=last + 1,
            domain_id=snapshot["domain_id"],
            stem=snapshot["stem"],
            explanation=snapshot["explanation"],
            reference=snapshot["reference"],
            choices=snapshot["choices"],
            correct_choice_id=snapshot["correct_choice_id"],
            content_hash=digest,
        )
        version.concepts.set(snapshot["concept_ids"])
    if question.current_version_id != version.pk:
        question.current_version = version
        question.save(update_fields=["current_version"])
    return version
