"""Every selector and label the parsers use, grouped by page. When the site changes, this file changes.

Each field is a tuple of CSS selectors tried in order (newest markup first); label texts are data,
per language, matched after whitespace is folded. Each entry names its evidence: a real page under
``../shared/peer-pages/`` (``digital-orders/...``, ``amazon-com/...``, ``login-states/...``), the
reconstruction from public scrapers (``../shared/reference/amazon-pages.md``), or "demo recording only"
(``recordings/demo-jp/``, written by this project).
"""

from __future__ import annotations

# --- order history (/your-orders/orders) ------------------------------------------------------------
# amazon-com/orders/order-history-*.html (2010-2025); digital-orders/de/order-history-2024-0.html and
# -2026-0.html (the 2026 layout); recordings/demo-jp/order-history.html (co.jp, reconstruction).
ORDER_CARDS = (
    "div.order-card.js-order-card",  # amazon-com/orders/order-history-2023-10.html, digital-orders/de/*
    "div.a-box-group.order",  # amazon-com/orders/order-history-2010-0.html .. 2020-50.html
    "div.order",  # amazon-com/orders/order-history-2010-0.html (same cards, older class)
)
ORDER_HISTORY_MARKERS = (
    "span.num-orders",  # amazon-com/orders/order-history-*.html
    "form.js-time-filter-form",  # amazon-com/orders/order-history-*.html, digital-orders/de/order-history-*.html
    "select#time-filter",  # same
    "#ordersContainer",  # amazon-com/orders/order-details-112-9087159-1657009.html; demo recording
)
NUM_ORDERS = (
    "span.num-orders",  # "266 orders": amazon-com/orders/order-history-2023-10.html
    "label[for=time-filter] b",  # "229 Bestellungen": digital-orders/de/order-history-2026-0.html (2026 layout)
)
ORDER_ID = (
    ".yohtmlc-order-id bdi[dir=ltr]",  # amazon-com/orders/order-history-2010-0.html .. 2023-10.html
    ".yohtmlc-order-id span[dir=ltr]",  # amazon-com/orders/order-history-egift.html, digital-orders/de/*
    ".yohtmlc-order-id .value",  # amazon-com/orders/order-history-2010-0.html
)
ORDER_ID_BLOCK = (".yohtmlc-order-id",)  # amazon-com/orders/order-history-*.html, digital-orders/de/*
ORDER_TOTAL = (".yohtmlc-order-total .value",)  # amazon-com/orders/order-history-2010-0.html .. 2023-10.html
HEADER_LABELS = (
    "span.label",  # amazon-com/orders/order-history-2010-0.html .. 2023-10.html
    ".a-text-caps",  # amazon-com/orders/order-history-egift.html, digital-orders/de/order-history-2026-0.html
)
ITEMS = (
    ".yohtmlc-item",  # amazon-com/orders/order-history-2010-0.html .. 2023-10.html
    ".item-box",  # amazon-com/orders/order-history-egift.html (2024+), digital-orders/de/order-history-*.html
)
ITEM_TITLE = (".yohtmlc-product-title",)  # amazon-com/orders/order-history-egift.html, digital-orders/de/*
ITEM_LINKS = (
    "a[href*='/gp/product/']",  # amazon-com/orders/order-history-2010-0.html .. 2023-10.html
    "a[href*='/dp/']",  # amazon-com/orders/order-history-egift.html, digital-orders/de/order-history-*.html
)
MORE_ITEMS = (".and-more-message-box",)  # amazon-com/orders/order-history-fresh.html, -wholefoods-catering.html
# "and N more" / "他N点": reconstruction (reference/amazon-pages.md); the real grids use .and-more-message-box
MORE_ITEMS_TEXT = (r"^and (\d+) more$", r"^他\s*(\d+)\s*(?:点|個|件)")
NEXT_PAGE = (  # startIndex links: amazon-com/orders/order-history-2010-0.html; page=N: digital-orders/de/*
    "ul.a-pagination li.a-last:not(.a-disabled) a",
)
CURRENT_PAGE = ("ul.a-pagination li.a-selected",)  # amazon-com/orders/order-history-*.html, digital-orders/de/*
PAGE_SIZE = 10  # orders per history page: amazon-com/orders/order-history-2023-10-ten-orders.html
DETAILS_LINK = ("a.yohtmlc-order-details-link",)  # amazon-com/orders/order-history-2010-0.html .. 2023-10.html

# The declared count: "266 orders" (amazon-com/orders/order-history-2023-10.html), "229 Bestellungen"
# (digital-orders/de/order-history-2026-0.html), "304件の注文" (reference/amazon-pages.md; demo recording).
LABEL_ORDER_DATE = (
    "注文日",  # reference/amazon-pages.md; demo recording
    "Order placed",  # amazon-com/orders/order-history-2023-10.html
    "Bestellung aufgegeben",  # digital-orders/de/order-history-2026-0.html
    "Purchased",  # in-store purchases: amazon-com/orders/order-history-wholefoods.html
)
LABEL_TOTAL = (
    "合計",  # reference/amazon-pages.md; demo recording
    "Total",  # amazon-com/orders/order-history-2023-10.html
    "Summe",  # digital-orders/de/order-history-2026-0.html
)
LABEL_ORDER_ID = (  # the id itself is read from .yohtmlc-order-id; these name it in messages
    "注文番号",  # reference/amazon-pages.md; demo recording
    "Order #",  # amazon-com/orders/order-history-2023-10.html
    "Bestellnr.",  # digital-orders/de/order-history-2026-0.html
)
DIGITAL_MARKERS = (
    "Kindle版",  # demo recording only (recordings/demo-jp/account.toml formats)
    "Kindle 版",  # reference/amazon-pages.md
    "Kindle Edition",  # reference/amazon-pages.md
    "デジタル注文",  # demo recording (_order_card.html), reference/amazon-pages.md
    "Digital Order",  # amazon-com/orders/order-history-2010-0.html, digital-orders/ca-order-summary-*.html
)
CANCELLED_MARKERS = (
    "キャンセル済み",  # reference/amazon-pages.md; demo recording (_order_card.html)
    "Cancelled",  # amazon-com/orders/order-history-2010-0.html
)
NO_ORDERS_TEXT = (  # reconstruction (reference/amazon-pages.md: tell "no orders" from "the page changed")
    "注文はありません",
    "You have not placed any orders",
)
SELLER_PREFIXES = (  # matched case-insensitively after white space is folded
    "販売:",  # reference/amazon-pages.md; demo recording
    "販売：",  # reconstruction (full-width colon of the same label)
    "Sold by:",  # amazon-com/orders/order-details-*.html; "Sold  By:" digital-orders/ca-order-summary-*.html
    "Verkauf durch:",  # digital-orders/de/order-details-D01-1151337-3109897.html
)

# --- digital order summary, legacy template (/gp/digital/your-account/order-summary.html) -------------
# All from digital-orders/ca-order-summary-*.html (amazon.ca 2024) unless noted; co.jp labels are
# reconstruction (reference/amazon-pages.md, public co.jp scrapers), used by the demo recording.
SUMMARY_CONTAINER = ("#digitalOrderSummaryContainer",)  # digital-orders/ca-order-summary-*.html
SUMMARY_BODY = ("div.orderSummary",)  # inside the container; digital-orders/ca-order-summary-*.html
SUMMARY_HEADER_ITEMS = ("ul.nomarker li",)  # "<b>Amazon.ca order number: </b>D01-…", "<b>Order Total:</b> $15.70"
SUMMARY_ITEMS_TABLE = ("table.sample",)  # the items table; digital-orders/ca-order-summary-*.html
SUMMARY_PRICE_CELL = ("td.a-text-right",)  # item price and the totals text block
# Header label of the order id: "Amazon.ca order number:" (ca pages), "Amazon.com order number:"
# (reconstruction), "Amazon.co.jp 注文番号:" (reconstruction, reference/amazon-pages.md). Matched as a suffix.
LABEL_SUMMARY_ORDER_ID = ("order number", "注文番号")
LABEL_SUMMARY_ORDER_TOTAL = ("Order Total", "注文の合計")  # ca pages; co.jp reconstruction
LABEL_DIGITAL_ORDER = ("Digital Order", "デジタル注文")  # "Digital Order: July 5 2024"; co.jp reconstruction
# The items header row: "Items Ordered | Price" (ca pages); "注文商品 | 価格" (reconstruction).
LABEL_ITEMS_HEADER = (("Items Ordered", "Price"), ("注文商品", "価格"))
# The text block's last line: "Total for this Order: $15.70" (ca pages); co.jp candidates are a
# reconstruction ("注文合計" / "ご請求額"; reference/amazon-pages.md names 商品小計 for the block).
LABEL_TEXT_ORDER_TOTAL = ("Total for this Order", "注文合計", "ご請求額")
# Payments widget (Payments Portal): ca pages; the same markup on amazon-com/orders/order-details-*.html.
PAYMENT_CARD = (".pmts-payments-instrument-detail-box-paystationpaymentmethod",)  # "Mastercard ending in 0000"
PAYMENT_NO_CHARGE = (".pmts-payments-instrument-detail-box-no-charge",)  # "No current charges" (D01-4163891-…)
PAYMENT_BREAKDOWN_ROWS = (".pmts-amount-breakdown-sub-totals",)  # label | amount
PAYMENT_GRAND_TOTAL = (".pmts-grand-order-total",)  # "Grand Total: $15.70"

# --- digital order in the unified order-details template (/your-orders/order-details?orderID=D01-…) ---
# digital-orders/de/order-details-D01-1151337-3109897.html (amazon.de 2026); the same template for
# physical orders in amazon-com/orders/order-details-*.html (2024-2025). co.jp labels: reconstruction.
UNIFIED_CONTAINER = ("#orderDetails",)  # de page; amazon-com/orders/order-details-*.html
UNIFIED_MARKERS = (  # the container holds the template's data-component blocks
    "[data-component=orderDetailsTitle]",  # de page; amazon-com/orders/order-details-111-6778632-7354601.html
    "[data-component=orderCard]",  # same
)
UNIFIED_ORDER_ID = ("[data-component=orderId]",)  # de page; amazon-com/orders/order-details-coupon-savings.html
UNIFIED_ORDER_DATE = ("[data-component=orderDate]",)  # "16. April 2026": de page; coupon-savings.html
# 2024 variant: "Ordered on September 8, 2024 Order# 111-…" (amazon-com/orders/order-details-111-6778632-….html)
UNIFIED_DATE_AND_ID = ("[data-component=orderDateInvoice]",)
LABEL_UNIFIED_ORDER_DATE = (
    "Ordered on",  # amazon-com/orders/order-details-111-6778632-7354601.html
    "Order placed",  # amazon-com/orders/order-details-coupon-savings.html
    "Bestellung aufgegeben",  # de page
    "注文日",  # reconstruction (reference/amazon-pages.md)
)
UNIFIED_ITEM_TITLE = ("[data-component=purchasedItems] [data-component=itemTitle]",)  # de page; amazon-com 111-…
UNIFIED_ITEM_SELLER = ("[data-component=orderedMerchant]",)  # "Verkauf durch: …" de page; "Sold by: …" amazon-com
# Items of the 2024 shipments layout: amazon-com/orders/order-details-coupon-savings.html (no itemTitle blocks)
UNIFIED_ITEMS_FALLBACK = ("[data-component=shipments] .yohtmlc-item",)
UNIFIED_SUBTOTAL_ROWS = ("#od-subtotals .a-row",)  # label | amount: de page (chargeSummary), amazon-com 111-…
# The grand total row of #od-subtotals: de page ("Gesamtbetrag für diese Bestellung:"), amazon-com pages
# ("Grand Total:"); "Order Total" from the legacy template; co.jp "ご請求額" / "注文合計": reconstruction.
LABEL_UNIFIED_GRAND_TOTAL = ("Gesamtbetrag für diese Bestellung", "Grand Total", "Order Total", "ご請求額", "注文合計")
UNIFIED_PAYMENT_INSTRUMENT = ("[data-testid=payment-instrument]",)  # de page (2026 widget)
UNIFIED_PAYMENT_PARTS = (  # "Amazon Visa" "••••" "1234": de page
    "[data-testid=payment-instrument-name]",
    "[data-testid=payment-instrument-prefix]",
    "[data-testid=payment-instrument-number]",
)
# Older instrument markup on the same template: PAYMENT_CARD above (amazon-com/orders/order-details-*.html).

# Deduction lines that are payments, not price reductions: "1 Audible Credit Applied: -$21.20" (ca
# D01-4163891-…), "Gift Card Amount: -$35.53" (amazon-com/orders/order-details-coupon-savings.html),
# "Rewards Points:" (amazon-com/orders/order-subscriptions-and-reward-points-snippet.html); "ポイント",
# "ギフトカード" / "ギフト券": reconstruction (reference/amazon-pages.md), demo recording.
PAYMENT_DEDUCTION_WORDS = ("credit", "gift card", "points", "ポイント", "ギフトカード", "ギフト券", "gutschein")
# Never payments: "Your Coupon Savings:" (amazon-com coupon-savings.html), "Promotion Applied:"
# (amazon-com/orders/order-promotion-applied-snippet.html), "Subscribe & Save:", "Free Shipping:" (111-…).
PROMOTION_WORDS = ("coupon", "promotion", "discount", "savings", "save", "free shipping", "割引", "クーポン", "rabatt")
DEDUCTION_SUFFIXES = (" Applied", " applied", "適用")  # "1 Audible Credit Applied" → "1 Audible Credit"

# Pages served for an order id the account does not have. No recording of this page exists:
# reconstruction, demo recording (order-not-found.html).
TEXT_ORDER_NOT_FOUND = ("注文が見つかりません", "We're unable to find", "We were unable to find", "Order not found")

# --- 1-Click settings (/cpe/yourpayments/settings/manageoneclick) -----------------------------------
# No public recording exists: reconstruction (reference/amazon-pages.md), demo recording one-click.html.
ONE_CLICK_TOGGLE = (
    "input#pmts-toggle-this-browser",  # reference/amazon-pages.md; demo recording
    "label[for=pmts-toggle-this-browser] input[type=checkbox]",  # same
)
# The default 1-Click card: the Payments Portal instrument markup of the real pages
# (digital-orders/ca-order-summary-*.html), as the demo recording one-click.html reconstructs this page.
ONE_CLICK_DEFAULT_PAYMENT = (".pmts-payments-instrument-detail-box-paystationpaymentmethod",)
ONE_CLICK_DEFAULT_ADDRESS = ("ul.pmts-one-click-address",)  # demo recording only

# --- Message Center (/gp/message; issue 11, verify-email) ----------------------------------------------
# No public recording exists. The path and the page's name (Your Account → メッセージセンター / Message Center)
# are from reference/account-pages.md; every selector below is a reconstruction (account-pages.md); demo
# recording only (recordings/demo-jp/message-center.html) — replace them from a real capture.
MESSAGE_CENTER_CONTAINER = ("#message-center",)  # reconstruction (account-pages.md); demo recording only
MESSAGE_CENTER_HEADING = ("h1",)  # inside the container; reconstruction (account-pages.md); demo recording only
LABEL_MESSAGE_CENTER = (  # the heading, matched as a substring
    "メッセージセンター",  # account-pages.md (co.jp)
    "Message Center",  # account-pages.md (amazon.com)
    "Message Centre",  # reconstruction (en-GB spelling; email-authenticity.md); no recording
)
MESSAGE_LIST = ("ul.mc-message-list",)  # reconstruction (account-pages.md); demo recording only
MESSAGE_ROWS = ("li.mc-message-row",)  # one per message; reconstruction (account-pages.md); demo recording only
MESSAGE_SUBJECT = (".mc-message-subject",)  # reconstruction (account-pages.md); demo recording only
MESSAGE_DATE = (".mc-message-date",)  # "2026/11/27" / "November 27, 2026"; reconstruction; demo recording only
MESSAGE_PREVIEW = (".mc-message-preview",)  # "注文番号: D01-…"; reconstruction; demo recording only
MESSAGE_COUNT = (".mc-message-count",)  # "18件のメッセージ" / "18 messages"; reconstruction; demo recording only
TEXT_NO_MESSAGES = (  # an explicitly empty list; reconstruction (account-pages.md); demo recording only
    "メッセージはありません",
    "You have no messages",
    "No messages",
)

# --- sign-in states (/ap/signin, /ap/mfa, /ap/cvf, ...) ----------------------------------------------
# Checked in this order by parsers/signin_state.py: stop states (texts) before form states (fields).
# Evidence: amazon-com/auth/*.html (real recordings) and login-states/*.html (templates whose gg-match
# attributes name the real selectors); co.jp texts are demo recording / reconstruction (no co.jp recording).
SIGNIN_EMAIL = (
    "input#ap_email",  # amazon-com/auth/signin.html, post-signin-invalid-email.html
    "input#ap_email_login",  # amazon-com/auth/signin-claim-username.html (2025)
    "input[name=email][type=email]",  # amazon-com/auth/signin.html, login-states/amazon-signin-email-only.html
)
SIGNIN_PASSWORD = (
    "input#ap_password",
)  # amazon-com/auth/signin-claim-password.html, post-signin-invalid-password.html
SIGNIN_TOTP = (
    "input#auth-mfa-otpcode",  # amazon-com/auth/post-signin-mfa.html, post-signin-mfa-invalid-otp.html
    "form#auth-mfa-form input[name=otpCode]",  # same
)
# What the bot presses and ticks at the steps it fills. The page object (bots/pages.py, SignInPage) takes
# these and the three field tuples above from here, so a field the classifier accepts is one the bot fills.
SIGNIN_CONTINUE = (  # after the e-mail
    "input#continue",  # amazon-com/auth/signin.html; login-states/amazon-signin-email-only.html (gg-match)
    "#continue input[type=submit]",  # login-states/amazon-signin-email-only-2.html (gg-match)
    "form[name=signIn] input[type=submit]",  # amazon-com/auth/signin-claim-username.html (2025: no id)
)
SIGNIN_REMEMBER_ME = ("input[name=rememberMe]",)  # amazon-com/auth/post-signin-invalid-password.html
SIGNIN_PASSWORD_SUBMIT = ("#signInSubmit",)  # amazon-com/auth/signin-claim-password.html, login-states (gg-match)
SIGNIN_TOTP_REMEMBER = ("#auth-mfa-remember-device",)  # amazon-com/auth/post-signin-mfa.html, login-states
SIGNIN_TOTP_SUBMIT = ("#auth-signin-button",)  # amazon-com/auth/post-signin-mfa.html, login-states/amazon-otp-auth
SIGNIN_SMS_CODE = (
    "#cvf-input-code",  # 2024: a div wraps the field; amazon-com/auth/post-signin-captcha-otp.html
    "input[name=code]",  # demo recording only (cvf-code.html)
)
SIGNIN_OTP_CODE = ("input#input-box-otp",)  # amazon-com/auth/post-signin-captcha-otp.html
SIGNIN_DEVICE_SELECT = (
    "form#auth-select-device-form",  # amazon-com/auth/post-signin-new-otp.html, new-otp-failed.html
    "form[name=claimspicker]",  # login-states/amazon-send-otp.html (gg-match)
)
SIGNIN_APPROVAL = (
    "span.transaction-approval-word-break",  # amazon-com/auth/post-signin-captcha-otp.html
    "#channelDetailsWithImprovedLayout",  # reference/amazon-pages.md; demo recording (approval.html)
    "#resend-approval-link",  # amazon-com/auth/post-signin-captcha-otp.html
)
SIGNIN_CAPTCHA = (
    "#auth-captcha-image-container",  # reference/amazon-pages.md; demo recording (captcha.html)
    "input#auth-captcha-guess",  # same
    "input[name=cvf_captcha_input]",  # amazon-com/auth/post-signin-captcha-1.html
    "input#captchacharacters",  # amazon-com/auth/post-signin-captcha-2.html, -3.html
    "iframe#cvf-aamation-challenge-iframe",  # login-states/amazon-captcha-frame.html (gg-match)
    "#cvf-aamation-challenge-iframe",  # login-states/amazon-arkose-challenge.html (gg-match)
    "h1#aacb-captcha-header",  # login-states/amazon-captcha.html (gg-match)
    "#aa-challenge-whole-page-iframe",  # amazon-com/auth/post-signin-invalid-password.html (its style sheet)
    "form[action*=validateCaptcha]",  # amazon-com/auth/captcha-field-keywords.html, post-signin-captcha-2.html
)
SIGNIN_EXTRA_VERIFICATION = (
    "input[name^=dcq_question]",  # login-states/amazon-dcq.html
    "input#ap_zip",  # login-states/amazon-zip-code-required.html (gg-match)
    "input[name=zipCode]",  # same
)
SIGNIN_ERROR_BOX = ("#auth-error-message-box",)  # amazon-com/auth/post-signin-invalid-password.html, login-states
SIGNIN_INTENT = ("form#intent-confirmation-form",)  # amazon-com/auth/post-signin-intent.html
SIGNED_OUT_LINKS = ("[data-nav-ref=nav_ya_signin]",)  # amazon-com/auth/unauth-index.html
ACCOUNT_MENU = ("#nav-link-accountList",)  # the menu the greeting sits in: amazon-com/auth/unauth-index.html
GREETING = (
    "#nav-link-accountList-nav-line-1",  # amazon-com/auth/unauth-index.html, amazon-com/orders/*.html
    "#nav-link-accountList .nav-line-1",  # same
)

# Texts, matched lower-cased against the page title and body text.
TEXT_BOT_CHALLENGE = (
    "verify you're not a robot",  # reference/amazon-pages.md (the real pages: see RAW_BOT_CHALLENGE)
    "ロボットではないことを確認",  # reconstruction (co.jp wording; no co.jp recording)
)
RAW_BOT_CHALLENGE = (  # matched in the raw HTML
    "window.gokuProps",  # amazon-com/auth/post-signin-js-bot-challenge.html, waf-challenge.html
    "awsWafCookieDomainList",  # same
)
TEXT_CAPTCHA = (
    "enter the characters you see below",  # amazon-com/auth/post-signin-captcha-2.html
    "文字を入力してください",  # demo recording (captcha.html); reconstruction
    "solve this puzzle",  # amazon-com/auth/post-signin-captcha-1.html, login-states/amazon-captcha-frame.html
    "click the button below to continue shopping",  # amazon-com/auth/captcha-field-keywords.html
)
TEXT_SITE_ERROR = (
    "something went wrong on our end",  # amazon-com/500.html, login-states/amazon-something-error.html
    "we couldn't find that page",  # login-states/amazon-error-page-not-found.html
    "ページが見つかりません",  # demo recording (the replay's 404 page); reconstruction
)
TEXT_PASSWORD_RESET = (
    "password reset required",  # login-states/amazon-password-reset-required.html
    "パスワードのリセットが必要です",  # demo recording (password-reset.html); reconstruction
    "create new password",  # login-states/amazon-create-new-password-required.html
)
TEXT_ACCOUNT_LOCKED = (
    "account on hold",  # login-states/amazon-error-acc-temporary-onhold.html
    "account locked temporarily",  # login-states/amazon-error-temporary-locked.html
    "account is closed",  # login-states/amazon-error-account-closed.html
    "アカウントが一時的に保留",  # demo recording (account-on-hold.html); reconstruction
    "アカウントがロックされています",  # reconstruction (co.jp wording of "account locked"; no recording)
)
TEXT_ACCOUNT_ACTION = (  # login-states/amazon-error-*.html, one file each
    "enter billing details",
    "billing verification required",
    "card expiration date verification required",
    "choose payment card to verify",
    "card's security code",
    "return policy violation",
    "switch countries to resolve",
    "multiple accounts use the email",
    "document submission required",
)
TEXT_EMAIL_INVALID = (
    "cannot find an account with that email",  # amazon-com/auth/post-signin-invalid-email.html
    "you do not have an account with this email",  # login-states/amazon-email-not-found.html
    "looks like you're new to amazon",  # amazon-com/auth/post-signin-intent.html, login-states (new-to-amazon)
    "このeメールアドレスを持つアカウントが見つかりません",  # reconstruction (co.jp wording; no recording)
)
TEXT_ACCOUNT_SELECT = ("which account do you want to use",)  # login-states/amazon-select-personal-account.html
TEXT_EXTRA_VERIFICATION = ("almost done!",)  # login-states/amazon-zip-code-required.html
TEXT_APPROVAL = (
    "approve the notification sent to",  # amazon-com/auth/post-signin-captcha-otp.html, login-states
    "通知を承認",  # demo recording (approval.html); reconstruction
    "open your amazon shopping app",  # login-states/amazon-otp-app.html
)
TEXT_OTP_CODE = (
    "enter verification code",  # amazon-com/auth/post-signin-captcha-otp.html, login-states/amazon-otp-email.html
    "確認コードを入力",  # demo recording (cvf-code.html); reconstruction
    "verify mobile number",  # login-states/amazon-verification-01.html
    "code verification",  # login-states/amazon-otp-general.html
    "verify with whatsapp",  # login-states/amazon-verify-with-whatsapp.html
    "verify using whatsapp",  # login-states/amazon-verify-with-passkey-or-whatsapp.html
)
TEXT_INTERSTITIAL = ("keep hackers out",)  # login-states/amazon-keep-hacker-out.html
TEXT_DEVICE_SELECT = (
    "choose where to receive",  # amazon-com/auth/post-signin-new-otp.html, new-otp-failed.html
    "authentication required",  # amazon-com/auth/post-signin-captcha-1.html, login-states/amazon-send-otp.html
)
TEXT_SIGNED_OUT_GREETING = (
    "hello, sign in",  # amazon-com/auth/unauth-index.html
    "こんにちは, ログイン",  # demo recording (_layout.html)
    "こんにちは、ログイン",  # reconstruction (the same greeting with a Japanese comma)
)

# --- account settings (issue 11): Login & Security, 2-step verification, memberships, devices, content -----
# No public recording of any of these pages exists. Evidence named per entry: ../shared/reference/
# account-pages.md (ids and labels public tools use; "account-pages.md"), login-states/amazon-account-manage.html
# (a template of the real Login & Security page whose gg-match attributes name its selectors), or "demo recording
# only" (recordings/demo-jp/*.html, written by this project — replace from a real capture). Labels are matched
# after white space is folded, case-insensitively, a trailing colon ignored; English labels are amazon.com's.

# Login & Security, current layout (/ax/account/manage)
LS_SCOPE = ("div[data-device='desktop'] > div.a-section",)  # login-states/amazon-account-manage.html (gg-match-html)
LS_HEADING = ("h1[aria-label]",)  # login-states/amazon-account-manage.html: h1[aria-label='Login & Security']
LS_ROW_IDS = {  # the rows are buttons with these ids, the row's link in the first span: account-pages.md
    "name": "NAME_BUTTON",
    "email": "EMAIL_BUTTON",
    "phone": "MOBILE_NUMBER_BUTTON",
    "passkeys": "PASSKEY_BUTTON",
    "password": "PASSWORD_BUTTON",
    "two_step": "TWO_STEP_VERIFICATION_BUTTON",
}
LS_SECURE_ACCOUNT = ("#SECURE_YOUR_ACCOUNT_BUTTON",)  # account-pages.md ("sign out everywhere": never pressed)
# Login & Security, older layout (/ap/cnep): all account-pages.md
CNEP_MARKERS = ("h1#ap_cnep_header", "form#cnep_1a_email_form", "form#cnep_1a_name_form")
CNEP_ROWS = ("ul.a-box-list > li",)  # each row a form: span.a-text-bold label, the value the next div.a-row
CNEP_ADD_PHONE = ("#auth-cnep-add-phone-button",)  # shown instead of #auth-cnep-edit-phone-button when no phone
LABEL_LS_HEADING = (
    "ログインとセキュリティ",  # account-pages.md (co.jp)
    "Login & Security",  # login-states/amazon-account-manage.html
    "Login & security",  # account-pages.md (/ap/cnep)
)
LABEL_LS_NAME = ("名前", "Name")  # account-pages.md (co.jp; "Name:" on /ap/cnep)
LABEL_LS_EMAIL = (
    "Eメール",  # account-pages.md (co.jp)
    "Eメールアドレス",  # reconstruction (the same label, longer)
    "Email",  # account-pages.md ("Email:" on /ap/cnep)
    "E-mail",  # reconstruction
)
LABEL_LS_PHONE = (
    "携帯電話番号",  # account-pages.md (co.jp)
    "Mobile Phone Number",  # account-pages.md (/ap/cnep, "Mobile Phone Number:")
    "Mobile phone number",  # reconstruction (current layout, amazon.com)
    "Mobile number",  # reconstruction
    "Primary mobile number",  # reconstruction
)
LABEL_LS_PASSKEY = ("パスキー", "Passkey", "Passkeys")  # account-pages.md (co.jp); English: reconstruction
LABEL_LS_PASSWORD = ("パスワード", "Password")  # account-pages.md ("Password:" ******** on /ap/cnep)
LABEL_LS_TWO_STEP = (
    "2段階認証",  # account-pages.md (co.jp)
    "2段階認証の設定",  # reconstruction
    "Two-Step Verification (2SV) Settings",  # account-pages.md (/ap/cnep)
    "2-Step Verification",  # reconstruction (current layout, amazon.com)
    "Two-Step Verification",  # reconstruction
)
# Words of a row's edit control, never its value: demo recording only / reconstruction.
LS_ACTION_WORDS = ("編集", "追加", "管理", "変更", "設定", "Edit", "Add", "Manage", "Change", "Set up", "Turn on")
LS_NO_PHONE = ("未登録", "登録されていません", "Not set", "Not added", "None")  # demo recording only / reconstruction
LS_NO_PASSKEY = (  # demo recording only / reconstruction; matched as substrings
    "パスキーが設定されていません",
    "パスキーはありません",
    "未設定",
    "Not set up",
    "No passkeys",
    "You haven't set up",
)
PASSKEY_COUNT = r"(\d+)\s*(?:個の)?\s*(?:パスキー|passkeys?)"  # "1個のパスキー", "2 passkeys": demo recording only
LS_TWO_STEP_ON = ("有効", "オン", "On", "Enabled", "Turned on")  # demo recording only / reconstruction
LS_TWO_STEP_OFF = ("無効", "オフ", "Off", "Disabled", "Turned off", "Not enabled")  # same

# 2-step verification (/a/settings/approval): ids from account-pages.md
TWO_STEP_ENABLED = ("#ch-settings-otp-change-preferred",)  # exists only when 2SV is on
TWO_STEP_DISABLED = ("#sia-settings-enable-mfa",)  # "Turn on" / "Get started" / 「有効にする」, only when off
TWO_STEP_REMOVE_BACKUP = ("[id^='ch-settings-otp-remove-backup-']",)  # one per backup method: -0, -1, …
LABEL_2SV_PREFERRED = ("優先する方法", "Preferred method")  # demo recording only / reconstruction
TWO_STEP_PREFERRED_MARKERS = ("（優先）", "(優先)", "(Preferred)", "Preferred")  # demo recording only / reconstr.
TWO_STEP_ACTION_WORDS = ("変更", "削除", "解除", "Change", "Remove", "Delete")  # demo recording only / reconstr.
# A method's kind from words in its label (account-pages.md names the kinds; the words: reconstruction).
# Checked in order: a "Passkey on iPhone" is a passkey, not a phone.
TWO_STEP_KINDS = (
    ("authenticator_app", ("認証アプリ", "authenticator")),
    ("passkey", ("パスキー", "passkey")),
    ("phone", ("電話", "携帯", "sms", "phone", "voice", "音声", "ending in")),
)

# Memberships & subscriptions (/hz5/yourmembershipsandsubscriptions). No selector for the cards is known
# (account-pages.md): a card is the nearest block around one of its labels that holds one heading (h2–h5).
LABEL_MEMBERSHIPS_HEADING = (  # the page's h1; reconstruction (demo recording only)
    "メンバーシップおよび購読",
    "Memberships & Subscriptions",
    "Memberships and Subscriptions",
)
MEMBERSHIPS_HEADING_NODES = ("h1", "title")  # where the page names itself (demo recording only)
SUBSCRIPTION_HEADINGS = ("h2", "h3", "h4", "h5")  # a card's name: its one heading (demo recording only)
LABEL_SUB_NEXT_PAYMENT = (  # account-pages.md: 次回のお支払い日 / next payment; the others reconstruction
    "次回のお支払い日",
    "Next payment date",
    "Next payment",
    "Next billing date",
)
LABEL_SUB_CANCEL = (  # the cancel control: account-pages.md (会員登録をキャンセル / cancel subscription)
    "会員登録をキャンセル",
    "Cancel subscription",
    "Cancel membership",  # reconstruction
    "End membership",  # reconstruction (Prime)
)
LABEL_SUB_CANCELLED = ("キャンセル済み", "Cancelled", "Canceled")  # demo recording only / reconstruction
LABEL_SUB_FREE_TRIAL = ("無料体験", "Free trial")  # account-pages.md; matched as a substring within a card
LABEL_SUB_AMOUNT = ("お支払い金額", "Amount", "Price")  # demo recording only / reconstruction
TEXT_NO_SUBSCRIPTIONS = (  # an explicitly empty page; reconstruction (demo recording only); substrings
    "メンバーシップおよび購読はありません",
    "no memberships or subscriptions",
    "don't have any memberships",
)

# The digital console (devices, Kindle content): its page shell and its data endpoint's JSON answers.
CONSOLE_CSRF_INPUT = ("input[name=csrfToken]",)  # reconstruction (demo recording only)
CONSOLE_CSRF_SCRIPT = r"""\bcsrfToken\b["']?\s*[=:]\s*["']([A-Za-z0-9+/=_.:-]{8,})["']"""  # same
DEVICE_NAME_KEY = "deviceName"  # account-pages.md (GetDevicesOverview); the other keys too:
DEVICE_FAMILY_KEY = "deviceFamily"
DEVICE_SERIAL_KEY = "deviceSerialNumber"
DEVICE_CATEGORY_KEY = "displayCategoryFriendlyName"
DEVICE_REGISTERED_KEY = "formattedLastRegisteredDate"  # "2026年11月26日" / "November 26, 2026"
DEVICE_LIST_KEYS = ("deviceList", "devices")  # an explicit empty list: no devices (demo recording only)
# GetContentOwnershipData: account-pages.md names the activity and its input; the answer's keys are a
# reconstruction (demo recording only).
CONTENT_ASIN_KEY = "asin"
CONTENT_TITLE_KEY = "title"
CONTENT_TIME_KEY = "acquiredTime"  # epoch milliseconds
CONTENT_DATE_KEY = "acquiredDate"  # the date as the page prints it
CONTENT_ORIGIN_KEY = "originType"
CONTENT_LIST_KEYS = ("items",)  # an explicit empty list: no titles
CONTENT_HAS_MORE_KEY = "hasMoreItems"
CONTENT_TOTAL_KEY = "numberOfItems"
# originType → how; words matched in the upper-cased value, in this order (reconstruction)
CONTENT_ORIGINS = (
    ("rental", ("UNLIMITED", "PRIME", "RENTAL", "LOAN", "LEND", "BORROW")),
    ("free", ("FREE",)),
    ("purchase", ("PURCHASE",)),
)
