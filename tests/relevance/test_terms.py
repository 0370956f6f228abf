"""Where the scorer's terms come from: the reference data in the database, compiled once and cached."""

import pytest

from events.models import Actor, ActorAlias, WeaponSystem, WeaponSystemAlias
from sources._term_table import build_term_table, database_aliases, reference_aliases
from sources.relevance import reset_term_cache, score_article

ARTICLE = ("Hermit Kingdom ships KN-23B missiles to Russia", "The Hermit Kingdom sent KN-23B missiles by rail.")


@pytest.fixture
def fresh_terms():
    reset_term_cache()
    yield
    reset_term_cache()


@pytest.fixture
def operator_aliases():
    """Names an operator adds in the admin: a nickname for the DPRK and a new designation of the KN-23."""

    def add() -> None:
        ActorAlias.objects.create(actor=Actor.objects.by_code("KP").get(), name="Hermit Kingdom", language="en")
        WeaponSystemAlias.objects.create(
            weapon_system=WeaponSystem.objects.get(designation="KN-23"), name="KN-23B", language="en"
        )

    return add


def _refs(result, kind: str) -> dict[str, str]:
    return {match.term: match.ref for match in result.matches if match.kind == kind}


def test_it_finds_aliases_that_an_operator_added_in_the_database(fresh_terms, operator_aliases):
    operator_aliases()
    reset_term_cache()

    result = score_article(*ARTICLE)

    assert _refs(result, "actor")["Hermit Kingdom"] == "KP"
    assert _refs(result, "weapon")["KN-23B"] == "KN-23"
    assert result.is_candidate
    assert (result.supplier, result.recipient) == ("KP", "RU")


def test_it_uses_an_alias_saved_in_this_process_at_once(fresh_terms, operator_aliases):
    score_article("warm", "up")
    operator_aliases()

    added = score_article(*ARTICLE)
    ActorAlias.objects.filter(name="Hermit Kingdom").delete()
    removed = score_article(*ARTICLE)

    assert _refs(added, "actor")["Hermit Kingdom"] == "KP"
    assert "Hermit Kingdom" not in _refs(removed, "actor")


def test_it_keeps_the_compiled_terms_until_the_cache_is_reset(fresh_terms):
    score_article("warm", "up")
    # As another process would add it: no signal reaches this one.
    ActorAlias.objects.bulk_create(
        [ActorAlias(actor=Actor.objects.by_code("KP").get(), name="Hermit Kingdom", language="en")]
    )

    before = score_article(*ARTICLE)
    reset_term_cache()
    after = score_article(*ARTICLE)

    assert "Hermit Kingdom" not in _refs(before, "actor")
    assert _refs(after, "actor")["Hermit Kingdom"] == "KP"


def test_it_rebuilds_terms_older_than_their_maximum_age(fresh_terms, operator_aliases, settings):
    settings.RELEVANCE_TERMS_MAX_AGE = 0
    score_article("warm", "up")
    operator_aliases()

    assert _refs(score_article(*ARTICLE), "actor")["Hermit Kingdom"] == "KP"


def test_it_never_queries_the_database_per_article(fresh_terms, django_assert_num_queries):
    score_article("warm", "up")

    with django_assert_num_queries(0):
        for _ in range(3):
            score_article(*ARTICLE)


def test_the_database_and_the_shipped_reference_data_give_the_same_terms(fresh_terms):
    from_database = build_term_table(*database_aliases())
    shipped = build_term_table(*reference_aliases())

    assert set(from_database.keys) == set(shipped.keys)
