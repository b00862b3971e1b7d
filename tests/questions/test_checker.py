import copy

import pytest
from django.core.management import CommandError, call_command

from questions.bank import load_bank
from questions.checker import check_bank, check_question

pytestmark = pytest.mark.django_db

GOOD = {
    "key": "x-1", "domain": 2, "reference": "POA Guide 5.2", "explanation": "Observe behaviour first.",
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
    assert any("longest option in 3 of 3" in p for p in report.bank_problems)
    assert any("nearly the same as" in p for ps in report.problems.values() for p in ps)
    assert any("Domain 2 has 3 questions; it needs 60" in p for p in report.bank_problems)


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
