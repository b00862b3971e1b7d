"""Surface cues: what a test-wise reader with no product knowledge would use to find the key.

Everything here reads option texts (and the stem) but never the key, except `cue_gaps`, which
compares keys with distractors, and `learned_guesser_hit_rate`, which trains on other items' keys
and is scored on items it never saw (grouped cross-validation), as in Balepur et al., ACL 2024.
"""

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

CUES = {
    "absolute": re.compile(
        r"\b(all|every|everyone|everything|only|never|always|entirely|completely|totally|permanently|"
        r"immediately|from scratch|any|none|guarantee[sd]?|must)\b", re.IGNORECASE),
    "reason clause": re.compile(
        r"\b(because|since|so that|in order to|to ensure|to make sure|given that|as a result|which means)\b",
        re.IGNORECASE),
    "appeal to rank or size": re.compile(
        r"\b(director|executive|ceo|cfo|cto|coo|vp|vice[- ]president|head of|sponsor|senior|largest|biggest|"
        r"chief|board|boss|leadership)\b", re.IGNORECASE),
    "evidence verb": re.compile(
        r"\b(observ\w*|interview\w*|survey\w*|test\w*|validat\w*|measur\w*|explor\w*|investigat\w*|"
        r"analy[sz]\w*|research\w*|shadow\w*|watch\w*|experiment\w*|pilot\w*|evidence|data)\b", re.IGNORECASE),
}
STOPWORDS = frozenset(
    "a an the and or of to in on for with by at from as is are be it its this that their they them "
    "then than into each which who what when while about over under before after one two three".split()
)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOPWORDS and len(w) > 2}


def cues_of(text: str) -> set[str]:
    return {name for name, pattern in CUES.items() if pattern.search(text)}


def _tie_break(item: dict, index: int) -> str:
    """A fixed order among tied options that knows nothing of position or key."""
    return hashlib.sha256((item["key"] + item["choices"][index]["text"]).encode()).hexdigest()


def _pick(item: dict, score) -> int:
    indexes = range(len(item["choices"]))
    return max(indexes, key=lambda i: (score(i), _tie_break(item, i)))


# --- Heuristic guessers: each returns the index of the option it would choose -------------------

def guess_strike_then_longest(item: dict) -> int:
    """Strike absolutes, rank appeals and reason clauses; take the longest survivor."""
    texts = [c["text"] for c in item["choices"]]
    struck = [bool(cues_of(t) & {"absolute", "appeal to rank or size", "reason clause"}) for t in texts]
    return _pick(item, lambda i: (not struck[i], len(texts[i])))


def guess_evidence_seeking(item: dict) -> int:
    """Prefer the option that gathers evidence, then the most hedged (longest)."""
    texts = [c["text"] for c in item["choices"]]
    return _pick(item, lambda i: ("evidence verb" in cues_of(texts[i]), len(texts[i])))


def guess_stem_overlap(item: dict) -> int:
    """Take the option repeating most of the stem's words."""
    stem = content_words(item["stem"])
    return _pick(item, lambda i: len(stem & content_words(item["choices"][i]["text"])))


def guess_convergence(item: dict) -> int:
    """Take the option sharing most words with the other options (the 'centre' of the set)."""
    sets = [content_words(c["text"]) for c in item["choices"]]
    return _pick(item, lambda i: sum(len(sets[i] & s) for j, s in enumerate(sets) if j != i))


def guess_shortest(item: dict) -> int:
    return _pick(item, lambda i: -len(item["choices"][i]["text"]))


HEURISTIC_GUESSERS = {
    "strike cues, then longest": guess_strike_then_longest,
    "evidence-seeking, then longest": guess_evidence_seeking,
    "most stem words": guess_stem_overlap,
    "fewest stem words": lambda item: _pick(
        item, lambda i: -len(content_words(item["stem"]) & content_words(item["choices"][i]["text"]))),
    "most shared with other options": guess_convergence,
    "longest": lambda item: _pick(item, lambda i: len(item["choices"][i]["text"])),
    "shortest": guess_shortest,
}


def correct_index(item: dict) -> int | None:
    keys = [i for i, c in enumerate(item["choices"]) if c["correct"]]
    return keys[0] if len(keys) == 1 else None


def heuristic_hit_rates(items: list[dict]) -> dict[str, float]:
    scored = [item for item in items if correct_index(item) is not None]
    if not scored:
        return {}
    return {name: sum(guess(item) == correct_index(item) for item in scored) / len(scored)
            for name, guess in HEURISTIC_GUESSERS.items()}


# --- Keys versus distractors --------------------------------------------------------------------

@dataclass
class CueGap:
    cue: str
    key_share: float
    distractor_share: float

    @property
    def gap(self) -> float:
        return abs(self.key_share - self.distractor_share)


def cue_gaps(items: list[dict]) -> list[CueGap]:
    keys, distractors = Counter(), Counter()
    n_keys = n_distractors = 0
    for item in items:
        for choice in item["choices"]:
            found = cues_of(choice["text"])
            if choice["correct"]:
                keys.update(found)
                n_keys += 1
            else:
                distractors.update(found)
                n_distractors += 1
    return [CueGap(cue, keys[cue] / max(n_keys, 1), distractors[cue] / max(n_distractors, 1)) for cue in CUES]


def length_rank_shares(items: list[dict]) -> tuple[float, float]:
    """Share of items whose key is the (strictly) longest option, and the (strictly) shortest."""
    longest = shortest = 0
    for item in items:
        index = correct_index(item)
        if index is None:
            continue
        lengths = [len(c["text"].strip()) for c in item["choices"]]
        others = lengths[:index] + lengths[index + 1:]
        longest += lengths[index] > max(others)
        shortest += lengths[index] < min(others)
    n = max(len(items), 1)
    return longest / n, shortest / n


# --- A learned choices-only guesser -------------------------------------------------------------

def _option_features(item: dict, index: int) -> Counter:
    """Words of the option plus its shape within the item; never the key."""
    texts = [c["text"] for c in item["choices"]]
    text = texts[index]
    lengths = sorted(len(t) for t in texts)
    features = Counter(f"w:{w}" for w in set(words(text)))
    features.update(f"b:{a}_{b}" for a, b in set(zip(words(text), words(text)[1:])))
    features[f"rank:{lengths.index(len(text))}"] = 1
    features[f"clauses:{min(text.count(',') + len(re.findall(r' and | or ', text)), 3)}"] = 1
    overlap = len(content_words(text) & content_words(item["stem"])) / max(len(content_words(text)), 1)
    features[f"stem-overlap:{min(int(overlap * 4), 3)}"] = 1
    for cue in cues_of(text):
        features[f"cue:{cue}"] = 1
    return features


def _item_features(item: dict) -> list[Counter]:
    return [_option_features(item, i) for i in range(len(item["choices"]))]


def _score(weights: dict[str, float], features: Counter) -> float:
    return sum(weights.get(f, 0.0) * v for f, v in features.items())


def _train(examples: list[tuple[list[Counter], int]], epochs: int = 10, rate: float = 0.1,
           l2: float = 1e-3) -> dict[str, float]:
    """Softmax over each item's options (a conditional logit), fitted by plain SGD."""
    weights: dict[str, float] = {}
    for _ in range(epochs):
        for feats, key in examples:
            scores = [_score(weights, fs) for fs in feats]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            for i, fs in enumerate(feats):
                grad = (1.0 if i == key else 0.0) - exps[i] / total
                for f, v in fs.items():
                    weights[f] = weights.get(f, 0.0) * (1 - rate * l2) + rate * grad * v
    return weights


@dataclass
class LearnedPick:
    key: str
    picked: int
    confidence: float  # the model's probability for the option it picked
    hit: bool


def learned_guesser_picks(items: list[dict], folds: int = 5) -> list[LearnedPick]:
    """The choices-only model's pick for each item, made by a model that never saw that item's key
    (5 folds grouped by item)."""
    scored = [item for item in items if correct_index(item) is not None]
    if len(scored) < folds * 2:
        return []
    fold_of = [int(hashlib.sha256(item["key"].encode()).hexdigest(), 16) % folds for item in scored]
    examples = [(_item_features(item), correct_index(item)) for item in scored]
    picks = []
    for fold in range(folds):
        weights = _train([ex for ex, f in zip(examples, fold_of) if f != fold])
        for item, (feats, key), f in zip(scored, examples, fold_of):
            if f != fold:
                continue
            scores = [_score(weights, fs) for fs in feats]
            picked = _pick(item, lambda i: scores[i])
            total = sum(math.exp(s - max(scores)) for s in scores)
            picks.append(LearnedPick(item["key"], picked, math.exp(scores[picked] - max(scores)) / total,
                                     picked == key))
    return picks


def learned_guesser_hit_rate(items: list[dict], folds: int = 5) -> float:
    """Hit rate of the choices-only model on items it was not trained on (folds grouped by item)."""
    picks = learned_guesser_picks(items, folds)
    return sum(p.hit for p in picks) / len(picks) if picks else 0.0
