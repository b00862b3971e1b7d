from django.contrib import admin
from django.urls import include, path

from practice.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("practice.account_urls")),
    path("", include("practice.urls")),
]
