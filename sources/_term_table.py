"""The compiled term table: every name and cue in one Aho-Corasick automaton.

A table is built once per process (and again after ``reset_term_cache`` or
when it is older than ``RELEVANCE_TERMS_MAX_AGE`` seconds), never per article.
One pass of the automaton (ahocorasick-rs, leftmost-longest) over each field
finds every term, every resolution number and every sentence end, however
many names and cues there are: a regular expression with the same thousand
alternatives, folded into a trie, was measured twenty times slower.

Matching rules, by script:

* Latin and Cyrillic terms start at a word boundary. A name may take an
  English suffix (Iran -> Iranian, Russia's) or, in Russian and Ukrainian, an
  inflection of up to five letters on its last word (Северная Корея ->
  Северной Кореи); inner words of two-word names are expanded to their
  common case endings. Cues ending in ``*`` are stems.
* Korean and Japanese terms match anywhere: no spaces in Japanese, particles
  glued to nouns in Korean.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick_rs

from sources import _terms

# Length-preserving normalisation, so that offsets into the normalised text are offsets into the original.
# Applied with str.replace, one character at a time: str.translate with a table takes a dictionary look-up per
# character on non-ASCII text and was measured ten times slower on a 200-word article.
_FOLDED_CHARACTERS = (
    ("\u3000", " "),
    ("\u00a0", " "),
    ("\t", " "),
    ("\n", " "),
    ("\r", " "),
    ("\u2010", "-"),
    ("\u2011", "-"),
    ("\u2012", "-"),
    ("\u2013", "-"),
    ("\u2014", "-"),
    ("\u2212", "-"),
    ("\u2019", "'"),
    ("\u02bc", "'"),
    ("ё", "е"),
)
FULL_WIDTH = re.compile("[\uff01-\uff5e]")
_FULL_WIDTH_TO_ASCII = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
FOLD_TABLE = str.maketrans({**_FULL_WIDTH_TO_ASCII, **dict(_FOLDED_CHARACTERS), "Ё": "е"})


def fold(text: str) -> str:
    """Lower-case and fold look-alike characters, keeping every character at its offset."""
    folded = text.lower()
    if len(folded) != len(text):  # a few characters lower-case to two (İ); keep one
        return "".join(char.translate(FOLD_TABLE).lower()[:1] or " " for char in text)
    for character, replacement in _FOLDED_CHARACTERS:
        folded = folded.replace(character, replacement)
    if FULL_WIDTH.search(folded):  # Japanese text may write Latin letters and digits full width
        folded = FULL_WIDTH.sub(lambda found: _FULL_WIDTH_TO_ASCII[found.group()], folded)
    return folded


_SPACED = re.compile(r"[a-z0-9а-яіїєґ]")
_EN_SUFFIXES = frozenset({"", "s", "'s", "n", "ns", "an", "ans", "ian", "ians", "n's", "es"})
_CYRILLIC = re.compile(r"[а-яіїєґ]")
_VOWEL_END = re.compile(r"(?:ая|ое|ые|ий|ый|ой|ія|іє|я|а|о|е|и|ы|у|ю|ь|й|і|ї|є)$")
_INNER_ENDINGS = (
    "", "а", "я", "ы", "и", "у", "ю", "е", "ой", "ей", "ая", "ую", "ого", "ому", "ым", "ом", "ых",
    "ою", "ої", "ій", "ий", "ый", "і", "ої", "ього", "ьої", "ня", "ні",
)  # fmt: skip


# Feature flags of a term, OR-ed per sentence by the scorer.
SANCTIONED = 1 << 0  # names a sanctioned party
IMPLIED = 1 << 1  # names a system made by a sanctioned party (KN-23, Shahed-136)
FRONT = 1 << 2  # Ukraine or a place on the front
WEAPON = 1 << 3
WEAPON_SPECIFIC = 1 << 4
WEAPON_GENERIC = 1 << 5
TRANSFER = 1 << 6
STRIKE = 1 << 7
DEBRIS = 1 << 8
DENIAL = 1 << 9
RESOLUTION = 1 << 10
NEGATIVE = {ref: 1 << (11 + index) for index, ref in enumerate(_terms.NEGATIVE_CUES)}
PARTY = {iso: 1 << (20 + index) for index, iso in enumerate(sorted(_terms.COUNTERPARTS))}
PARTY_MASK = sum(PARTY.values())


@dataclass(frozen=True)
class TermEntry:
    """What a matched core means: one core (КНДР) may stand for one term in several kinds or languages."""

    kind: str  # actor, weapon, resolution, transfer, use, denial, negative
    ref: str  # ISO code, designation or category, cue name
    rule: str  # exact, en, stem, inflect, cjk
    category: str = ""  # weapons: events.choices.WeaponCategory value
    origin: str = ""  # weapons: ISO code of the country of origin
    specific: bool = False  # weapons: a named system, not a generic word
    flags: int = 0

    @classmethod
    def of(
        cls, kind: str, ref: str, rule: str, category: str = "", origin: str = "", specific: bool = False
    ) -> "TermEntry":
        return cls(kind, ref, rule, category, origin, specific, _flags(kind, ref, origin, specific))


def _flags(kind: str, ref: str, origin: str, specific: bool) -> int:
    if kind == "actor":
        return (SANCTIONED if ref in _terms.SANCTIONED else 0) | PARTY.get(ref, 0) | (FRONT if ref == "UA" else 0)
    if kind == "weapon":
        flags = WEAPON | (WEAPON_SPECIFIC if specific else WEAPON_GENERIC)
        return flags | (IMPLIED if specific and origin in _terms.SANCTIONED else 0)
    if kind == "use":
        return {"front": FRONT, "debris": DEBRIS}.get(ref, STRIKE)
    if kind == "negative":
        return NEGATIVE[ref]
    return {"transfer": TRANSFER, "denial": DENIAL, "resolution": RESOLUTION}.get(kind, 0)


@dataclass(frozen=True)
class AliasRow:
    """One name of an actor or weapon system, as the reference data or the database holds it."""

    name: str
    kind: str  # actor or weapon
    ref: str  # ISO code (actors) or designation (weapons)
    category: str = ""
    origin: str = ""


# Automaton keys that end a sentence rather than name a term (fold() has turned line breaks into spaces).
SENTENCE_ENDS = (". ", "!", "?", "。")
SENTENCE_END = TermEntry("sentence", "", "cjk")


@dataclass
class TermTable:
    automaton: ahocorasick_rs.AhoCorasick
    keys: list[str]  # the folded cores the automaton finds
    values: list[tuple[bool, tuple[TermEntry, ...]]]  # per key: (spaced, entries)


def _is_spaced(core: str) -> bool:
    return bool(_SPACED.match(core))


def _inflected_variants(name: str) -> list[tuple[str, str]]:
    """(core, rule) pairs for a Russian or Ukrainian name: inflect inner words, stem the last one.

    ``name`` keeps its original case, since acronyms (КНДР, РФ) do not inflect.
    """
    words = name.split()
    last = words[-1]
    if any(char.isdigit() for char in last) or (last.upper() == last and len(last) <= 6):
        last_core, rule = fold(last), "exact"
    else:
        stem = _VOWEL_END.sub("", fold(last))
        last_core, rule = (stem, "inflect") if len(stem) >= 3 else (fold(last), "exact")
    inner_variants: list[list[str]] = [[]]
    for word in words[:-1]:
        lowered = fold(word)
        if len(words) == 2 and len(lowered) >= 5 and not any(char.isdigit() for char in lowered):
            stem = _VOWEL_END.sub("", lowered)
            forms = sorted({stem + ending for ending in _INNER_ENDINGS})
        else:
            forms = [lowered]
        inner_variants = [[*prefix, form] for prefix in inner_variants for form in forms]
    return [(" ".join([*prefix, last_core]), rule) for prefix in inner_variants]


def _name_variants(name: str) -> list[tuple[str, str]]:
    name = " ".join(name.split())
    folded = fold(name)
    if not folded:
        return []
    if not _is_spaced(folded):
        return [(folded, "cjk")]
    variants = [name]
    if re.search(r"[A-Za-z0-9]-[0-9A-Za-z]", name):  # KN-23 is also written KN23 and KN 23
        variants += [name.replace("-", ""), name.replace("-", " ")]
    out: list[tuple[str, str]] = []
    for variant in variants:
        if _CYRILLIC.search(fold(variant)):
            out += _inflected_variants(variant)
        elif any(char.isdigit() for char in variant):
            out.append((fold(variant), "exact"))
        else:
            out.append((fold(variant), "en"))
    return out


def _cue_variants(cue: str) -> list[tuple[str, str]]:
    cue = fold(cue)
    if not _is_spaced(cue):
        return [(cue.rstrip("*"), "cjk")]
    if cue.endswith("*"):
        return [(cue[:-1], "stem")]
    return [(cue, "exact")]


def build_term_table(aliases: Iterable[AliasRow], resolution_numbers: Iterable[str]) -> TermTable:
    """Compile aliases, the cue lexicon and resolution numbers into one table."""
    entries: dict[str, dict[tuple[str, str], TermEntry]] = defaultdict(dict)

    def add(core: str, entry: TermEntry) -> None:
        if core:
            entries[core].setdefault((entry.kind, entry.ref), entry)

    for row in aliases:
        for core, rule in _name_variants(row.name):
            add(core, TermEntry.of(row.kind, row.ref, rule, row.category, row.origin, specific=row.kind == "weapon"))
    for iso, names in _terms.EXTRA_ACTOR_NAMES.items():
        for name in names:
            for core, rule in _cue_variants(name):
                add(core, TermEntry.of("actor", iso, rule))
    for category, cues in _terms.GENERIC_WEAPONS.items():
        for cue in cues:
            for core, rule in _cue_variants(cue):
                add(core, TermEntry.of("weapon", category, rule, category))
    for cue_set in _terms.CUE_SETS:
        for ref, cues in cue_set.lexicon.items():
            for cue in cues:
                for core, rule in _cue_variants(cue):
                    add(core, TermEntry.of(cue_set.kind, ref, rule))

    for number in resolution_numbers:
        if number.isdigit():
            add(number, TermEntry.of("resolution", number, "exact"))
    for marker in SENTENCE_ENDS:
        entries[marker][("sentence", "")] = SENTENCE_END
    keys = list(entries)
    return TermTable(
        automaton=ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest),
        keys=keys,
        values=[(_is_spaced(key), tuple(entries[key].values())) for key in keys],
    )


def tail_allowed(entry: TermEntry, tail: str) -> bool:
    """Whether the letters after a matched core may belong to this term: a suffix, an inflection, a stem's end."""
    if entry.rule in ("exact", "cjk"):
        return tail == ""
    if entry.rule == "en":
        return tail in _EN_SUFFIXES
    if entry.rule == "inflect":
        return len(tail) <= 5
    return len(tail) <= 12  # stem


def reference_aliases() -> tuple[list[AliasRow], list[str]]:
    """Aliases and resolution numbers from the reference data shipped with the code."""
    from events import reference_data

    rows: list[AliasRow] = []
    for state in reference_data.STATES:
        rows.append(AliasRow(state.name, "actor", state.iso_code))
        rows += [AliasRow(name, "actor", state.iso_code) for names in state.aliases.values() for name in names]
    for actor in reference_data.ACTORS:
        ref = actor.country or actor.name
        rows.append(AliasRow(actor.name, "actor", ref))
        rows += [AliasRow(name, "actor", ref) for names in actor.aliases.values() for name in names]
    for system in reference_data.WEAPON_SYSTEMS:
        names = [system.designation, *(name for names in system.aliases.values() for name in names)]
        rows += [AliasRow(name, "weapon", system.designation, str(system.category), system.origin) for name in names]
    numbers = [resolution.number for regime in reference_data.REGIMES for resolution in regime.resolutions]
    return rows, numbers


def database_aliases() -> tuple[list[AliasRow], list[str]] | None:
    """Aliases and resolution numbers from the database, or None when it holds no reference data yet."""
    from events.models import Actor, ActorAlias, Resolution, WeaponSystem, WeaponSystemAlias

    if not Actor.objects.exists():
        return None
    rows: list[AliasRow] = []
    actors = Actor.objects.select_related("country").only("name", "iso_code", "country__iso_code")
    for actor in actors:
        rows.append(AliasRow(actor.name, "actor", _actor_ref(actor.iso_code, actor.country, actor.name)))
    alias_rows = ActorAlias.objects.values_list("name", "actor__iso_code", "actor__country__iso_code", "actor__name")
    for name, iso_code, country_code, actor_name in alias_rows:
        rows.append(AliasRow(name, "actor", iso_code or country_code or actor_name))
    systems = WeaponSystem.objects.values_list("designation", "category", "origin__iso_code")
    for designation, category, origin in systems:
        rows.append(AliasRow(designation, "weapon", designation, category, origin or ""))
    weapon_aliases = WeaponSystemAlias.objects.values_list(
        "name", "weapon_system__designation", "weapon_system__category", "weapon_system__origin__iso_code"
    )
    for name, designation, category, origin in weapon_aliases:
        rows.append(AliasRow(name, "weapon", designation, category, origin or ""))
    numbers = list(Resolution.objects.values_list("number", flat=True))
    return rows, numbers


def _actor_ref(iso_code: str, country, name: str) -> str:
    if iso_code:
        return iso_code
    if country is not None and country.iso_code:
        return country.iso_code
    return name
