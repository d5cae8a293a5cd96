"""The browser tests' wait for an idle live server counts the live server's requests only."""

from __future__ import annotations

from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.client import ClientHandler

from crampcare.testing.browser import server_requests


def _send_here(signal: Any, **kwargs: Any) -> None:
    """Send in the test's own thread without Django's connection handling, as its test client
    does (it would touch this thread's database connection)."""
    signal.disconnect(close_old_connections)
    try:
        signal.send(**kwargs)
    finally:
        signal.connect(close_old_connections)


def test_it_ignores_the_test_clients_requests_even_when_a_download_is_never_read() -> None:
    before = server_requests.active
    _send_here(request_started, sender=ClientHandler, environ={})
    # A streaming answer the test never reads sends no "finished": it must not count.
    assert server_requests.active == before
    _send_here(request_finished, sender=None)
    assert server_requests.active == before


def test_it_counts_a_live_server_request_until_it_finishes() -> None:
    import threading

    before = server_requests.active
    began, finish, done = threading.Event(), threading.Event(), threading.Event()

    def serve() -> None:  # as a live-server request thread would
        request_started.send(sender=WSGIHandler, environ={})
        began.set()
        finish.wait(5)
        request_finished.send(sender=WSGIHandler)
        done.set()

    thread = threading.Thread(target=serve)
    thread.start()
    began.wait(5)
    assert server_requests.active == before + 1
    assert not server_requests.wait_until_idle(0.3)
    finish.set()
    done.wait(5)
    assert server_requests.active == before
    assert server_requests.wait_until_idle(2)
    thread.join()


def test_it_ignores_a_wsgi_call_in_the_tests_own_thread() -> None:
    # The schemathesis test calls the app in-process: its answers are not the live server's.
    before = server_requests.active
    _send_here(request_started, sender=WSGIHandler, environ={})
    assert server_requests.active == before


def test_it_forgets_a_request_whose_thread_ended_without_finishing() -> None:
    import threading

    before = server_requests.active
    thread = threading.Thread(target=lambda: request_started.send(sender=WSGIHandler, environ={}))
    thread.start()
    thread.join()
    # Its "finished" never came, but its thread is gone: nothing is in flight.
    assert server_requests.active == before
    assert server_requests.wait_until_idle(2)
