"""What `orderwatch record` writes besides the pages — the manifest and the scrub report — is made by
orderwatch.recording.make_recording, not by the command."""

from __future__ import annotations

import json

from orderwatch.models import PageCapture
from orderwatch.recording import RULES, make_recording

HISTORY = (
    '<html><body><span id="nav-link-accountList-nav-line-1">こんにちは, 山田 太郎 さん</span>'
    "<p>お問い合わせ: taro@example.com</p></body></html>"
)
DEVICES = json.dumps({"GetDevicesOverview": {"output": {"devices": [{"deviceName": "太郎のKindle"}]}}})


def test_the_manifest_names_each_kept_page_and_the_scrub_report_counts_without_values() -> None:
    captures = [
        PageCapture(
            "order-history", "https://www.amazon.co.jp/your-orders/orders?ref=x&sessionId=123", ("1",), html=HISTORY
        ),
        PageCapture(
            "one-click", "https://www.amazon.co.jp/cpe/yourpayments/settings/manageoneclick", ()
        ),  # no HTML kept
        PageCapture("devices", "https://www.amazon.co.jp/hz/mycd/digital-console/alldevices", (), html=DEVICES),
    ]
    recording = make_recording(captures, "co.jp", "2026-11-29T09:00:00+09:00", known=("山田 太郎",))
    assert list(recording.pages) == ["01-order-history.html", "03-devices.json"]
    first, second = recording.manifest
    assert first == {
        "file": "01-order-history.html",
        "url": first["url"],
        "page": "order-history",
        "marketplace": "co.jp",
        "captured_at": "2026-11-29T09:00:00+09:00",
        "orders": 1,
    }
    assert "sessionId=123" not in first["url"] and second["page"] == "devices"
    text = recording.pages["01-order-history.html"] + recording.pages["03-devices.json"]
    for value in ("山田", "taro@example.com", "太郎のKindle"):
        assert value not in text
    report = recording.scrub_report
    assert report["rules"] == RULES and set(report["pages"]) == set(recording.pages)
    assert recording.replaced["email"] >= 1 and recording.replaced["device_identity"] >= 1
    assert sum(recording.replaced.values()) == sum(sum(c.values()) for c in report["pages"].values())
    assert "taro" not in json.dumps(report, ensure_ascii=False)
