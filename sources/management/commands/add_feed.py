from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sources.services import register_feed


class Command(BaseCommand):
    help = "Register a news or government feed (RSS, Atom or JSON Feed) for the workers to poll."

    def add_arguments(self, parser) -> None:
        parser.add_argument("url", help="The feed's http or https address.")
        parser.add_argument("--publisher", default="", help="Publisher name; created as a news outlet if new.")
        parser.add_argument("--language", default="", help="BCP 47 code of the feed's language: en, ko, ru, uk, ja.")
        parser.add_argument("--interval", type=int, default=None, help="Poll interval in seconds.")

    def handle(self, *args, url: str, publisher: str, language: str, interval: int | None, **options) -> None:
        try:
            feed, created = register_feed(url, publisher, language.strip().lower(), interval)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "Added" if created else "Already registered:"
        self.stdout.write(
            f"{verb} feed {feed.pk}: {feed.url} (publisher: {feed.publisher or '-'}, "
            f"language: {feed.language or '-'}, every {feed.poll_interval} s)"
        )
