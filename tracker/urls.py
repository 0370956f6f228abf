from django.contrib import admin
from django.urls import path

from tracker import views

admin.site.site_header = "Sanctions-violation event tracker"
admin.site.site_title = "Event tracker"
admin.site.index_title = "Record, review and publish"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]
