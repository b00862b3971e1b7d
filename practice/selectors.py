"""Reads across attempts, answers and the bank: exam pages, scores, review, history, dashboard."""

import math
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from .models import AnswerEvent, Attempt, AttemptMode, AttemptStatus, EventKind, Response, ReviewCard

LETTERS = "ABCDEFGH"


def question_url_prefix(attempt: Attempt) -> str:
    """The question pages' URL without the position: reversed once, not once per navigator cell."""
    return reverse("practice:question", args=[attempt.pk, 1]).removesuffix("1/")


def _nav_cell(prefix: str, position: int, selected, flagged: bool, is_correct) -> dict:
    return {"position": position, "answered": selected is not None, "flagged": flagged,
            "is_correct": is_correct, "url": f"{prefix}{position}/"}


def navigator(attempt: Attempt) -> list[dict]:
    """Every position's state for the navigator, in one query."""
    prefix = question_url_prefix(attempt)
    rows = attempt.entries.values_list("position", "selected_choice_id", "flagged", "is_correct")
    return [_nav_cell(prefix, *row) for row in rows]


def nav_cell(attempt: Attempt, entry: Response) -> dict:
    """One position's navigator cell, from an entry already in hand (no query)."""
    return _nav_cell(question_url_prefix(attempt), entry.position, entry.selected_choice_id, entry.flagged,
                     entry.is_correct)


def exam_choices(entry: Response) -> list[dict]:
    """The options in this candidate's order: id, letter and text only (no key, no rationale)."""
    struck = set(entry.struck_choice_ids)
    return [
        {"id": c["id"], "letter": LETTERS[i], "text": c["text"], "struck": c["id"] in struck,
         "selected": c["id"] == entry.selected_choice_id}
        for i, c in enumerate(entry.version.choices_in(entry.choice_order))
    ]


def reviewed_choices(entry: Response) -> list[dict]:
    """The options with the key and every rationale, for feedback and review after answering."""
    correct_id = entry.version.correct_choice_id
    return [
        {**c, "letter": LETTERS[i], "is_correct": c["id"] == correct_id,
         "selected": c["id"] == entry.selected_choice_id}
        for i, c in enumerate(entry.version.choices_in(entry.choice_order))
    ]


def summary_counts(nav: list[dict]) -> dict:
    return {
        "answered": [n["position"] for n in nav if n["answered"]],
        "unanswered": [n["position"] for n in nav if not n["answered"]],
        "flagged": [n["position"] for n in nav if n["flagged"]],
    }


# --- Scores -------------------------------------------------------------------------------


def _percent(correct: int, total: int) -> int:
    return round(100 * correct / total) if total else 0


def domain_scores(attempt: Attempt) -> list[dict]:
    """Correct, answered and total per domain: one grouped query."""
    rows = (
        attempt.entries.values("version__domain__number", "version__domain__name")
        .annotate(
            total=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            answered=Count("pk", filter=Q(selected_choice_id__isnull=False)),
        )
        .order_by("version__domain__number")
    )
    return [
        {"number": r["version__domain__number"], "name": r["version__domain__name"], "total": r["total"],
         "correct": r["correct"], "answered": r["answered"], "percent": _percent(r["correct"], r["total"])}
        for r in rows
    ]


def concept_scores(attempt: Attempt) -> list[dict]:
    """Correct and total per concept, weakest first; a question with two concepts counts in both."""
    rows = (
        attempt.entries.filter(version__concepts__isnull=False)
        .values("version__concepts__pk", "version__concepts__name", "version__concepts__domain__number")
        .annotate(total=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
    )
    scores = [
        {"id": r["version__concepts__pk"], "name": r["version__concepts__name"],
         "domain": r["version__concepts__domain__number"], "total": r["total"], "correct": r["correct"],
         "percent": _percent(r["correct"], r["total"])}
        for r in rows
    ]
    return sorted(scores, key=lambda s: (s["percent"], -s["total"], s["name"]))


@dataclass
class Pacing:
    target_seconds: float
    rows: list[dict] = field(default_factory=list)
    changed_right_to_wrong: int = 0
    changed_wrong_to_right: int = 0
    changed_wrong_to_wrong: int = 0

    @property
    def slowest(self) -> list[dict]:
        return sorted(self.rows, key=lambda r: -r["seconds"])[:5]

    @property
    def over_pace(self) -> int:
        return sum(1 for r in self.rows if r["seconds"] > self.target_seconds)


def pacing(attempt: Attempt) -> Pacing:
    """Time per question against the exam's pace, and answers changed during it (two queries)."""
    minutes = attempt.blueprint.minutes if attempt.blueprint_id else None
    target = (minutes * 60 / attempt.question_count) if minutes and attempt.question_count else 90.0
    report = Pacing(target_seconds=target)
    entries = attempt.entries.select_related("version").annotate(changes=Count("events", filter=Q(events__kind="answer")))
    correct_by_entry = {}
    for entry in entries:
        report.rows.append({"position": entry.position, "seconds": entry.seconds_spent,
                            "is_correct": entry.is_correct, "changes": max(0, entry.changes - 1)})
        correct_by_entry[entry.pk] = entry.version.correct_choice_id
    events = AnswerEvent.objects.filter(
        entry__attempt=attempt, kind=EventKind.ANSWER, from_choice_id__isnull=False
    ).values_list("entry_id", "from_choice_id", "to_choice_id")
    for entry_id, from_id, to_id in events:
        right = correct_by_entry[entry_id]
        if from_id == right and to_id != right:
            report.changed_right_to_wrong += 1
        elif from_id != right and to_id == right:
            report.changed_wrong_to_right += 1
        elif from_id != to_id:
            report.changed_wrong_to_wrong += 1
    return report


def time_used_seconds(attempt: Attempt) -> int:
    end = attempt.submitted_at or attempt.deadline
    if end is None:
        return 0
    if attempt.deadline:
        end = min(end, attempt.deadline)
    return max(0, int((end - attempt.started_at).total_seconds()))


def result_report(attempt: Attempt) -> dict:
    """Everything the results page shows for a finished attempt."""
    concepts = concept_scores(attempt)
    nav = navigator(attempt)
    allowed = (attempt.deadline - attempt.started_at).total_seconds() if attempt.deadline else 0
    return {
        "attempt": attempt,
        "domains": domain_scores(attempt),
        "concepts": concepts,
        "weakest": [c for c in concepts if c["percent"] < 100][:5],
        "unanswered": sum(1 for n in nav if not n["answered"]),
        "flagged": sum(1 for n in nav if n["flagged"]),
        "time_used": time_used_seconds(attempt),
        "time_allowed": int(allowed),
        "pacing": pacing(attempt),
        "passed_target": attempt.target_percent is not None and (attempt.percent or 0) >= attempt.target_percent,
    }


# --- Review -------------------------------------------------------------------------------

REVIEW_FILTERS = {"missed": "Missed (wrong or unanswered)", "flagged": "Flagged", "all": "All questions"}


def review_entries(attempt: Attempt, *, show: str = "missed", domain: int | None = None,
                   concept: int | None = None) -> list[Response]:
    entries = attempt.entries.select_related("version", "version__domain").prefetch_related("version__concepts")
    if show == "missed":
        entries = entries.exclude(is_correct=True)
    elif show == "flagged":
        entries = entries.filter(flagged=True)
    if domain:
        entries = entries.filter(version__domain__number=domain)
    if concept:
        entries = entries.filter(version__concepts=concept)
    return list(entries.order_by("position").distinct())


# --- History, progress, readiness ----------------------------------------------------------


def finished_exams(user):
    return (
        Attempt.objects.filter(user=user, mode=AttemptMode.EXAM)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .select_related("blueprint")
        .order_by("-submitted_at")
    )


def history(user, limit: int = 50) -> list[dict]:
    """Finished attempts newest first, each with its per-domain scores (two queries in all)."""
    attempts = list(
        Attempt.objects.filter(user=user).exclude(status=AttemptStatus.IN_PROGRESS)
        .select_related("blueprint").order_by("-submitted_at")[:limit]
    )
    rows = (
        Response.objects.filter(attempt__in=[a.pk for a in attempts])
        .values("attempt_id", "version__domain__number")
        .annotate(total=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
    )
    by_attempt: dict[int, dict[int, dict]] = {}
    for r in rows:
        by_attempt.setdefault(r["attempt_id"], {})[r["version__domain__number"]] = {
            "correct": r["correct"], "total": r["total"], "percent": _percent(r["correct"], r["total"])}
    return [{"attempt": a, "domains": by_attempt.get(a.pk, {})} for a in attempts]


@dataclass
class Readiness:
    attempts_used: int
    questions: int
    correct: int
    percent: int
    low: int
    high: int
    target: int


def readiness(user, recent: int = 3) -> Readiness | None:
    """Pooled score of the last few full mock exams with a 95% Wilson interval."""
    exams = list(
        finished_exams(user).filter(blueprint__slug="cpoa-mock-exam")
        .values("correct_count", "question_count", "target_percent")[:recent]
    )
    if not exams:
        return None
    n = sum(e["question_count"] for e in exams)
    k = sum(e["correct_count"] or 0 for e in exams)
    z = 1.96
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Readiness(len(exams), n, k, round(100 * p), round(100 * max(0, centre - half)),
                     round(100 * min(1, centre + half)), exams[0]["target_percent"] or 70)


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 220, 30
DOMAIN_COLOURS = ["#6e40c9", "#0b5cad", "#1a7f37", "#b35900", "#bf3989", "#0a7d8c", "#57606a"]


def _y(percent: float) -> float:
    """Vertical SVG coordinate of a percentage in the chart's plot area."""
    return round(CHART_PAD + (100 - percent) * (CHART_HEIGHT - 2 * CHART_PAD) / 100, 1)


def _points(values: list[int | None]) -> list[tuple[float, float]]:
    """Chart coordinates for percentages over evenly spaced exams (gaps where a domain was absent)."""
    step = (CHART_WIDTH - 2 * CHART_PAD) / max(1, len(values) - 1)
    return [(round(CHART_PAD + i * step, 1), _y(v)) for i, v in enumerate(values) if v is not None]


def _polyline(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def progress_series(history_rows: list[dict], target: int = 70) -> dict:
    """Overall and per-domain percentages of mock exams, oldest first, with SVG lines for the chart."""
    exams = [h for h in reversed(history_rows) if h["attempt"].mode == AttemptMode.EXAM]
    overall = [h["attempt"].percent for h in exams]
    overall_points = _points(overall)
    domains = {d: [h["domains"].get(d, {}).get("percent") for h in exams] for d in range(1, 8)}
    return {
        "overall": overall,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "overall_points": _polyline(overall_points),
        "overall_dots": overall_points,
        "domain_lines": [
            {"number": d, "colour": DOMAIN_COLOURS[d - 1], "points": _polyline(_points(values))}
            for d, values in domains.items() if any(v is not None for v in values)
        ],
        "target": target,
        "target_y": _y(target),
        "gridlines": [{"label": p, "y": _y(p)} for p in (0, 50, 100)],
    }


# --- Dashboard ----------------------------------------------------------------------------


def dashboard(user, now) -> dict:
    in_progress = list(
        Attempt.objects.filter(user=user, status=AttemptStatus.IN_PROGRESS).select_related("blueprint")
        .annotate(answered=Count("entries", filter=Q(entries__selected_choice_id__isnull=False)))
        .order_by("-started_at")
    )
    cards = ReviewCard.objects.filter(user=user).aggregate(
        due_now=Count("pk", filter=Q(due__lte=now)), total=Count("pk")
    )
    latest = finished_exams(user).first()
    return {
        "in_progress": in_progress,
        "due_count": cards["due_now"],
        "card_count": cards["total"],
        "latest": latest,
        "latest_domains": domain_scores(latest) if latest else [],
        "latest_weakest": concept_scores(latest)[:3] if latest else [],
    }


def weakest_concept(user, attempt: Attempt | None = None) -> int | None:
    """The concept with the lowest score in the attempt (or across all finished attempts)."""
    entries = Response.objects.filter(attempt__user=user, is_correct__isnull=False, version__concepts__isnull=False)
    if attempt is not None:
        entries = entries.filter(attempt=attempt)
    rows = (
        entries.values("version__concepts__pk")
        .annotate(total=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
    )
    ranked = sorted(rows, key=lambda r: (r["correct"] / r["total"], -r["total"]))
    return ranked[0]["version__concepts__pk"] if ranked else None
