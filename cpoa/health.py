"""Probes for the load balancer: /healthz says the process answers, /readyz that it can serve."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Touches nothing: the process is up and its URL configuration loads."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The database answers (and Redis, when the cache is Redis); 503 naming what failed otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"unavailable: {type(error).__name__}"
    if settings.REDIS_URL:
        try:
            cache.set("readyz", "1", timeout=5)
            checks["cache"] = "ok" if cache.get("readyz") == "1" else "unavailable: no round trip"
        except Exception as error:  # noqa: BLE001
            checks["cache"] = f"unavailable: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
