from events.models.actors import Actor, ActorAlias, Alias
from events.models.events import (
    Citation,
    Event,
    EventLink,
    EventLocation,
    EventPart,
    TransferItem,
    Violation,
)
from events.models.reference import Provision, Resolution, SanctionsRegime, WeaponSystem, WeaponSystemAlias
from events.models.sync import EventTombstone

__all__ = [
    "Actor",
    "ActorAlias",
    "Alias",
    "Citation",
    "Event",
    "EventLink",
    "EventLocation",
    "EventPart",
    "EventTombstone",
    "Provision",
    "Resolution",
    "SanctionsRegime",
    "TransferItem",
    "Violation",
    "WeaponSystem",
    "WeaponSystemAlias",
]
