from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self) -> None:
        from events.models import Actor, ActorAlias, Resolution, WeaponSystem, WeaponSystemAlias
        from sources.models import Article
        from sources.models.articles import delete_article_bands

        # The relevance scorer's compiled terms are built from these; a process that
        # changes one rebuilds them at once (others when their cached table expires).
        for model in (Actor, ActorAlias, WeaponSystem, WeaponSystemAlias, Resolution):
            post_save.connect(_reset_term_cache, sender=model, dispatch_uid=f"sources-terms-save-{model.__name__}")
            post_delete.connect(_reset_term_cache, sender=model, dispatch_uid=f"sources-terms-delete-{model.__name__}")
        post_delete.connect(delete_article_bands, sender=Article, dispatch_uid="sources-article-bands")


def _reset_term_cache(**kwargs) -> None:
    from sources.relevance import reset_term_cache

    reset_term_cache()
