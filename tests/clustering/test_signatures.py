"""Story signatures: wire copies join one story, different stories on the same topic stay apart."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from sources.clustering import (
    SCHEME,
    StorySignature,
    is_same_story,
    similarity,
    story_signature,
    story_signatures,
)
from tests.services import requires_postgres

WIRE_TITLE = "North Korea has shipped over 1,000 containers of munitions to Russia, White House says"
WIRE_TEXT = (
    "The White House said on Friday that North Korea had delivered more than 1,000 containers of military "
    "equipment and munitions to Russia for use in Ukraine. Satellite images show the containers moving by rail "
    "from the port of Rajin to depots near Tikhoretsk, spokesman John Kirby told reporters. Officials said the "
    "shipments began in early September, days after Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome, "
    "and that Washington would raise the matter at the Security Council."
)


def test_it_joins_a_wire_copy_with_a_new_headline_a_dateline_and_a_footer():
    original = story_signature(WIRE_TITLE, WIRE_TEXT, "en")
    copy = story_signature(
        "US: Pyongyang sent 1,000 containers of arms to Moscow",
        f"WASHINGTON (AP) — {WIRE_TEXT}\nCopyright 2024 The Associated Press. All rights reserved.",
        "en",
    )

    assert is_same_story(original, copy)
    assert set(original.band_hashes) & set(copy.band_hashes)


def test_it_joins_a_copy_with_small_edits():
    edited = WIRE_TEXT.replace("said on Friday", "stated on Friday").replace("more than", "over")

    assert is_same_story(story_signature(WIRE_TITLE, WIRE_TEXT), story_signature(WIRE_TITLE, edited))


def test_it_keeps_another_story_on_the_same_topic_apart():
    other = story_signature(
        "North Korea sent artillery shells to Russia, Seoul says",
        "South Korea's spy agency said North Korea had sent more than a million artillery shells to Russia since "
        "August, shipped from the port of Rajin and moved by rail to the front. The agency said Pyongyang may "
        "receive satellite technology in return, in breach of Security Council resolutions.",
        "en",
    )

    assert not is_same_story(story_signature(WIRE_TITLE, WIRE_TEXT, "en"), other)


def test_it_shingles_japanese_by_characters():
    text = "韓国の国家情報院は、北朝鮮が8月以降、ロシアに152ミリ砲弾など100万発以上を供与したとの分析を明らかにした。"
    copy = "【ソウル共同】" + text.replace("明らかにした", "発表した") + "\n（共同）"
    other = "防衛省によると、北朝鮮は30日朝、弾道ミサイル1発を東方向に発射し、日本海に落下したとみられる。"

    original = story_signature("北朝鮮、ロシアに砲弾供与", text, "ja")
    assert is_same_story(original, story_signature("北朝鮮の砲弾、ロシアへ", copy, "ja"))
    assert not is_same_story(original, story_signature("北朝鮮がミサイル発射", other, "ja"))


def test_the_language_hint_is_optional():
    assert story_signature(WIRE_TITLE, WIRE_TEXT) == story_signature(WIRE_TITLE, WIRE_TEXT, "en")
    text = "북한이 러시아에 포탄을 보냈다고 국정원이 밝혔다."
    assert story_signature("북한", text) == story_signature("북한", text, "ko")


def test_a_signature_round_trips_through_bytes():
    signature = story_signature(WIRE_TITLE, WIRE_TEXT)

    restored = StorySignature.from_bytes(signature.to_bytes())

    assert restored == signature
    assert len(signature.band_hashes) == SCHEME.bands
    assert similarity(restored, signature) == 1.0


def test_band_hashes_fit_a_postgresql_bigint():
    signature = story_signature(WIRE_TITLE, WIRE_TEXT)

    assert all(-(2**63) <= value < 2**63 for value in signature.band_hashes)
    assert len(set(signature.band_hashes)) == len(signature.band_hashes)


@requires_postgres
def test_band_hashes_survive_a_postgresql_bigint_array(db):
    signature = story_signature(WIRE_TITLE, WIRE_TEXT)

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::bigint[]", [list(signature.band_hashes)])
        (stored,) = cursor.fetchone()

    assert tuple(stored) == signature.band_hashes


def test_signatures_are_the_same_in_every_process():
    """Workers in other processes (another hash seed) must compute the very same band hashes."""
    script = (
        "import django; django.setup()\n"
        "from sources.clustering import story_signature\n"
        f"print(story_signature({WIRE_TITLE!r}, {WIRE_TEXT!r}).to_bytes().hex())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    root = Path(__file__).resolve().parents[2]

    output = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, check=True
    ).stdout

    assert bytes.fromhex(output.strip()) == story_signature(WIRE_TITLE, WIRE_TEXT).to_bytes()


def test_signatures_of_another_scheme_version_never_match():
    signature = story_signature(WIRE_TITLE, WIRE_TEXT)
    other_version = StorySignature(signature.band_hashes, signature.minhash, version=signature.version + 1)

    assert similarity(signature, other_version) == 0.0
    assert not is_same_story(signature, other_version)


@pytest.mark.parametrize(("title", "text"), [("", ""), ("Only a title", ""), ("", "!!! ... ???")])
def test_it_signs_empty_and_punctuation_only_articles(title, text):
    signature = story_signature(title, text)

    assert len(signature.band_hashes) == SCHEME.bands
    assert 0.0 <= similarity(signature, story_signature("Something else entirely", "Different words here")) <= 1.0


@pytest.mark.parametrize(
    ("text", "language"),
    [(WIRE_TEXT, "en"), ("북한이 러시아에 포탄을 보냈다고 국정원이 밝혔다.", "ko"), ("", "en")],
)
def test_the_bulk_minhash_is_datasketchs_minhash(text, language):
    """The signature computes MinHash on whole arrays; it must equal datasketch's own, value for value."""
    from datasketch import MinHash

    from sources.clustering import _minhash, _shingles

    shingles = _shingles(WIRE_TITLE, text, language, SCHEME)
    reference = MinHash(num_perm=SCHEME.num_perm, seed=1, scheme="affine32", hashfunc=int)
    reference.update_batch(shingles.tolist())

    assert _minhash(shingles, SCHEME).tolist() == reference.hashvalues.tolist()


def test_signatures_do_not_change_between_releases():
    """Band hashes are stored: a later release (or a numpy or datasketch upgrade) must compute the same ones,
    or new copies would never meet the stories already stored. Changing the scheme means a new version."""
    signature = story_signature(
        "North Korea sent shells to Russia",
        "Pyongyang shipped a million artillery shells to Moscow by rail, Seoul said.",
    )

    assert signature.version == 1
    assert signature.band_hashes[:4] == (
        251764567627505850,
        -3080526120264104150,
        98307478123768144,
        -824853911816714798,
    )


def test_a_batch_of_signatures_equals_signing_one_article_at_a_time():
    """Ingestion signs a feed's new articles together; each must be what it would be alone."""
    articles = [
        (WIRE_TITLE, WIRE_TEXT, "en"),
        ("북한, 러시아에 포탄 수백만 발 보내", "국가정보원은 북한이 러시아에 포탄과 미사일을 보냈다고 밝혔다.", "ko"),
        ("北朝鮮、ロシアに砲弾供与", "北朝鮮がロシアに砲弾を送ったと政府が発表した。", ""),
        ("", "", ""),
        ("Two words", "", "en"),
        ("ＫＮ－２３ missiles", "Ёлка and ёж, full-width ＡＢＣ１２３ letters.", ""),
        ("КНДР передала России снаряды", "Северная Корея отправила ракеты в Россию, заявили в Киеве.", "ru"),
        ("", "!!! ... ???", "ja"),
        (WIRE_TITLE + " (update)", WIRE_TEXT + " More to follow.", ""),
    ]

    batch = story_signatures(articles)

    assert [signature.to_bytes() for signature in batch] == [
        story_signature(title, text, language).to_bytes() for title, text, language in articles
    ]
    assert is_same_story(batch[0], batch[-1])
