"""What incremental sync needs beyond the events themselves: a record of the ones that left."""

from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from events.choices import DepartureCause, ReviewState
from events.models.events import Event


class EventTombstone(models.Model):
    """A published event that readers can no longer see: it was withdrawn, or deleted by an admin.

    A consumer that syncs with ``updated_since`` never hears of an event that
    stops being published, since it is no longer listed; the API's
    ``events/deleted/`` feed lists these records so that it can remove its copy.
    The public id is kept as a value, not only as a key, so the record outlives
    a hard delete of the event.
    """

    public_id = models.UUIDField("public id of the event", db_index=True)
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="tombstones")
    version = models.PositiveIntegerField(help_text="The last published version.")
    cause = models.CharField(max_length=16, choices=DepartureCause.choices)
    reason = models.TextField(blank=True, help_text="The reviewer's reason, shown to staff only.")
    left_at = models.DateTimeField(default=timezone.now, help_text="When the event stopped being published.")

    class Meta:
        ordering = ["left_at", "id"]
        get_latest_by = "left_at"
        indexes = [
            # The API's deleted/ feed: keyset pagination over (left_at, id).
            models.Index(fields=["left_at", "id"], name="events_tombstone_left"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.get_cause_display().lower()} at {self.left_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, event: Event, cause: str, reason: str = "", at=None) -> "EventTombstone":
        return cls.objects.create(
            public_id=event.public_id,
            event=event if cause != DepartureCause.DELETED else None,
            version=event.version,
            cause=cause,
            reason=reason,
            left_at=at or timezone.now(),
        )


@receiver(pre_delete, sender=Event, dispatch_uid="events_tombstone_on_delete")
def _record_deleted_published_event(sender, instance: Event, **kwargs) -> None:
    """An admin who hard-deletes a published event still leaves a trace for syncing consumers."""
    if instance.review_state == ReviewState.PUBLISHED:
        EventTombstone.record(instance, DepartureCause.DELETED)
