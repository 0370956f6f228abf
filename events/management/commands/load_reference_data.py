from collections import Counter

from django.core.management.base import BaseCommand

from events.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Load or update states, actors, weapon systems and sanctions regimes. Safe to run again."

    def handle(self, *args, **options) -> None:
        def report(step: str, counts: Counter) -> None:
            self.stdout.write(
                f"{step:>22}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
            )

        load_reference_data(report)
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
