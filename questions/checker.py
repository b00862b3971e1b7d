"""The bank checker: every item-writing rule a machine can check, per question and for the bank.

Works on plain dicts (see `question_items`), so it can check the database or fixture files alike.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from . import cues
from .models import Concept, Question, QuestionStatus

STEM_WORDS = (40, 160)
CHOICES_PER_QUESTION = 4
MIN_LENGTH_RATIO = 0.5          # shortest option / longest option
KEY_LENGTH_RANK_SHARE = (0.15, 0.35)  # key longest, and key shortest, in this share of items
NEAR_DUPLICATE_SIMILARITY = 0.5  # Jaccard similarity of word 3-shingles
SAME_SCENARIO_SIMILARITY = 0.35  # cosine of the stems' tf-idf weighted content words
# Five mocks without a repeated item.
MIN_PER_DOMAIN = {1: 30, 2: 100, 3: 45, 4: 45, 5: 45, 6: 45, 7: 45}
MIN_ITEMS_PER_DOMAIN_2_CONCEPT = 2
MAX_CUE_GAP = 0.10              # |share of keys - share of distractors| carrying a cue
MAX_GUESSER_HIT_RATE = 0.35     # chance is 0.25
MAX_ITEMS_PER_PATTERN = 4
MIN_PATTERNS = 120              # two mocks' worth of distinct archetypes
DOMAIN_NAMES = {
    1: "Apply Foundational Concepts", 2: "Cultivate Customer Intimacy", 3: "Engage the Whole Team",
    4: "Make an Impact", 5: "Deliver Often", 6: "Learn Fast", 7: "Obsess About Value",
}
# BABOK Guide v3, chapter 10 (the techniques a reference may cite beside the POA Guide section).
BABOK_TECHNIQUES = dict(enumerate([
    "Acceptance and Evaluation Criteria", "Backlog Management", "Balanced Scorecard",
    "Benchmarking and Market Analysis", "Brainstorming", "Business Capability Analysis", "Business Cases",
    "Business Model Canvas", "Business Rules Analysis", "Collaborative Games", "Concept Modelling",
    "Data Dictionary", "Data Flow Diagrams", "Data Mining", "Data Modelling", "Decision Analysis",
    "Decision Modelling", "Document Analysis", "Estimation", "Financial Analysis", "Focus Groups",
    "Functional Decomposition", "Glossary", "Interface Analysis", "Interviews", "Item Tracking",
    "Lessons Learned", "Metrics and Key Performance Indicators (KPIs)", "Mind Mapping",
    "Non-Functional Requirements Analysis", "Observation", "Organizational Modelling", "Prioritization",
    "Process Analysis", "Process Modelling", "Prototyping", "Reviews", "Risk Analysis and Management",
    "Roles and Permissions Matrix", "Root Cause Analysis", "Scope Modelling", "Sequence Diagrams",
    "Stakeholder List, Map, or Personas", "State Modelling", "Survey or Questionnaire", "SWOT Analysis",
    "Use Cases and Scenarios", "User Stories", "Vendor Assessment", "Workshops",
], start=1))
REFERENCE = re.compile(r"^POA Guide 5\.(\d) ([A-Za-z ]+?)(?:; BABOK Guide 10\.(\d+) (.+))?$")
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
            "reference": q.reference, "pattern": q.pattern,
            "concepts": [(c.slug, c.domain.number) for c in q.concepts.all()],
            "choices": [{"text": c.text, "correct": c.is_correct, "rationale": c.rationale} for c in q.choices.all()],
        })
    return items


def domain_2_concepts() -> list[str]:
    return list(Concept.objects.filter(domain__number=2).values_list("slug", flat=True))


def fixture_items(questions: list[dict], domains: list[dict]) -> list[dict]:
    """Fixture items (see questions.bank) as the checker's dicts, without a database."""
    domain_of = {c["slug"]: d["number"] for d in domains for c in d.get("concepts", [])}
    return [{
        "key": q["key"], "domain": q["domain"], "stem": q["stem"].strip(),
        "explanation": q.get("explanation", "").strip(), "reference": q.get("reference", ""),
        "pattern": q.get("pattern", ""),
        "concepts": [(slug, domain_of.get(slug, 0)) for slug in q.get("concepts", [])],
        "choices": [{"text": c["text"].strip(), "correct": bool(c.get("correct")),
                     "rationale": c.get("rationale", "").strip()} for c in q["choices"]],
    } for q in questions if q.get("status", QuestionStatus.PUBLISHED) == QuestionStatus.PUBLISHED]


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


def reference_problem(reference: str, domain: int) -> str | None:
    """A reference names the POA Guide section of the item's domain, and optionally a BABOK technique."""
    match = REFERENCE.match(reference.strip())
    wanted = f"POA Guide 5.{domain} {DOMAIN_NAMES.get(domain, '')}"
    if not match or int(match[1]) != domain or match[2] != DOMAIN_NAMES.get(domain):
        return f"reference {reference!r} should start {wanted!r}"
    if match[3] and BABOK_TECHNIQUES.get(int(match[3])) != match[4]:
        return f"reference cites BABOK Guide 10.{match[3]} {match[4]!r}, which is not a BABOK technique of that number"
    return None


def cue_warnings(choices: list[dict]) -> list[str]:
    """An option that alone carries a surface cue, or the key alone lacking one, stands out to a test-wise reader."""
    warnings = []
    found = [cues.cues_of(c["text"]) for c in choices]
    for cue in cues.CUES:
        having = [i for i, f in enumerate(found) if cue in f]
        if len(having) == 1:
            warnings.append(f"only option {having[0] + 1} carries {cue} ({'key' if choices[having[0]]['correct'] else 'distractor'})")
        elif len(having) == len(choices) - 1:
            missing = next(i for i, f in enumerate(found) if cue not in f)
            if choices[missing]["correct"]:
                warnings.append(f"the key (option {missing + 1}) is the only option without {cue}")
    return warnings


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
    if item["reference"].strip() and (problem := reference_problem(item["reference"], item["domain"])):
        problems.append(problem)
    if not item.get("pattern"):
        problems.append("no pattern (the item's archetype)")
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
        warnings += cue_warnings(choices)
    return problems, warnings


def same_scenarios(items: list[dict]) -> list[tuple[str, str, float]]:
    """Pairs of stems whose rarer content words overlap enough to be one scenario told twice."""
    docs = {item["key"]: cues.content_words(item["stem"]) for item in items}
    document_frequency = Counter(w for words in docs.values() for w in words)
    vectors = {}
    for key, words in docs.items():
        weights = {w: math.log(len(docs) / document_frequency[w]) for w in words}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        vectors[key] = {w: v / norm for w, v in weights.items()}
    pairs = []
    for (a, va), (b, vb) in combinations(vectors.items(), 2):
        similarity = sum(v * vb.get(w, 0.0) for w, v in va.items())
        if similarity > SAME_SCENARIO_SIMILARITY:
            pairs.append((a, b, similarity))
    return pairs


def _cue_rules(items: list[dict], report: Report) -> dict:
    """Bank-level surface-cue rules: what a reader without the key could exploit across the bank."""
    gaps = cues.cue_gaps(items)
    for gap in gaps:
        if gap.gap > MAX_CUE_GAP:
            report.bank_problems.append(
                f"{gap.cue}: {gap.key_share:.0%} of keys but {gap.distractor_share:.0%} of distractors carry it "
                f"(the gap may be at most {MAX_CUE_GAP:.0%})")
    longest, shortest = cues.length_rank_shares(items)
    low, high = KEY_LENGTH_RANK_SHARE
    for label, share in (("longest", longest), ("shortest", shortest)):
        if not low <= share <= high:
            report.bank_problems.append(
                f"the key is the {label} option in {share:.0%} of questions; it should be {low:.0%} to {high:.0%}")
    hit_rates = cues.heuristic_hit_rates(items)
    hit_rates["learned choices-only model (5-fold, grouped by item)"] = cues.learned_guesser_hit_rate(items)
    for name, rate in hit_rates.items():
        if rate > MAX_GUESSER_HIT_RATE:
            report.bank_problems.append(
                f"the surface-cue guesser '{name}' finds the key in {rate:.0%} of questions; "
                f"at most {MAX_GUESSER_HIT_RATE:.0%} is allowed (chance is 25%)")
    return {"cue_gaps": {g.cue: [round(g.key_share, 3), round(g.distractor_share, 3)] for g in gaps},
            "key_longest_share": round(longest, 3), "key_shortest_share": round(shortest, 3),
            "guesser_hit_rates": {name: round(rate, 3) for name, rate in hit_rates.items()}}


def _pattern_rules(items: list[dict], report: Report) -> Counter:
    patterns = Counter(item["pattern"] for item in items if item.get("pattern"))
    for pattern, n in sorted(patterns.items()):
        if n > MAX_ITEMS_PER_PATTERN:
            keys = ", ".join(item["key"] for item in items if item.get("pattern") == pattern)
            report.bank_problems.append(
                f"pattern {pattern!r} has {n} questions ({keys}); at most {MAX_ITEMS_PER_PATTERN}")
    return patterns


def check_bank(items: list[dict], *, domain_2_concepts: list[str] | None = None, whole_bank: bool = True) -> Report:
    """Check each question and the bank as a whole; `whole_bank=False` skips the size rules (one file)."""
    report = Report()
    for item in items:
        problems, warnings = check_question(item)
        if problems:
            report.problems[item["key"]] = problems
        if warnings:
            report.warnings[item["key"]] = warnings

    per_domain = Counter(item["domain"] for item in items)
    d2_concepts = Counter(slug for item in items if item["domain"] == 2 for slug, _ in item["concepts"])
    patterns = _pattern_rules(items, report)
    if whole_bank:
        for number, minimum in MIN_PER_DOMAIN.items():
            if per_domain[number] < minimum:
                report.bank_problems.append(f"Domain {number} has {per_domain[number]} questions; it needs {minimum}")
        for slug in domain_2_concepts or []:
            if d2_concepts[slug] < MIN_ITEMS_PER_DOMAIN_2_CONCEPT:
                report.bank_problems.append(
                    f"Domain 2 concept {slug} has {d2_concepts[slug]} questions; it needs "
                    f"{MIN_ITEMS_PER_DOMAIN_2_CONCEPT}")
        if len(patterns) < MIN_PATTERNS:
            report.bank_problems.append(f"the bank has {len(patterns)} distinct patterns; it needs {MIN_PATTERNS}")
    cue_totals = _cue_rules(items, report) if items else {}

    shingles = [(item["key"], _shingles(item["stem"])) for item in items]
    for (key_a, a), (key_b, b) in combinations(shingles, 2):
        if a and b and len(a & b) / len(a | b) > NEAR_DUPLICATE_SIMILARITY:
            report.problems[key_a].append(f"stem is nearly the same as {key_b} ({len(a & b) / len(a | b):.0%})")
    for key_a, key_b, similarity in same_scenarios(items):
        report.problems[key_a].append(f"stem tells the same scenario as {key_b} (similarity {similarity:.2f})")

    report.totals = {
        "questions": len(items),
        "per_domain": dict(sorted(per_domain.items())),
        "domain_2_concepts": dict(sorted(d2_concepts.items())),
        "patterns": len(patterns),
        "most_used_patterns": patterns.most_common(5),
        **cue_totals,
        "questions_with_problems": len(report.problems),
        "warnings": sum(len(w) for w in report.warnings.values()),
    }
    return report
