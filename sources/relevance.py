"""Relevance scoring: does an article report an arms transfer involving a sanctioned party?

Or its use, its evidence, or a denial of it. DPRK and Iran are the sanctioned
parties, Russia the usual counterpart. The scorer finds names and cue words
(sources/_terms.py, plus the actor and weapon-system aliases of the reference
data) in one scan per field, turns them into a handful of features (is a
sanctioned party named, with weapons, with transfer or use wording, in the same
sentence; are there signs of a missile test, tourism, a legal sale or arms
production), and weighs them into a score in [0, 1]. The weights were chosen
by measurement on a labelled development set; docs/relevance.md tells how and
how well they do on the held-out set.

The terms come from the database when it holds reference data (operators add
aliases there), else from events/reference_data.py. They are compiled once and
cached; ``reset_term_cache`` drops the cache after reference data changes, and
a cached table older than ``RELEVANCE_TERMS_MAX_AGE`` seconds (default 600) is
rebuilt, so worker processes pick up new aliases without a restart.
"""

import math
import re
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError

from sources import _terms
from sources._term_table import (
    DEBRIS,
    DENIAL,
    FRONT,
    IMPLIED,
    NEGATIVE,
    PARTY_MASK,
    RESOLUTION,
    SANCTIONED,
    SENTENCE_END,
    STRIKE,
    TRANSFER,
    WEAPON,
    WEAPON_GENERIC,
    WEAPON_SPECIFIC,
    TermEntry,
    TermTable,
    build_term_table,
    database_aliases,
    fold,
    reference_aliases,
)
from sources._term_table import tail_allowed as _tail_allowed

CANDIDATE_THRESHOLD = 0.5


@dataclass(frozen=True)
class TermMatch:
    """A matched term, with offsets into its field so that the triage screen can highlight it."""

    term: str  # the matched text as it appears
    start: int
    end: int
    field: str  # "title" or "text"
    kind: str  # actor, weapon, resolution, transfer, use, denial, negative
    ref: str  # ISO code, weapon designation (or category of a generic word), resolution number, or cue name


@dataclass(frozen=True)
class Relevance:
    is_candidate: bool
    score: float
    matches: tuple[TermMatch, ...]
    supplier: str | None
    recipient: str | None
    categories: tuple[str, ...]
    resolutions: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "is_candidate": self.is_candidate,
            "score": self.score,
            "matches": [asdict(match) for match in self.matches],
            "supplier": self.supplier,
            "recipient": self.recipient,
            "categories": list(self.categories),
            "resolutions": list(self.resolutions),
        }


# --- the term table -------------------------------------------------------------------------------------------

_lock = threading.Lock()
_cached: tuple[float, TermTable] | None = None  # (monotonic time it expires, table)


def reset_term_cache() -> None:
    """Forget the compiled terms; the next article rebuilds them from the current reference data."""
    global _cached
    with _lock:
        _cached = None


def _load_table() -> TermTable:
    try:
        loaded = database_aliases()
    except DatabaseError:  # no database yet (before migrate): the shipped reference data still works
        loaded = None
    aliases, numbers = loaded or reference_aliases()
    return build_term_table(aliases, numbers)


def term_table() -> TermTable:
    """The compiled terms, built on first use and rebuilt when older than RELEVANCE_TERMS_MAX_AGE seconds."""
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() < cached[0]:
        return cached[1]
    with _lock:
        if _cached is None or time.monotonic() >= _cached[0]:
            table = _load_table()
            _cached = (time.monotonic() + settings.RELEVANCE_TERMS_MAX_AGE, table)
        return _cached[1]


# --- matching -------------------------------------------------------------------------------------------------

_RESOLUTION_BEFORE = re.compile(
    "(?:{cues})\\w*(?:[\\s\\d,()/\"'«»、・-]|{fillers})*$".format(
        cues="|".join(re.escape(cue) for cue in _terms.RESOLUTION_CUES),
        fillers="|".join(re.escape(filler) for filler in _terms.RESOLUTION_FILLERS),
    )
)


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789абвгдежзийклмнопрстуфхцчшщъыьэюяіїєґ'")
_TAIL = re.compile(r"[a-zа-яіїєґ']+")


class _Hit(NamedTuple):
    start: int
    end: int
    field: str
    sentence: int  # 0 is the title, then the text's sentences
    tail: str  # letters after the matched core: an inflection or suffix
    entry: TermEntry
    term: str


# tuple.__new__ skips the NamedTuple's Python-level constructor: a third of the cost, on a per-term hot path.
_new_hit = partial(tuple.__new__, _Hit)


def _find(table: TermTable, value: str, folded: str, field: str, sentence: int) -> tuple[list[_Hit], int]:
    """Every term in one field (``folded`` is ``fold(value)``), and the index of the field's last sentence."""
    if not value:
        return [], sentence
    length = len(folded)
    values = table.values
    hits: list[_Hit] = []
    for index, start, end in table.automaton.find_matches_as_indexes(folded):
        spaced, entries = values[index]
        if entries[0] is SENTENCE_END:
            # A full stop after a lone capital (N. Korea, U.S.) ends no sentence.
            if not (
                folded[start] == "." and start >= 2 and value[start - 1].isupper() and not value[start - 2].isalpha()
            ):
                sentence += 1
            continue
        tail = ""
        if spaced:
            if start and folded[start - 1] in _WORD_CHARS:
                continue
            if end < length and folded[end] in _WORD_CHARS:
                if folded[end].isdigit():
                    continue  # KN-23 is not KN-230
                found = _TAIL.match(folded, end)
                tail = found.group()
                end = found.end()
        term = value[start:end]
        for entry in entries:
            if tail and not _tail_allowed(entry, tail):  # every rule accepts a bare core
                continue
            if entry.kind == "resolution" and not _names_a_resolution(folded, start, end):
                continue
            hits.append(_new_hit((start, end, field, sentence, tail, entry, term)))
    return hits, sentence


def _names_a_resolution(folded: str, start: int, end: int) -> bool:
    """1718 is a resolution in "resolution 1718", "1718호", "決議1718号", not in "in 1718 soldiers"."""
    return folded.startswith(_terms.RESOLUTION_SUFFIXES, end) or bool(
        _RESOLUTION_BEFORE.search(folded[max(0, start - 60) : start])
    )


# --- features and score ---------------------------------------------------------------------------------------

# Weights of the rule score, chosen on the development set (see docs/relevance.md).
WEIGHTS: dict[str, float] = {
    "bias": -4.0,
    "sanctioned": 1.5,
    "sanctioned_implied": 0.8,
    "counterpart": 1.0,
    "front": 0.4,
    "weapon_specific": 1.2,
    "weapon_generic": 0.6,
    "transfer": 1.0,
    "use": 0.5,
    "debris": 0.6,
    "denial": 0.5,
    "resolution": 0.8,
    "key_sentence": 1.6,
    "key_window": 1.0,
    "title_key": 0.6,
    "test": -1.4,
    "tourism": -1.6,
    "culture": -1.2,
    "sale": -1.0,
    "production": -0.5,
    "domestic-weapon": -0.8,
}
NO_SANCTIONED_PARTY_CAP = 0.2


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def _features(hits: list[_Hit]) -> tuple[dict[str, float], dict[int, int]]:
    """The article's features, and the OR of its terms' flags in each sentence."""
    by_sentence: dict[int, int] = {}
    transfers = 0
    for hit in hits:
        flags = hit.entry.flags
        by_sentence[hit.sentence] = by_sentence.get(hit.sentence, 0) | flags
        if flags & TRANSFER:
            transfers += 1
    seen = 0
    key_sentences = set()
    key_windows = False
    production_ok = 0
    for sentence, flags in by_sentence.items():
        seen |= flags
        if _is_key(flags):
            key_sentences.add(sentence)
        elif sentence and _is_key(flags | by_sentence.get(sentence + 1, 0)):
            key_windows = True
        if not flags & (SANCTIONED | IMPLIED):
            production_ok |= flags & NEGATIVE["production"]
    sanctioned = bool(seen & SANCTIONED)
    parties = (seen & PARTY_MASK).bit_count()
    features: dict[str, float] = {
        "sanctioned": float(sanctioned),
        "sanctioned_implied": float(not sanctioned and bool(seen & IMPLIED)),
        "counterpart": float(parties >= 2 or (parties == 1 and not sanctioned)),
        "front": float(bool(seen & FRONT)),
        "weapon_specific": float(bool(seen & WEAPON_SPECIFIC)),
        "weapon_generic": float(bool(seen & WEAPON_GENERIC) and not seen & WEAPON_SPECIFIC),
        "transfer": min(transfers, 3) / 3,
        "use": float(bool(seen & STRIKE)),
        "debris": float(bool(seen & DEBRIS)),
        "denial": float(bool(seen & DENIAL)),
        "resolution": float(bool(seen & RESOLUTION)),
        "key_sentence": float(bool(key_sentences)),
        "key_window": float(key_windows and not key_sentences),
        "title_key": float(0 in key_sentences),
    }
    for name, flag in NEGATIVE.items():
        features[name] = float(bool(seen & flag))
    # "Made in the DPRK" is not arms production in Europe: production wording counts only away from the parties.
    features["production"] = float(bool(production_ok))
    return features, by_sentence


def _is_key(flags: int) -> bool:
    """A sanctioned party, weapons, and transfer, use, evidence or denial wording (or both parties) together."""
    return bool(
        flags & (SANCTIONED | IMPLIED)
        and flags & WEAPON
        and (flags & (TRANSFER | STRIKE | DEBRIS | DENIAL | FRONT) or (flags & PARTY_MASK).bit_count() >= 2)
    )


def _score(features: dict[str, float]) -> float:
    total = WEIGHTS["bias"] + sum(WEIGHTS.get(name, 0.0) * value for name, value in features.items())
    score = _sigmoid(total)
    if not features["sanctioned"] and not features["sanctioned_implied"]:
        score = min(score, NO_SANCTIONED_PARTY_CAP)
    return round(score, 4)


# --- supplier and recipient -----------------------------------------------------------------------------------

# The words right before a party's name: "from North Korea", "supplied by Iran", "to Russia", "в Россию".
_BEFORE = re.compile(
    r"(?:(?P<source>from|из|от|з|із|від|(?:suppl\w*|made|produced|provided|sent|shipped|delivered) by)"
    r"|(?P<destination>to|for|для|до)|(?P<into>в|во|у))(?: the)? $"
)
_MENTIONS_READ = 4  # per party and field: enough to decide, and a long article costs no more
_TELLING = WEAPON | TRANSFER | STRIKE | DEBRIS | DENIAL
_ACCUSATIVE_TAILS = frozenset({"ю", "у", "ію"})
_SUPPLIER_AFTER = ("산", "제", "에서", "로부터", "으로부터", "製", "から", "より", "-made", "-supplied", "-produced")
_RECIPIENT_AFTER = ("에게", "측에", "에 ", "에,", "으로", "로 ", "に", "へ", "向け")
_SUPPLIER_TERMS = ("산", "제", "製")  # 북한산, 이란제, 北朝鮮製: made in
_RECIPIENT_TERMS = frozenset({"대러", "対露", "対ロ"})  # towards Russia
_ADJECTIVE_TAILS = frozenset({"n", "an", "ian", "'s"})
_ADJECTIVE_ENDINGS = ("ск", "ськ", "korean", "iranian", "russian", "'s")
_ACQUIRE_REFS = frozenset({"acquire"})
_TRANSFER_OUT_REFS = frozenset({"supply", "ship", "deliver", "transfer"})
# Prior belief before any wording is read: sanctioned parties send, Russia receives.
_SUPPLIER_PRIOR = {"KP": 0.6, "IR": 0.6}
_RECIPIENT_PRIOR = {"RU": 0.6}


def _direction(
    hits: list[_Hit], folded_fields: dict[str, str], by_sentence: dict[int, int], use_context: bool
) -> tuple[str | None, str | None]:
    """Who sends to whom: read from prepositions, case endings, particles and word order around each party.

    Only sentences that speak of weapons, transfers, use, evidence or denial are read for direction; the
    others (background, reactions) name the parties without saying who sent what.
    """
    supplier_votes: dict[str, float] = defaultdict(float)
    recipient_votes: dict[str, float] = defaultdict(float)
    participants: set[str] = set()
    systems_seen: set[str] = set()
    for field, folded in folded_fields.items():
        field_hits = [hit for hit in hits if hit.field == field]
        mentions: dict[str, int] = defaultdict(int)
        for index, hit in enumerate(field_hits):
            entry = hit.entry
            if entry.kind == "weapon" and entry.specific and entry.origin in _terms.COUNTERPARTS:
                if entry.ref not in systems_seen:  # a named system says where it comes from
                    systems_seen.add(entry.ref)
                    supplier_votes[entry.origin] += 1.5
                    participants.add(entry.origin)
                continue
            if entry.kind != "actor" or entry.ref not in _terms.COUNTERPARTS:
                continue
            iso = entry.ref
            participants.add(iso)
            if not by_sentence[hit.sentence] & _TELLING:
                continue
            mentions[iso] += 1
            if mentions[iso] > _MENTIONS_READ:
                continue
            _vote_around(hit, iso, folded, field_hits, index, supplier_votes, recipient_votes)

    if not participants:
        return None, None
    for iso in participants:
        supplier_votes[iso] += _SUPPLIER_PRIOR.get(iso, 0.0)
        recipient_votes[iso] += _RECIPIENT_PRIOR.get(iso, 0.0)
    supplier = max(sorted(participants), key=lambda iso: supplier_votes[iso] - recipient_votes[iso])
    if supplier_votes[supplier] <= 0:
        supplier = None
    others = sorted(iso for iso in participants if iso != supplier)
    recipient = max(others, key=lambda iso: recipient_votes[iso] - supplier_votes[iso]) if others else None
    if supplier and recipient is None and use_context and supplier != "RU":
        recipient = "RU"  # a sanctioned party's weapons used against Ukraine were fired by Russia
    return supplier, recipient


def _vote_around(
    hit: _Hit,
    iso: str,
    folded: str,
    field_hits: list[_Hit],
    index: int,
    supplier_votes: dict[str, float],
    recipient_votes: dict[str, float],
) -> None:
    start, end = hit.start, hit.end
    before = folded[max(0, start - 24) : start]
    after = folded[end : end + 8]
    word = folded[start:end]  # the core and its tail
    core = word[: len(word) - len(hit.tail)]
    if core.endswith(_SUPPLIER_TERMS):
        supplier_votes[iso] += 2.0
    elif core in _RECIPIENT_TERMS:
        recipient_votes[iso] += 2.0
    preposition = _BEFORE.search(before)
    passive = bool(preposition and preposition.group("source"))
    if passive:
        supplier_votes[iso] += 2.0
    elif preposition and (preposition.group("destination") or hit.tail in _ACCUSATIVE_TAILS):
        recipient_votes[iso] += 2.0
    if after.startswith(_SUPPLIER_AFTER):
        supplier_votes[iso] += 2.0
    elif after.startswith(_RECIPIENT_AFTER):
        recipient_votes[iso] += 1.5
    adjective = (
        hit.tail in _ADJECTIVE_TAILS
        or word.endswith(_ADJECTIVE_ENDINGS)
        or core.endswith(_ADJECTIVE_ENDINGS)
        or hit.tail.startswith(_ADJECTIVE_ENDINGS)
    )
    for other in field_hits[index + 1 : index + 4]:
        if other.sentence != hit.sentence:
            break
        gap = other.start - end
        if adjective and other.entry.kind == "weapon" and gap <= 30:
            supplier_votes[iso] += 1.5  # North Korean missiles, иранские дроны
            break
        if other.entry.kind == "transfer" and gap <= 40:
            if other.entry.ref in _ACQUIRE_REFS:
                recipient_votes[iso] += 1.0  # Russia received, Россия получила
            elif other.entry.ref in _TRANSFER_OUT_REFS:
                supplier_votes[iso] += 1.0  # North Korea shipped, КНДР передала
            break
    for other in field_hits[max(0, index - 2) : index]:
        if (
            not passive
            and other.entry.kind == "transfer"
            and other.entry.ref in _TRANSFER_OUT_REFS
            and other.sentence == hit.sentence
            and start - other.end <= 25
        ):
            recipient_votes[iso] += 1.0  # supplied Russia, передала России


def _term_match(hit: _Hit) -> TermMatch:
    """A TermMatch, built without the frozen dataclass's per-field ``object.__setattr__`` (three times faster)."""
    match = object.__new__(TermMatch)
    match.__dict__.update(
        term=hit.term, start=hit.start, end=hit.end, field=hit.field, kind=hit.entry.kind, ref=hit.entry.ref
    )
    return match


# --- the public function --------------------------------------------------------------------------------------


def score_article(title: str, text: str, language: str = "") -> Relevance:
    """Score one article: title and plain text (not HTML). ``language`` is a hint; all five are matched."""
    table = term_table()
    title = title or ""
    text = text or ""
    folded = {"title": fold(title), "text": fold(text)}
    title_hits, _ = _find(table, title, folded["title"], "title", 0)
    text_hits, _ = _find(table, text, folded["text"], "text", 1)
    hits = title_hits + text_hits
    features, by_sentence = _features(hits)
    score = _score(features)
    supplier = recipient = None
    if score >= CANDIDATE_THRESHOLD:
        use_context = bool(features["use"] or features["front"])
        supplier, recipient = _direction(hits, folded, by_sentence, use_context)
    categories = sorted({hit.entry.category for hit in hits if hit.entry.kind == "weapon" and hit.entry.category})
    resolutions = sorted({hit.entry.ref for hit in hits if hit.entry.kind == "resolution"})
    return Relevance(
        is_candidate=score >= CANDIDATE_THRESHOLD,
        score=score,
        matches=tuple(map(_term_match, hits)),
        supplier=supplier,
        recipient=recipient,
        categories=tuple(categories),
        resolutions=tuple(resolutions),
    )
