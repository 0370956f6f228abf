"""Benchmark of the events API on PostgreSQL: ``python -m bench api``.

It makes its own database (``tracker_bench_api`` on the server of
``BENCH_DATABASE_URL``, by default the local one), fills it with 10,000
published events of 3 items, 2 locations, 3 citations and 1 violation each,
and measures in the same run:

1. the median time of a list page of 100 events with everything nested,
   through the whole Django stack (middleware, authentication, filters,
   pagination, serialisation, JSON), and its number of SQL queries;
2. the median time to read the same 100 events with one hand-written SQL
   query that builds the nested JSON in PostgreSQL, plus ``json.dumps`` of
   the result: the baseline, and the ratio of 1 to it;
3. gunicorn with 2 workers under wrk (or, without wrk, a Python load
   generator) for 30 s at 16 connections on that page: requests per second,
   latency p50 and p99, and errors.

The measurements run in a child process whose settings point at the bench
database, with DEBUG off and throttling off (the load test measures serving,
not the rate limit). Set ``BENCH_KEEP=1`` to keep the database afterwards.
"""

import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = "tracker_bench_api"
EVENTS = 10_000
PAGE = "/api/v1/events/?page_size=100"
RUNS = 30
LOAD_SECONDS = 30
CONNECTIONS = 16
WORKERS = 2
TARGET_RATIO = 3.0
TARGET_QUERIES = 10


def main() -> None:
    server = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    parts = urlsplit(server)
    database_url = urlunsplit((parts.scheme, parts.netloc, f"/{DATABASE}", "", ""))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_TOKEN": "off",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # no throttling, so the cache plays no part
    _recreate_database(server)
    try:
        subprocess.run([sys.executable, "-c", "from bench.api import _child; _child()"], cwd=ROOT, env=env, check=True)
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            _drop_database(server)


# Database -----------------------------------------------------------------------------------


def _admin_connection(server: str):
    import psycopg2

    connection = psycopg2.connect(server)
    connection.autocommit = True
    return connection


def _recreate_database(server: str) -> None:
    connection = _admin_connection(server)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def _drop_database(server: str) -> None:
    connection = _admin_connection(server)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    connection.close()


# The child: data, in-process timings, load test ------------------------------------------------


def _child() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
    _fill()
    api_median, queries, size = _time_api_page()
    baseline_median, baseline_size = _time_baseline()
    ratio = api_median / baseline_median
    print(
        f"list page of 100, nested, through Django: median {api_median * 1000:.1f} ms ({size / 1024:.0f} KiB, "
        f"{queries} queries; target <= {TARGET_QUERIES})"
    )
    print(
        f"same rows, one hand-written SQL query + json.dumps: median {baseline_median * 1000:.1f} ms "
        f"({baseline_size / 1024:.0f} KiB)"
    )
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x)", flush=True)
    _load_test()


def _fill() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from events.choices import ReviewState
    from events.models import Actor, Citation, Event, EventLocation, Provision, TransferItem, Violation, WeaponSystem
    from events.reference_data import load_reference_data
    from sources.models import Document, Publisher

    started = time.perf_counter()
    load_reference_data()
    print(f"reference data in {time.perf_counter() - started:.1f} s", flush=True)
    rng = random.Random(20240116)
    user = get_user_model().objects.create_user("bench-analyst")
    states = list(Actor.objects.states())
    systems = list(WeaponSystem.objects.all())
    provisions = list(Provision.objects.all())
    publishers = [
        Publisher.objects.create(name=f"Bench publisher {n}", kind="news-media", reliability="BCDE"[n % 4])
        for n in range(20)
    ]
    documents = Document.objects.bulk_create(
        Document(
            title=f"Report {n} on arms transfers",
            url=f"https://news{n % 20}.example.org/{n}",
            canonical_url=f"https://news{n % 20}.example.org/{n}",
            publisher=publishers[n % 20],
            published_at=datetime(2023, 1, 1, tzinfo=UTC) + timedelta(hours=n),
            language="en",
        )
        for n in range(1000)
    )
    now = datetime.now(UTC)
    started = time.perf_counter()
    with transaction.atomic():
        for first in range(0, EVENTS, 1000):
            batch = []
            for n in range(first, first + 1000):
                supplier, recipient = rng.sample(states, 2)
                start = date(2022, 1, 1) + timedelta(days=rng.randrange(1200))
                batch.append(
                    Event(
                        title=f"Transfer {n}: {supplier.name} to {recipient.name}",
                        summary=f"Bench event {n}: deliveries reported by several sources over some weeks.",
                        kind=rng.choice(["transfer", "shipment", "delivery", "use"]),
                        supplier=supplier,
                        recipient=recipient,
                        start_date=start,
                        end_date=start + timedelta(days=rng.randrange(30)),
                        review_state=ReviewState.PUBLISHED,
                        published_at=now,
                        created_by=user,
                        updated_by=user,
                    )
                )
            events = Event.objects.bulk_create(batch)
            TransferItem.objects.bulk_create(
                TransferItem(
                    event=event,
                    weapon_system=(system := rng.choice(systems)),
                    category=system.category,
                    quantity_min=rng.randrange(1, 100),
                    quantity_max=rng.randrange(100, 1000),
                    qualifier="between",
                    original_wording="dozens",
                )
                for event in events
                for _ in range(3)
            )
            EventLocation.objects.bulk_create(
                EventLocation(
                    event=event,
                    name=f"Place {rng.randrange(500)}",
                    country=rng.choice(states),
                    latitude=Decimal(rng.randrange(-80_000, 80_000)) / 1000,
                    longitude=Decimal(rng.randrange(-179_000, 179_000)) / 1000,
                    role=role,
                )
                for event in events
                for role in ("origin", "delivery")
            )
            Citation.objects.bulk_create(
                Citation(
                    event=event,
                    document=rng.choice(documents),
                    stance=rng.choice(["asserts", "confirms", "denies", "mentions"]),
                    claimant=rng.choice(states),
                    excerpt="An official said the shipments continued through the autumn.",
                    credibility=rng.randrange(1, 7),
                    reliability="B",
                )
                for event in events
                for _ in range(3)
            )
            Violation.objects.bulk_create(
                Violation(event=event, provision=rng.choice(provisions), rationale="Arms supplied.") for event in events
            )
            print(f"  events: {first + 1000:>6} / {EVENTS}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"10,000 events with their parts in {time.perf_counter() - started:.1f} s", flush=True)


def _time_api_page() -> tuple[float, int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(3):
        client.get(PAGE)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(PAGE)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE)
    assert len(response.json()["results"]) == 100
    return statistics.median(timings), len(captured.captured_queries), len(response.content)


# The baseline: the same 100 events and their parts, as JSON built by PostgreSQL in one query.
BASELINE_SQL = """
SELECT json_build_object(
  'id', e.public_id, 'url', 'http://127.0.0.1/api/v1/events/' || e.public_id || '/',
  'title', e.title, 'summary', e.summary, 'kind', e.kind,
  'supplier', (SELECT json_build_object('id', a.public_id, 'name', a.name, 'kind', a.kind, 'iso_code', a.iso_code)
               FROM events_actor a WHERE a.id = e.supplier_id),
  'recipient', (SELECT json_build_object('id', a.public_id, 'name', a.name, 'kind', a.kind, 'iso_code', a.iso_code)
                FROM events_actor a WHERE a.id = e.recipient_id),
  'intermediaries', COALESCE((SELECT json_agg(json_build_object('id', a.public_id, 'name', a.name,
                     'kind', a.kind, 'iso_code', a.iso_code)) FROM events_event_intermediaries m
                     JOIN events_actor a ON a.id = m.actor_id WHERE m.event_id = e.id), '[]'),
  'start_date', e.start_date, 'end_date', e.end_date, 'date_precision', e.date_precision,
  'claim_status', e.claim_status, 'review_state', e.review_state, 'version', e.version,
  'published_at', e.published_at, 'created_at', e.created_at, 'updated_at', e.updated_at,
  'items', COALESCE((SELECT json_agg(json_build_object('id', i.id, 'weapon_system', CASE WHEN w.id IS NULL THEN NULL
            ELSE json_build_object('id', w.public_id, 'designation', w.designation, 'category', w.category) END,
            'category', i.category, 'quantity_min', i.quantity_min, 'quantity_max', i.quantity_max,
            'qualifier', i.qualifier, 'original_wording', i.original_wording, 'unit', i.unit, 'note', i.note)
            ORDER BY i.id) FROM events_transferitem i LEFT JOIN events_weaponsystem w ON w.id = i.weapon_system_id
            WHERE i.event_id = e.id), '[]'),
  'locations', COALESCE((SELECT json_agg(json_build_object('id', l.id, 'name', l.name, 'country',
            CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.public_id, 'name', c.name, 'kind', c.kind,
            'iso_code', c.iso_code) END, 'latitude', l.latitude, 'longitude', l.longitude,
            'geo_precision', l.geo_precision, 'role', l.role, 'note', l.note) ORDER BY l.id)
            FROM events_eventlocation l LEFT JOIN events_actor c ON c.id = l.country_id WHERE l.event_id = e.id), '[]'),
  'violations', COALESCE((SELECT json_agg(json_build_object('id', v.id, 'provision', json_build_object(
            'id', p.public_id, 'label', r.number || ' para ' || p.paragraph, 'paragraph', p.paragraph,
            'resolution', r.number, 'regime', g.slug), 'rationale', v.rationale, 'assessment', v.assessment,
            'assessed_by', NULL) ORDER BY v.id) FROM events_violation v JOIN events_provision p ON p.id = v.provision_id
            JOIN events_resolution r ON r.id = p.resolution_id JOIN events_sanctionsregime g ON g.id = r.regime_id
            WHERE v.event_id = e.id), '[]'),
  'citations', COALESCE((SELECT json_agg(json_build_object('id', t.id, 'document', json_build_object(
            'id', d.public_id, 'title', d.title, 'url', d.url, 'kind', d.kind, 'language', d.language,
            'published_at', d.published_at, 'publisher', json_build_object('id', pb.public_id, 'name', pb.name,
            'kind', pb.kind, 'reliability', pb.reliability)), 'stance', t.stance, 'claimant',
            json_build_object('id', ca.public_id, 'name', ca.name, 'kind', ca.kind, 'iso_code', ca.iso_code),
            'excerpt', t.excerpt, 'locator', t.locator, 'credibility', t.credibility, 'reliability', t.reliability,
            'admiralty_rating', t.reliability || t.credibility, 'note', t.note) ORDER BY t.id)
            FROM events_citation t JOIN sources_document d ON d.id = t.document_id
            LEFT JOIN sources_publisher pb ON pb.id = d.publisher_id LEFT JOIN events_actor ca ON ca.id = t.claimant_id
            WHERE t.event_id = e.id), '[]'),
  'links', COALESCE((SELECT json_agg(json_build_object('id', k.id, 'target', json_build_object('id', x.public_id,
            'title', x.title, 'kind', x.kind, 'start_date', x.start_date), 'relation', k.relation,
            'rationale', k.rationale) ORDER BY k.id) FROM events_eventlink k JOIN events_event x ON x.id = k.target_id
            WHERE k.event_id = e.id AND x.review_state = 'published'), '[]'),
  'review', NULL)
FROM events_event e
WHERE e.review_state = 'published'
ORDER BY e.start_date DESC, e.id DESC
LIMIT 101
"""


def _time_baseline() -> tuple[float, int]:
    from django.db import connection

    def once() -> str:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL)
            rows = [row[0] for row in cursor.fetchall()]
        return json.dumps({"next": None, "previous": None, "results": rows[:100]})

    for _ in range(3):
        once()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        body = once()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(body.encode())


# Load test -------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _load_test() -> None:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "tracker.wsgi:application", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--timeout", "60", "--log-level", "warning"], cwd=ROOT)
    url = f"http://127.0.0.1:{port}{PAGE}"
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz")
        wrk = shutil.which("wrk")
        if wrk:
            tool = "wrk"
            requests_per_second, p50, p99, errors = _run_wrk(wrk, url)
        else:
            tool = "a Python load generator (threads)"
            requests_per_second, p50, p99, errors = _run_python_load(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"gunicorn, {WORKERS} workers, {tool}, {CONNECTIONS} connections, {LOAD_SECONDS} s on {PAGE}: "
        f"{requests_per_second:.1f} requests/s, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"{errors} errors (target 0)",
        flush=True,
    )


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server on loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def _run_wrk(wrk: str, url: str) -> tuple[float, float, float, int]:
    output = subprocess.run(
        [wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{LOAD_SECONDS}s", "--timeout", "30s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests_per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _seconds(re.search(r"50%\s+(\S+)", output).group(1))
    p99 = _seconds(re.search(r"99%\s+(\S+)", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(value) for value in match.groups())
    return requests_per_second, p50, p99, errors


def _run_python_load(url: str) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + LOAD_SECONDS

    def worker() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
                    response.read()
                    ok = response.status == 200
            except OSError:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return (
        len(latencies) / LOAD_SECONDS,
        latencies[len(latencies) // 2],
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        errors[0],
    )
