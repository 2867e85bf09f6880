"""The digital console's data endpoint: the guard lets through exactly the named read activities, by their
body, and refuses every other activity (deregister, delete, return, …) with the activity named."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from orderwatch.bots.guard import RequestGuard
from orderwatch.bots.pages import CONSOLE_READ_ACTIVITIES

GUARD = RequestGuard(site_origin=("https", "www.amazon.co.jp"))
AJAX = "https://www.amazon.co.jp/hz/mycd/digital-console/ajax"


def body(**fields: str) -> bytes:
    return urlencode(fields).encode()


@pytest.mark.parametrize("activity", CONSOLE_READ_ACTIVITIES)
def test_a_read_activity_with_the_consoles_own_fields_passes(activity: str) -> None:
    sent = body(activity=activity, activityInput='{"surfaceType":"LargeDesktop"}', csrfToken="tok")
    assert GUARD.body_verdict("POST", AJAX, sent) is None


@pytest.mark.parametrize(
    "sent",
    [
        body(activity="DeregisterDevice", activityInput="{}", csrfToken="t"),
        body(activity="DeleteContent", activityInput="{}", csrfToken="t"),
        body(activity="ReturnContent", activityInput="{}", csrfToken="t"),
        body(activity="getdevicesoverview", activityInput="{}", csrfToken="t"),  # names are exact
        b"activity=GetDevicesOverview&activity=DeleteContent&csrfToken=t",  # a second activity rides along
        body(activity="GetDevicesOverview", data='{"param":{"DeleteContent":{}}}', csrfToken="t"),  # old form
        body(activityInput="{}", csrfToken="t"),  # no activity at all
        body(activity="GetDevicesOverview", activityInput="[1]", csrfToken="t"),  # input not an object
        body(activity="GetDevicesOverview", activityInput="{oops", csrfToken="t"),
        b"\xff\xfe",  # not text
        b"",
    ],
)
def test_every_other_console_request_is_refused(sent: bytes) -> None:
    assert GUARD.body_verdict("POST", AJAX, sent) == "console_activity_refused"


def test_the_read_activities_pass_only_at_the_console_endpoint_of_the_site() -> None:
    sent = body(activity="GetDevicesOverview", activityInput="{}", csrfToken="t")
    assert GUARD.body_verdict("POST", AJAX + "?activity=DeleteContent", sent) == "console_activity_refused"
    assert GUARD.body_verdict("POST", "https://www.amazon.co.jp/hz/mycd/ajax", sent) == "state_changing_method"
    assert GUARD.body_verdict("POST", "https://evil.example/hz/mycd/digital-console/ajax", sent) == "off_site"
    assert GUARD.body_verdict("PUT", AJAX, sent) == "state_changing_method"
    signing_in = RequestGuard(site_origin=("https", "www.amazon.co.jp"), signing_in=True)
    assert signing_in.body_verdict("POST", AJAX, sent) == "console_activity_refused"


def test_a_get_of_the_console_endpoint_is_no_read_path() -> None:
    assert GUARD.verdict("GET", AJAX, "xhr") == "not_read_path"
