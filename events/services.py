"""Domain services of the events app that are not review rules (those are in ``workflow``)."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from events.choices import ItemScope, ProhibitedAct, WeaponCategory
from events.models import Actor, Provision

_ALL = set(WeaponCategory.values)
_HEAVY = {
    WeaponCategory.BALLISTIC_MISSILE,
    WeaponCategory.CRUISE_MISSILE,
    WeaponCategory.ROCKET,
    WeaponCategory.ARTILLERY_AMMUNITION,
    WeaponCategory.ARTILLERY_SYSTEM,
    WeaponCategory.LAUNCHER,
    WeaponCategory.AIRCRAFT,
    WeaponCategory.AIR_DEFENCE,
    WeaponCategory.DRONE,
    WeaponCategory.ARMOURED_VEHICLE,
}

# The item categories each scope of prohibition covers. Heavy arms follow the
# list in resolution 1718 para 8(a) (missiles and missile systems, large-calibre
# artillery, combat aircraft, armoured vehicles and related materiel).
SCOPE_CATEGORIES: dict[str, set[str]] = {
    ItemScope.HEAVY_ARMS: _HEAVY,
    ItemScope.ARMS_EXCEPT_SMALL_ARMS: _ALL - {WeaponCategory.SMALL_ARMS, WeaponCategory.TECHNOLOGY},
    ItemScope.ALL_ARMS: _ALL - {WeaponCategory.TECHNOLOGY},
    ItemScope.SMALL_ARMS: {WeaponCategory.SMALL_ARMS},
    ItemScope.MISSILE_TECHNOLOGY: {
        WeaponCategory.BALLISTIC_MISSILE,
        WeaponCategory.CRUISE_MISSILE,
        WeaponCategory.DRONE,
        WeaponCategory.LAUNCHER,
        WeaponCategory.TECHNOLOGY,
    },
    ItemScope.NOT_ITEMS: set(),
}

# With no items recorded yet, suggest the broad arms bans only; narrower ones
# (small arms, missile technology) wait until the items say they apply.
_SCOPES_WITHOUT_ITEMS = {ItemScope.HEAVY_ARMS, ItemScope.ARMS_EXCEPT_SMALL_ARMS, ItemScope.ALL_ARMS}


@dataclass(frozen=True)
class ProvisionSuggestion:
    provision: Provision
    reason: str


def _covers(scope: str, categories: set[str]) -> bool:
    if not categories:
        return scope in _SCOPES_WITHOUT_ITEMS
    return bool(SCOPE_CATEGORIES.get(scope, set()) & categories)


def suggest_provisions(
    supplier: Actor | None, recipient: Actor | None, categories: Iterable[str] = ()
) -> list[ProvisionSuggestion]:
    """The provisions a transfer from ``supplier`` to ``recipient`` would breach.

    A regime aimed at the supplier bans exports from it and procurement from
    it; a regime aimed at the recipient bans supplies to it. Only provisions
    whose item scope covers the given categories are offered. These are
    suggestions: the analyst confirms each one as a violation.
    """
    categories = set(categories)
    conditions = Q(pk__in=[])
    if supplier is not None:
        conditions |= Q(
            resolution__regime__target=supplier,
            prohibited_act__in=(ProhibitedAct.EXPORT_FROM, ProhibitedAct.PROCUREMENT_FROM),
        )
    if recipient is not None:
        conditions |= Q(resolution__regime__target=recipient, prohibited_act=ProhibitedAct.SUPPLY_TO)
    suggestions = []
    for provision in Provision.objects.with_resolution().filter(conditions):
        if not _covers(provision.item_scope, categories):
            continue
        if provision.prohibited_act == ProhibitedAct.SUPPLY_TO:
            reason = f"{recipient} is the recipient, and this paragraph bans supplying it."
        else:
            reason = f"{supplier} is the supplier, and this paragraph bans its exports and their procurement."
        suggestions.append(ProvisionSuggestion(provision, reason))
    return suggestions


# Idempotent loading ---------------------------------------------------------

PUBLIC_ID_NAMESPACE = uuid.UUID("6f1c2d8e-4b7a-5e3c-9a1d-2b8f0c7e5a43")


def stable_public_id(kind: str, key: str) -> uuid.UUID:
    """The same public id for the same reference row on every installation."""
    return uuid.uuid5(PUBLIC_ID_NAMESPACE, f"{kind}:{key}")


def upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    on_create: dict[str, Any] | None = None,
) -> tuple[models.Model, str]:
    """Create the row matching ``lookup`` or bring it up to ``values``; say which happened.

    Unlike ``update_or_create`` it writes nothing when nothing changed, so that
    loading reference data twice leaves the same rows and no extra history.
    ``on_create`` is used only for a new row: a public id, once given, never changes.
    Returns the row and one of ``created``, ``updated``, ``unchanged``.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values, **(on_create or {}))
        instance.full_clean()
        instance.save()
        return instance, "created"
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return instance, "unchanged"
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    return instance, "updated"
