import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable: OperationalError"


@override_settings(REDIS_URL="redis://127.0.0.1:1/0",
                   CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:1/0"}})
def test_readyz_is_503_when_the_configured_redis_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("unavailable")


def test_the_benchmark_limit_endpoint_is_off_unless_switched_on(client):
    with pytest.raises(NoReverseMatch):
        reverse("bench_limit")
    assert client.post("/bench/limit/").status_code == 404


def test_the_benchmark_limit_endpoint_does_one_update(client, settings, django_assert_num_queries):
    import importlib

    from cpoa import urls
    from tests.factories import UserFactory
    settings.BENCH_LIMIT_ENDPOINT = True
    importlib.reload(urls)
    clear_url_caches()
    try:
        user = UserFactory()
        client.force_login(user)
        client.get("/healthz")
        with django_assert_num_queries(3):  # session, user, the UPDATE
            response = client.post("/bench/limit/", {"attempt": 1})
        assert response.status_code == 200 and b"Saved 0 row" in response.content
    finally:
        settings.BENCH_LIMIT_ENDPOINT = False
        importlib.reload(urls)
        clear_url_caches()
