from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from practice.views import home

from . import health

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("practice.account_urls")),
    path("", include("practice.urls")),
]

if settings.BENCH_LIMIT_ENDPOINT:  # only for `make bench`: the stack's ceiling for an authenticated write
    from bench.limit import limit

    urlpatterns.append(path("bench/limit/", limit, name="bench_limit"))
