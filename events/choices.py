"""Controlled vocabularies of the events app."""

from django.db import models


class ActorKind(models.TextChoices):
    STATE = "state", "State"
    ORGANISATION = "organisation", "Organisation"
    COMPANY = "company", "Company"
    VESSEL = "vessel", "Vessel"
    PERSON = "person", "Person"


class WeaponCategory(models.TextChoices):
    BALLISTIC_MISSILE = "ballistic-missile", "Ballistic missile"
    CRUISE_MISSILE = "cruise-missile", "Cruise missile"
    ROCKET = "rocket", "Rocket"
    ARTILLERY_AMMUNITION = "artillery-ammunition", "Artillery ammunition"
    ARTILLERY_SYSTEM = "artillery-system", "Artillery system"
    LAUNCHER = "launcher", "Launcher"
    AIRCRAFT = "aircraft", "Aircraft"
    AIR_DEFENCE = "air-defence", "Air defence"
    DRONE = "drone", "Drone"
    ARMOURED_VEHICLE = "armoured-vehicle", "Armoured vehicle"
    SMALL_ARMS = "small-arms", "Small arms"
    ELECTRONIC_WARFARE = "electronic-warfare", "Electronic warfare"
    TECHNOLOGY = "technology", "Technology"
    OTHER = "other", "Other"


class RegimeAuthority(models.TextChoices):
    UN_SECURITY_COUNCIL = "unsc", "UN Security Council"
    EUROPEAN_UNION = "eu", "European Union"
    UNITED_STATES = "us", "United States"
    UNITED_KINGDOM = "uk", "United Kingdom"
    OTHER = "other", "Other"


class ProhibitedAct(models.TextChoices):
    SUPPLY_TO = "supply-to", "Supply to the target"
    EXPORT_FROM = "export-from", "Export from the target"
    PROCUREMENT_FROM = "procurement-from", "Procurement from the target"
    OTHER = "other", "Other"


class ItemScope(models.TextChoices):
    """Which items a provision covers; decides which provisions are suggested for an event."""

    HEAVY_ARMS = "heavy-arms", "Heavy arms and related materiel"
    ARMS_EXCEPT_SMALL_ARMS = "arms-except-small-arms", "All arms except small arms and light weapons"
    ALL_ARMS = "all-arms", "All arms and related materiel"
    SMALL_ARMS = "small-arms", "Small arms and light weapons"
    MISSILE_TECHNOLOGY = "missile-technology", "Ballistic-missile items and technology"
    NOT_ITEMS = "not-items", "Not an item ban (procedure, body, inspection)"


class EventKind(models.TextChoices):
    TRANSFER = "transfer", "Transfer"
    SHIPMENT = "shipment", "Shipment"
    DELIVERY = "delivery", "Delivery"
    USE = "use", "Use"
    DEBRIS_RECOVERY = "debris-recovery", "Debris recovery"
    AGREEMENT = "agreement", "Agreement"
    PAYMENT = "payment", "Payment"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"
    APPROXIMATE = "approximate", "Approximate"


class ClaimStatus(models.TextChoices):
    ALLEGED = "alleged", "Alleged"
    CORROBORATED = "corroborated", "Corroborated"
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"
    RETRACTED = "retracted", "Retracted"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in-review", "In review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Qualifier(models.TextChoices):
    EXACTLY = "exactly", "Exactly"
    AT_LEAST = "at-least", "At least"
    UP_TO = "up-to", "Up to"
    ABOUT = "about", "About"
    BETWEEN = "between", "Between"
    UNKNOWN = "unknown", "Unknown quantity"


class Unit(models.TextChoices):
    ITEMS = "items", "Items"
    ROUNDS = "rounds", "Rounds"
    CONTAINERS = "containers", "Containers"
    SYSTEMS = "systems", "Systems"
    TONNES = "tonnes", "Tonnes"
    VEHICLES = "vehicles", "Vehicles"
    OTHER = "other", "Other"


class GeoPrecision(models.TextChoices):
    EXACT = "exact", "Exact"
    TOWN = "town", "Town"
    REGION = "region", "Region"
    COUNTRY = "country", "Country"


class LocationRole(models.TextChoices):
    ORIGIN = "origin", "Origin"
    TRANSIT = "transit", "Transit"
    DELIVERY = "delivery", "Delivery"
    USE = "use", "Use"


class Assessment(models.TextChoices):
    ALLEGED = "alleged", "Alleged"
    LIKELY = "likely", "Likely"
    ESTABLISHED = "established", "Established"


class Stance(models.TextChoices):
    ASSERTS = "asserts", "Asserts"
    CONFIRMS = "confirms", "Confirms"
    DENIES = "denies", "Denies"
    MENTIONS = "mentions", "Mentions"


class InformationCredibility(models.IntegerChoices):
    """Admiralty code: how credible the information itself is."""

    CONFIRMED = 1, "1 - Confirmed by other sources"
    PROBABLY_TRUE = 2, "2 - Probably true"
    POSSIBLY_TRUE = 3, "3 - Possibly true"
    DOUBTFUL = 4, "4 - Doubtful"
    IMPROBABLE = 5, "5 - Improbable"
    CANNOT_BE_JUDGED = 6, "6 - Truth cannot be judged"


class LinkRelation(models.TextChoices):
    PART_OF = "part-of", "Is part of"
    EVIDENCES = "evidences", "Evidences"
    INFERRED_FROM = "inferred-from", "Is inferred from"
    RESPONSE_TO = "response-to", "Is a response to"
    DUPLICATE_OF = "duplicate-of", "Duplicates"


class DepartureCause(models.TextChoices):
    """Why a published event left the published set (see ``EventTombstone``)."""

    WITHDRAWN = "withdrawn", "Withdrawn"
    DELETED = "deleted", "Deleted"
