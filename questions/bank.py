"""Read the shipped bank (fixtures/bank/*.yaml) and load it idempotently."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from . import services
from .models import Choice, Concept, Domain, Question, QuestionStatus

BANK_DIR = Path(settings.BASE_DIR) / "fixtures" / "bank"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_keys: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def read_domains(bank_dir: Path = BANK_DIR) -> list[dict]:
    return yaml.safe_load((bank_dir / "domains.yaml").read_text(encoding="utf-8"))


def read_questions(bank_dir: Path = BANK_DIR) -> list[dict]:
    items: list[dict] = []
    for path in sorted((bank_dir / "questions").glob("*.yaml")):
        items.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return items


def _upsert(model, lookup: dict, values: dict):
    """Create or update one row, saving only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, "updated" if changed else "unchanged"


def load_domains(items: list[dict]) -> None:
    for item in items:
        domain, _ = _upsert(
            Domain,
            {"number": item["number"]},
            {"name": item["name"], "slug": item["slug"], "section": item.get("section", "")},
        )
        for concept in item.get("concepts", []):
            _upsert(Concept, {"slug": concept["slug"]}, {"name": concept["name"], "domain": domain})


def load_question(item: dict, domains: dict[int, Domain], concepts: dict[str, Concept]) -> str:
    """Create or update one question from its fixture item; return what happened."""
    domain = domains[item["domain"]]
    question, outcome = _upsert(
        Question,
        {"key": item["key"]},
        {
            "domain": domain,
            "stem": item["stem"].strip(),
            "explanation": item["explanation"].strip(),
            "difficulty": item.get("difficulty", "medium"),
            "status": item.get("status", QuestionStatus.PUBLISHED),
            "reference": item.get("reference", ""),
            "pattern": item.get("pattern", ""),
        },
    )
    wanted_concepts = {concepts[slug].pk for slug in item.get("concepts", [])}
    if set(question.concepts.values_list("pk", flat=True)) != wanted_concepts:
        question.concepts.set(wanted_concepts)
        outcome = "updated" if outcome == "unchanged" else outcome
    wanted_choices = [
        (c["text"].strip(), bool(c.get("correct")), c["rationale"].strip()) for c in item["choices"]
    ]
    current = [(c.text, c.is_correct, c.rationale) for c in question.choices.all()]
    if current != wanted_choices:
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=question, text=t, is_correct=ok, rationale=r, order=i)
            for i, (t, ok, r) in enumerate(wanted_choices, start=1)
        )
        outcome = "updated" if outcome == "unchanged" else outcome
    services.refresh_version(question)
    return outcome


@transaction.atomic
def load_bank(bank_dir: Path = BANK_DIR) -> LoadReport:
    """Load domains, concepts and questions; running it again changes nothing."""
    load_domains(read_domains(bank_dir))
    domains = {d.number: d for d in Domain.objects.all()}
    concepts = {c.slug: c for c in Concept.objects.all()}
    report = LoadReport()
    for item in read_questions(bank_dir):
        outcome = load_question(item, domains, concepts)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome != "unchanged":
            report.changed_keys.append(item["key"])
    return report
