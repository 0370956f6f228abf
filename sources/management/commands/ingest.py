import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sources.choices import FetchStatus
from sources.ingestion import IngestReport, ingest_feed_locked
from sources.models import Feed
from sources.services import register_feed, register_local_feed


class Command(BaseCommand):
    help = (
        "Run the ingestion pipeline now, synchronously, for the given sources: feed ids, feed URLs (registered if "
        "new) or local feed files. Progress goes to stderr; with --json one JSON object per source goes to stdout."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("sources", nargs="*", metavar="SOURCE", help="A feed id, a feed URL or a file path.")
        parser.add_argument("--due", action="store_true", help="Also ingest every active feed that is due.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object per source to stdout.")
        parser.add_argument("--publisher", default="", help="Publisher of feeds registered by this run.")
        parser.add_argument("--language", default="", help="Language of feeds registered by this run.")

    def _resolve(self, source: str, publisher: str, language: str) -> Feed:
        if source.isdigit():
            try:
                return Feed.objects.get(pk=int(source))
            except Feed.DoesNotExist:
                raise LookupError(f"no feed with id {source}") from None
        if source.lower().startswith(("http://", "https://")):
            feed, _ = register_feed(source, publisher, language)
            return feed
        path = Path(source)
        if not path.is_file():
            raise LookupError(f"{source} is neither a feed id, an http(s) URL nor a readable file")
        return register_local_feed(path, publisher, language)

    def handle(self, *args, sources: list[str], due: bool, json: bool, publisher: str, language: str, **options):
        if not sources and not due:
            raise CommandError("Name at least one SOURCE, or use --due.")
        work: list[tuple[str, Feed | Exception]] = []
        for source in sources:
            try:
                work.append((source, self._resolve(source, publisher, language.strip().lower())))
            except (LookupError, ValidationError) as exc:
                message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                work.append((source, LookupError(message)))
        if due:
            named = {target.pk for _, target in work if isinstance(target, Feed)}
            work += [
                (str(feed.pk), feed) for feed in Feed.objects.due().order_by("next_fetch_at") if feed.pk not in named
            ]

        failures = 0
        total = len(work)
        for number, (source, target) in enumerate(work, start=1):
            if isinstance(target, Exception):
                report = IngestReport(source=source, status=FetchStatus.ERROR, error=str(target))
            else:
                report = ingest_feed_locked(target.pk, source)
            failures += report.failed
            self._progress(number, total, report)
            if json:
                self.stdout.write(_json_line(report.as_json()))
        if total and failures == total:
            raise CommandError(f"All {total} source(s) failed.", returncode=1)

    def _progress(self, number: int, total: int, report: IngestReport) -> None:
        store = report.store
        line = f"[{number}/{total}] {report.source}: {report.status}"
        if report.failed or report.status == FetchStatus.SKIPPED:
            line += f" {report.error}" if report.error else " (another worker holds this feed)"
        else:
            line += (
                f", {store.entries} entries: {store.new} new, {store.updated} updated, "
                f"{store.duplicates} unchanged, {store.candidates} candidates"
            )
        self.stderr.write(line)


def _json_line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
