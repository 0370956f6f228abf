"""Routes of the sources API, mounted under /api/v1/. Register new sources endpoints on this router."""

from rest_framework.routers import SimpleRouter

from sources.api import views

app_name = "sources-api"

router = SimpleRouter()
router.register("publishers", views.PublisherViewSet, basename="publisher")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("feeds", views.FeedViewSet, basename="feed")
router.register("articles", views.ArticleViewSet, basename="article")

urlpatterns = router.urls
