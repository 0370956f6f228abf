"""Story clustering: the same wire story carried by many outlets becomes one cluster.

Each article gets a MinHash sketch of its shingles (word n-grams for languages
written with spaces, character n-grams for Japanese and Korean, where words
are not separated or carry particles). The first ``bands * rows`` values are
cut into LSH bands: two articles that share any band hash are candidate copies,
found through an index on the band hashes. The whole sketch then estimates the
Jaccard similarity of the two articles' shingles, and ``is_same_story``
decides. The shingle sizes, bands, rows, sketch size and threshold were chosen
by measurement on the labelled clusters in tests/clustering/data (see
docs/relevance.md and docs/benchmarks.md).

Band hashes are signed 64-bit integers so that they fit a PostgreSQL bigint.
Changing the scheme changes every hash: ``to_bytes`` records the scheme
version, and signatures of different versions are never taken for one story.
"""

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sources._term_table import FOLD_TABLE, FULL_WIDTH


def _constants(purpose: str, count: int) -> np.ndarray:
    """Fixed pseudo-random 64-bit constants.

    From BLAKE2b, not from a random generator whose stream may change between numpy releases: band hashes are
    stored, and must be computed the same way for years.
    """
    digests = (hashlib.blake2b(f"{purpose} {index}".encode(), digest_size=8).digest() for index in range(count))
    return np.frombuffer(b"".join(digests), dtype="<u8").astype(np.uint64)


@dataclass(frozen=True)
class Scheme:
    """How signatures are made. ``version`` must change whenever anything else here does."""

    version: int = 1
    word_shingle: int = 3  # words per shingle, for text written with spaces
    char_shingle: int = 3  # characters per shingle, for Japanese and Korean
    bands: int = 12  # LSH bands: index rows per article
    rows: int = 2  # MinHash values per band
    num_perm: int = 128  # MinHash values kept to estimate similarity
    threshold: float = 0.3  # estimated Jaccard similarity at or above which two articles are one story

    @cached_property
    def permutations(self) -> tuple[np.ndarray, np.ndarray]:
        """The affine maps h -> a * h + b (mod 2^32) of datasketch's "affine32" MinHash with seed 1.

        Drawn as datasketch draws them, from numpy's RandomState (whose stream
        numpy keeps fixed), so the sketches equal datasketch's without importing
        it at run time: it loads scipy, some 60 MB in every process. A test
        holds the two equal.
        """
        generator = np.random.RandomState(1)
        a = generator.randint(0, 1 << 31, self.num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = generator.randint(0, 1 << 32, self.num_perm, dtype=np.uint32)
        return a, b

    @cached_property
    def band_salts(self) -> np.ndarray:
        return _constants(f"band salt {self.version}", self.bands)


SCHEME = Scheme()

_CJK_LANGUAGES = frozenset({"ja", "ko", "zh"})
# Kana, CJK ideographs, Hangul syllables and jamo, as ranges of code points.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x3040, 0x30FF),
    (0x3130, 0x318F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
)
# The class of each character of the Basic Multilingual Plane, one look-up per character: WORD for those that
# belong to words (letters and digits; all others separate words), CJK for those in the ranges above. Code
# points past the plane are looked up as U+FFFF, which counts as a letter.
_WORD = np.uint8(1)
_CJK = np.uint8(2)
_CHARACTER_CLASS = np.array([chr(code).isalnum() for code in range(0xFFFF)] + [True], dtype=np.uint8)
for _low, _high in _CJK_RANGES:
    _CHARACTER_CLASS[_low : _high + 1] |= _CJK
_MIX = np.uint64(0x9E3779B97F4A7C15)
# An odd 64-bit multiplier per position in a word (the last one serves longer words): "ab" and "ba" differ.
_POSITION_MULTIPLIERS = _constants("position", 64) | np.uint64(1)
# MurmurHash3's 32-bit finalizer, the pre-mix that datasketch's "affine32" scheme applies to every input hash.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@dataclass(frozen=True)
class StorySignature:
    """An article's story signature: LSH band hashes to find candidate copies, MinHash values to compare them."""

    band_hashes: tuple[int, ...]  # signed 64-bit ints; sharing any band hash = candidate copies
    minhash: bytes = b""  # the sketch, little-endian uint32 values
    version: int = SCHEME.version

    def to_bytes(self) -> bytes:
        header = struct.pack("<BHH", self.version, len(self.band_hashes), len(self.minhash) // 4)
        return header + struct.pack(f"<{len(self.band_hashes)}q", *self.band_hashes) + self.minhash

    @classmethod
    def from_bytes(cls, data: bytes) -> "StorySignature":
        version, bands, values = struct.unpack_from("<BHH", data)
        hashes = struct.unpack_from(f"<{bands}q", data, 5)
        start = 5 + 8 * bands
        return cls(band_hashes=tuple(hashes), minhash=bytes(data[start : start + 4 * values]), version=version)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _character_classes(codes: np.ndarray) -> np.ndarray:
    return _CHARACTER_CLASS[np.minimum(codes, 0xFFFF)]


def _mostly_cjk(classes: np.ndarray) -> bool:
    """More CJK characters than other letters and digits among the first 400 characters."""
    sample = classes[:400]
    return np.count_nonzero(sample & _CJK) * 2 > np.count_nonzero(sample & _WORD)


def _normalised_texts(articles: Sequence[tuple[str, str, str]]) -> list[str]:
    """Title and text of each article in lower case, ё as е, full-width Latin letters and digits as ASCII.

    Punctuation and spaces need no folding here: they only separate words. The
    folding keeps every character at its offset.
    """
    texts = [f"{title or ''}\n{text or ''}".lower().replace("ё", "е") for title, text, _ in articles]
    for index, text in enumerate(texts):
        if not text.isascii() and FULL_WIDTH.search(text):
            texts[index] = text.translate(FOLD_TABLE)
    return texts


def _word_hashes(codes: np.ndarray, in_word: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """One 64-bit hash per word: the sum of its characters, each multiplied by a constant for its position.

    ``starts`` marks the first character of each word.
    """
    if not len(codes) or not in_word.any():
        return np.zeros(0, dtype=np.uint64)
    positions = np.arange(len(codes))
    offset = positions - np.maximum.accumulate(np.where(starts, positions, 0))
    mixed = codes * _POSITION_MULTIPLIERS[np.minimum(offset, 63)]
    mixed[~in_word] = 0
    sums = np.add.reduceat(mixed, np.flatnonzero(starts))
    sums ^= sums >> np.uint64(31)
    return sums * _MIX


def _shingle_hashes(units: np.ndarray, size: int) -> np.ndarray:
    """32-bit hashes of every run of ``size`` consecutive units (words or characters), computed in bulk."""
    if not len(units):
        return np.zeros(0, dtype=np.uint32)
    size = min(size, len(units))
    count = len(units) - size + 1
    combined = units[:count].copy()
    for offset in range(1, size):
        combined = combined * _MIX + units[offset : count + offset]
    combined ^= combined >> np.uint64(29)
    combined *= _MIX
    return (combined >> np.uint64(32)).astype(np.uint32)


def _segment_shingles(units: np.ndarray, counts: Sequence[int], size: int) -> list[np.ndarray]:
    """The shingle hashes of each segment of ``units`` (consecutive runs of ``counts`` units), as if apart.

    Runs of ``size`` across the whole array are hashed at once; each segment
    keeps those that lie inside it. A segment shorter than ``size`` makes one
    shingle of all its units, as ``_shingle_hashes`` does.
    """
    everything = _shingle_hashes(units, size) if len(units) >= size else np.zeros(0, dtype=np.uint32)
    segments = []
    offset = 0
    for count in counts:
        if count >= size:
            segments.append(everything[offset : offset + count - size + 1])
        else:
            segments.append(_shingle_hashes(units[offset : offset + count], size))
        offset += count
    return segments


def _batch_shingles(articles: Sequence[tuple[str, str, str]], scheme: Scheme) -> list[np.ndarray]:
    """32-bit hashes of each article's shingles: word n-grams, or character n-grams for Japanese and Korean.

    Everything happens on one array of code points for the whole batch (the
    articles separated by a line break, which no word or shingle crosses), so
    the cost per character is numpy's, not Python's, and numpy's fixed cost per
    operation is paid once per batch rather than once per article.
    """
    texts = _normalised_texts(articles)
    lengths = np.array([len(text) + 1 for text in texts])  # each with the separator after it
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    codes = _code_points("\n".join(texts) + "\n")
    classes = _character_classes(codes)
    in_word = (classes & _WORD).view(bool)
    cjk = [
        language[:2] in _CJK_LANGUAGES if language else _mostly_cjk(classes[start : start + length])
        for (_, _, language), start, length in zip(articles, starts.tolist(), lengths.tolist(), strict=True)
    ]
    shingles: list[np.ndarray] = [np.zeros(0, dtype=np.uint32)] * len(articles)

    word_starts = in_word & ~np.concatenate(([False], in_word[:-1]))
    if not all(cjk):
        words = _word_hashes(codes, in_word, word_starts)
        words_before = np.concatenate(([0], np.cumsum(word_starts)))[np.append(starts, len(codes))]
        counts = np.diff(words_before).tolist()
        for index, segment in enumerate(_segment_shingles(words, counts, scheme.word_shingle)):
            if not cjk[index]:
                shingles[index] = segment
    if any(cjk):
        in_cjk_article = np.repeat(np.array(cjk), lengths) & in_word
        characters = codes[in_cjk_article].astype(np.uint64)
        counts = np.add.reduceat(in_cjk_article, starts).tolist()
        wanted = [counts[index] if cjk[index] else 0 for index in range(len(articles))]
        for index, segment in enumerate(_segment_shingles(characters, wanted, scheme.char_shingle)):
            if cjk[index]:
                shingles[index] = segment
    return shingles


def _shingles(title: str, text: str, language: str, scheme: Scheme) -> np.ndarray:
    """32-bit hashes of one article's shingles (see ``_batch_shingles``)."""
    return _batch_shingles([(title, text, language)], scheme)[0]


# How many shingles are permuted in one array operation: a bound on the memory it takes (128 values each).
_SHINGLES_PER_OPERATION = 16384


def _batch_minhash(shingles: Sequence[np.ndarray], scheme: Scheme) -> np.ndarray:
    """The MinHash values of each article's 32-bit shingle hashes, one row per article.

    Exactly as datasketch's MinHash (scheme "affine32") makes them: the same
    pre-mix, permutations and minimum, on whole arrays. datasketch's
    ``update_batch`` calls a hash function per value in Python, which was
    measured to be most of the signature's cost. A test holds the two equal.
    """
    a, b = scheme.permutations
    values = np.full((len(shingles), scheme.num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    shift1, multiplier1, shift2, multiplier2, shift3 = _FMIX32
    group: list[int] = []
    size = 0
    for index in [*range(len(shingles)), None]:
        if index is not None and not len(shingles[index]):
            continue
        if group and (index is None or size + len(shingles[index]) > _SHINGLES_PER_OPERATION):
            hashes = np.concatenate([shingles[member] for member in group])
            mixed = hashes ^ (hashes >> shift1)
            mixed *= multiplier1
            mixed ^= mixed >> shift2
            mixed *= multiplier2
            mixed ^= mixed >> shift3
            # One row per permutation: each article's minimum is then over a run of adjacent values.
            permuted = np.multiply.outer(a, mixed)
            permuted += b[:, np.newaxis]
            bounds = np.concatenate(([0], np.cumsum([len(shingles[member]) for member in group])[:-1]))
            values[group] = np.minimum.reduceat(permuted, bounds, axis=1).T
            group, size = [], 0
        if index is not None:
            group.append(index)
            size += len(shingles[index])
    return values


def _minhash(hashes: np.ndarray, scheme: Scheme) -> np.ndarray:
    """The MinHash values of one article's shingle hashes (see ``_batch_minhash``)."""
    return _batch_minhash([hashes], scheme)[0]


def story_signatures(articles: Sequence[tuple[str, str, str]], scheme: Scheme = SCHEME) -> list[StorySignature]:
    """The signature of each (title, text, language): the same, value for value, as ``story_signature`` gives.

    A batch is hashed in a few dozen array operations in all, where one
    article at a time took a few dozen each.
    """
    if not articles:
        return []
    values = _batch_minhash(_batch_shingles(articles, scheme), scheme)
    banded = values[:, : scheme.bands * scheme.rows].reshape(len(articles), scheme.bands, scheme.rows)
    banded = banded.astype(np.uint64)
    mixed = banded[:, :, 0] ^ scheme.band_salts
    for row in range(1, scheme.rows):
        mixed = mixed * _MIX + banded[:, :, row]
    mixed *= _MIX
    mixed ^= mixed >> np.uint64(29)
    band_hashes = mixed.view(np.int64).tolist()
    sketches = values.astype("<u4", copy=False)
    return [
        StorySignature(band_hashes=tuple(hashes), minhash=sketch.tobytes(), version=scheme.version)
        for hashes, sketch in zip(band_hashes, sketches, strict=True)
    ]


def story_signature(title: str, text: str, language: str = "", scheme: Scheme = SCHEME) -> StorySignature:
    """The article's signature: title and text together, so that a re-headlined copy still matches on its text.

    ``language`` (en, ko, ja...) chooses word or character shingles; without it the script decides.
    """
    return story_signatures([(title, text, language)], scheme)[0]


def similarity(a: StorySignature, b: StorySignature) -> float:
    """Estimated Jaccard similarity of the two articles' shingles: the share of equal MinHash values."""
    if a.version != b.version or not a.minhash or len(a.minhash) != len(b.minhash):
        return 0.0
    left = np.frombuffer(a.minhash, dtype="<u4")
    right = np.frombuffer(b.minhash, dtype="<u4")
    return float(np.count_nonzero(left == right)) / len(left)


def is_same_story(a: StorySignature, b: StorySignature, scheme: Scheme = SCHEME) -> bool:
    return similarity(a, b) >= scheme.threshold
