from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tracker import views
from tracker.api.views import not_found as api_not_found

admin.site.site_header = "Sanctions-violation event tracker"
admin.site.site_title = "Event tracker"
admin.site.index_title = "Record, review and publish"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),
    path("api/v1/", include("sources.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
]
