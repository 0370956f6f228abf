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
