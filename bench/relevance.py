"""Relevance scoring and story clustering: quality on the labelled sets, and speed.

``python -m bench relevance`` prints:

* the scorer's precision, recall and F1 on tests/relevance/data/eval.jsonl,
  overall, per split (dev, held-out, a second held-out set written after the
  scorer was frozen) and per language, beside a keyword baseline (a sanctioned
  party and a weapon word anywhere) and a logistic regression fitted on the
  development split's features;
* the clustering's pairwise precision and recall on
  tests/clustering/data/stories.jsonl, beside exact-duplicate detection
  (a hash of the normalised title and text);
* CPU time per article of ``score_article`` and ``story_signature`` on
  200-word articles, beside the baselines: topical articles (every one about
  arms, sanctions or the war, so dense in matched terms) and general news;
  and of ``story_signatures`` on 50 articles at a time, as ingestion signs a
  feed's new articles.
"""

import hashlib
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE_SET = ROOT / "tests" / "relevance" / "data" / "eval.jsonl"
CLUSTER_SET = ROOT / "tests" / "clustering" / "data" / "stories.jsonl"
GENERAL_NEWS = ROOT / "tests" / "relevance" / "data" / "general_news.jsonl"
TYPICAL_WORDS = 200
TYPICAL_CJK_CHARS = 600  # about the length of a 200-word article in Japanese or Korean
FEED_BATCH = 50  # entries of a feed, signed together by ingestion


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()


def _line(name: str, metrics) -> str:
    return (
        f"  {name:<34} P={metrics.precision:.3f} R={metrics.recall:.3f} F1={metrics.f1:.3f} "
        f"(n={metrics.count}, tp={metrics.true_positives} fp={metrics.false_positives} "
        f"fn={metrics.false_negatives})"
    )


def _keyword_baseline(row: dict) -> tuple[bool, str | None, str | None]:
    """A candidate when any sanctioned party and any weapon word appear: what a plain keyword alert does."""
    from sources._term_table import SANCTIONED, WEAPON
    from sources.relevance import _find, fold, term_table

    table = term_table()
    title, text = row["title"], row["text"]
    hits = _find(table, title, fold(title), "title", 0)[0] + _find(table, text, fold(text), "text", 1)[0]
    flags = 0
    for hit in hits:
        flags |= hit.entry.flags
    return bool(flags & SANCTIONED and flags & WEAPON), None, None


def _fit_logistic(features: np.ndarray, labels: np.ndarray, l2: float = 0.1, steps: int = 3000) -> np.ndarray:
    """Plain L2-regularised logistic regression by gradient descent: the 'small trained model' candidate."""
    design = np.hstack([np.ones((len(features), 1)), features])
    weights = np.zeros(design.shape[1])
    for _ in range(steps):
        predicted = 1 / (1 + np.exp(-design @ weights))
        gradient = design.T @ (predicted - labels) / len(labels) + l2 * np.r_[0, weights[1:]]
        weights -= 0.5 * gradient
    return weights


def relevance_quality() -> None:
    from sources import relevance
    from sources._evaluation import evaluate_relevance, load_jsonl

    rows = load_jsonl(RELEVANCE_SET)
    splits = sorted({row["split"] for row in rows})

    def scorer(row: dict) -> tuple[bool, str | None, str | None]:
        result = relevance.score_article(row["title"], row["text"], row["language"])
        return result.is_candidate, result.supplier, result.recipient

    report = evaluate_relevance(rows, scorer)
    baseline = evaluate_relevance(rows, _keyword_baseline)

    names = None
    vectors = {}
    for row in rows:
        table, title, text = relevance.term_table(), row["title"], row["text"]
        hits = relevance._find(table, title, relevance.fold(title), "title", 0)[0]
        hits += relevance._find(table, text, relevance.fold(text), "text", 1)[0]
        features, _ = relevance._features(hits)
        names = names or sorted(features)
        vectors[row["id"]] = np.array([features[name] for name in names])
    development = [row for row in rows if row["split"] == "dev"]
    weights = _fit_logistic(
        np.array([vectors[row["id"]] for row in development]),
        np.array([float(row["relevant"]) for row in development]),
    )

    def trained(row: dict) -> tuple[bool, str | None, str | None]:
        value = weights[0] + vectors[row["id"]] @ weights[1:]
        return bool(value >= 0), None, None

    learned = evaluate_relevance(rows, trained)

    hard_out, hard_total = report.hard_negatives_kept_out
    right, total = report.direction_correct
    print(f"Relevance: {len(rows)} labelled articles, {hard_total} hard negatives")
    print(_line("rule score, all", report.overall))
    for split in splits:
        print(_line(f"rule score, {split}", report.by_split[split]))
    for language, metrics in report.by_language.items():
        print(_line(f"rule score, language {language}", metrics))
    print(f"  hard negatives kept out: {hard_out}/{hard_total}")
    print(f"  supplier and recipient both right: {right}/{total}")
    print(_line("keyword baseline, all", baseline.overall))
    for split in splits:
        print(_line(f"keyword baseline, {split}", baseline.by_split[split]))
    for split in splits:
        print(_line(f"logistic regression (fit on dev), {split}", learned.by_split[split]))
    for error in report.errors:
        what = error.get("predicted_direction") or ("candidate" if error.get("predicted") else "not a candidate")
        print(f"  error {error['id']} ({error['split']}, {error['kind']}): {what}")


def _cluster(rows: list[dict], signatures: dict) -> dict[str, str]:
    """Incremental clustering as the pipeline does it: candidates share a band, the most similar is joined."""
    from sources import clustering

    index: dict[tuple[int, int], list[str]] = {}
    cluster_of: dict[str, str] = {}
    for row in rows:
        key = row["id"]
        signature = signatures[key]
        candidates = {
            other for band in enumerate(signature.band_hashes) for other in index.get(band, ()) if other != key
        }
        best = max(candidates, key=lambda other: clustering.similarity(signature, signatures[other]), default=None)
        same = best is not None and clustering.is_same_story(signature, signatures[best])
        cluster_of[key] = cluster_of[best] if same else key
        for band in enumerate(signature.band_hashes):
            index.setdefault(band, []).append(key)
    return cluster_of


def _exact_key(row: dict) -> str:
    normal = " ".join(f"{row['title']} {row['text']}".lower().split())
    return hashlib.sha1(normal.encode(), usedforsecurity=False).hexdigest()


def _simhash(row: dict) -> int:
    """A 64-bit SimHash of the same shingles: each bit is the majority vote of the shingles' hashes."""
    from sources import clustering

    shingles = clustering._shingles(row["title"], row["text"], row["language"], clustering.SCHEME).astype(np.uint64)
    if not len(shingles):
        return 0
    spread = shingles * np.uint64(0x9E3779B97F4A7C15)
    spread ^= spread >> np.uint64(29)
    bits = (spread[:, np.newaxis] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
    majority = bits.sum(axis=0) * 2 > len(shingles)
    return int(np.packbits(majority, bitorder="little").view("<u8")[0])


def _cluster_all_pairs(rows: list[dict], similar: Callable[[str, str], float], threshold: float) -> dict[str, str]:
    """Incremental clustering with every earlier article as a candidate (no index): for methods without bands."""
    cluster_of: dict[str, str] = {}
    seen: list[str] = []
    for row in rows:
        key = row["id"]
        best = max(seen, key=lambda other: similar(key, other), default=None)
        cluster_of[key] = cluster_of[best] if best is not None and similar(key, best) >= threshold else key
        seen.append(key)
    return cluster_of


def clustering_quality() -> None:
    from sources import clustering
    from sources._evaluation import load_jsonl, pairwise_metrics

    rows = load_jsonl(CLUSTER_SET)
    stories = {row["story"] for row in rows}
    copies = sum(1 for row in rows if row["edit"] != "original")
    print(
        f"Story clustering: {len(rows)} articles, {len(stories)} stories, {copies} edited copies, {clustering.SCHEME}"
    )
    fingerprints = {row["id"]: _simhash(row) for row in rows}

    def simhash_similarity(a: str, b: str) -> float:
        return 1 - (fingerprints[a] ^ fingerprints[b]).bit_count() / 64

    development = [row for row in rows if row["split"] == "dev"]
    dev_labels = {row["id"]: row["story"] for row in development}
    simhash_threshold = max(
        (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9),
        key=lambda threshold: (
            pairwise_metrics(dev_labels, _cluster_all_pairs(development, simhash_similarity, threshold)).f1
        ),
    )
    for split in ("dev", "heldout"):
        subset = [row for row in rows if row["split"] == split]
        labels = {row["id"]: row["story"] for row in subset}
        signatures = {
            row["id"]: clustering.story_signature(row["title"], row["text"], row["language"]) for row in subset
        }
        print(_line(f"MinHash LSH, {split}", pairwise_metrics(labels, _cluster(subset, signatures))))
        simhash = _cluster_all_pairs(subset, simhash_similarity, simhash_threshold)
        print(_line(f"SimHash >= {simhash_threshold} (dev-chosen), {split}", pairwise_metrics(labels, simhash)))
        print(_line(f"exact duplicates, {split}", pairwise_metrics(labels, {r["id"]: _exact_key(r) for r in subset})))
    for language in sorted({row["language"] for row in rows}):
        subset = [row for row in rows if row["language"] == language]
        labels = {row["id"]: row["story"] for row in subset}
        signatures = {
            row["id"]: clustering.story_signature(row["title"], row["text"], row["language"]) for row in subset
        }
        print(_line(f"MinHash LSH, language {language}", pairwise_metrics(labels, _cluster(subset, signatures))))


def _typical_articles(rows: list[dict]) -> list[tuple[str, str, str]]:
    """Articles of about 200 words (600 characters in Japanese and Korean), built from same-language items.

    Texts alone, without their ``relevant`` labels: only length and wording matter for speed.
    """
    articles = []
    by_language: dict[str, list[dict]] = {}
    for row in rows:
        by_language.setdefault(row["language"], []).append(row)
    for language, items in by_language.items():
        for start in range(len(items)):
            title = items[start]["title"]
            parts: list[str] = []
            index = start
            while True:
                parts.append(items[index % len(items)]["text"])
                text = " ".join(parts)
                size = len(text) if language in ("ja", "ko") else len(text.split())
                if size >= (TYPICAL_CJK_CHARS if language in ("ja", "ko") else TYPICAL_WORDS):
                    break
                index += 1
            articles.append((title, text, language))
    return articles


def _cpu_time_per_call(function: Callable[[str, str, str], object], articles: list, repeats: int = 5) -> float:
    """Best-of-``repeats`` CPU seconds per article: other processes on the machine do not count against it."""
    timings = []
    for _ in range(repeats):
        started = time.process_time()
        for title, text, language in articles:
            function(title, text, language)
        timings.append((time.process_time() - started) / len(articles))
    return min(timings)


def _cpu_time_per_article_in_batches(function: Callable[[list], object], articles: list, repeats: int = 5) -> float:
    """Best-of-``repeats`` CPU seconds per article when ``function`` takes a feed's worth (50) at a time."""
    batches = [articles[start : start + FEED_BATCH] for start in range(0, len(articles), FEED_BATCH)]
    timings = []
    for _ in range(repeats):
        started = time.process_time()
        for batch in batches:
            function(batch)
        timings.append((time.process_time() - started) / len(articles))
    return min(timings)


def _measure(name: str, articles: list[tuple[str, str, str]]) -> None:
    from sources import clustering, relevance

    relevance.score_article(*articles[0])
    measures = {
        "score_article": _cpu_time_per_call(relevance.score_article, articles),
        "keyword baseline": _cpu_time_per_call(
            lambda title, text, language: _keyword_baseline({"title": title, "text": text}), articles
        ),
        "story_signature": _cpu_time_per_call(clustering.story_signature, articles),
        # As ingestion signs a feed's new articles: together, in a few array operations for the batch.
        "story_signatures, 50": _cpu_time_per_article_in_batches(clustering.story_signatures, articles),
        "exact-duplicate hash": _cpu_time_per_call(
            lambda title, text, language: _exact_key({"title": title, "text": text}), articles
        ),
    }
    words = statistics.mean(len(text.split()) for _, text, language in articles if language not in ("ja", "ko"))
    matches = statistics.mean(len(relevance.score_article(*article).matches) for article in articles)
    load = os.getloadavg()[0]
    print(
        f"Speed, {name}: {len(articles)} articles of about {words:.0f} words (600 characters in ja/ko), "
        f"{matches:.0f} matched terms each; CPU time per article, best of 5; load average {load:.1f}"
    )
    for label, seconds in measures.items():
        print(f"  {label:<22} {seconds * 1e6:8.1f} us/article  {1 / seconds:10,.0f} articles/s")
    print(f"  score_article / keyword baseline: {measures['score_article'] / measures['keyword baseline']:.2f}x")
    print(f"  story_signature / exact hash:     {measures['story_signature'] / measures['exact-duplicate hash']:.1f}x")
    batch_ratio = measures["story_signatures, 50"] / measures["exact-duplicate hash"]
    print(f"  story_signatures, 50 / exact hash: {batch_ratio:.1f}x")
    both = measures["score_article"] + measures["story_signatures, 50"]
    print(f"  score and batch signature per article: {both * 1e6:.1f} us, {1 / both:,.0f} articles/s on one core")


def speed() -> None:
    from sources._evaluation import load_jsonl

    _measure("topical news (the labelled set)", _typical_articles(load_jsonl(RELEVANCE_SET)))
    _measure("general news", _typical_articles(load_jsonl(GENERAL_NEWS)) * 10)


def main() -> None:
    _setup()
    relevance_quality()
    clustering_quality()
    speed()


if __name__ == "__main__":
    main()
