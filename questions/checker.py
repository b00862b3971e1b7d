"""The bank checker: every item-writing rule a machine can check, per question and for the bank.

Works on plain dicts (see `question_items`), so it can check the database or fixture files alike.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from .models import Question, QuestionStatus

STEM_WORDS = (40, 160)
CHOICES_PER_QUESTION = 4
MIN_LENGTH_RATIO = 0.5          # shortest option / longest option
MAX_LONGEST_CORRECT_SHARE = 1 / 3
NEAR_DUPLICATE_SIMILARITY = 0.5  # Jaccard similarity of word 3-shingles
MIN_PER_DOMAIN = {1: 18, 2: 60, 3: 27, 4: 27, 5: 27, 6: 27, 7: 27}
DOMAIN_2_CONCEPTS, DOMAIN_2_PER_CONCEPT = 14, 4
BANNED = re.compile(
    r"\b(all of the above|none of the above|both (?:a|b|c|d) and (?:a|b|c|d)|(?:a|b|c|d) and (?:a|b|c|d) only|"
    r"options? [a-d] and [a-d])\b",
    re.IGNORECASE,
)
NEGATIVE = re.compile(r"\b(not|except|least|never)\b")
STOPWORDS = set(
    "about above after again against their there these those which while would could should other being "
    "because before between during product owner customer customers team teams what first their with from "
    "into that this have they them then than most more best next does will".split()
)


@dataclass
class Report:
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    bank_problems: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    totals: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.bank_problems

    def lines(self) -> list[str]:
        out = [f"{key}: {p}" for key, ps in sorted(self.problems.items()) for p in ps]
        out += [f"bank: {p}" for p in self.bank_problems]
        out += [f"{key}: warning: {w}" for key, ws in sorted(self.warnings.items()) for w in ws]
        return out


def question_items(queryset=None) -> list[dict]:
    """Published questions as plain dicts, in three queries."""
    queryset = queryset if queryset is not None else Question.objects.filter(status=QuestionStatus.PUBLISHED)
    items = []
    for q in queryset.select_related("domain").prefetch_related("choices", "concepts__domain"):
        items.append({
            "key": q.key, "domain": q.domain.number, "stem": q.stem, "explanation": q.explanation,
            "reference": q.reference,
            "concepts": [(c.slug, c.domain.number) for c in q.concepts.all()],
            "choices": [{"text": c.text, "correct": c.is_correct, "rationale": c.rationale} for c in q.choices.all()],
        })
    return items


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _shingles(text: str) -> set[tuple]:
    words = _words(text)
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _last_sentence(stem: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", stem.strip())
    return parts[-1] if parts else stem


def _normal(text: str) -> str:
    return " ".join(_words(text))


def check_question(item: dict) -> tuple[list[str], list[str]]:
    """Return (problems, warnings) for one question."""
    problems, warnings = [], []
    stem, choices = item["stem"].strip(), item["choices"]
    words = len(_words(stem))
    if not STEM_WORDS[0] <= words <= STEM_WORDS[1]:
        problems.append(f"stem has {words} words; it needs {STEM_WORDS[0]} to {STEM_WORDS[1]}")
    if not stem.endswith("?"):
        problems.append("stem does not end with a question")
    question_sentence = _last_sentence(stem)
    if NEGATIVE.search(question_sentence):
        problems.append("the question is negative without emphasis (write NOT/EXCEPT in capitals, or rephrase)")
    if len(choices) != CHOICES_PER_QUESTION:
        problems.append(f"{len(choices)} options; every question has {CHOICES_PER_QUESTION}")
    correct = [c for c in choices if c["correct"]]
    if len(correct) != 1:
        problems.append(f"{len(correct)} correct options; exactly one is required")
    for number, choice in enumerate(choices, start=1):
        if not choice["rationale"].strip():
            problems.append(f"option {number} has no rationale")
        if banned := BANNED.search(choice["text"]):
            problems.append(f"option {number} uses a banned phrase: {banned.group(0)!r}")
    for a, b in combinations(range(len(choices)), 2):
        na, nb = _normal(choices[a]["text"]), _normal(choices[b]["text"])
        if na and nb and (na in nb or nb in na):
            problems.append(f"options {a + 1} and {b + 1}: one contains the other")
    lengths = [len(c["text"].strip()) for c in choices]
    if lengths and min(lengths) < MIN_LENGTH_RATIO * max(lengths):
        problems.append(f"options differ too much in length ({min(lengths)} vs {max(lengths)} characters)")
    for name in ("explanation", "reference"):
        if not item[name].strip():
            problems.append(f"no {name}")
    if not item["concepts"]:
        problems.append("no concept tag")
    for slug, domain in item["concepts"]:
        if domain != item["domain"]:
            problems.append(f"concept {slug} belongs to Domain {domain}, not Domain {item['domain']}")
    if len(correct) == 1:
        stem_words = {w for w in _words(stem) if len(w) >= 5 and w not in STOPWORDS}
        distractor_words = {w for c in choices if not c["correct"] for w in _words(c["text"])}
        clues = sorted(stem_words & set(_words(correct[0]["text"])) - distractor_words)
        if clues:
            warnings.append(f"possible clue words shared only by the stem and the answer: {', '.join(clues)}")
    return problems, warnings


def is_longest_correct(item: dict) -> bool:
    lengths = [len(c["text"].strip()) for c in item["choices"]]
    correct = [len(c["text"].strip()) for c in item["choices"] if c["correct"]]
    return bool(correct) and correct[0] == max(lengths)


def check_bank(items: list[dict]) -> Report:
    report = Report()
    for item in items:
        problems, warnings = check_question(item)
        if problems:
            report.problems[item["key"]] = problems
        if warnings:
            report.warnings[item["key"]] = warnings

    per_domain = Counter(item["domain"] for item in items)
    for number, minimum in MIN_PER_DOMAIN.items():
        if per_domain[number] < minimum:
            report.bank_problems.append(f"Domain {number} has {per_domain[number]} questions; it needs {minimum}")
    d2_concepts = Counter(slug for item in items if item["domain"] == 2 for slug, _ in item["concepts"])
    deep = sorted(slug for slug, n in d2_concepts.items() if n >= DOMAIN_2_PER_CONCEPT)
    if len(deep) < DOMAIN_2_CONCEPTS:
        report.bank_problems.append(
            f"Domain 2 has {len(deep)} concepts with at least {DOMAIN_2_PER_CONCEPT} questions; it needs "
            f"{DOMAIN_2_CONCEPTS}")

    longest = sum(is_longest_correct(item) for item in items)
    share = longest / len(items) if items else 0
    if share > MAX_LONGEST_CORRECT_SHARE:
        report.bank_problems.append(
            f"the best answer is the longest option in {longest} of {len(items)} questions ({share:.0%}); "
            f"at most {MAX_LONGEST_CORRECT_SHARE:.0%} is allowed")

    shingles = [(item["key"], _shingles(item["stem"])) for item in items]
    for (key_a, a), (key_b, b) in combinations(shingles, 2):
        if a and b and len(a & b) / len(a | b) > NEAR_DUPLICATE_SIMILARITY:
            report.problems[key_a].append(f"stem is nearly the same as {key_b} ({len(a & b) / len(a | b):.0%})")

    report.totals = {
        "questions": len(items),
        "per_domain": dict(sorted(per_domain.items())),
        "domain_2_concepts": dict(sorted(d2_concepts.items())),
        "longest_correct_share": round(share, 3),
        "questions_with_problems": len(report.problems),
        "warnings": sum(len(w) for w in report.warnings.values()),
    }
    return report
