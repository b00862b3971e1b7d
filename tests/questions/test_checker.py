import copy

import pytest
from django.core.management import CommandError, call_command

from questions.bank import load_bank
from questions.checker import check_bank, check_question

pytestmark = pytest.mark.django_db

GOOD = {
    "key": "x-1", "domain": 2, "reference": "POA Guide 5.2 Cultivate Customer Intimacy; BABOK Guide 10.31 Observation",
    "explanation": "Observe behaviour first.", "pattern": "method-fit-observation",
    "concepts": [("personas", 2)],
    "stem": ("A product owner at a regional insurer is told by sales that brokers want a new quoting screen. "
             "Usage logs show brokers abandon quotes at the vehicle details step, and support tickets mention "
             "slow lookups. The team has two weeks before planning. What should the product owner do first?"),
    "choices": [
        {"text": "Watch several brokers complete real quotes in their office", "correct": True, "rationale": "r"},
        {"text": "Ask the sales director which screen layout to build next", "correct": False, "rationale": "r"},
        {"text": "Send every broker a survey listing possible new features", "correct": False, "rationale": "r"},
        {"text": "Start building the quoting screen that sales described", "correct": False, "rationale": "r"},
    ],
}


def variant(**changes):
    item = copy.deepcopy(GOOD)
    item.update(changes)
    return item


def test_a_well_formed_question_has_no_problems():
    assert check_question(GOOD)[0] == []


@pytest.mark.parametrize(
    "item, problem",
    [
        (variant(stem="Too short. What now?"), "stem has 4 words"),
        (variant(stem=GOOD["stem"].rstrip("?") + "."), "does not end with a question"),
        (variant(stem=GOOD["stem"].replace("What should the product owner do first?",
                                           "Which step should the product owner not take?")), "negative"),
        (variant(choices=GOOD["choices"][:3]), "3 options"),
        (variant(choices=[{**c, "correct": True} for c in GOOD["choices"]]), "4 correct options"),
        (variant(choices=GOOD["choices"][:3] + [{"text": "All of the above options together here",
                                                  "correct": False, "rationale": "r"}]), "banned phrase"),
        (variant(choices=GOOD["choices"][:3] + [{"text": "Watch several brokers complete real quotes in their office "
                                                          "and then interview them", "correct": False,
                                                  "rationale": "r"}]), "one contains the other"),
        (variant(choices=GOOD["choices"][:3] + [{"text": "Wait", "correct": False, "rationale": "r"}]),
         "differ too much in length"),
        (variant(choices=GOOD["choices"][:3] + [{**GOOD["choices"][3], "rationale": " "}]), "option 4 has no rationale"),
        (variant(concepts=[("okrs", 4)]), "belongs to Domain 4"),
        (variant(explanation=""), "no explanation"),
        (variant(pattern=""), "no pattern"),
        (variant(reference="POA Guide 5.2 Cultivate Customer Intimacy: Personas"), "should start"),
        (variant(reference="POA Guide 5.3 Engage the Whole Team"), "should start 'POA Guide 5.2"),
        (variant(reference="POA Guide 5.2 Cultivate Customer Intimacy; BABOK Guide 10.31 Interviews"),
         "not a BABOK technique of that number"),
    ],
)
def test_each_rule_reports_its_problem(item, problem):
    problems, _ = check_question(item)
    assert any(problem in p for p in problems), problems


def test_clue_words_are_reported_as_warnings():
    item = variant(choices=[{**GOOD["choices"][0], "text": "Observe brokers abandon quotes at vehicle details"}]
                   + GOOD["choices"][1:])
    _, warnings = check_question(item)
    assert warnings and "vehicle" in warnings[0]


def test_bank_rules_longest_answer_share_and_near_duplicates():
    longest = variant(choices=[{**GOOD["choices"][0], "text": GOOD["choices"][0]["text"] + " today"}]
                      + GOOD["choices"][1:])
    items = [dict(longest, key=f"k{i}") for i in range(3)]
    report = check_bank(items)
    assert any("the key is the longest option in 100% of questions" in p for p in report.bank_problems)
    assert any("nearly the same as" in p for ps in report.problems.values() for p in ps)
    assert any("Domain 2 has 3 questions; it needs 100" in p for p in report.bank_problems)


def test_cue_warnings_name_the_option_that_alone_carries_a_cue():
    item = variant(choices=[{**GOOD["choices"][0], "text": "Watch several brokers at work because it shows behaviour"}]
                   + GOOD["choices"][1:])
    _, warnings = check_question(item)
    assert "only option 1 carries reason clause (key)" in warnings


def _bank(n: int, make) -> list[dict]:
    """n distinct questions; `make(i)` returns the four option texts with the key first."""
    items = []
    for i in range(n):
        texts = make(i)
        stem = f"Scenario {i} about {' '.join(f'word{i}x{j}' for j in range(45))} happened. What next?"
        items.append(variant(key=f"k{i}", stem=stem, pattern=f"p{i}", choices=[
            {"text": t, "correct": n_ == 0, "rationale": "r"} for n_, t in enumerate(texts)]))
    return items


def test_bank_rules_catch_cues_that_single_out_the_key():
    # Distractors carry absolutes and reason clauses that keys never do; keys are the longest.
    items = _bank(40, lambda i: [f"Observe brokers quoting real policies at their desks, case {i}",
                                 f"Always ask sales because they know, case {i}",
                                 f"Never build before everyone agrees, case {i}",
                                 f"Send all brokers a survey since it is quick, case {i}"])
    problems = "\n".join(check_bank(items, whole_bank=False).bank_problems)
    assert "absolute: 0% of keys but 100% of distractors" in problems
    assert "reason clause: 0% of keys but 67% of distractors" in problems
    assert "the key is the longest option in 100%" in problems
    assert "'strike cues, then longest' finds the key in 100%" in problems
    assert "'learned choices-only model (5-fold, grouped by item)' finds the key" in problems


def test_a_bank_without_surface_cues_passes_the_cue_rules():
    def options(i):
        texts = [f"Observe brokers quoting policies, case {i}", f"Interview brokers about quoting, case {i}",
                 f"Review quote logs with sales staff, case {i}", f"Prototype a new quote screen, case {i}"]
        return texts[i % 4:] + texts[:i % 4]  # the key (first) moves round the four forms
    report = check_bank(_bank(48, options), whole_bank=False)
    assert not any("guesser" in p or "carry it" in p for p in report.bank_problems), report.bank_problems


def test_bank_rules_on_patterns_and_retold_scenarios():
    items = _bank(6, lambda i: [f"Option one {i}", f"Option two {i}", f"Option three {i}", f"Option four {i}"])
    for item in items:
        item["pattern"] = "say-do-gap"
    items[5]["stem"] = items[4]["stem"].replace("Scenario 4", "Case four")
    report = check_bank(items, whole_bank=False)
    assert any("pattern 'say-do-gap' has 6 questions" in p for p in report.bank_problems)
    assert any("tells the same scenario as k5" in p for p in report.problems["k4"])


def test_the_shipped_bank_passes_the_checker(capsys):
    load_bank()
    call_command("check_bank", "--quiet-warnings")
    out = capsys.readouterr().out
    assert "The bank passes every rule." in out


def test_the_checker_exits_non_zero_on_a_violation():
    from tests.factories import QuestionFactory
    QuestionFactory(stem="Too short?")
    with pytest.raises(CommandError):
        call_command("check_bank")
