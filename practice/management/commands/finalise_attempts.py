from django.core.management.base import BaseCommand

from practice.services import finalise_overdue_attempts


class Command(BaseCommand):
    help = "Finish and score every timed attempt whose deadline (plus grace) has passed. Safe to run from cron."

    def handle(self, *args, **options):
        count = finalise_overdue_attempts()
        self.stdout.write(self.style.SUCCESS(f"Finalised {count} overdue attempt(s)."))
