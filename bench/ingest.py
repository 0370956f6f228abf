"""Ingestion end to end: 200 feeds x 50 entries served locally, ingested into PostgreSQL by one worker.

``python -m bench ingest`` (needs PostgreSQL and Redis, from DATABASE_URL and
REDIS_URL) creates a scratch database beside the configured one, serves the
generated feeds from 127.0.0.1, starts ``celery -A tracker worker
--concurrency 2`` as operators do, enqueues the dispatcher and waits until
every feed has been fetched. It prints:

* new entries per second end to end (dispatch to the last fetch log row), and
  the ratio to bare parsing of the same bytes (fastfeedparser alone, in this
  process, one core) measured in the same run;
* the time to re-fetch all 200 feeds when each answers 304 Not Modified;
* the worker's peak memory: the sum of the proportional set sizes of the main
  process and its pool processes, sampled while they work (pages they share
  count once), and each process's peak resident size;
* the CPU time per new entry of the worker and of PostgreSQL, and the load
  average, since the two share the machine's cores with whatever else runs.
"""

import os
import random
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FEEDS = 200
ENTRIES = 50
SCRATCH_SUFFIX = "_bench_ingest"

WORDS = {
    "en": [
        "the",
        "government",
        "said",
        "on",
        "monday",
        "that",
        "officials",
        "had",
        "met",
        "in",
        "the",
        "capital",
        "to",
        "discuss",
        "trade",
        "energy",
        "prices",
        "and",
        "the",
        "harvest",
        "while",
        "markets",
        "rose",
        "and",
        "the",
        "central",
        "bank",
        "kept",
        "interest",
        "rates",
        "unchanged",
        "after",
        "a",
        "long",
        "debate",
        "among",
        "ministers",
        "about",
        "schools",
        "hospitals",
        "roads",
        "railways",
        "budgets",
        "weather",
        "floods",
        "tourism",
        "football",
        "elections",
    ],
    "ru": [
        "правительство",
        "заявило",
        "в",
        "понедельник",
        "что",
        "чиновники",
        "встретились",
        "в",
        "столице",
        "чтобы",
        "обсудить",
        "торговлю",
    ],
    "ko": [
        "정부는",
        "월요일",
        "관리들이",
        "수도에서",
        "만나",
        "무역과",
        "에너지",
        "가격",
        "그리고",
        "수확을",
        "논의했다고",
        "밝혔다",
    ],
}
RELEVANT = (
    "North Korea shipped ballistic missiles and 152 mm artillery shells to Russia in breach of resolution 1718, "
    "officials said, adding that the KN-23 missiles were fired at Kharkiv."
)


def _vocabulary(language: str) -> tuple[list[str], list[float]]:
    """The pool's words plus 5,000 made-up ones, drawn with Zipf-like weights as words in news are."""
    rng = random.Random(language)
    letters = (
        "abcdefghijklmnoprstuvwy"
        if language == "en"
        else "абвгдеиклмнопрстуя"
        if language == "ru"
        else "가나다라마바사아자차카타파하"
    )
    made_up = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(5000)]
    words = WORDS[language] + made_up
    return words, [1 / (rank + 1) for rank in range(len(words))]


VOCABULARY = {language: _vocabulary(language) for language in WORDS}


def _words(rng: random.Random, language: str, count: int) -> str:
    words, weights = VOCABULARY[language]
    return " ".join(rng.choices(words, weights, k=count))


def _article(rng: random.Random, feed: int, entry: int) -> tuple[str, str, str]:
    language = rng.choice(["en", "en", "en", "ru", "ko"])
    title = _words(rng, language, 8).capitalize() + f" {feed}-{entry}"
    body = _words(rng, language, 140)
    if rng.random() < 0.05:
        body = RELEVANT + " " + body
    return language, title, f"<p>{body}.</p><p>{_words(rng, language, 40)}.</p>"


def make_feed(number: int) -> bytes:
    rng = random.Random(number)
    items = []
    for entry in range(ENTRIES):
        _, title, body = _article(rng, number, entry)
        items.append(
            f"<item><title>{title}</title><link>https://outlet{number}.example.org/{entry}</link>"
            f"<guid>outlet{number}-{entry}</guid><pubDate>Thu, 04 Jan 2024 {entry % 24:02d}:00:00 GMT</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Outlet {number}</title>'
        f"<link>https://outlet{number}.example.org/</link>{''.join(items)}</channel></rss>"
    ).encode()


class _Server:
    """Serves /feed/N with an ETag; answers 304 when the client sends it back."""

    def __init__(self, documents: dict[str, bytes]) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                body = documents.get(self.path)
                etag = f'"{hash(self.path) & 0xFFFFFFFF:x}"'
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def _scratch_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + SCRATCH_SUFFIX))


def _group_processes(root_pid: int) -> list[Path]:
    """/proc entries of the worker's processes: the main process and its pool, one process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == root_pid:
                found.append(entry)
        except (OSError, ProcessLookupError):
            continue
    return found


def _field_kib(text: str, name: str) -> int:
    for line in text.splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


class _MemorySampler:
    """The worker's memory while it works, sampled every 0.1 s.

    The peak of the sum of its processes' proportional set sizes (PSS) is the
    memory the worker takes: a page shared by the pool processes and the main
    process they were forked from counts once, divided among them. The sum of
    each process's peak resident size (VmHWM) is printed too; it counts shared
    pages once per process.
    """

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.peak_pss_kib = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.wait(0.1):
            total = 0
            for entry in _group_processes(self.root_pid):
                try:
                    total += _field_kib((entry / "smaps_rollup").read_text(), "Pss")
                except OSError:
                    continue
            self.peak_pss_kib = max(self.peak_pss_kib, total)

    def stop(self) -> tuple[int, int, int]:
        """(peak PSS of all processes, largest VmHWM, sum of VmHWM), in KiB."""
        self.stopping.set()
        self.thread.join()
        peaks = []
        for entry in _group_processes(self.root_pid):
            try:
                peaks.append(_field_kib((entry / "status").read_text(), "VmHWM"))
            except OSError:
                continue
        return self.peak_pss_kib, max(peaks, default=0), sum(peaks)


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU time (user + system) of each process so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


class _CpuMeter:
    """CPU time that the worker's processes and the database's backends for them spend during a run."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid

    def _backends(self) -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cursor.fetchall()]

    def __enter__(self) -> "_CpuMeter":
        self.worker_before = _cpu_seconds([int(entry.name) for entry in _group_processes(self.root_pid)])
        self.database_before = _cpu_seconds(self._backends())
        return self

    def __exit__(self, *exc_info) -> None:
        worker = _cpu_seconds([int(entry.name) for entry in _group_processes(self.root_pid)])
        database = _cpu_seconds(self._backends())
        self.worker = sum(value - self.worker_before.get(pid, 0.0) for pid, value in worker.items())
        self.database = sum(value - self.database_before.get(pid, 0.0) for pid, value in database.items())


def _inner() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    import fastfeedparser
    from django.utils import timezone

    from sources.models import Article, Feed, FetchLog
    from sources.parsing import parse_feed
    from sources.tasks import dispatch_due_feeds
    from tracker.celery import app

    documents = {f"/feed/{number}": make_feed(number) for number in range(FEEDS)}
    total_bytes = sum(len(body) for body in documents.values())

    started = time.perf_counter()
    for body in documents.values():
        fastfeedparser.parse(body)
    bare_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for body in documents.values():
        parse_feed(body)
    ours_seconds = time.perf_counter() - started

    server = _Server(documents)
    Feed.objects.bulk_create(
        [Feed(url=f"http://127.0.0.1:{server.port}/feed/{number}", poll_interval=3600) for number in range(FEEDS)]
    )
    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--concurrency", "2", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "bench-ingest@%h"],
        cwd=ROOT, env=os.environ.copy(), start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5) and time.monotonic() < deadline:
            time.sleep(0.2)
        memory = _MemorySampler(worker.pid)

        def run(expected_logs: int) -> float:
            begin = time.perf_counter()
            dispatch_due_feeds.delay()
            limit = time.monotonic() + 600
            while FetchLog.objects.count() < expected_logs:
                if time.monotonic() > limit:
                    raise RuntimeError("the worker did not finish within 10 minutes")
                time.sleep(0.05)
            return time.perf_counter() - begin

        load_before = os.getloadavg()[0]
        with _CpuMeter(worker.pid) as full_cpu:
            full_seconds = run(FEEDS)
        new_entries = Article.objects.count()
        statuses = dict.fromkeys(FetchLog.objects.values_list("status", flat=True).distinct())
        Feed.objects.update(next_fetch_at=timezone.now())
        with _CpuMeter(worker.pid) as not_modified_cpu:
            not_modified_seconds = run(2 * FEEDS)
        not_modified = FetchLog.objects.filter(status="not-modified").count()
        load_after = os.getloadavg()[0]
        peak_pss_kib, largest_kib, total_kib = memory.stop()
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)

    entries = FEEDS * ENTRIES
    end_to_end = new_entries / full_seconds
    bare = entries / bare_seconds
    print(f"  corpus: {FEEDS} feeds x {ENTRIES} entries, {total_bytes / 1e6:.1f} MB")
    print(f"  bare parsing (fastfeedparser, 1 core):     {bare:>9,.0f} entries/s")
    print(f"  parse + charset + DTD guard + sanitise:    {entries / ours_seconds:>9,.0f} entries/s")
    print(f"  end to end, worker concurrency 2:          {end_to_end:>9,.0f} new entries/s "
          f"({new_entries} stored in {full_seconds:.2f} s; fetch statuses {sorted(statuses)})")  # fmt: skip
    print(f"  ratio end to end / bare parsing:           {end_to_end / bare:>9.3f}")
    print(f"  CPU per new entry: worker {full_cpu.worker / new_entries * 1e3:.2f} ms, "
          f"PostgreSQL {full_cpu.database / new_entries * 1e3:.2f} ms ({full_cpu.worker:.1f} s and "
          f"{full_cpu.database:.1f} s on {os.cpu_count()} cores in {full_seconds:.1f} s)")  # fmt: skip
    print(
        f"  304 re-fetch of {FEEDS} feeds:                {not_modified_seconds:>9.2f} s ({not_modified} not modified)"
    )
    print(f"  CPU per 304 re-fetch: worker {not_modified_cpu.worker / FEEDS * 1e3:.1f} ms, "
          f"PostgreSQL {not_modified_cpu.database / FEEDS * 1e3:.1f} ms")  # fmt: skip
    print(f"  worker peak memory: {peak_pss_kib / 1024:.0f} MiB for all its processes (proportional set size); "
          f"largest process {largest_kib / 1024:.0f} MiB resident "
          f"(sum of resident peaks {total_kib / 1024:.0f} MiB)")  # fmt: skip
    print(f"  load average (1 min) before and after: {load_before:.2f}, {load_after:.2f}")
    print("  targets: >= 3,000 new entries/s, 304 re-fetch < 2 s, worker < 300 MB")


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("  skipped: needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        return
    scratch = _scratch_url(database_url)
    name = urlsplit(scratch).path.lstrip("/")
    admin = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    import psycopg2

    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    env = {
        **os.environ,
        "DATABASE_URL": scratch,
        # As a production worker runs: with DEBUG on, Django keeps the text of every query in memory.
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 60,
        "FEED_ALLOW_PRIVATE_NETWORKS": "true",
        "FEED_DISPATCH_BATCH": str(FEEDS * 2),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-c", "from bench.ingest import _inner; _inner()"], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
