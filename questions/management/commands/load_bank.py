from django.core.management.base import BaseCommand

from questions.bank import load_bank


class Command(BaseCommand):
    help = "Load the shipped domains, concepts and questions (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        report = load_bank()
        self.stdout.write(self.style.SUCCESS(f"Question bank loaded: {report}."))
