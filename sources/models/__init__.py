from sources.models.articles import Article, ArticleBand, CandidateArticle, StoryCluster
from sources.models.documents import Document, DocumentQuerySet, Publisher
from sources.models.feeds import Feed, FetchLog

__all__ = [
    "Article",
    "ArticleBand",
    "CandidateArticle",
    "Document",
    "DocumentQuerySet",
    "Feed",
    "FetchLog",
    "Publisher",
    "StoryCluster",
]
