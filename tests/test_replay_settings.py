"""The replay site's account settings pages (issue 11) over HTTP on loopback: each page is served to a signed-in
session, the digital console answers its two read activities and writes every other one to the ledger, checks
the csrfToken, Login & Security and 2-step verification ask for the password again when the sign-in is not
recent, and each fault does what it says."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser
from selectolax.lexbor import LexborHTMLParser

from orderwatch.errors import PageChangedError
from orderwatch.parsers import (
    console_csrf_token,
    parse_content,
    parse_devices,
    parse_login_security,
    parse_subscriptions,
    parse_two_step,
)
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, ReplaySite
from orderwatch.replay.server import REAUTH_COOKIE, SESSION_COOKIE, STATE_CHANGING

AS_OF = date(2026, 3, 15)
PAGES = {
    "login-security": "/ax/account/manage",
    "two-step": "/a/settings/approval",
    "memberships": "/hz5/yourmembershipsandsubscriptions",
    "devices": "/hz/mycd/digital-console/alldevices",
    "content": "/hz/mycd/digital-console/contentlist/booksAll/dateDsc/",
}
AJAX = "/hz/mycd/digital-console/ajax"
OLD = timedelta(minutes=30)  # a valid session, but not a recent sign-in


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def cookie(self, name: str) -> str | None:
        for raw in self.headers.get_all("Set-Cookie") or []:
            key, _, rest = raw.partition("=")
            if key == name:
                return rest.split(";", 1)[0]
        return None


def fetch(
    site: ReplaySite, method: str, path: str, cookies: dict[str, str], form: dict[str, str] | None = None
) -> Answer:
    """One request, redirects not followed."""
    host, port = urlsplit(site.base_url).hostname or "", urlsplit(site.base_url).port
    conn = http.client.HTTPConnection(host, port, timeout=10)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    body = urlencode(form) if form is not None else None
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    answer = Answer(resp.status, resp.headers, resp.read().decode("utf-8"))
    conn.close()
    return answer


@pytest.fixture(scope="module")
def _shared_site() -> Iterator[ReplaySite]:
    s = ReplaySite(as_of=AS_OF)
    s.start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def site(_shared_site: ReplaySite) -> ReplaySite:
    """The demo site, started once for this file (stopping one takes half a second); each test starts with an
    empty ledger."""
    _shared_site.ledger.clear()
    return _shared_site


def _fresh(site: ReplaySite) -> dict[str, str]:
    return {SESSION_COOKIE: site.issue_session()}


def _console(site: ReplaySite, cookies: dict[str, str], activity: str, token: str, **activity_input: object) -> Answer:
    form = {"activity": activity, "activityInput": json.dumps(activity_input), "csrfToken": token}
    return fetch(site, "POST", AJAX, cookies, form)


def _token(site: ReplaySite, cookies: dict[str, str]) -> str:
    return console_csrf_token(fetch(site, "GET", PAGES["devices"], cookies).body)


# --- the pages ---------------------------------------------------------------------------------------------
def test_each_settings_page_is_served_to_a_signed_in_session_and_parses(site: ReplaySite) -> None:
    cookies = _fresh(site)
    pages = {kind: fetch(site, "GET", path, cookies) for kind, path in PAGES.items()}
    assert {kind: a.status for kind, a in pages.items()} == dict.fromkeys(PAGES, 200)
    assert parse_login_security(pages["login-security"].body).email == DEMO_EMAIL
    assert parse_two_step(pages["two-step"].body).enabled is True
    assert [s.status for s in parse_subscriptions(pages["memberships"].body)] == ["active", "free_trial"]
    for kind in ("devices", "content"):  # the console pages: a shell with the token, the list comes by ajax
        assert console_csrf_token(pages[kind].body) == site.csrf_token(cookies[SESSION_COOKIE])
    assert 'id="content-title-' not in pages["content"].body  # no list without scripts
    assert site.ledger == []


@pytest.mark.parametrize("kind", list(PAGES))
def test_a_settings_page_without_a_session_redirects_to_sign_in(site: ReplaySite, kind: str) -> None:
    answer = fetch(site, "GET", PAGES[kind], {})
    assert answer.status == 302 and urlsplit(answer.location).path == "/ap/signin"
    assert parse_qs(urlsplit(answer.location).query)["openid.return_to"] == [PAGES[kind]]


# --- the console's data endpoint ---------------------------------------------------------------------------
def test_the_console_answers_the_devices_overview(site: ReplaySite) -> None:
    cookies = _fresh(site)
    answer = _console(site, cookies, "GetDevicesOverview", _token(site, cookies), surfaceType="LargeDesktop")
    assert answer.status == 200 and answer.headers.get_content_type() == "application/json"
    data = json.loads(answer.body)
    assert data["success"] is True and data["GetDevicesOverview"]["success"] is True
    assert [d["deviceName"] for d in data["GetDevicesOverview"]["deviceList"]] == [
        "デモ太郎のKindle",
        "デモ太郎のiPhone",
        "デモ太郎の2台目のAndroid",
    ]
    assert [d.registered for d in parse_devices(answer.body)][-1] == AS_OF - timedelta(days=2)
    assert site.ledger == []


def test_the_console_answers_content_in_the_batches_asked_for(site: ReplaySite) -> None:
    cookies = _fresh(site)
    token = _token(site, cookies)
    asins, more = [], []
    for start in (0, 4):
        answer = _console(
            site,
            cookies,
            "GetContentOwnershipData",
            token,
            contentType="Ebook",
            contentCategoryReference="booksAll",
            sortOrder="DESCENDING",
            sortIndex="DATE",
            startIndex=start,
            batchSize=4,
        )
        assert answer.status == 200
        assert json.loads(answer.body)["GetContentOwnershipData"]["numberOfItems"] == 7
        page = parse_content(answer.body)
        asins += [i.asin for i in page.items]
        more.append(page.has_more)
    assert asins[:3] == ["B0DMYST001", "B0DKUCAMP1", "B0DPYTHON3"] and len(asins) == 7 == len(set(asins))
    assert more == [True, False]
    assert site.ledger == []


def test_the_console_refuses_a_wrong_or_missing_csrf_token(site: ReplaySite) -> None:
    cookies = _fresh(site)
    other_session = site.csrf_token(site.issue_session(age=timedelta(seconds=5)))
    for token in ("", "not-the-token", other_session):
        answer = _console(site, cookies, "GetDevicesOverview", token)
        assert answer.status == 403
        assert json.loads(answer.body) == {"success": False, "error": "INVALID_CSRF_TOKEN"}
    assert fetch(site, "GET", AJAX, cookies).status == 405
    assert site.ledger == []


def test_the_console_answers_bad_input_with_an_error_not_a_crash(site: ReplaySite) -> None:
    cookies = _fresh(site)
    token = _token(site, cookies)
    for raw in ("{not json", "[1, 2]", '{"startIndex": [1]}'):
        form = {"activity": "GetContentOwnershipData", "activityInput": raw, "csrfToken": token}
        answer = fetch(site, "POST", AJAX, cookies, form)
        assert answer.status == 400 and json.loads(answer.body)["error"] == "INVALID_INPUT"


@pytest.mark.parametrize("activity", ["DeregisterDevice", "DeleteContent", "ReturnContent", "DownloadAndTransfer"])
def test_every_other_console_activity_is_a_state_change_written_to_the_ledger(site: ReplaySite, activity: str) -> None:
    cookies = _fresh(site)
    answer = _console(site, cookies, activity, _token(site, cookies), asin="B0DMYST001")
    assert answer.status == 200 and json.loads(answer.body)["success"] is True
    _console(site, cookies, activity, "wrong-token")  # refused, but the attempt is still recorded
    _console(site, {}, activity, "")  # even without a session
    assert [(e.method, e.path, e.fields[0]) for e in site.ledger] == [("POST", AJAX, f"activity={activity}")] * 3
    site.ledger.clear()


# --- the state-changing controls ----------------------------------------------------------------------------
def _controls(html: str) -> list[tuple[str, str, dict[str, str]]]:
    """Every form (method, action, fields) and every edit link (GET) of a settings page's content."""
    tree = LexborHTMLParser(html)
    out = []
    for form in tree.css("#a-page form"):
        fields = {i.attributes.get("name") or "": i.attributes.get("value") or "" for i in form.css("input[name]")}
        out.append(((form.attributes.get("method") or "get").upper(), form.attributes.get("action") or "", fields))
    for a in tree.css("#a-page a[href]"):
        href = a.attributes.get("href") or ""
        if href.startswith(("/ax/account/edit", "/a/settings/approval/", "/mc/")):
            out.append(("GET", href, {}))
    return out


def test_every_state_changing_control_leads_to_an_endpoint_that_writes_the_ledger(site: ReplaySite) -> None:
    cookies = _fresh(site)
    html = {kind: fetch(site, "GET", path, cookies).body for kind, path in PAGES.items()}
    html["two-step-off"] = ReplaySite(as_of=AS_OF, two_step_enabled=False).settings_html("two-step")
    controls = [c for page in html.values() for c in _controls(page)]
    posts = [c for c in controls if c[0] == "POST"]
    assert len(posts) >= 8  # sign out everywhere, 2SV change/remove/forget/off, 2 cancels, a trial sign-up
    assert {"/ax/account/edit/name", "/ax/account/edit/email", "/ax/account/edit/mobile"} <= {
        urlsplit(c[1]).path for c in controls
    }
    assert {"sign_out_everything_continue_button", "ch-settings-otp-remove-backup-0", "sia-settings-enable-mfa"} <= {
        n.attributes.get("id") for page in html.values() for n in LexborHTMLParser(page).css("[id]")
    }
    for method, action, fields in controls:
        path = urlsplit(action).path
        assert path.startswith(STATE_CHANGING), f"{method} {action} is not a state-changing endpoint"
        assert not (method == "GET" and path.startswith("/ap/")), "the guard lets GETs to /ap/* through"
        before = len(site.ledger)
        fetch(site, method, action, cookies, fields if method == "POST" else None)
        assert len(site.ledger) == before + 1 and site.ledger[-1].path == path
    site.ledger.clear()


# --- re-authentication ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["login-security", "two-step"])
def test_a_sensitive_page_asks_for_the_password_again_when_the_sign_in_is_not_recent(
    site: ReplaySite, kind: str
) -> None:
    cookies = {SESSION_COOKIE: site.issue_session(age=OLD)}
    answer = fetch(site, "GET", PAGES[kind], cookies)
    assert answer.status == 302
    assert answer.location == "/ap/signin?" + urlencode(
        {
            "openid.pape.max_auth_age": "0",
            "openid.return_to": PAGES[kind],
            "openid.assoc_handle": "jpflex",
            "openid.mode": "checkid_setup",
            "openid.ns": "http://specs.openid.net/auth/2.0",
        }
    )
    # the password-only step: the e-mail is known, only the password is asked
    step = fetch(site, "GET", answer.location, cookies)
    tree = LexborHTMLParser(step.body)
    assert step.status == 200
    claim = tree.css_first("#auth-email-claim")
    assert claim is not None and claim.text() == DEMO_EMAIL and tree.css_first("#ap_email") is None
    assert tree.css_first("input#ap_password") is not None
    form = {
        i.attributes.get("name") or "": i.attributes.get("value") or ""
        for i in tree.css("form[name=signIn] input[type=hidden]")
    }
    assert form["openid.pape.max_auth_age"] == "0" and form["openid.return_to"] == PAGES[kind]
    wrong = fetch(site, "POST", "/ap/signin", cookies, form | {"password": "wrong"})
    assert wrong.status == 200 and "パスワードが正しくありません" in wrong.body and wrong.cookie(REAUTH_COOKIE) is None
    right = fetch(site, "POST", "/ap/signin", cookies, form | {"password": DEMO_PASSWORD})
    assert right.status == 302 and right.location == PAGES[kind]
    recent = right.cookie(REAUTH_COOKIE)
    assert recent
    again = fetch(site, "GET", PAGES[kind], cookies | {REAUTH_COOKIE: recent})
    assert again.status == 200 and "ログインとセキュリティ" in again.body
    assert fetch(site, "GET", PAGES[kind], cookies).status == 302  # without that cookie: asked again
    assert not [r for r in site.requests if r[1].startswith("/ap/mfa")]  # no code asked, no new session
    assert site.ledger == []


def test_no_password_is_asked_after_a_recent_sign_in_or_on_other_pages_or_when_switched_off(site: ReplaySite) -> None:
    assert fetch(site, "GET", PAGES["login-security"], _fresh(site)).status == 200  # issued just now
    old = {SESSION_COOKIE: site.issue_session(age=OLD)}
    for kind in ("memberships", "devices", "content"):
        assert fetch(site, "GET", PAGES[kind], old).status == 200
    recent = {REAUTH_COOKIE: site.issue_reauth(age=timedelta(minutes=9))}
    assert fetch(site, "GET", PAGES["two-step"], old | recent).status == 200
    stale = {REAUTH_COOKIE: site.issue_reauth(age=timedelta(minutes=11))}
    assert fetch(site, "GET", PAGES["two-step"], old | stale).status == 302
    forged = {REAUTH_COOKIE: recent[REAUTH_COOKIE].split(".")[0] + ".0000"}
    assert fetch(site, "GET", PAGES["two-step"], old | forged).status == 302
    with ReplaySite(as_of=AS_OF, reauth=False) as never:
        for kind in ("login-security", "two-step"):
            assert fetch(never, "GET", PAGES[kind], {SESSION_COOKIE: never.issue_session(age=OLD)}).status == 200


def test_age_recent_auth_makes_every_sign_in_so_far_not_recent_but_keeps_the_session() -> None:
    with ReplaySite(as_of=AS_OF) as site:
        cookies = {SESSION_COOKIE: site.issue_session(), REAUTH_COOKIE: site.issue_reauth()}
        assert fetch(site, "GET", PAGES["login-security"], cookies).status == 200
        site.age_recent_auth()
        assert fetch(site, "GET", PAGES["login-security"], cookies).status == 302  # asked for the password
        assert fetch(site, "GET", PAGES["memberships"], cookies).status == 200  # still signed in
        assert fetch(site, "GET", PAGES["two-step"], cookies | {REAUTH_COOKIE: site.issue_reauth()}).status == 200


def test_without_a_session_the_re_authentication_address_is_the_normal_sign_in(site: ReplaySite) -> None:
    query = urlencode({"openid.pape.max_auth_age": "0", "openid.return_to": PAGES["two-step"]})
    page = fetch(site, "GET", f"/ap/signin?{query}", {})
    assert page.status == 200 and 'id="ap_email"' in page.body and "auth-email-claim" not in page.body
    form = {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "openid.return_to": PAGES["two-step"]}
    form["openid.pape.max_auth_age"] = "0"
    answer = fetch(site, "POST", "/ap/signin", {}, form)
    assert answer.status == 302 and answer.location.startswith("/ap/mfa")  # the full sign-in, with its code


def test_the_reauth_captcha_fault_answers_the_password_with_a_captcha() -> None:
    with ReplaySite(as_of=AS_OF, faults=frozenset({"reauth-captcha"})) as site:
        cookies = {SESSION_COOKIE: site.issue_session(age=OLD)}
        location = fetch(site, "GET", PAGES["login-security"], cookies).location
        assert "max_auth_age=0" in location
        form = {
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "openid.return_to": PAGES["login-security"],
            "openid.pape.max_auth_age": "0",
        }
        answer = fetch(site, "POST", "/ap/signin", cookies, form)
        assert answer.status == 200 and "auth-captcha-image-container" in answer.body
        assert answer.cookie(REAUTH_COOKIE) is None


# --- faults ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "kind", "parse"),
    [
        ("login-security-unreadable", "login-security", parse_login_security),
        ("two-step-unreadable", "two-step", parse_two_step),
        ("memberships-unreadable", "memberships", parse_subscriptions),
    ],
)
def test_an_unreadable_settings_page_is_served_and_refused_by_its_parser(fault: str, kind: str, parse: object) -> None:
    with ReplaySite(as_of=AS_OF, faults=frozenset({fault})) as site:
        answer = fetch(site, "GET", PAGES[kind], _fresh(site))
        assert answer.status == 200
        with pytest.raises(PageChangedError):
            parse(answer.body)  # type: ignore[operator]
        # the other settings pages are untouched
        assert parse_devices(site.console_answer("GetDevicesOverview", {})[1])


def test_the_console_faults() -> None:
    faults = frozenset({"devices-500", "content-unreadable"})
    with ReplaySite(as_of=AS_OF, faults=faults) as site:
        cookies = _fresh(site)
        token = _token(site, cookies)
        assert _console(site, cookies, "GetDevicesOverview", token).status == 500
        content = _console(site, cookies, "GetContentOwnershipData", token, startIndex=0, batchSize=5)
        assert content.status == 200 and content.headers.get_content_type() == "text/html"
        with pytest.raises(PageChangedError, match="not JSON"):
            parse_content(content.body)
    with ReplaySite(as_of=AS_OF, faults=frozenset({"devices-unreadable"})) as site:
        cookies = _fresh(site)
        token = _token(site, cookies)
        devices = _console(site, cookies, "GetDevicesOverview", token)
        assert devices.status == 200 and "deviceName" not in devices.body
        with pytest.raises(PageChangedError, match="no device"):
            parse_devices(devices.body)
        content = _console(site, cookies, "GetContentOwnershipData", token, startIndex=0, batchSize=5)
        assert len(parse_content(content.body).items) == 5  # only the devices answer is broken
        assert site.ledger == []


# --- the console pages in a person's browser (scripts on) -----------------------------------------------------
@pytest.mark.browser
def test_the_console_pages_own_scripts_render_the_lists_and_their_actions_reach_the_ledger(
    browser: Browser, site: ReplaySite
) -> None:
    context = browser.new_context()
    context.add_cookies([{"name": SESSION_COOKIE, "value": site.issue_session(), "url": site.base_url}])
    try:
        page = context.new_page()
        page.goto(site.base_url + PAGES["content"])
        page.wait_for_selector("#content-title-B0DMYST001")
        assert page.inner_text("#content-title-B0DMYST001") == "霧の館の密室 (ミステリー文庫)"
        assert page.inner_text("#content-author-B0DMYST001") == "霧島 玲"
        assert page.inner_text("#content-acquired-date-B0DMYST001").startswith("取得日:")
        assert page.inner_text("#content-acquired-date-B0DKUCAMP1").startswith("レンタル日:")  # a KU loan
        assert page.locator("#RETURN_CONTENT_ACTION_B0DKUCAMP1").count() == 1
        assert page.locator("#RETURN_CONTENT_ACTION_B0DMYST001").count() == 0  # a purchase is not returned
        assert page.locator("#DELETE_TITLE_ACTION_B0DMYST001").count() == 1
        assert page.locator("#DOWNLOAD_AND_TRANSFER_ACTION_B0DMYST001").count() == 1
        assert site.ledger == []  # rendering the list only reads
        page.goto(site.base_url + PAGES["devices"])
        page.wait_for_selector("#DEREGISTER_DEVICE_ACTION_2")
        assert "デモ太郎の2台目のAndroid" in page.inner_text("#DEVICES_LIST")
        page.once("dialog", lambda d: d.accept())
        page.click("#DEREGISTER_DEVICE_ACTION_2")
        page.wait_for_timeout(300)
        assert [(e.path, e.fields[0]) for e in site.ledger] == [(AJAX, "activity=DeregisterDevice")]
    finally:
        context.close()
    site.ledger.clear()
