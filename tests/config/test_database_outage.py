"""The database failing under a request: a 503 that says to try again, not a 500; and after
PostgreSQL restarted, a kept connection is replaced before a request uses it (bench/faults.py
restarts a real server under load; here the failures are made on purpose)."""

import pytest
from django.db import (
    OperationalError,
    ProgrammingError,
    close_old_connections,
    connection,
    connections,
)

pytestmark = pytest.mark.django_db


def refusing(error):
    def wrapper(execute, sql, params, many, context):
        raise error

    return wrapper


def test_a_request_while_the_database_is_down_gets_a_503_that_says_to_retry(client, nominator_a):
    client.force_login(nominator_a)
    client.raise_request_exception = False
    down = OperationalError("server closed the connection unexpectedly")
    with connection.execute_wrapper(refusing(down)):
        response = client.get("/ho-so/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Hệ thống đang tạm gián đoạn" in response.content.decode()


def test_any_other_failure_is_still_the_500_page(client, nominator_a):
    client.force_login(nominator_a)
    client.raise_request_exception = False
    with connection.execute_wrapper(refusing(ProgrammingError("no such column"))):
        response = client.get("/ho-so/")
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_the_server_dropped_is_replaced_before_the_next_request(
    postgres, client, nominator_a
):
    client.force_login(nominator_a)
    kept = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60  # kept between requests, as in production
    try:
        connection.ensure_connection()
        backend = connection.connection.info.backend_pid
        # What a restart does to every kept connection: the server ends it.
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        other.close()
        # What the server does when a request starts (the test client leaves it out).
        close_old_connections()
        response = client.get("/ho-so/")
        assert response.status_code == 200
        assert connection.connection.info.backend_pid != backend
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = kept
        connection.close()
