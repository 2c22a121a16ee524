"""The Redis cache may be down: pages are computed without it, quickly, and it is used again once
it is back (core/cache.py; bench/faults.py stops a real Redis under load)."""

import logging
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.cache import cache

from tests.conftest import service_missing, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def forgiving(settings, location, **options):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-cache-{time.monotonic_ns()}",
            "OPTIONS": options,
        }
    }


def test_with_redis_down_reads_miss_and_writes_drop(settings, caplog):
    forgiving(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("page", "missing") == "missing"
        assert cache.get_or_set("page", lambda: "computed", 60) == "computed"
        cache.set("page", "value", 60)
        assert cache.add("page", "value", 60) is False
        assert cache.get_many(["a", "b"]) == {}
        cache.set_many({"a": 1, "b": 2})
        assert cache.has_key("page") is False
        assert cache.delete("page") is False
        cache.delete_many(["a", "b"])
        assert cache.touch("page") is False
        assert cache.incr("count") == 1  # a counter starts again
    # Left alone after the first failure: one warning, not one per call.
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["cache unavailable"]


def test_a_redis_that_does_not_answer_costs_one_timeout_not_one_per_call(settings):
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)  # the kernel accepts connections; nothing ever answers
        forgiving(settings, f"redis://127.0.0.1:{hung.getsockname()[1]}/0")
        answers = []

        def page():  # ten cache reads, as a few pages would make
            answers.extend(cache.get(f"part{i}", "computed") for i in range(10))

        started = time.monotonic()
        reader = threading.Thread(target=page, daemon=True)
        reader.start()
        reader.join(timeout=30)  # without timeouts it would wait until TCP gives up
        assert answers == ["computed"] * 10
        assert time.monotonic() - started < 5  # one 2-s reply timeout, then misses at once


def test_a_page_that_caches_answers_while_redis_is_down(client, settings, db):
    forgiving(settings, f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/vinh-danh/")
    assert response.status_code == 200


def test_other_redis_errors_are_not_hidden(settings, redis_url):
    import redis

    forgiving(settings, redis_url)
    redis.Redis.from_url(redis_url).set(cache.make_key("text"), "not a number")
    with pytest.raises(redis.ResponseError):
        cache.incr("text")
    cache.delete("text")


def test_it_caches_and_comes_back_after_a_redis_restart(settings):
    binary = shutil.which("redis-server")
    if not binary:
        service_missing("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    forgiving(settings, f"redis://127.0.0.1:{port}/0", down_seconds=0.5)

    def redis_server():
        command = [binary, "--port", str(port), "--save", "", "--appendonly", "no"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        assert wait_for(lambda: cache.add("up", 1, 60) or cache.has_key("up"), seconds=10)
        return process

    server = redis_server()
    try:
        cache.set("page", "cached", 60)
        assert cache.get("page") == "cached"
        server.terminate()
        server.wait(timeout=10)
        assert cache.get("page", "missing") == "missing"
        server = redis_server()  # back, empty
        cache.set("page", "again", 60)
        assert cache.get("page") == "again"
    finally:
        server.terminate()
        server.wait(timeout=10)
