from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.demo_data import create_demo_users, load_demo_data
from events.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Load the demo case (DPRK missiles and shells for Russia) and one demo account per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo accounts even with DEBUG off. Their password is known: never on a public server.",
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with a known password while DEBUG is off; use --force on a "
                "private test server only."
            )
        load_reference_data()
        users = create_demo_users(settings.DEMO_PASSWORD)
        counts = load_demo_data()
        for name, count in sorted(counts.items()):
            self.stdout.write(f"{name:>22}: {count}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in at http://127.0.0.1:8000/admin/ as:"))
        for username, role in users:
            self.stdout.write(f"  {role:<9} {username} / {settings.DEMO_PASSWORD}")
