"""Measuring the relevance scorer and the story clustering against labelled sets.

Shared by the tests (which assert the targets) and ``bench/relevance.py``
(which prints the figures). The labelled sets live in tests/relevance/data and
tests/clustering/data.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass(frozen=True)
class Metrics:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def count(self) -> int:
        return self.true_positives + self.false_positives + self.false_negatives + self.true_negatives


def confusion(pairs: Iterable[tuple[bool, bool]]) -> Metrics:
    """Metrics from (expected, predicted) pairs."""
    counts = {(True, True): 0, (False, True): 0, (True, False): 0, (False, False): 0}
    for expected, predicted in pairs:
        counts[(bool(expected), bool(predicted))] += 1
    return Metrics(counts[(True, True)], counts[(False, True)], counts[(True, False)], counts[(False, False)])


@dataclass(frozen=True)
class RelevanceReport:
    overall: Metrics
    by_split: dict[str, Metrics]
    by_language: dict[str, Metrics]
    hard_negatives_kept_out: tuple[int, int]  # (kept out, total)
    direction_correct: tuple[int, int]  # relevant items whose supplier and recipient were both right
    errors: list[dict]


def evaluate_relevance(rows: list[dict], predict: Callable[[dict], tuple[bool, str | None, str | None]]):
    """Score every labelled row; ``predict(row)`` returns (is_candidate, supplier, recipient)."""
    outcomes = []
    errors = []
    direction_right = direction_total = hard_out = hard_total = 0
    for row in rows:
        is_candidate, supplier, recipient = predict(row)
        outcomes.append((row, is_candidate))
        if is_candidate != row["relevant"]:
            errors.append({**row, "predicted": is_candidate})
        if row["kind"].startswith("hard-negative"):
            hard_total += 1
            hard_out += not is_candidate
        if row["relevant"] and row.get("supplier"):
            direction_total += 1
            if (supplier, recipient) == (row["supplier"], row.get("recipient")):
                direction_right += 1
            else:
                errors.append({**row, "predicted_direction": (supplier, recipient)})

    def metrics(selected: Iterable[tuple[dict, bool]]) -> Metrics:
        return confusion((row["relevant"], predicted) for row, predicted in selected)

    return RelevanceReport(
        overall=metrics(outcomes),
        by_split={
            split: metrics(o for o in outcomes if o[0]["split"] == split)
            for split in sorted({row["split"] for row in rows})
        },
        by_language={
            language: metrics(o for o in outcomes if o[0]["language"] == language)
            for language in sorted({row["language"] for row in rows})
        },
        hard_negatives_kept_out=(hard_out, hard_total),
        direction_correct=(direction_right, direction_total),
        errors=errors,
    )


def pairwise_metrics(labels: dict[str, str], clusters: dict[str, str]) -> Metrics:
    """Pairwise precision and recall of a clustering: a pair is positive when both items share a cluster.

    ``labels`` maps item id to its true story, ``clusters`` to the predicted cluster.
    """
    pairs = ((labels[a] == labels[b], clusters[a] == clusters[b]) for a, b in combinations(sorted(labels), 2))
    return confusion(pairs)
