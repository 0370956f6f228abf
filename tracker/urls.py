from django.contrib import admin
from django.urls import include, path

from tracker import views

admin.site.site_header = "Sanctions-violation event tracker"
admin.site.site_title = "Event tracker"
admin.site.index_title = "Record, review and publish"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

# The REST API (docs/api.md): each app registers its routes in its api/urls.py.
api_urlpatterns = [
    # path("api/v1/", include("events.api.urls")),
    # path("api/v1/", include("sources.api.urls")),
]
urlpatterns += api_urlpatterns
_ = include
