"""Services of the sources app: registering feeds, dispatching due ones, and the triage decisions.

The admin, the API, the tasks and the commands call these; the rules live here.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from events.choices import ClaimStatus, DatePrecision, EventKind, Qualifier, Stance, WeaponCategory
from events.models import Actor, Citation, Event, TransferItem, WeaponSystem
from sources.choices import DismissalReason, DocumentKind, PublisherKind, TriageState
from sources.fetching import ALLOWED_SCHEMES
from sources.ingestion import lease_seconds
from sources.models import Article, Document, Feed, Publisher
from sources.normalise import canonicalise_url


class TriageError(Exception):
    """A triage action that cannot happen; the message is written for the analyst."""


# Feeds -----------------------------------------------------------------------


def normalise_feed_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        raise ValidationError(f"A feed address must be an http or https URL, not {url!r}.")
    return url


def register_feed(
    url: str, publisher_name: str = "", language: str = "", poll_interval: int | None = None
) -> tuple[Feed, bool]:
    """The feed at ``url``, created if new. Returns (feed, created).

    A publisher named here is created as a news outlet when it does not exist
    yet; an analyst can correct its kind and reliability in the admin.
    """
    url = normalise_feed_url(url)
    publisher = None
    if publisher_name:
        publisher, _ = Publisher.objects.get_or_create(
            name=publisher_name.strip(), defaults={"kind": PublisherKind.NEWS_MEDIA, "language": language}
        )
    defaults: dict = {"publisher": publisher, "language": language}
    if poll_interval:
        defaults["poll_interval"] = poll_interval
    feed, created = Feed.objects.get_or_create(url=url, defaults=defaults)
    if not created:
        changed = []
        if publisher and feed.publisher_id != publisher.pk:
            feed.publisher, changed = publisher, [*changed, "publisher"]
        if language and feed.language != language:
            feed.language, changed = language, [*changed, "language"]
        if changed:
            feed.save(update_fields=[*changed, "updated_at"])
    return feed, created


def register_local_feed(path: Path, publisher_name: str = "", language: str = "") -> Feed:
    """A feed document on disk, for operators and tests. It is never polled: it is read when named."""
    path = path.resolve()
    publisher = None
    if publisher_name:
        publisher, _ = Publisher.objects.get_or_create(
            name=publisher_name.strip(), defaults={"kind": PublisherKind.NEWS_MEDIA, "language": language}
        )
    feed, _ = Feed.objects.get_or_create(
        url=path.as_uri(),
        defaults={"active": False, "publisher": publisher, "language": language, "title": path.stem},
    )
    return feed


def claim_due_feeds(limit: int) -> list[int]:
    """Ids of up to ``limit`` due feeds, moved out of the due set while their task runs.

    Each claimed feed's next fetch time is pushed past a task's lease, so the
    next dispatch does not enqueue it again; the task then sets the real next
    time. If the task is lost (a worker killed, a message dropped) the feed
    simply becomes due again. ``skip_locked`` lets two dispatchers run at once
    without claiming the same feed.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Feed.objects.due(now)
            .order_by("next_fetch_at")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Feed.objects.filter(id__in=ids).update(next_fetch_at=now + timedelta(seconds=lease_seconds()))
    return ids


# Triage ----------------------------------------------------------------------


def _check_can_triage(user: AbstractBaseUser) -> None:
    if not (user and user.is_active and user.has_perm("sources.change_article")):
        raise PermissionDenied("Only analysts can triage articles.")


def dismiss_articles(articles, user: AbstractBaseUser, reason: str, note: str = "", whole_story: bool = True) -> int:
    """Take articles out of the triage queue with a reason. Returns how many were dismissed.

    With ``whole_story`` the other untriaged articles of the same story go too:
    the queue shows a story once, and dismissing it dismisses its copies.
    Articles already linked to an event are left alone.
    """
    _check_can_triage(user)
    if reason not in DismissalReason.values:
        raise TriageError(f"Choose a reason for dismissing: {', '.join(DismissalReason.values)}.")
    ids = [article.pk if isinstance(article, Article) else int(article) for article in articles]
    targets = Article.objects.filter(pk__in=ids)
    if whole_story:
        clusters = Article.objects.filter(pk__in=ids, cluster__isnull=False).values("cluster_id")
        targets = Article.objects.filter(pk__in=ids) | Article.objects.filter(cluster_id__in=clusters)
    return targets.filter(triage_state__in=(TriageState.NEW, TriageState.CANDIDATE)).update(
        triage_state=TriageState.DISMISSED,
        dismissal_reason=reason,
        dismissal_note=note.strip(),
        triaged_by=user,
        triaged_at=timezone.now(),
    )


def restore_articles(articles, user: AbstractBaseUser) -> int:
    """Put dismissed articles back: candidates into the queue, the rest out of the way."""
    _check_can_triage(user)
    ids = [article.pk if isinstance(article, Article) else int(article) for article in articles]
    restored = 0
    for is_candidate, state in ((True, TriageState.CANDIDATE), (False, TriageState.NEW)):
        restored += Article.objects.filter(
            pk__in=ids, triage_state=TriageState.DISMISSED, is_candidate=is_candidate
        ).update(triage_state=state, dismissal_reason="", dismissal_note="", triaged_by=user, triaged_at=timezone.now())
    return restored


def document_for_article(article: Article) -> Document:
    """The archived document an event cites for this article: found by canonical URL, else created."""
    if article.document_id:
        return article.document
    url = article.url or f"{article.feed.url}?entry={article.entry_key}"
    canonical = canonicalise_url(url)
    document = Document.objects.filter(canonical_url=canonical).first()
    if document is None:
        document = Document(
            kind=DocumentKind.ARTICLE,
            url=url,
            canonical_url=canonical,
            title=(article.title or url)[:500],
            publisher=article.feed.publisher,
            published_at=article.published_at,
            retrieved_at=article.fetched_at,
            language=article.language,
            archived_text=article.text,
        )
        document.full_clean(exclude=["url"])
        document.save()
    return document


@dataclass(frozen=True)
class DraftEventPlan:
    """What a draft event made from an article will hold; shown to the analyst before it is made."""

    title: str
    supplier: Actor | None
    recipient: Actor | None
    systems: tuple[WeaponSystem, ...]
    categories: tuple[str, ...]
    excerpt: str


def _excerpt(article: Article, limit: int = 600) -> str:
    """The passage around the first matched term of the text, else the text's beginning."""
    text = article.text or ""
    starts = [match.get("start", 0) for match in article.matched_terms or () if match.get("field") == "text"]
    if not starts:
        return text[:limit]
    begin = max(0, min(starts) - limit // 3)
    return ("…" if begin else "") + text[begin : begin + limit]


def plan_draft_event(article: Article) -> DraftEventPlan:
    suggestions = article.suggestions or {}
    supplier = Actor.objects.by_code(suggestions["supplier"]).first() if suggestions.get("supplier") else None
    recipient = Actor.objects.by_code(suggestions["recipient"]).first() if suggestions.get("recipient") else None
    if supplier and recipient and supplier.pk == recipient.pk:
        recipient = None
    designations = []
    for match in article.matched_terms or ():
        if match.get("kind") == "weapon" and match.get("ref") and match["ref"] not in designations:
            designations.append(match["ref"])
    systems = tuple(WeaponSystem.objects.filter(designation__in=designations).order_by("designation"))
    covered = {system.category for system in systems}
    categories = tuple(
        category
        for category in suggestions.get("categories") or ()
        if category in WeaponCategory.values and category not in covered
    )
    return DraftEventPlan(
        title=(article.title or "Untitled article")[:300],
        supplier=supplier,
        recipient=recipient,
        systems=systems,
        categories=categories,
        excerpt=_excerpt(article),
    )


def _save(instance, user: AbstractBaseUser) -> None:
    instance._history_user = user
    instance._change_reason = "Drafted from a news article"
    instance.save()


@transaction.atomic
def create_draft_event_from_article(article: Article, user: AbstractBaseUser, whole_story: bool = True) -> Event:
    """Make a draft event pre-filled from a triaged article and link the article to it.

    The draft gets the suggested supplier and recipient, one item per weapon
    system named (else per suggested category), and a citation of the
    article's archived document with stance "asserts". It stays a draft: the
    analyst completes it (dates, violations) and submits it for review. With
    ``whole_story`` the untriaged copies of the same story are linked too.
    """
    if not (user and user.is_active and user.has_perm("events.add_event")):
        raise PermissionDenied("Only analysts can create events.")
    _check_can_triage(user)
    article = Article.objects.select_for_update(of=("self",)).select_related("feed__publisher").get(pk=article.pk)
    if article.event_id:
        raise TriageError(f"“{article}” is already linked to the event “{article.event}”.")
    plan = plan_draft_event(article)
    day = (article.published_at or article.fetched_at or timezone.now()).date()
    event = Event(
        title=plan.title,
        summary=plan.excerpt,
        kind=EventKind.TRANSFER,
        supplier=plan.supplier,
        recipient=plan.recipient,
        start_date=day,
        end_date=day,
        date_precision=DatePrecision.APPROXIMATE,
        claim_status=ClaimStatus.ALLEGED,
        created_by=user,
        updated_by=user,
    )
    _save(event, user)
    for system in plan.systems:
        _save(
            TransferItem(event=event, weapon_system=system, category=system.category, qualifier=Qualifier.UNKNOWN), user
        )
    for category in plan.categories:
        _save(TransferItem(event=event, category=category, qualifier=Qualifier.UNKNOWN), user)
    document = document_for_article(article)
    _save(Citation(event=event, document=document, stance=Stance.ASSERTS, excerpt=plan.excerpt), user)

    now = timezone.now()
    linked = {"triage_state": TriageState.LINKED, "event": event, "triaged_by": user, "triaged_at": now}
    Article.objects.filter(pk=article.pk).update(document=document, dismissal_reason="", **linked)
    if whole_story and article.cluster_id:
        Article.objects.filter(
            cluster_id=article.cluster_id, triage_state__in=(TriageState.NEW, TriageState.CANDIDATE)
        ).exclude(pk=article.pk).update(**linked)
    return event
