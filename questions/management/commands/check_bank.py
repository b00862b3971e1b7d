import json
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from questions import cues
from questions.bank import read_domains, read_questions
from questions.checker import check_bank, domain_2_concepts, fixture_items, question_items


class Command(BaseCommand):
    help = ("Check every published question against the bank's item-writing rules and surface-cue limits; "
            "exit non-zero on a violation.")

    def add_arguments(self, parser):
        parser.add_argument("--quiet-warnings", action="store_true", help="Do not list item-level warnings.")
        parser.add_argument("--file", nargs="+", type=Path, metavar="YAML",
                            help="Check these fixture files instead of the database (size rules skipped).")
        parser.add_argument("--fixtures", action="store_true",
                            help="Check the shipped fixture files as a whole bank instead of the database.")
        parser.add_argument("--guesser-hits", action="store_true",
                            help="List the items the learned choices-only model finds without their key.")
        parser.add_argument("--json", dest="json_path", type=Path, metavar="PATH", help="Also write the totals as JSON here.")

    def handle(self, *args, quiet_warnings=False, file=None, fixtures=False, json_path=None, guesser_hits=False,
               **options):
        domains = read_domains()
        if file:
            questions = [q for path in file for q in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
            items = fixture_items(questions, domains)
            report = check_bank(items, whole_bank=False)
        elif fixtures:
            questions = read_questions()
            d2 = [c["slug"] for d in domains if d["number"] == 2 for c in d.get("concepts", [])]
            items = fixture_items(questions, domains)
            report = check_bank(items, domain_2_concepts=d2)
        else:
            try:
                items = question_items()
            except DatabaseError as error:
                raise CommandError(f"The database has no bank to check ({error}): run `migrate` and "
                                   "`load_bank`, or check the fixture files with --fixtures.") from error
            report = check_bank(items, domain_2_concepts=domain_2_concepts())
        if guesser_hits:
            self.write_guesser_hits(items)
        for line in report.lines():
            if quiet_warnings and ": warning: " in line:
                continue
            self.stdout.write(line)
        self.write_totals(report.totals)
        if json_path:
            json_path.write_text(json.dumps(report.totals, indent=2, sort_keys=True), encoding="utf-8")
        self.stdout.write(f"{report.totals['questions_with_problems']} question(s) with problems, "
                          f"{len(report.bank_problems)} bank-level problem(s), {report.totals['warnings']} warning(s).")
        if not report.ok:
            raise CommandError("The bank breaks the item-writing rules listed above.")
        self.stdout.write(self.style.SUCCESS("The bank passes every rule."))

    def write_guesser_hits(self, items: list[dict]) -> None:
        texts = {item["key"]: item["choices"] for item in items}
        for pick in sorted(cues.learned_guesser_picks(items), key=lambda p: -p.confidence):
            if pick.hit:
                self.stdout.write(f"{pick.key}: guessed without the key ({pick.confidence:.0%}): "
                                  f"{texts[pick.key][pick.picked]['text']}")

    def write_totals(self, totals: dict) -> None:
        self.stdout.write(f"\n{totals['questions']} published questions; per domain: {totals['per_domain']}")
        self.stdout.write(f"Domain 2 questions per concept: {totals['domain_2_concepts']}")
        self.stdout.write(f"{totals['patterns']} patterns; most used: {totals['most_used_patterns']}")
        if "guesser_hit_rates" not in totals:
            return
        self.stdout.write(f"Key is the longest option in {totals['key_longest_share']:.0%} of questions, "
                          f"the shortest in {totals['key_shortest_share']:.0%}.")
        for cue, (keys, distractors) in totals["cue_gaps"].items():
            self.stdout.write(f"  {cue}: {keys:.0%} of keys, {distractors:.0%} of distractors")
        self.stdout.write("Surface-cue guessers (they never read the key; chance is 25%):")
        for name, rate in totals["guesser_hit_rates"].items():
            self.stdout.write(f"  {name}: {rate:.0%}")

