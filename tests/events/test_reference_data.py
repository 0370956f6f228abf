"""The reference data: complete for the DPRK and Iran regimes, and idempotent."""

import pytest
from django.core.management import call_command

from events.models import Actor, ActorAlias, Provision, Resolution, SanctionsRegime, WeaponSystem, WeaponSystemAlias
from events.services import suggest_provisions
from tests.factories import state

MODELS = [Actor, ActorAlias, WeaponSystem, WeaponSystemAlias, SanctionsRegime, Resolution, Provision]


def _snapshot() -> dict:
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


def _history_rows() -> int:
    return sum(model.history.count() for model in MODELS)


@pytest.mark.django_db
def test_loading_twice_leaves_the_same_rows_and_no_new_history(capsys):
    call_command("load_reference_data")
    first, history = _snapshot(), _history_rows()
    call_command("load_reference_data")

    assert _snapshot() == first
    assert _history_rows() == history
    assert "0 created, 0 updated" in capsys.readouterr().out


@pytest.mark.django_db
def test_public_ids_are_the_same_on_every_installation(reference):
    from events.services import stable_public_id

    assert state("KP").public_id == stable_public_id("actor", "KP")


def test_states_have_names_in_five_scripts(reference):
    names = dict(ActorAlias.objects.filter(actor=state("KP")).values_list("language", "name"))
    assert set(names) >= {"en", "ko", "ru", "uk", "ja"}
    assert ActorAlias.objects.filter(actor=state("KP"), name="북한").exists()
    assert ActorAlias.objects.filter(actor=state("KP"), name="北朝鮮").exists()
    assert ActorAlias.objects.filter(actor=state("KP"), name="Північна Корея", language="uk").exists()


def test_the_kn23_is_known_by_its_korean_name(reference):
    assert WeaponSystem.objects.get(aliases__name="화성-11가").designation == "KN-23"


def test_both_regimes_and_their_resolutions_are_loaded(reference):
    dprk = SanctionsRegime.objects.get(slug="un-dprk")
    assert list(dprk.resolutions.values_list("number", flat=True)) == [
        "1718",
        "1874",
        "2087",
        "2094",
        "2270",
        "2321",
        "2371",
        "2375",
        "2397",
    ]
    iran = SanctionsRegime.objects.get(slug="un-iran")
    assert set(iran.resolutions.values_list("number", flat=True)) == {"1737", "1747", "1803", "1929", "2231"}
    assert Provision.objects.get(resolution__number="1874", paragraph="10").extends == Provision.objects.get(
        resolution__number="1718", paragraph="8(a)"
    )


def _suggested(supplier, recipient, categories=()) -> set[str]:
    return {str(s.provision) for s in suggest_provisions(supplier, recipient, categories)}


def test_the_dprk_as_supplier_suggests_the_export_bans(reference):
    assert _suggested(state("KP"), state("RU")) == {"1718 para 8(b)", "1874 para 9"}


def test_the_dprk_as_recipient_suggests_the_supply_bans(reference):
    assert _suggested(state("RU"), state("KP")) == {"1718 para 8(a)", "1874 para 10"}


def test_small_arms_for_the_dprk_suggest_the_2270_extension(reference):
    assert "2270 para 6" in _suggested(state("RU"), state("KP"), ["small-arms"])


def test_iranian_drones_for_russia_suggest_the_iran_export_bans(reference):
    suggested = _suggested(state("IR"), state("RU"), ["drone"])
    assert "1747 para 5" in suggested
    assert not any(label.startswith(("1718", "1874")) for label in suggested)


def test_a_transfer_between_unsanctioned_states_suggests_nothing(reference):
    assert _suggested(state("US"), state("JP")) == set()
