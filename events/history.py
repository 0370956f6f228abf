"""The change history of an event and its parts, as one timeline with before and after values."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.text import capfirst

from events.models import Event
from events.workflow import PARTS

_CHANGE_KIND = {"+": "created", "~": "changed", "-": "deleted"}
_HIDDEN_FIELDS = {"id", "public_id", "copied_from_id", "updated_at", "created_at"}


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


@dataclass
class TimelineEntry:
    when: datetime
    user: str
    subject: str
    kind: str
    reason: str
    history_id: int
    is_event: bool
    changes: list[FieldChange] = field(default_factory=list)


def _label(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _render(model: type[models.Model], name: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.is_relation and model_field.many_to_one:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _related_names(records: list) -> dict:
    """Display names of every object referred to by a foreign key in the records, in one query per model."""
    wanted: dict[type[models.Model], set] = {}
    for record in records:
        for model_field in record.instance_type._meta.concrete_fields:
            if model_field.is_relation and model_field.many_to_one:
                value = getattr(record, model_field.attname)
                if value is not None:
                    wanted.setdefault(model_field.related_model, set()).add(value)
    names = {}
    for related_model, ids in wanted.items():
        for pk, obj in related_model._default_manager.in_bulk(ids).items():
            names[(related_model, pk)] = str(obj)
    return names


def _intermediaries(record) -> list[str]:
    return sorted(str(row.actor) for row in record.intermediaries.select_related("actor"))


def _add_intermediary_change(entry: TimelineEntry, record, before) -> None:
    now = _intermediaries(record)
    then = _intermediaries(before) if before is not None else []
    if now != then:
        entry.changes.append(FieldChange("Intermediaries", ", ".join(then) or "—", ", ".join(now) or "—"))


def event_timeline(event: Event) -> list[TimelineEntry]:
    """Every recorded change to the event and its parts, newest first, each with its before and after."""
    sources = [(Event, event.history.all(), True)]
    for part in PARTS:
        sources.append((part.model, part.model.history.filter(event_id=event.pk), False))
    records = []
    for model, queryset, is_event in sources:
        for record in queryset.select_related("history_user").order_by("history_date", "history_id"):
            records.append((model, record, is_event))
    names = _related_names([record for _, record, _ in records])
    previous: dict[tuple, object] = {}
    entries = []
    for model, record, is_event in records:
        key = (model, record.id)
        before = previous.get(key)
        previous[key] = record
        subject = "Event" if is_event else f"{model._meta.verbose_name.capitalize()} #{record.id}"
        entry = TimelineEntry(
            when=record.history_date,
            user=str(record.history_user) if record.history_user else "system",
            subject=subject,
            kind=_CHANGE_KIND.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
            history_id=record.history_id,
            is_event=is_event,
        )
        fields = [f.name for f in model._meta.concrete_fields if f.name not in _HIDDEN_FIELDS]
        for name in fields:
            attname = model._meta.get_field(name).attname
            new = getattr(record, attname)
            old = getattr(before, attname) if before is not None else None
            if record.history_type == "-" or (before is not None and old == new):
                continue
            if before is None and new in (None, ""):
                continue
            entry.changes.append(
                FieldChange(_label(model, name), _render(model, name, old, names), _render(model, name, new, names))
            )
        if is_event:
            _add_intermediary_change(entry, record, before)
        entries.append(entry)
    entries.sort(key=lambda entry: (entry.when, entry.history_id), reverse=True)
    return entries
