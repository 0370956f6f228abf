"""The review rules: the one place that decides who may move an event where.

The admin and the API call these functions and translate their errors; no
other code changes ``Event.review_state``.

    draft ──submit──> in-review ──publish──> published ──withdraw──> withdrawn
      ^                  │                      │
      └──(edit)── rejected <──reject──┘          └─start_revision─> working copy (draft)

Four eyes: nobody publishes or rejects an event they wrote or edited. A
published event is never edited in place; its working copy goes through
review and, once published, is merged into it (same public id, version + 1).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from events.choices import DepartureCause, ReviewState
from events.models import Citation, Event, EventLink, EventLocation, EventPart, EventTombstone, TransferItem, Violation
from events.models.events import OPEN_STATES


class ReviewError(Exception):
    """A review action that cannot happen. The message is written for the analyst."""


class ReviewNotAllowed(ReviewError):
    """The user's role does not allow the action, or four-eyes forbids it."""


class ReviewConflict(ReviewError):
    """The event is not in a state the action applies to (it moved on, or never was)."""


class ReviewIncomplete(ReviewError):
    """The event lacks what the action requires; ``problems`` lists each gap."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class PartKind:
    model: type[EventPart]
    related_name: str
    label: str


PARTS: tuple[PartKind, ...] = (
    PartKind(TransferItem, "items", "item"),
    PartKind(EventLocation, "locations", "location"),
    PartKind(Violation, "violations", "violation"),
    PartKind(Citation, "citations", "citation"),
    PartKind(EventLink, "links_out", "link"),
)

# What a revision carries over; everything else is bookkeeping of the workflow.
CONTENT_FIELDS = (
    "title",
    "summary",
    "kind",
    "supplier_id",
    "recipient_id",
    "start_date",
    "end_date",
    "date_precision",
    "claim_status",
)

ACTIONS = ("submit", "publish", "reject", "withdraw", "start_revision")


def _has(user: AbstractBaseUser, codename: str) -> bool:
    return bool(user and user.is_active and user.has_perm(f"events.{codename}"))


def contributors(event: Event) -> set[int]:
    """Ids of everyone who wrote or edited this event or its parts since it was created.

    Four-eyes compares the reviewer against all of them, not only the creator,
    so an analyst cannot publish what a colleague started and they rewrote.
    """
    ids = {event.created_by_id, event.updated_by_id, event.submitted_by_id}
    ids.update(event.history.exclude(history_user__isnull=True).values_list("history_user_id", flat=True))
    for part in PARTS:
        ids.update(
            part.model.history.filter(event_id=event.pk)
            .exclude(history_user__isnull=True)
            .values_list("history_user_id", flat=True)
        )
    ids.discard(None)
    return ids


def publication_problems(event: Event) -> list[str]:
    """Everything that stops the event from being published, in words an analyst can act on."""
    problems = []
    try:
        event.full_clean()
    except ValidationError as exc:
        problems.extend(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    if not event.citations.exists():
        problems.append("Add at least one citation: a published event must say how we know.")
    if not event.violations.exists():
        problems.append("Add at least one violation: a published event must name the provision it breaches.")
    for part in PARTS:
        for instance in getattr(event, part.related_name).all():
            try:
                instance.full_clean()
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    problems.append(f"{part.label} {instance}: {field}: {' '.join(messages)}")
    return problems


def can_see_unpublished(user: AbstractBaseUser) -> bool:
    """Analysts, reviewers and admins see drafts, the review queue and who did what; readers see published events."""
    return any(_has(user, codename) for codename in ("add_event", "submit_event", "review_event"))


def can_edit(user: AbstractBaseUser, event: Event) -> bool:
    """Analysts edit drafts and rejected events; nothing in review, published or withdrawn is edited."""
    return event.is_editable and _has(user, "change_event")


def allowed_actions(user: AbstractBaseUser, event: Event) -> list[str]:
    """The review actions this user may take on this event now (for buttons; the actions re-check)."""
    state = event.review_state
    actions = []
    if state in (ReviewState.DRAFT, ReviewState.REJECTED) and _has(user, "submit_event"):
        actions.append("submit")
    if state == ReviewState.IN_REVIEW and _has(user, "review_event") and user.pk not in contributors(event):
        actions += ["publish", "reject"]
    if state in OPEN_STATES and _has(user, "withdraw_event"):
        actions.append("withdraw")
    if state == ReviewState.PUBLISHED:
        if _has(user, "withdraw_event") and _has(user, "review_event"):
            actions.append("withdraw")
        if _has(user, "change_event"):
            actions.append("start_revision")
    return actions


# Any key will do, as long as nothing else uses it: "trak".
_PUBLISHED_SET_LOCK = 0x7472616B


def _one_change_of_the_published_set_at_a_time() -> None:
    """Take a transaction-scoped lock that every publish and withdrawal holds.

    Changes to what readers see then commit in the order of their
    timestamps, so a consumer that resumes sync after the newest
    ``updated_at`` it has seen cannot skip a row whose transaction was still
    open when it read (on SQLite, writers are serialised by the database).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PUBLISHED_SET_LOCK])


def _locked(event: Event) -> Event:
    """Re-read the event under a row lock so that two reviewers cannot act on it at once."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _update_caller(caller: Event, locked: Event) -> Event:
    """Give the caller's instance the saved state, so that it never holds a stale review state."""
    if caller is not locked:
        caller.refresh_from_db()
    return caller


def _expect_state(event: Event, action: str, states: Iterable[str]) -> None:
    states = tuple(states)
    if event.review_state not in states:
        wanted = " or ".join(ReviewState(state).label.lower() for state in states)
        raise ReviewConflict(
            f"Cannot {action.replace('_', ' ')} “{event}”: it is {event.get_review_state_display().lower()}, "
            f"and only {wanted} events can be."
        )


def _attribute(instance: models.Model, user: AbstractBaseUser | None, reason: str) -> None:
    """Name the acting user and the reason in the history record the next write makes."""
    instance._history_user = user
    if reason:
        instance._change_reason = reason


def _save(instance: models.Model, user: AbstractBaseUser | None, reason: str = "", **kwargs) -> None:
    _attribute(instance, user, reason)
    instance.save(**kwargs)


def _delete(instance: models.Model, user: AbstractBaseUser | None, reason: str = "") -> None:
    _attribute(instance, user, reason)
    instance.delete()


@transaction.atomic
def submit(event: Event, user: AbstractBaseUser) -> Event:
    """An analyst asks for review. The event must already be publishable."""
    if not _has(user, "submit_event"):
        raise ReviewNotAllowed("Only analysts can submit events for review.")
    locked = _locked(event)
    _expect_state(locked, "submit", (ReviewState.DRAFT, ReviewState.REJECTED))
    problems = publication_problems(locked)
    if problems:
        raise ReviewIncomplete("The event is not ready for review.", problems)
    locked.review_state = ReviewState.IN_REVIEW
    locked.submitted_by = user
    locked.submitted_at = timezone.now()
    _save(locked, user, "Submitted for review")
    return _update_caller(event, locked)


def _check_reviewer(event: Event, user: AbstractBaseUser, action: str) -> None:
    if not _has(user, "review_event"):
        raise ReviewNotAllowed(f"Only reviewers can {action} events.")
    if user.pk in contributors(event):
        raise ReviewNotAllowed(f"You wrote or edited “{event}”; another reviewer must {action} it (four-eyes rule).")


@transaction.atomic
def publish(event: Event, user: AbstractBaseUser) -> Event:
    """A reviewer who did not write the event publishes it. Returns the published event.

    Publishing a working copy merges it into the published original, which
    keeps its public id and goes up one version; the copy is then removed.
    """
    _check_reviewer(event, user, "publish")
    _one_change_of_the_published_set_at_a_time()
    locked = _locked(event)
    _expect_state(locked, "publish", (ReviewState.IN_REVIEW,))
    problems = publication_problems(locked)
    if problems:
        raise ReviewIncomplete("The event cannot be published yet.", problems)
    now = timezone.now()
    if locked.is_working_copy:
        return _merge_working_copy(locked, user, now)
    locked.review_state = ReviewState.PUBLISHED
    locked.reviewed_by = user
    locked.reviewed_at = now
    locked.published_at = now
    locked.review_note = ""
    _save(locked, user, "Published")
    return _update_caller(event, locked)


@transaction.atomic
def reject(event: Event, user: AbstractBaseUser, reason: str) -> Event:
    """A reviewer sends the event back to its authors with a reason."""
    _check_reviewer(event, user, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewIncomplete("Say why the event is rejected.", ["reason: A rejection needs a reason."])
    locked = _locked(event)
    _expect_state(locked, "reject", (ReviewState.IN_REVIEW,))
    locked.review_state = ReviewState.REJECTED
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.review_note = reason
    _save(locked, user, f"Rejected: {reason}")
    return _update_caller(event, locked)


@transaction.atomic
def withdraw(event: Event, user: AbstractBaseUser, reason: str = "") -> Event:
    """Take an event out of the workflow instead of deleting it; history and public id remain.

    Analysts withdraw unpublished events. Withdrawing a published event takes
    it away from readers, so it is a reviewer's decision and needs a reason.
    """
    if not _has(user, "withdraw_event"):
        raise ReviewNotAllowed("Your role cannot withdraw events.")
    _one_change_of_the_published_set_at_a_time()
    caller, event = event, _locked(event)
    reason = (reason or "").strip()
    if event.review_state == ReviewState.PUBLISHED:
        if not _has(user, "review_event"):
            raise ReviewNotAllowed("Only reviewers can withdraw a published event.")
        if not reason:
            raise ReviewIncomplete(
                "Say why the event is withdrawn.", ["reason: Withdrawing a published event needs a reason."]
            )
    _expect_state(
        event,
        "withdraw",
        (ReviewState.DRAFT, ReviewState.IN_REVIEW, ReviewState.REJECTED, ReviewState.PUBLISHED),
    )
    now = timezone.now()
    if event.review_state == ReviewState.PUBLISHED:
        for revision in event.revisions.filter(review_state__in=OPEN_STATES):
            _withdraw_row(revision, user, now, "The published event it revised was withdrawn.")
        EventTombstone.record(event, DepartureCause.WITHDRAWN, reason, at=now)
    _withdraw_row(event, user, now, reason)
    return _update_caller(caller, event)


def _withdraw_row(event: Event, user: AbstractBaseUser, now: datetime, reason: str) -> None:
    event.review_state = ReviewState.WITHDRAWN
    event.withdrawn_at = now
    event.withdrawal_reason = reason
    _save(event, user, f"Withdrawn: {reason}" if reason else "Withdrawn")


@transaction.atomic
def start_revision(event: Event, user: AbstractBaseUser) -> Event:
    """The working copy in which an analyst edits a published event; the open one if it exists."""
    if not _has(user, "change_event"):
        raise ReviewNotAllowed("Only analysts can revise events.")
    event = _locked(event)
    _expect_state(event, "revise", (ReviewState.PUBLISHED,))
    existing = event.revisions.filter(review_state__in=OPEN_STATES).first()
    if existing:
        return existing
    copy = Event(revision_of=event, version=event.version + 1, created_by=user, updated_by=user)
    for field in CONTENT_FIELDS:
        setattr(copy, field, getattr(event, field))
    _save(copy, user, f"Working copy of version {event.version}")
    copy.intermediaries.set(event.intermediaries.all())
    for part in PARTS:
        for original_part in getattr(event, part.related_name).all():
            clone = part.model(event=copy, copied_from_id=original_part.pk)
            for field in part.model.content_fields():
                setattr(clone, field, getattr(original_part, field))
            _save(clone, user)
    return copy


def _sync_parts(target: Event, part: PartKind, desired: list[EventPart], key, user, reason: str) -> None:
    """Make ``target``'s parts of one kind equal ``desired``, updating matches in place.

    ``key(d)`` gives the id of the target's part that ``d`` stands for, or
    None for a new part. Parts are saved one by one so that each change is in
    the history with its before and after.
    """
    current = {existing.pk: existing for existing in getattr(target, part.related_name).all()}
    fields = part.model.content_fields()
    for wanted in desired:
        existing = current.pop(key(wanted), None)
        if existing is None:
            existing = part.model(event=target)
        elif all(getattr(existing, field) == getattr(wanted, field) for field in fields):
            continue
        for field in fields:
            setattr(existing, field, getattr(wanted, field))
        _save(existing, user, reason)
    for leftover in current.values():
        _delete(leftover, user, reason)


def _merge_working_copy(copy: Event, user: AbstractBaseUser, now: datetime) -> Event:
    original = _locked(copy.revision_of)
    _expect_state(original, "publish a revision of", (ReviewState.PUBLISHED,))
    author = copy.updated_by or copy.created_by
    reason = f"Published version {original.version + 1}, edited by {author}" if author else "Published revision"
    for field in CONTENT_FIELDS:
        setattr(original, field, getattr(copy, field))
    original.version += 1
    original.reviewed_by = user
    original.reviewed_at = now
    original.published_at = now
    original.updated_by = copy.updated_by
    original.submitted_by = copy.submitted_by
    original.submitted_at = copy.submitted_at
    _save(original, user, reason)
    original.intermediaries.set(copy.intermediaries.all())
    for part in PARTS:
        desired = list(getattr(copy, part.related_name).all())
        _sync_parts(original, part, desired, lambda wanted: wanted.copied_from_id, user, reason)
    _delete(copy, user, f"Merged into version {original.version}")
    return original


@transaction.atomic
def restore(event: Event, user: AbstractBaseUser, as_of: datetime) -> Event:
    """Bring back the event and its parts as they were at ``as_of``.

    A draft or rejected event is restored in place. A published event is
    restored into its working copy, which must then pass review like any
    edit. Returns the event that now holds the restored content.
    """
    if not _has(user, "change_event"):
        raise ReviewNotAllowed("Only analysts can restore events.")
    event = _locked(event)
    try:
        snapshot = event.history.as_of(as_of)
    except Event.DoesNotExist:
        raise ReviewConflict(f"“{event}” did not exist at {as_of:%Y-%m-%d %H:%M:%S} UTC.") from None
    record = event.history.filter(history_date__lte=as_of).order_by("-history_date", "-history_id").first()
    if event.review_state == ReviewState.PUBLISHED:
        target = start_revision(event, user)
        key_of_target = {p.copied_from_id: p.pk for part in PARTS for p in getattr(target, part.related_name).all()}

        def key(part: EventPart) -> int | None:
            return key_of_target.get(part.pk)
    elif event.is_editable:
        target = event

        def key(part: EventPart) -> int | None:
            return part.pk
    else:
        raise ReviewConflict(
            f"Cannot restore “{event}” while it is {event.get_review_state_display().lower()}; "
            "restore a draft, a rejected or a published event."
        )
    reason = f"Restored to {as_of:%Y-%m-%d %H:%M:%S} UTC"
    for field in CONTENT_FIELDS:
        setattr(target, field, getattr(snapshot, field))
    target.updated_by = user
    _save(target, user, reason)
    target.intermediaries.set([row.actor_id for row in record.intermediaries.all()] if record else [])
    for part in PARTS:
        desired = list(part.model.history.as_of(as_of).filter(event_id=event.pk))
        _sync_parts(target, part, desired, key, user, reason)
    return target
