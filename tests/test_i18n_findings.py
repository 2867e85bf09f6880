"""Findings, the settings baseline and allowlist errors read in Japanese: what happened, then what to press,
in amazon.co.jp's own words (「1-Click設定」, 「返品をリクエスト」, 「登録の解除」, …), with the facts of the
English text (amounts, dates, titles, ids) and no English sentence left."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from orderwatch.allowlist import Allowlist, parse_allowlist
from orderwatch.baseline import Baseline, SettingsRead, baseline_path, changes, render, section_lines, section_title
from orderwatch.diff import (
    Finding,
    attempted_actions,
    check_one_click,
    check_settings,
    credentials_form_finding,
    find_unexpected_orders,
)
from orderwatch.errors import UsageError
from orderwatch.i18n import use_language
from orderwatch.models import (
    ContentItem,
    DigitalOrderSummary,
    GuardEvent,
    Item,
    Money,
    OneClickSettings,
    Order,
    Payment,
    Subscription,
    TwoStepMethod,
)

from .japanese import english_left as _english_left
from .test_diff import JP, KINDLE, TISSUE, TODAY
from .test_settings_findings import KINDLE as KINDLE_DEVICE
from .test_settings_findings import LOGIN, MUSIC, NOW, PRIME, STRANGER, TWO_STEP

PHONE_00 = TwoStepMethod("phone", "末尾が00の電話番号")
UNLIMITED = Subscription("Kindle Unlimited", "active", date(2026, 12, 20), Money(Decimal(980), "JPY"))
STRAY = ContentItem("知らない本", "B0STRAY001", TODAY - timedelta(days=2), "purchase")


def english_left(text: str) -> list[str]:
    """The shared finder, the account's titles in 「」 left out."""
    return _english_left(text, titles=True)


def test_the_english_finder_finds_an_english_sentence_and_not_ids_or_titles() -> None:
    assert english_left("Open the page yourself.")
    assert not english_left("「Amazon Music Unlimited」を開き、`orderwatch baseline accept devices` を実行")
    assert not english_left("https://www.amazon.co.jp/your-orders/orders（D01-2046175-3391842、ANDROID_APP）")
    assert english_left("「注文履歴」（https://www.amazon.co.jp/x）を開き、Then press the button.")


def _read(base: Baseline, **changes: object) -> SettingsRead:
    values: dict[str, object] = {
        "login_security": LOGIN,
        "two_step": TWO_STEP,
        "subscriptions": (PRIME,),
        "devices": (KINDLE_DEVICE,),
        "content": (),
    }
    values.update(changes)
    values["login_security"] = base.login_state(values["login_security"])  # type: ignore[arg-type]
    read = SettingsRead(**values)  # type: ignore[arg-type]
    read.fresh = set(values)
    read.read_at = dict.fromkeys(values, NOW)
    return read


def _settings_findings(base: Baseline, read: SettingsRead, allowlist: Allowlist | None = None) -> list[Finding]:
    accepted = {k: v for k, (_, v) in base.accepted.items()}
    return check_settings(
        read, accepted, allowlist or Allowlist(), JP, TODAY,
        since=TODAY - timedelta(days=30), orders=[], summaries={}, history_complete=True,
    )  # fmt: skip


def every_finding(tmp_path: Path) -> dict[str, Finding]:
    """One finding of each kind, decided in the language in force."""
    allow = parse_allowlist('[[allow]]\nseller = "Amazon.co.jp"\n[price_ceiling]\nJPY = 1000\n', Path("a.toml"))
    summary = DigitalOrderSummary(
        "co.jp", KINDLE.order_id, KINDLE.order_date, KINDLE.items, Money(Decimal(880), "JPY"),
        (Payment("Amazonポイント", Money(Decimal(500), "JPY")),
         Payment("Amazonギフトカード", Money(Decimal(380), "JPY"))),
    )  # fmt: skip
    digital, physical = find_unexpected_orders([KINDLE, TISSUE], {KINDLE.order_id: summary}, allow, JP, TODAY)
    found = {"unexpected_order": digital, "unexpected_order:physical": physical}
    found["one_click_enabled"] = check_one_click(OneClickSettings("co.jp", True), Allowlist(), JP)[0]
    on = Allowlist(one_click="on")
    found["one_click_disabled"] = check_one_click(OneClickSettings("co.jp", False), on, JP)[0]
    url = "https://www.amazon.co.jp/cpe/x"
    (found["page_attempted_action"],) = attempted_actions([GuardEvent("POST", url, "fetch", "state_changing_method")])
    (found["page_attempted_action:secret"],) = attempted_actions([GuardEvent("POST", url, "fetch", "carries_secret")])
    (found["credentials_form_unexpected"],) = credentials_form_finding("credentials_form_unexpected")

    base = Baseline(tmp_path / "baseline.json")
    base.record(_read(base))
    changed = _read(
        base,
        login_security=replace(LOGIN, email="evil@example.net", phone="080-9999-0000", passkeys=2),
        two_step=replace(TWO_STEP, enabled=False, methods=(TWO_STEP.methods[0], PHONE_00)),
        subscriptions=(PRIME, MUSIC, UNLIMITED),
        devices=(KINDLE_DEVICE, STRANGER),
        content=(STRAY,),
    )  # fmt: skip
    for f in _settings_findings(base, changed):
        found.setdefault(f.kind, f)
    return found


# kind → (words the message must hold, words the advice must hold: the site's labels first)
EXPECTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "unexpected_order": (
        ("デジタル注文", "「霧の館の密室」", "D01-2046175-3391842", "昨日の2026年11月27日（金）", "￥880",
         "Amazonポイント ￥500 + Amazonギフトカード ￥380", "許可リスト"),
        ("「注文履歴」", "「デジタル注文の概要」", "「返品をリクエスト」", "7日", "カスタマーサービス",
         "「1-Click設定」", "「すべての1-Clickを無効化」", "「ログインとセキュリティ」",
         "https://www.amazon.co.jp/your-orders/orders", "`orderwatch ack D01-2046175-3391842`"),
    ),
    "unexpected_order:physical": (
        ("3日前の2026年11月25日（水）", "￥1,280", "上限（￥1,000）"),
        ("「注文履歴」", "「商品をキャンセル」", "返品", "「ログインとセキュリティ」"),
    ),
    "one_click_enabled": (
        ("1-Click", "有効", "「1-Clickで今すぐ買う」", "確認画面なし"),
        ("「1-Click設定」", "「すべての1-Clickを無効化」", "/cpe/yourpayments/settings/manageoneclick",
         "スマートフォン", "Kindleストア"),
    ),
    "one_click_disabled": (("1-Click", "無効"), ("「1-Click設定」", "one_click.expected")),
    "page_attempted_action": (("POST https://www.amazon.co.jp/cpe/x", "何も送信されていません"), ("実行フォルダー",)),
    "page_attempted_action:secret": (("ログイン情報",), ("アカウントには何も起きていません",)),
    "credentials_form_unexpected": (
        ("ログイン情報", "停止"),
        ("「注文履歴」", "「ログインとセキュリティ」", "`orderwatch login --headed`"),
    ),
    "email_changed": (
        ("Eメールアドレス", "t***@example.com → e***@example.net"),
        ("「ログインとセキュリティ」", "「Eメール」", "「アカウントを保護する」",
         "「すべてのデバイスからサインアウト」", "パスワードを変更", "カスタマーサービス", "/ax/account/manage"),
    ),
    "phone_changed": (
        ("携帯電話番号", "***-****-5678 → ***-****-0000"),
        ("「ログインとセキュリティ」", "「携帯電話番号」", "「すべてのデバイスからサインアウト」"),
    ),
    "passkey_added": (("パスキー", "1個 → 2個"), ("「パスキー」", "「すべてのデバイスからサインアウト」")),
    "two_step_disabled": (
        ("2段階認証", "無効", "基準"),
        ("「2段階認証の設定」", "/a/settings/approval", "「すべてのデバイスからサインアウト」", "パスワードを変更"),
    ),
    "two_step_method_added": (
        ("2段階認証の方法が追加", "末尾が00の電話番号", "電話番号"),
        ("「2段階認証の設定」", "削除", "「すべてのデバイスからサインアウト」"),
    ),
    "two_step_method_removed": (
        ("2段階認証の方法が削除", "末尾が78の電話番号"),
        ("「2段階認証の設定」", "「すべてのデバイスからサインアウト」"),
    ),
    "trial_started": (
        ("無料体験", "「Amazon Music Unlimited」", "2026年12月25日（金）", "￥1,080"),
        ("「メンバーシップおよび購読」", "「会員登録をキャンセル」", "/hz5/yourmembershipsandsubscriptions"),
    ),
    "subscription_started": (
        ("会員登録", "「Kindle Unlimited」", "次回のお支払い日 2026年12月20日（日）", "￥980"),
        ("「会員登録をキャンセル」", "`orderwatch baseline accept subscriptions`"),
    ),
    "device_added": (
        ("端末", "「知らないAndroid」", "Androidのアプリ", "登録日 2026年11月26日（木）"),
        ("「コンテンツと端末の管理」", "「端末」", "「登録の解除」", "「すべてのデバイスからサインアウト」",
         "/hz/mycd/digital-console/alldevices"),
    ),
    "content_without_order": (
        ("Kindle本", "「知らない本」", "B0STRAY001", "2026年11月26日（木）", "購入", "注文履歴"),
        ("「コンテンツと端末の管理」", "「返品をリクエスト」", "カスタマーサービス", "「ログインとセキュリティ」"),
    ),
}  # fmt: skip


def test_every_finding_kind_is_covered(tmp_path: Path) -> None:
    with use_language("ja"):
        assert set(every_finding(tmp_path)) == set(EXPECTED)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_finding_reads_in_japanese_with_the_sites_labels_and_its_facts(kind: str, tmp_path: Path) -> None:
    with use_language("ja"):
        finding = every_finding(tmp_path)[kind]
    in_message, in_advice = EXPECTED[kind]
    for words in in_message:
        assert words in finding.message, (words, finding.message)
    for words in in_advice:
        assert words in finding.advice, (words, finding.advice)
    assert english_left(finding.message) == [], finding.message
    assert english_left(finding.advice) == [], finding.advice
    assert finding.message.endswith("。") and finding.advice.endswith("。")
    # what is not the reader's language stays as it was
    assert finding.kind == kind.split(":")[0] and finding.severity in ("high", "medium", "low")


def test_english_stays_the_default_and_japanese_ends_with_its_block(tmp_path: Path) -> None:
    english = every_finding(tmp_path)["unexpected_order"]
    with use_language("ja"):
        japanese = every_finding(tmp_path)["unexpected_order"]
    after = every_finding(tmp_path)["unexpected_order"]
    assert "yesterday" in english.message and "昨日" in japanese.message
    assert after == english


def test_a_finding_of_an_earlier_read_says_when_in_japanese(tmp_path: Path) -> None:
    base = Baseline(tmp_path / "baseline.json")
    base.record(_read(base))
    earlier = _read(base, devices=(KINDLE_DEVICE, STRANGER))
    earlier.fresh = set()
    earlier.read_at = dict.fromkeys(earlier.read_at, NOW - timedelta(days=3))
    with use_language("ja"):
        (found,) = _settings_findings(base, earlier)
    assert "2026年11月25日（水）に読み取った内容です" in found.message and english_left(found.message) == []


def test_a_phone_number_whose_visible_digits_are_the_same_says_so_in_japanese(tmp_path: Path) -> None:
    base = Baseline(tmp_path / "baseline.json")
    base.record(_read(base))
    with use_language("ja"):
        (found,) = _settings_findings(base, _read(base, login_security=replace(LOGIN, phone="080-0000-5678")))
    assert "***-****-5678 → ***-****-5678（変わった桁は伏せ字の部分にあります）" in found.message


def test_subscriptions_and_devices_the_allowlist_does_not_list_name_the_allowlist_in_japanese(tmp_path: Path) -> None:
    base = Baseline(tmp_path / "baseline.json")
    allow = parse_allowlist(
        '[[subscription]]\nname_pattern = "^Amazonプライム"\n[[device]]\nname_pattern = "KINDLE"\n', Path("a.toml")
    )
    with use_language("ja"):
        found = _settings_findings(
            base, _read(base, subscriptions=(PRIME, MUSIC), devices=(KINDLE_DEVICE, STRANGER)), allow
        )
    assert sorted(f.kind for f in found) == ["device_added", "trial_started"]
    for f in found:
        assert "許可リスト" in f.message and "name_pattern" in f.advice
        assert english_left(f.message + f.advice) == []


def test_the_reasons_an_order_is_unexpected_read_in_japanese() -> None:
    nothing = Order("D01-0000000-0000001", TODAY, None, True, ())
    more = Order(
        "249-0000000-0000002", TODAY, None, False, (Item("ボックスティッシュ", seller="Amazon.co.jp"),), more_items=2
    )
    allow = parse_allowlist('[[allow]]\nseller = "Amazon.co.jp"\n', Path("a.toml"))
    with use_language("ja"):
        first, second = find_unexpected_orders([nothing, more], {}, allow, JP, TODAY, frozenset({nothing.order_id}))
    assert "今日の2026年11月28日（土）" in first.message and "（商品の表示なし）" in first.message
    assert "照合できませんでした" in first.message and "支払いの詳細は読み取れませんでした" in first.message
    assert "ほかに2点の商品" in second.message
    assert english_left(first.message) == [] and english_left(second.message) == []


# --- the settings baseline --------------------------------------------------------------------------------


def _baseline_with_changes(path: Path) -> Baseline:
    base = Baseline(path)
    base.record(_read(base, subscriptions=()))
    later = _read(base, subscriptions=(MUSIC,), devices=(KINDLE_DEVICE, STRANGER), content=(STRAY,))
    later.read_at = dict.fromkeys(later.read_at, NOW + timedelta(days=1))
    base.record(later)
    return base


def test_the_section_lines_read_in_japanese(tmp_path: Path) -> None:
    base = Baseline(tmp_path / "b.json")
    with use_language("ja"):
        login = section_lines("login_security", base.login_state(replace(LOGIN, phone=None)))
        two_step = section_lines("two_step", TWO_STEP)
        subs = section_lines("subscriptions", (MUSIC, PRIME))
        devices = section_lines("devices", (STRANGER,))
        content = section_lines("content", (STRAY,))
        empty = section_lines("devices", ())
        window = section_lines("content", (), window=True)
        unread = section_lines("two_step", None)
    assert login == ["Eメール：t***@example.com", "携帯電話番号：未登録", "パスキー：1個", "2段階認証：有効"]
    assert two_step == [
        "2段階認証：有効",
        "認証方法：認証アプリ（優先）",
        "認証方法：末尾が78の電話番号",
    ]
    assert subs == [
        "Amazon Music Unlimited：無料体験中、次回のお支払い日 2026年12月25日（金）、お支払い金額 ￥1,080",
        "Amazonプライム：会員登録中、次回のお支払い日 2026年12月18日（金）、お支払い金額 ￥600",
    ]
    assert devices == ["知らないAndroid（Androidのアプリ、登録日 2026年11月26日（木））"]
    assert content == ["知らない本（B0STRAY001、取得日 2026年11月26日（木）、購入）"]
    assert (empty, window, unread) == (
        ["（なし）"],
        ["（チェック期間内にはありません）"],
        ["（まだ読み取っていません）"],
    )


def test_section_titles_are_finished_text_in_each_language() -> None:
    assert section_title("login_security") == "Login & Security (ログインとセキュリティ)"
    assert section_title("content", window=True) == "Kindle content in the window (コンテンツ)"
    assert section_title("devices", short=True) == "Devices"
    assert section_lines("content", (), window=True) == ["(none in the window)"]
    with use_language("ja"):
        assert section_title("login_security") == "ログインとセキュリティ"
        assert section_title("subscriptions", short=True) == "メンバーシップおよび購読"
        assert "チェック期間" in section_title("content", window=True)


def test_baseline_show_reads_in_japanese_and_still_tells_what_changed(tmp_path: Path) -> None:
    base = _baseline_with_changes(tmp_path / "b.json")
    with use_language("ja"):
        text = render(base)
        assert changes(base, "login_security") == ([], [])
    assert text.startswith(f"設定の基準：{base.path}\n")
    for words in (
        "ログインとセキュリティ",
        "2段階認証：有効",
        "2026年11月28日（土）からの基準：",
        "最後の読み取り：2026年11月29日（日）",
        "変更なし",
        "+ Amazon Music Unlimited：無料体験中",
        "+ 知らないAndroid（Androidのアプリ、登録日 2026年11月26日（木））",
        "+ 知らない本（B0STRAY001",
    ):
        assert words in text, words
    assert "（なし）" in text  # the subscriptions of the first read
    assert "- （なし）" not in text  # a placeholder is not something that went
    assert english_left(text.replace(MUSIC.name, "")) == [], text  # a subscription's name is the site's


def test_a_section_never_read_says_so_in_japanese(tmp_path: Path) -> None:
    with use_language("ja"):
        text = render(Baseline(tmp_path / "b.json"), ("devices",))
    assert "端末" in text and "まだ一度も読み取っていません" in text and english_left(text) == []


def test_a_damaged_baseline_file_is_named_in_japanese(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text("{not json", encoding="utf-8")
    with use_language("ja"), pytest.raises(UsageError) as err:
        Baseline.load(path)
    assert str(path) in err.value.message and "壊れています" in err.value.message


def test_the_cli_baseline_show_in_japanese(tmp_path: Path) -> None:
    from orderwatch.cli import main
    from orderwatch.config import load_settings

    _baseline_with_changes(baseline_path(load_settings().state_dir / "demo" / "session.json")).save()
    result = CliRunner().invoke(main, ["--lang", "ja", "baseline", "show", "--demo"])
    assert result.exit_code == 0, result.output
    assert (
        "設定の基準：" in result.output and "+ 知らないAndroid" in result.output and "2段階認証：有効" in result.output
    )
    english = CliRunner().invoke(main, ["--lang", "en", "baseline", "show", "--demo"])
    assert "Settings baseline:" in english.output and "+ Amazon Music Unlimited: free trial" in english.output


# --- allowlist errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[one_click]\nexpected = "maybe"\n', 2, "one_click.expected には"),
        ('[[allow]]\nasin = "B0"\n[[allow]]\ncolour = "red"\n', 4, "不明なキー 'colour'"),
        ('[[allow]]\ntitle_pattern = "(unclosed"\n', 2, "正しい正規表現ではありません"),
        ("[price_ceiling]\nyen = 100\n", 2, "JPY と書いてください"),
        ('[price_ceiling]\nJPY = "lots"\n', 2, "数値を書いてください"),
        ('\n\n[acknowledged]\norders = ["12345"]\n', 4, "注文番号ではありません"),
        ('[[allow]]\nnote = "only a note"\n', 1, "何にも一致しません"),
        ('[[allow]]\nasin = "B0"\nasin = "B1"\n', 3, "TOMLの書き方に誤りがあります"),
        ('[allowed]\nasin = "x"\n', 1, "不明なセクションまたはキー 'allowed'"),
        ('[[device]]\nname_pattern = ""\n', None, "name_pattern には空でない文字列"),
    ],
)
def test_a_bad_allowlist_is_explained_in_japanese_naming_the_file_line_and_key(
    text: str, line: int | None, words: str
) -> None:
    with use_language("ja"), pytest.raises(UsageError) as err:
        parse_allowlist(text, Path("allowlist.toml"))
    message = err.value.message
    assert message.startswith("allowlist.toml")
    if line is not None:
        assert f"{line}行目" in message or f"line {line}" in message  # TOML's own syntax errors say "line"
    assert words in message, message
    assert err.value.exit_code == 2


def test_a_missing_or_shift_jis_allowlist_is_explained_in_japanese(tmp_path: Path) -> None:
    from orderwatch.allowlist import load_allowlist

    with use_language("ja"), pytest.raises(UsageError) as missing:
        load_allowlist(tmp_path / "nope.toml")
    assert "ありません" in missing.value.message and "`orderwatch init`" in missing.value.message
    sjis = tmp_path / "sjis.toml"
    sjis.write_bytes('[[allow]]\ntitle = "コーヒー"\n'.encode("shift_jis"))
    with use_language("ja"), pytest.raises(UsageError) as wrong:
        load_allowlist(sjis)
    assert "UTF-8で保存" in wrong.value.message
