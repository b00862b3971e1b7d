"""The blind review: packets of stems and shuffled options without keys, and the scoring of picks.

Reviewers never see a key. Each packet item shows the stem and the options labelled A-D in an order
fixed by the item's key and the review round, so scoring can recompute it without a key file beside
the packets. Reviewers answer one line per item: `<item key> <letter> <high|medium|low>`.
"""

import hashlib
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

LETTERS = "ABCD"
CONFIDENCE = ("high", "medium", "low")
ANSWER_LINE = re.compile(r"^\s*([a-z0-9-]+)\s+([A-D])\s+(high|medium|low)\b", re.IGNORECASE)

INSTRUCTIONS = {
    "options": """# Blind review: the four options alone

You know nothing about product ownership, business analysis or agile practice, and you are shown
only the four options of each item, not its scenario. Pick the option you think is the intended
answer using any surface habit a test-wise candidate would: length, hedging, absolutes, tone, the
"most professional" or most collaborative or most evidence-minded wording, the odd one out, the
option most like the others, word choice. Read nothing but this file.

Answer every item, one line each, in a file `{answers}`:
`<item key> <letter> <high|medium|low>` where the last word is how sure the cues make you.
Nothing else on the line.
""",
    "cue": """# Blind review: test-taking cues only

You know nothing about product ownership, business analysis or agile practice. Answer each item
below using ONLY generic test-taking habits: strike absolutes, options that defer to rank, do-nothing
or unprofessional options, options that stand out in length or form; prefer the option that repeats
the stem's words, the most hedged, collaborative or evidence-seeking one; any other surface pattern
you notice. Read nothing but this file.

Answer every item, one line each, in a file `{answers}`:
`<item key> <letter> <high|medium|low>` where the last word is how sure the cues make you
(high: the cues clearly single out one option). Nothing else on the line.
""",
    "expert": """# Blind review: as a subject expert

You are an expert in product ownership analysis (IIBA's POA Guide, agile product management, customer
research). Answer each item below as a careful expert candidate would: choose the single best option
for the scenario's facts. Read nothing but this file.

Answer every item, one line each, in a file `{answers}`:
`<item key> <letter> <high|medium|low>` where the last word is your confidence that your pick is
the one best answer (low: two options look equally defensible). Nothing else on the line.
""",
}


def option_order(key: str, round_: int, count: int = 4) -> list[int]:
    """The order in which an item's options appear in round `round_` of the review."""
    order = list(range(count))
    random.Random(hashlib.sha256(f"{key}:{round_}".encode()).hexdigest()).shuffle(order)
    return order


def render_item(item: dict, round_: int, *, stem: bool = True) -> str:
    order = option_order(item["key"], round_, len(item["choices"]))
    lines = [f"## {item['key']}", ""] + ([item["stem"].strip(), ""] if stem else [])
    lines += [f"{LETTERS[n]}. {item['choices'][i]['text'].strip()}" for n, i in enumerate(order)]
    return "\n".join(lines) + "\n"


def write_packets(items: list[dict], out: Path, *, round_: int, per_packet: int, stem: bool = True) -> list[Path]:
    """Write packet-NN.md files (stems and options, or options alone) and the reviewers' instructions."""
    out.mkdir(parents=True, exist_ok=True)
    shuffled = sorted(items, key=lambda item: hashlib.sha256(f"{item['key']}:{round_}".encode()).hexdigest())
    paths = []
    for start in range(0, len(shuffled), per_packet):
        number = start // per_packet + 1
        path = out / f"packet-{number:02d}.md"
        body = "\n".join(render_item(item, round_, stem=stem) for item in shuffled[start:start + per_packet])
        path.write_text(f"# Packet {number:02d} (review round {round_})\n\n{body}", encoding="utf-8")
        paths.append(path)
    for kind, text in INSTRUCTIONS.items():
        (out / f"instructions-{kind}.md").write_text(text.format(answers=f"answers-{kind}-NN.txt"), encoding="utf-8")
    return paths


def read_answers(paths: list[Path]) -> dict[str, tuple[str, str]]:
    answers = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := ANSWER_LINE.match(line):
                answers[match[1].lower()] = (match[2].upper(), match[3].lower())
    return answers


@dataclass
class ReviewScore:
    kind: str
    answered: int = 0
    hits: int = 0
    by_confidence: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # confidence -> [hits, n]
    picks: dict = field(default_factory=dict)  # key -> (letter, confidence, hit)

    @property
    def hit_rate(self) -> float:
        return self.hits / self.answered if self.answered else 0.0

    def keys(self, *, hit: bool, confidence: str | None = None) -> list[str]:
        return sorted(k for k, (_, c, h) in self.picks.items() if h == hit and (confidence is None or c == confidence))


def score(items: list[dict], answers: dict[str, tuple[str, str]], *, kind: str, round_: int) -> ReviewScore:
    result = ReviewScore(kind)
    for item in items:
        if item["key"] not in answers:
            continue
        letter, confidence = answers[item["key"]]
        order = option_order(item["key"], round_, len(item["choices"]))
        picked = order[LETTERS.index(letter)] if LETTERS.index(letter) < len(order) else None
        hit = picked is not None and item["choices"][picked]["correct"]
        result.answered += 1
        result.hits += hit
        result.by_confidence[confidence][0] += hit
        result.by_confidence[confidence][1] += 1
        result.picks[item["key"]] = (letter, confidence, hit)
    return result
