from django.core.management.base import BaseCommand, CommandError

from questions.checker import check_bank, question_items


class Command(BaseCommand):
    help = "Check every published question against the bank's item-writing rules; exit non-zero on a violation."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-warnings", action="store_true", help="Do not list clue-word warnings.")

    def handle(self, *args, quiet_warnings=False, **options):
        report = check_bank(question_items())
        for line in report.lines():
            if quiet_warnings and ": warning: " in line:
                continue
            self.stdout.write(line)
        totals = report.totals
        self.stdout.write(f"\n{totals['questions']} published questions; per domain: {totals['per_domain']}")
        self.stdout.write(f"Domain 2 questions per concept: {totals['domain_2_concepts']}")
        self.stdout.write(f"Best answer is the longest option in {totals['longest_correct_share']:.0%} of questions.")
        self.stdout.write(f"{totals['questions_with_problems']} question(s) with problems, "
                          f"{len(report.bank_problems)} bank-level problem(s), {totals['warnings']} warning(s).")
        if not report.ok:
            raise CommandError("The bank breaks the item-writing rules listed above.")
        self.stdout.write(self.style.SUCCESS("The bank passes every rule."))
