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

import re
import string
import struct
import threading
import zlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from datasketch import MinHash

from sources._term_table import _FOLD

# datasketch's permutation scheme: 32-bit affine maps, collision-free on 32-bit shingle hashes.
_MINHASH_SCHEME = "affine32"


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
        # datasketch draws its permutations from a seeded generator: fixed seed, same hashes in every process.
        template = MinHash(num_perm=self.num_perm, seed=1, scheme=_MINHASH_SCHEME)
        return template.permutations

    @cached_property
    def band_salts(self) -> np.ndarray:
        generator = np.random.default_rng(self.version)
        return generator.integers(1, 2**63 - 1, size=(self.bands, self.rows), dtype=np.uint64) | np.uint64(1)


SCHEME = Scheme()

_CJK_LANGUAGES = frozenset({"ja", "ko", "zh"})
# fold() plus punctuation to spaces: shingles are made of words, whatever the punctuation around them.
_NORMALISE = str.maketrans(
    {
        **dict(_FOLD.items()),
        **{ord(char): " " for char in string.punctuation + "«»“”„‘’‚—–…·•、。，！？：；（）「」『』【】《》〈〉＂＇"},
    }
)
# Kana, CJK ideographs, Hangul syllables and jamo.
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SPACED_LETTER = re.compile(r"[a-zа-яіїєґ]")
_MIX = np.uint64(0x9E3779B97F4A7C15)


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


def _mostly_cjk(text: str) -> bool:
    sample = text[:400]
    return len(_CJK.findall(sample)) > len(_SPACED_LETTER.findall(sample))


def _shingles(title: str, text: str, language: str, scheme: Scheme) -> np.ndarray:
    """32-bit hashes of the article's shingles: word n-grams, or character n-grams for Japanese and Korean."""
    normal = f"{title}\n{text}".translate(_NORMALISE).lower()
    cjk = language[:2] in _CJK_LANGUAGES if language else _mostly_cjk(normal)
    if cjk:
        units = normal.replace(" ", "")
        codes = np.frombuffer(units.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        return _shingle_hashes(codes, scheme.char_shingle)
    words = normal.split()
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    return _shingle_hashes(hashes, scheme.word_shingle)


def _shingle_hashes(units: np.ndarray, size: int) -> np.ndarray:
    """32-bit hashes of every run of ``size`` consecutive units (words or characters), computed in bulk."""
    if not len(units):
        return units
    size = min(size, len(units))
    count = len(units) - size + 1
    combined = units[:count].copy()
    for offset in range(1, size):
        combined = combined * _MIX + units[offset : count + offset]
    combined ^= combined >> np.uint64(29)
    combined *= _MIX
    return (combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


_sketches = threading.local()


def _minhash(hashes: np.ndarray, scheme: Scheme) -> np.ndarray:
    """MinHash values of the shingle hashes; one datasketch MinHash per thread and scheme, cleared and reused."""
    cache = _sketches.__dict__.setdefault("by_scheme", {})
    sketch = cache.get(scheme)
    if sketch is None:
        sketch = cache[scheme] = MinHash(
            num_perm=scheme.num_perm, permutations=scheme.permutations, hashfunc=int, scheme=_MINHASH_SCHEME
        )
    sketch.clear()
    if len(hashes):
        sketch.update_batch(hashes.tolist())
    return sketch.hashvalues


def story_signature(title: str, text: str, language: str = "", scheme: Scheme = SCHEME) -> StorySignature:
    """The article's signature: title and text together, so that a re-headlined copy still matches on its text.

    ``language`` (en, ko, ja...) chooses word or character shingles; without it the script decides.
    """
    hashes = _shingles(title or "", text or "", language, scheme)
    values = _minhash(hashes, scheme)
    banded = values[: scheme.bands * scheme.rows].astype(np.uint64).reshape(scheme.bands, scheme.rows)
    mixed = (banded * scheme.band_salts).sum(axis=1, dtype=np.uint64)
    mixed ^= mixed >> np.uint64(31)
    mixed *= _MIX
    mixed ^= mixed >> np.uint64(29)
    return StorySignature(
        band_hashes=tuple(mixed.view(np.int64).tolist()),
        minhash=values.astype("<u4").tobytes(),
        version=scheme.version,
    )


def similarity(a: StorySignature, b: StorySignature) -> float:
    """Estimated Jaccard similarity of the two articles' shingles: the share of equal MinHash values."""
    if a.version != b.version or not a.minhash or len(a.minhash) != len(b.minhash):
        return 0.0
    left = np.frombuffer(a.minhash, dtype="<u4")
    right = np.frombuffer(b.minhash, dtype="<u4")
    return float(np.count_nonzero(left == right)) / len(left)


def is_same_story(a: StorySignature, b: StorySignature, scheme: Scheme = SCHEME) -> bool:
    return similarity(a, b) >= scheme.threshold
