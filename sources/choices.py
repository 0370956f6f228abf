"""Controlled vocabularies of the sources app."""

from django.db import models


class PublisherKind(models.TextChoices):
    GOVERNMENT = "government", "Government"
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental"
    NEWS_MEDIA = "news-media", "News media"
    THINK_TANK = "think-tank", "Think tank"
    NGO = "ngo", "NGO"
    SOCIAL_MEDIA = "social-media", "Social media"


class SourceReliability(models.TextChoices):
    """Admiralty code: how reliable a source has proved to be."""

    A = "A", "A - Completely reliable"
    B = "B", "B - Usually reliable"
    C = "C", "C - Fairly reliable"
    D = "D", "D - Not usually reliable"
    E = "E", "E - Unreliable"
    F = "F", "F - Reliability cannot be judged"


class DocumentKind(models.TextChoices):
    ARTICLE = "article", "News article"
    EDITORIAL = "editorial", "Editorial or opinion"
    STATEMENT = "statement", "Official statement"
    REPORT = "report", "Report"
    MEETING_RECORD = "meeting-record", "Meeting record"
    IMAGERY = "imagery", "Imagery or video"
    OTHER = "other", "Other"


class FetchStatus(models.TextChoices):
    OK = "ok", "OK"
    NOT_MODIFIED = "not-modified", "Not modified"
    ERROR = "error", "Error"
    REFUSED = "refused", "Refused (unsafe address)"
    SKIPPED = "skipped", "Skipped (another worker holds the feed)"


class TriageState(models.TextChoices):
    """Where an article stands in the analysts' triage queue."""

    NEW = "new", "New (not a candidate)"
    CANDIDATE = "candidate", "Candidate"
    DISMISSED = "dismissed", "Dismissed"
    LINKED = "linked", "Linked to an event"


class DismissalReason(models.TextChoices):
    NOT_RELEVANT = "not-relevant", "Not relevant"
    NO_TRANSFER = "no-transfer", "No arms transfer"
    DUPLICATE = "duplicate", "Duplicate of a story already handled"
    ALREADY_RECORDED = "already-recorded", "Already recorded as an event"
    UNRELIABLE = "unreliable", "Unreliable source"
    OTHER = "other", "Other"
