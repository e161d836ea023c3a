"""JSON logs (CONVENOR_LOG_FORMAT=json): one line a request with its id and user, the request's
id on every other line written while it is served, no query strings nor record data, and nothing
at all from the anonymous channel."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test.signals import template_rendered

from convenor.core.logging import logging_config
from convenor.intelligence.models import ReportingChannel
from tests.conftest import verified_login


@pytest.fixture
def json_logs():
    """The production logging configuration, its handlers writing to a buffer; read its lines."""
    logging.config.dictConfig(logging_config("json", level="INFO", splink_level="ERROR"))
    buffer = io.StringIO()
    for name in ("", "django.server"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(buffer)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def log_while_rendering():
    """Any logger writing while a page is served: a line at each template rendered."""

    def write(sender, template, context, **kwargs):
        logging.getLogger("convenor.anything").warning("rendering %s", template.name)

    template_rendered.connect(write, dispatch_uid="test_logging")
    yield
    template_rendered.disconnect(dispatch_uid="test_logging")


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "convenor.request"]


def test_a_request_logs_one_line_with_its_id_and_user(client, world, json_logs):
    analyst = world.people["analyst"]
    verified_login(client, analyst)
    response = client.get("/", HTTP_X_REQUEST_ID="proxy-5f1c2e")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-5f1c2e"
    [line] = _request_lines(json_logs())
    assert line["request_id"] == "proxy-5f1c2e"
    assert line["user_id"] == analyst.pk
    assert line["method"] == "GET"
    assert line["route"] == "core:home"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_other_loggers_carry_the_request_id(client, world, json_logs, log_while_rendering):
    verified_login(client, world.people["analyst"])
    response = client.get("/")
    request_id = response["X-Request-ID"]
    lines = json_logs()
    rendering = [line for line in lines if line["logger"] == "convenor.anything"]
    assert rendering, "the page rendered templates"
    assert {line["request_id"] for line in rendering} == {request_id}
    assert {line["route"] for line in rendering} == {"core:home"}


@pytest.mark.parametrize(
    "incoming", ["", "has spaces", "line\nbreak", "x" * 129, "quote\"'", "名前"]
)
def test_an_unusable_incoming_request_id_is_replaced(client, db, json_logs, incoming):
    response = client.get("/sign-in/", HTTP_X_REQUEST_ID=incoming)
    generated = response["X-Request-ID"]
    assert generated != incoming and len(generated) == 32 and generated.isalnum()
    [line] = _request_lines(json_logs())
    assert line["request_id"] == generated and line["user_id"] is None


def test_each_request_gets_its_own_id(client, db, json_logs):
    ids = {client.get("/sign-in/")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_the_anonymous_channel_logs_nothing(client, world, json_logs, log_while_rendering):
    ReportingChannel.objects.create(
        slug="preston",
        name="Report crime in Preston anonymously",
        kind="public",
        introduction="Tell us what you know.",
        receiving_organisation=world.own,
        retention_days=30,
    )
    headers = {"HTTP_X_REQUEST_ID": "reporter-trace-1", "REMOTE_ADDR": "203.0.113.77"}
    pages = [
        client.get("/intelligence/report/", **headers),
        client.get("/intelligence/report/preston/?from=leaflet", **headers),
        client.get("/intelligence/report/no-such-channel/", **headers),  # a 404
        client.post("/intelligence/report/preston/", {"what": ""}, **headers),  # refused
    ]
    assert [page.status_code for page in pages][:3] == [200, 200, 404]
    assert all("X-Request-ID" not in page for page in pages)
    # Templates were rendered (and logged by the receiver): every line was dropped.
    assert json_logs() == []


def test_query_strings_and_exception_messages_stay_out(json_logs):
    logging.getLogger("django.server").info(
        '"%s" %s %s', "GET /threat/entities/?q=Smith&dob=1980 HTTP/1.1", "200", "512"
    )
    try:
        raise ValueError("duplicate key (surname)=(Smith)")
    except ValueError:
        logging.getLogger("convenor.threat").exception("import failed")
    server, failure = json_logs()
    assert server["message"] == '"GET /threat/entities/ HTTP/1.1" 200 512'
    assert failure["exception"] == "builtins.ValueError"
    assert failure["stack"][0].endswith("in test_query_strings_and_exception_messages_stay_out")
    assert "Smith" not in json.dumps([server, failure])


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CONVENOR_LOG_FORMAT must be one of"):
        logging_config("xml", level="INFO", splink_level="ERROR")
