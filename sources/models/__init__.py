from sources.models.articles import Article, ArticleBand, StoryCluster
from sources.models.documents import Document, DocumentQuerySet, Publisher
from sources.models.feeds import Feed, FetchLog

__all__ = [
    "Article",
    "ArticleBand",
    "Document",
    "DocumentQuerySet",
    "Feed",
    "FetchLog",
    "Publisher",
    "StoryCluster",
]
