"""orderwatch speaks Japanese to amazon.co.jp users (issue 13): the catalog is complete, the language is
chosen as promised, and the demo — terminal, report.md, report.json, report.html in Chromium, a
notification — reads as Japanese end to end."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from click.testing import CliRunner
from playwright.sync_api import Browser

from orderwatch import i18n
from orderwatch.cli import main

from .conftest import ROOT, cli_env
from .japanese import english_left

PO = ROOT / "orderwatch" / "locale" / "ja" / "LC_MESSAGES" / "orderwatch.po"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The catalog


def test_every_message_marked_in_the_code_has_a_japanese_translation() -> None:
    tool = _tool()
    source = tool.template()
    assert len(source) > 300  # the extraction found the code's messages (not an empty walk)
    problems = tool.check(source, tool.read(PO))
    assert problems == [], "\n".join(problems[:30])


def test_a_new_untranslated_message_or_a_wrong_placeholder_fails_the_check() -> None:
    tool = _tool()
    source = Catalog()
    source.add("All as expected", locations=[("orderwatch/report.py", 1)])
    source.add("Orders read: {n} ({digital} digital).", locations=[("orderwatch/report.py", 2)])
    source.add("A sentence added to the code today.", locations=[("orderwatch/new.py", 1)])
    catalog = Catalog(locale="ja")
    catalog.add("All as expected", "すべて想定どおりです")
    catalog.add("Orders read: {n} ({digital} digital).", "読み取った注文: {count}件。")  # {count}: not given
    assert tool.check(source, catalog) == [
        "placeholder not given by the code ['count']: 'Orders read: {n} ({digital} digital).'",
        "untranslated: 'A sentence added to the code today.'",
    ]
    catalog["Orders read: {n} ({digital} digital)."].string = "読み取った注文: {n}件（うちデジタル{digital}件）。"
    catalog.add("A sentence added to the code today.", "今日コードに加えた文です。")
    assert tool.check(source, catalog) == []


def test_the_catalog_compiles_as_the_wheel_carries_it_and_a_message_reads_in_japanese() -> None:
    mo = i18n.compile_po(PO.read_bytes())
    import gettext
    import io

    ja = gettext.GNUTranslations(io.BytesIO(mo))
    assert ja.gettext("All as expected") == "すべて想定どおりです"
    assert ja.ngettext("{n} day ago", "{n} days ago", 3).format(n=3) == "3日前"


def test_fuzzy_translations_are_not_used() -> None:
    catalog = Catalog(locale="ja")
    catalog.add("All as expected", "たぶん想定どおり", flags=["fuzzy"])
    import io

    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog)
    import gettext

    ja = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(buf.getvalue())))
    assert ja.gettext("All as expected") == "All as expected"


def test_the_english_finder_sees_a_sentence_and_not_what_may_stay_in_latin_letters() -> None:
    assert english_left("確認が必要です。Something needs your attention.") == ["Something needs your attention"]
    kept = (
        "対処：https://www.amazon.co.jp/your-orders/orders（D01-2046175-3391842）を開き、`orderwatch ack D01-1-2` "
        "を実行。config.toml の window_days、ORDERWATCH_TOTP_SECRET、--force-sign-in、[[allow]]、d***@example.com"
    )
    assert english_left(kept) == []
    assert english_left("「Amazon Music Unlimited」の無料体験", names=("Amazon Music Unlimited",)) == []
    assert english_left("「Report something suspicious」") == ["Report something suspicious"]
    assert english_left("「Report something suspicious」", titles=True) == []


# Dates and counts as Japanese users write them


def test_dates_counts_and_relative_days_in_japanese() -> None:
    from datetime import date, datetime

    with i18n.use_language("ja"):
        assert i18n.day(date(2026, 11, 28)) == "2026年11月28日（土）"
        assert i18n.moment(datetime(2026, 11, 28, 7, 2)) == "2026年11月28日（土）7:02"
        assert i18n.relative_day(date(2026, 11, 27), date(2026, 11, 28)) == "昨日"
        assert i18n.relative_day(date(2026, 11, 25), date(2026, 11, 28)) == "3日前"
        assert i18n.relative_day(date(2026, 11, 28), date(2026, 11, 28)) == "今日"
    assert i18n.day(date(2026, 11, 28)) == "2026-11-28"
    assert i18n.relative_day(date(2026, 11, 25), date(2026, 11, 28)) == "3 days ago"


# The language setting


@pytest.mark.parametrize(
    ("setting", "environ", "marketplace", "expected"),
    [
        ("ja", {"LANG": "en_US.UTF-8"}, "com", "ja"),  # an explicit choice wins over everything
        ("en", {"LANG": "ja_JP.UTF-8"}, "co.jp", "en"),
        ("auto", {"LANG": "ja_JP.UTF-8"}, "com", "ja"),  # the locale's language when it is one we speak
        ("auto", {"LANG": "en_GB.UTF-8"}, "co.jp", "en"),
        ("auto", {"LC_ALL": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "com", "ja"),  # LC_ALL before LANG
        ("auto", {"LC_MESSAGES": "en_US", "LANG": "ja_JP.UTF-8"}, "co.jp", "en"),  # LC_MESSAGES before LANG
        ("auto", {"LANG": "C"}, "co.jp", "ja"),  # cron: the locale says nothing → by the account's site
        ("auto", {"LANG": "C.UTF-8"}, "com", "en"),
        ("auto", {"LANG": "POSIX"}, "co.jp", "ja"),
        ("auto", {}, "co.jp", "ja"),  # systemd: unset
        ("auto", {}, "com", "en"),
        ("auto", {"LANG": "de_DE.UTF-8"}, "co.jp", "ja"),  # a language we do not speak: as if unset
        ("auto", {"LANG": "de_DE.UTF-8"}, "com", "en"),
    ],
)
def test_lang_auto_takes_the_locale_then_the_account_site(
    setting: str, environ: dict[str, str], marketplace: str, expected: str
) -> None:
    assert i18n.resolve(setting, marketplace, environ) == expected


def test_lang_option_beats_the_environment_which_beats_config_toml(tmp_path: Path) -> None:
    Path("allow.toml").write_text("")
    bad_url = ["check", "--allowlist", "allow.toml", "--base-url", "ftp://example.invalid"]  # refused: exit 2
    runner = CliRunner()
    english = runner.invoke(main, bad_url, env={"ORDERWATCH_LANG": "en"})
    assert english.exit_code == 2 and "is not an http(s) URL" in english.output
    japanese = runner.invoke(main, ["--lang", "ja", *bad_url], env={"ORDERWATCH_LANG": "en"})
    assert japanese.exit_code == 2 and "http(s) のURLではありません" in japanese.output
    folder = tmp_path / "xdg" / "config" / "orderwatch"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('lang = "ja"\nmarketplace = "com"\n')
    from_config = runner.invoke(main, bad_url, env={"ORDERWATCH_LANG": None, "LANG": "en_US.UTF-8"})
    assert "http(s) のURLではありません" in from_config.output
    from_env = runner.invoke(main, bad_url, env={"ORDERWATCH_LANG": "en"})
    assert "is not an http(s) URL" in from_env.output
    (folder / "config.toml").write_text('marketplace = "com"\n')
    cron = runner.invoke(main, bad_url, env={"ORDERWATCH_LANG": None, "LANG": "C"})
    assert "is not an http(s) URL" in cron.output  # an amazon.com account under cron: English


def test_an_unknown_language_is_a_settings_error_naming_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check"], env={"ORDERWATCH_LANG": "fr"})
    assert result.exit_code == 2
    assert "lang" in result.output and "'auto', 'ja' or 'en'" in result.output
    assert "Traceback" not in result.output


# The demo, end to end


def _demo(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in cli_env(**env).items() if k not in ("ORDERWATCH_LANG", "LC_ALL", "LC_MESSAGES")}
    if "ORDERWATCH_LANG" in env:
        environ["ORDERWATCH_LANG"] = env["ORDERWATCH_LANG"]
    return subprocess.run(
        [sys.executable, "-m", "orderwatch", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=180,
        check=False,
    )


@pytest.mark.browser
def test_the_demo_under_a_japanese_locale_prints_and_writes_its_whole_report_in_japanese(browser: Browser) -> None:
    out = _demo("demo", "--report-json", "r.json", "--report-md", "r.md", "--report-html", "r.html", LANG="ja_JP.UTF-8")
    assert out.returncode == 1, out.stderr
    report = json.loads(Path("r.json").read_text())
    names = tuple(_account_names())
    terminal = out.stdout
    assert "確認が必要なことがあります。" in terminal
    assert "【重大】想定外の注文（unexpected_order）：D01-2046175-3391842" in terminal
    assert "「すべての1-Clickを無効化」" in terminal and "「返品をリクエスト」" in terminal
    assert re.search(r"2026年\d+月\d+日（.）", terminal)
    assert english_left(terminal, names=names) == []
    markdown = Path("r.md").read_text()
    assert markdown.startswith("# orderwatch レポート — amazon.co.jp")
    assert english_left(markdown, names=names) == []
    # JSON: keys, kinds and codes stay English; what a person reads is Japanese
    assert report["status"] == "findings"
    assert [f["kind"] for f in report["findings"]] == [
        "unexpected_order",
        "one_click_enabled",
        "trial_started",
        "device_added",
    ]
    for finding in report["findings"]:
        assert english_left(finding["message"] + finding["advice"], names=names) == [], finding["kind"]
    html = Path("r.html").read_text()
    assert '<html lang="ja">' in html
    page = browser.new_page()
    page.goto(Path("r.html").resolve().as_uri())
    assert page.locator("#status").inner_text().startswith("確認が必要なことがあります")
    shown = page.evaluate(  # what a person reads, commands marked as the code they are
        """() => { const m = document.querySelector("main").cloneNode(true);
             m.querySelectorAll("code").forEach(c => c.replaceWith("`" + c.textContent + "`"));
             return m.textContent; }"""
    )
    assert english_left(shown, names=names) == []
    assert "想定外の注文" in page.locator(".finding").first.inner_text()
    # Japanese glyphs render: two different words drawn in the report's own font are different pictures
    # (where no font has the glyphs, both are rows of the same empty box)
    page.evaluate(
        """() => { for (const [id, text] of [["a", "確認"], ["b", "注文"], ["c", "\\ue000\\ue000"]]) {
             const s = document.createElement("span"); s.id = "glyph-" + id; s.textContent = text;
             s.style.fontSize = "40px"; document.querySelector("#status").append(s); } }"""
    )
    a, b, box = (page.locator(f"#glyph-{x}").screenshot() for x in "abc")
    assert a != b and a != box and b != box
    # on a phone: commands set as code, not backticks; each order a card whose titles use the full width
    assert "`" not in page.locator("#findings").inner_text()
    assert page.locator(".finding code", has_text="orderwatch ack --demo D01-2046175-3391842").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    title = page.locator("#orders tr.flagged td[data-label]").nth(2)
    box = title.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] < 80, box
    assert title.inner_text().startswith("霧の館の密室")


@pytest.mark.browser
def test_the_demo_under_cron_is_japanese_for_its_amazon_co_jp_account_and_lang_en_gives_english() -> None:
    cron = _demo("--quiet", "demo", LANG="C")
    assert cron.returncode == 1, cron.stderr
    assert "確認が必要なことがあります。" in cron.stdout
    english = _demo("--lang", "en", "demo", LANG="ja_JP.UTF-8")
    assert english.returncode == 1, english.stderr
    assert "Something needs your attention." in english.stdout
    assert "[HIGH] unexpected_order: D01-2046175-3391842" in english.stdout
    assert "確認が必要" not in english.stdout


@pytest.mark.browser
def test_a_notification_of_a_japanese_users_check_is_in_japanese(tmp_path: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite

    bodies: list[str] = []

    class Sink(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8"))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    Thread(target=server.serve_forever, daemon=True).start()
    folder = tmp_path / "xdg" / "config" / "orderwatch"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(f'notify = ["json://127.0.0.1:{server.server_address[1]}/n"]\n')
    Path("allow.toml").write_text("")
    creds = {"ORDERWATCH_EMAIL": DEMO_EMAIL, "ORDERWATCH_PASSWORD": DEMO_PASSWORD}
    try:
        with ReplaySite() as site:
            out = _demo(
                "--quiet",
                "check",
                "--base-url",
                site.base_url,
                "--allowlist",
                "allow.toml",
                LANG="C",
                ORDERWATCH_TOTP_SECRET=DEMO_TOTP_SECRET,
                **creds,
            )
    finally:
        server.shutdown()
        server.server_close()
    assert out.returncode == 1, out.stderr
    [body] = bodies
    notice = json.loads(body)
    assert re.fullmatch(r"orderwatch: amazon\.co\.jp で確認が必要なことが\d+件あります", notice["title"])
    assert "【重大】想定外の注文" in notice["message"] and "対処：" in notice["message"]
    assert english_left(notice["title"] + notice["message"], names=tuple(_account_names())) == []
    assert os.environ.get("ORDERWATCH_LANG") == "en"  # the test process itself stayed English


def _account_names() -> list[str]:
    from datetime import date

    from orderwatch.replay.account import load_account

    account = load_account(date.today())
    names = [item.title for order in account.orders for item in order.items]
    names += [s.name for s in account.subscriptions] + [d.name for d in account.devices]
    names += [c.title for c in account.content]
    return names


def test_the_build_compiles_the_catalog_into_the_package_it_installs(tmp_path: Path) -> None:
    """What a wheel carries: setup.py's build step writes orderwatch.mo next to the .po, read without Babel."""
    import gettext

    out = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "-d", str(tmp_path / "build")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    mo = tmp_path / "build" / "orderwatch" / "locale" / "ja" / "LC_MESSAGES" / "orderwatch.mo"
    with mo.open("rb") as fh:
        ja = gettext.GNUTranslations(fh)
    assert ja.gettext("Something needs your attention") == "確認が必要なことがあります"
    assert (tmp_path / "build" / "orderwatch" / "templates" / "report.html").is_file()
    assert (tmp_path / "build" / "orderwatch" / "mail" / "verdict.py").is_file()  # every package is listed


@pytest.mark.parametrize("name", ["config.toml", "allowlist.toml"])
def test_init_writes_its_files_with_japanese_comments_and_the_same_settings(tmp_path: Path, name: str) -> None:
    import tomllib

    result = CliRunner().invoke(main, ["--lang", "ja", "init"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "xdg" / "config" / "orderwatch" / name).read_text(encoding="utf-8")
    comments = "\n".join(line.partition("#")[2] for line in written.splitlines() if "#" in line)
    assert re.search(r"[ぁ-んァ-ン一-龯]", comments)  # commented in Japanese
    assert english_left(comments) == []
    english = (ROOT / "orderwatch" / "templates" / name).read_text(encoding="utf-8")
    assert tomllib.loads(written) == tomllib.loads(english)  # the same settings, only the comments differ
    commented_keys = [re.match(r"#\s*(\w+) =", line) for line in written.splitlines()]
    english_keys = [re.match(r"#\s*(\w+) =", line) for line in english.splitlines()]
    assert [m.group(1) for m in commented_keys if m] == [m.group(1) for m in english_keys if m]
