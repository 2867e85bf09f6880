"""Writes the test mail corpus (*.eml beside this file). Every mail is invented for the tests: no
real person's mail. Run from this folder: python make_corpus.py. The .eml files are committed; this
script documents how each was encoded (charsets, transfer encodings, RFC 2047 headers)."""

from __future__ import annotations

import base64
import quopri
from email.header import Header
from pathlib import Path

HERE = Path(__file__).parent
GOOD_AR = (
    "Authentication-Results: mx.mail.example.net;\r\n"
    "       dkim=pass header.i=@{dom} header.s=yg4mwqurec7fkhzutopddd3ytuaqrvuz header.b=AbCdEf12;\r\n"
    "       spf=pass (mx.mail.example.net: domain of 2026112712345abcdef@bounces.{dom} designates 54.240.0.1 as permitted sender) smtp.mailfrom=2026112712345abcdef@bounces.{dom};\r\n"
    "       dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from={dom}\r\n"
)
RECEIVED = "Received: from a27-1.smtp-out.us-west-2.amazonses.com (a27-1.smtp-out.us-west-2.amazonses.com. [54.240.27.1])\r\n        by mx.mail.example.net with ESMTPS id x1si; Fri, 27 Nov 2026 10:02:11 +0900\r\n"


def enc_header(text: str, charset: str = "iso-2022-jp") -> str:
    return Header(text, charset).encode()


def b64(data: bytes) -> str:
    return "\r\n".join(base64.b64encode(data)[i : i + 76].decode() for i in range(0, len(base64.b64encode(data)), 76))


def qp(data: bytes) -> str:
    return quopri.encodestring(data).decode().replace("\n", "\r\n")


def write(name: str, text: str) -> None:
    (HERE / name).write_bytes(
        text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    )  # 8bit bodies stay UTF-8


def multipart(headers: str, parts: list[tuple[str, str, str]], boundary: str = "=_b0undary_ow") -> str:
    body = [headers + f'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n']
    for ctype, cte, payload in parts:
        body.append(f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n{payload}\r\n")
    body.append(f"--{boundary}--\r\n")
    return "".join(body)


DIGITAL_JA_TEXT = """デモ 太郎 様

Amazon.co.jpでのご注文ありがとうございます。
注文番号: D01-2046175-3391842
霧の館の密室 (ミステリー文庫) Kindle版
ご請求額: ￥880

注文内容は次のページで確認できます:
https://www.amazon.co.jp/gp/css/order-history
"""
DIGITAL_JA_HTML = """<html><body>
<p>デモ 太郎 様</p><p>Amazon.co.jpでのご注文ありがとうございます。</p>
<table><tr><td>注文番号:</td><td>D01-2046175-3391842</td></tr>
<tr><td><a href="https://www.amazon.co.jp/gp/r.html?C=2Q5DXTW1&amp;K=ABC&amp;M=urn:rtn:msg:2026&amp;R=1&amp;T=C&amp;U=https%3A%2F%2Fwww.amazon.co.jp%2Fdp%2FB0DMYST001&amp;H=XYZ">霧の館の密室 (ミステリー文庫) Kindle版</a></td><td>￥880</td></tr></table>
<p><a href="https://www.amazon.co.jp/gp/css/order-history">注文履歴</a> | <a href="https://www.amazon.co.jp/gp/help/customer/display.html">ヘルプ</a></p>
<img src="https://m.media-amazon.com/images/G/09/logo.png" alt="Amazon.co.jp">
</body></html>"""


def main() -> None:
    # 1. genuine digital order, Japanese: ISO-2022-JP text part, UTF-8 base64 HTML part, RFC 2047 From and Subject
    subject = enc_header("Amazon.co.jpでのご注文 霧の館の密室 (ミステリー文庫) Kindle版")
    headers = (
        RECEIVED
        + GOOD_AR.format(dom="amazon.co.jp")
        + f"From: {enc_header('Amazon.co.jp')} <digital-no-reply@amazon.co.jp>\r\n"
        + "To: demo@example.com\r\nDate: Fri, 27 Nov 2026 10:02:10 +0900\r\n"
        + f"Subject: {subject}\r\nMessage-ID: <0100018c-demo-digital@email.amazonses.com>\r\n"
    )
    write(
        "genuine-digital-ja.eml",
        multipart(
            headers,
            [
                ("text/plain; charset=ISO-2022-JP", "7bit", DIGITAL_JA_TEXT.encode("iso-2022-jp").decode("ascii")),
                ("text/html; charset=UTF-8", "base64", b64(DIGITAL_JA_HTML.encode("utf-8"))),
            ],
        ),
    )

    # 2. genuine physical order, English (amazon.com): quoted-printable UTF-8
    text = (
        "Hello Demo,\nThanks for your order. Order #112-0069846-3887437\nSpaGuard Spa Chlorinating Concentrate \u2013 5 Lb\n"
        "Order Total: $72.75\nView or manage your order: https://www.amazon.com/gp/css/order-history?ref_=pe_1\n"
    )
    html = (
        '<html><body><p>Thanks for your order, Demo.</p><p>Order <a href="https://www.amazon.com/gp/your-account/order-details?orderID=112-0069846-3887437">'
        "#112-0069846-3887437</a></p><p>SpaGuard Spa Chlorinating Concentrate \u2013 5 Lb \u2014 $72.75</p>"
        '<p><a href="https://www.amazon.com/gp/css/order-history">Your Orders</a></p></body></html>'
    )
    headers = (
        RECEIVED
        + GOOD_AR.format(dom="amazon.com")
        + '"Amazon.com" <auto-confirm@amazon.com>\r\n'.join(["From: ", ""])
        + "To: demo@example.com\r\nDate: Thu, 14 Dec 2023 09:15:00 -0800\r\n"
        + 'Subject: Your Amazon.com order #112-0069846-3887437\r\nReply-To: "Amazon.com" <no-reply@amazon.com>\r\n'
    )
    write(
        "genuine-physical-en.eml",
        multipart(
            headers,
            [
                ("text/plain; charset=UTF-8", "quoted-printable", qp(text.encode())),
                ("text/html; charset=UTF-8", "quoted-printable", qp(html.encode())),
            ],
        ),
    )

    # 2b. genuine digital order, English (amazon.com): a Kindle book, HTML only, quoted-printable
    html = (
        "<html><body><p>Thanks for your order, Demo.</p><p>Digital Order: D01-8830512-4461970</p>"
        '<p><a href="https://www.amazon.com/dp/B0DPYTHON3">Python Crash Course, 3rd Edition (Kindle Edition)</a> $19.99</p>'
        '<p><a href="https://www.amazon.com/gp/digital/your-account/order-summary.html?orderID=D01-8830512-4461970">'
        "View your order</a></p></body></html>"
    )
    headers = (
        RECEIVED
        + GOOD_AR.format(dom="amazon.com")
        + 'From: "Amazon.com" <digital-no-reply@amazon.com>\r\nTo: demo@example.com\r\n'
        + "Date: Thu, 19 Nov 2026 18:30:00 -0800\r\nSubject: Amazon.com order of Python Crash Course, 3rd Edition\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    write("genuine-digital-en.eml", headers + qp(html.encode()) + "\r\n")

    # 3. genuine physical order, Japanese, Shift_JIS base64 single part (the demo account's tissue order)
    sjis_text = (
        "デモ 太郎 様\n\nご注文ありがとうございます。\n注文番号 249-3318462-7720615\n"
        "ボックスティッシュ 5箱パック  ￥1,280\n\nhttps://www.amazon.co.jp/gp/css/order-history\n"
    )
    write(
        "genuine-physical-ja-sjis.eml",
        RECEIVED
        + GOOD_AR.format(dom="amazon.co.jp")
        + f"From: {enc_header('Amazon.co.jp', 'shift_jis')} <auto-confirm@amazon.co.jp>\r\n"
        + "To: demo@example.com\r\nDate: Wed, 25 Nov 2026 08:00:00 +0900\r\n"
        + f"Subject: {enc_header('Amazon.co.jpでのご注文 (249-3318462-7720615)', 'shift_jis')}\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64(sjis_text.encode("shift_jis"))
        + "\r\n",
    )

    # 4. spoofed From with dmarc=fail (the sender's own server "passed" itself lower down is in #9)
    phish_html = (
        "<html><body><p>お客様のアカウントで異常なログインが検出されました。注文番号: 249-3318462-7720615</p>"
        '<p><a href="https://amazon-co-jp.account-verify.example/signin?id=7">アカウントを確認する</a></p></body></html>'
    )
    write(
        "spoofed-dmarc-fail.eml",
        "Authentication-Results: mx.mail.example.net;\r\n       dkim=none (message not signed) header.d=none;\r\n"
        "       spf=fail smtp.mailfrom=order-update@amazon.co.jp;\r\n       dmarc=fail (p=QUARANTINE) header.from=amazon.co.jp\r\n"
        + f"From: {enc_header('Amazon.co.jp')} <order-update@amazon.co.jp>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 03:12:00 +0900\r\n"
        + f"Subject: {enc_header('【重要】Amazonアカウントの確認')}\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64(phish_html.encode())
        + "\r\n",
    )

    # 5. look-alike domains in the links, sender unverified by a forged display name only
    write(
        "lookalike-domain.eml",
        GOOD_AR.format(dom="arnazon-support.example").replace("mx.mail.example.net", "mx.mail.example.net")
        + 'From: "Amazon" <info@arnazon-support.example>\r\nTo: demo@example.com\r\nDate: Fri, 27 Nov 2026 04:00:00 +0900\r\n'
        + "Subject: Your order could not be shipped\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n"
        + '<html><body><p>Update your payment: <a href="https://www.arnazon.co.jp/pay">https://www.arnazon.co.jp/pay</a></p>'
        + '<p>or <a href="https://amaz0n.example/verify">here</a></p></body></html>\r\n',
    )

    # 6. the link text says amazon.co.jp, the href goes elsewhere; the sender is authenticated Amazon
    #    (a compromised template would look like this; the links still decide)
    write(
        "link-text-mismatch.eml",
        GOOD_AR.format(dom="amazon.co.jp")
        + f"From: {enc_header('Amazon.co.jp')} <account-update@amazon.co.jp>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 05:00:00 +0900\r\nSubject: Account update\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + qp(
            '<html><body><p>ご確認ください: <a href="https://amazon.co.jp.order-check.example/login">https://www.amazon.co.jp/gp/css/order-history</a></p></body></html>'.encode()
        )
        + "\r\n",
    )

    # 7. a link wrapped in the Google Translate proxy
    write(
        "translate-proxy.eml",
        "Authentication-Results: mx.mail.example.net; dkim=pass header.d=mailer.example; spf=pass smtp.mailfrom=mailer.example; dmarc=pass header.from=mailer.example\r\n"
        + f"From: {enc_header('Amazon.co.jp カスタマーサービス')} <cs@mailer.example>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 06:00:00 +0900\r\nSubject: =?UTF-8?B?"
        + base64.b64encode("Amazonプライム会費のお支払い".encode()).decode()
        + "?=\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + '<html><body><a href="https://amazon--co--jp-verify-example.translate.goog/prime?_x_tr_sl=auto&amp;_x_tr_tl=ja">お支払い方法を更新</a></body></html>\r\n',
    )

    # 8. a genuine-looking mail saved without its Authentication-Results header
    write(
        "no-auth-results.eml",
        f"From: {enc_header('Amazon.co.jp')} <auto-confirm@amazon.co.jp>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 10:02:10 +0900\r\n"
        + f"Subject: {enc_header('Amazon.co.jpでのご注文')}\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "注文番号: 249-3318462-7720615\r\nhttps://www.amazon.co.jp/gp/css/order-history\r\n",
    )

    # 9. a forged "pass" lower down, below the provider's own "fail" at the top
    write(
        "forged-lower-ar.eml",
        "Authentication-Results: mx.mail.example.net; dkim=fail header.d=amazon.co.jp; spf=softfail smtp.mailfrom=bulk.example; dmarc=fail header.from=amazon.co.jp\r\n"
        + "Received: from bulk.example (bulk.example [198.51.100.23]) by mx.mail.example.net; Fri, 27 Nov 2026 07:00:00 +0900\r\n"
        + "Authentication-Results: amazon.co.jp; dkim=pass header.d=amazon.co.jp; spf=pass smtp.mailfrom=amazon.co.jp; dmarc=pass header.from=amazon.co.jp\r\n"
        + f"From: {enc_header('Amazon.co.jp')} <auto-confirm@amazon.co.jp>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 07:00:00 +0900\r\nSubject: Your order D01-2046175-3391842\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        + "Order D01-2046175-3391842. Details: https://www.amazon.co.jp/gp/css/order-history\r\n",
    )

    # 10. display-name impersonation from a domain that passes its own DMARC
    write(
        "display-name-impersonation.eml",
        "Authentication-Results: mx.mail.example.net; dkim=pass header.d=shop-notice.example; spf=pass smtp.mailfrom=shop-notice.example; dmarc=pass header.from=shop-notice.example\r\n"
        + f"From: {enc_header('Amazon.co.jp')} <support@shop-notice.example>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 08:00:00 +0900\r\nSubject: Amazon.co.jp order cancelled\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        + "Your order was cancelled. Sign in to restore it: https://www.amazon.co.jp/ap/signin\r\n",
    )

    # 11. genuine, order number in full-width digits and dash, ISO-2022-JP quoted-printable
    fw = "デモ 太郎 様\n注文番号：Ｄ０１−２０４６１７５−３３９１８４２\nhttps://www.amazon.co.jp/gp/css/order-history\n"
    write(
        "fullwidth-order-number.eml",
        GOOD_AR.format(dom="amazon.co.jp")
        + f"From: {enc_header('Amazon.co.jp')} <digital-no-reply@amazon.co.jp>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 10:02:10 +0900\r\n"
        + f"Subject: {enc_header('Amazon.co.jpでのご注文')}\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + qp(fw.encode("iso-2022-jp"))
        + "\r\n",
    )

    # 12. phishing about an order the demo account does not have
    write(
        "phishing-unknown-order.eml",
        "Authentication-Results: mx.mail.example.net; dkim=none; spf=fail smtp.mailfrom=auto-confirm@amazon.co.jp; dmarc=fail header.from=amazon.co.jp\r\n"
        + f"From: {enc_header('Amazon.co.jp')} <auto-confirm@amazon.co.jp>\r\nTo: demo@example.com\r\n"
        + "Date: Fri, 27 Nov 2026 09:00:00 +0900\r\n"
        + f"Subject: {enc_header('Amazon.co.jpでのご注文 (249-0000000-0000001)')}\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64(
            '<html><body><p>注文番号: 249-0000000-0000001 ￥48,800</p><p><a href="https://bit.ly/3xAmzn">キャンセルはこちら</a></p></body></html>'.encode()
        )
        + "\r\n",
    )

    # 13. raw IP and punycode links
    write(
        "raw-ip-and-punycode.eml",
        "Authentication-Results: mx.mail.example.net; dmarc=fail header.from=amazon.com\r\n"
        + 'From: "Amazon.com" <account-update@amazon.com>\r\nTo: demo@example.com\r\nDate: Fri, 27 Nov 2026 11:00:00 -0800\r\n'
        + "Subject: Verify your account\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n"
        + '<html><body><a href="http://203.0.113.7/amazon/login">Sign in</a> <a href="https://xn--amzon-yqa.com/verify">amazon.com</a></body></html>\r\n',
    )


if __name__ == "__main__":
    main()
