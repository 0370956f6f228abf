"""Routes of the events API, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from events.api import views

app_name = "events-api"

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("weapon-systems", views.WeaponSystemViewSet, basename="weapon-system")
router.register("regimes", views.RegimeViewSet, basename="regime")
router.register("resolutions", views.ResolutionViewSet, basename="resolution")
router.register("provisions", views.ProvisionViewSet, basename="provision")

urlpatterns = [
    path("stats/", views.StatsView.as_view(), name="stats"),
    *router.urls,
]
