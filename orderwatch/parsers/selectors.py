"""Every selector and label the parsers use, grouped by page. When the site changes, this file changes.

Each field is a tuple of CSS selectors tried in order (newest markup first); label texts are data,
per language, matched after whitespace is folded.
"""

from __future__ import annotations

# --- order history (/your-orders/orders) ------------------------------------------------------------
ORDER_CARDS = ("div.order-card.js-order-card", "div.a-box-group.order", "div.order")
ORDER_HISTORY_MARKERS = (
    "span.num-orders",
    "form.js-time-filter-form",
    "select#time-filter",
    "#ordersContainer",
)
NUM_ORDERS = ("span.num-orders",)
ORDER_ID = (".yohtmlc-order-id bdi[dir=ltr]", ".yohtmlc-order-id span[dir=ltr]", ".yohtmlc-order-id .value")
ORDER_ID_BLOCK = (".yohtmlc-order-id",)
ORDER_TOTAL = (".yohtmlc-order-total .value",)
HEADER_LABELS = ("span.label", ".a-text-caps")
ITEMS = (".yohtmlc-item", ".item-box")
ITEM_TITLE = (".yohtmlc-product-title",)
ITEM_LINKS = ("a[href*='/gp/product/']", "a[href*='/dp/']")
MORE_ITEMS = (".and-more-message-box",)
MORE_ITEMS_TEXT = (r"^and (\d+) more$", r"^他\s*(\d+)\s*(?:点|個|件)")
NEXT_PAGE = ("ul.a-pagination li.a-last:not(.a-disabled) a",)
CURRENT_PAGE = ("ul.a-pagination li.a-selected",)
PAGE_SIZE = 10  # orders per history page
DETAILS_LINK = ("a.yohtmlc-order-details-link",)

LABEL_ORDER_DATE = ("注文日", "注文確定日", "Order placed", "Order Placed", "ORDER PLACED", "Date placed", "Purchased")
LABEL_TOTAL = ("合計", "Total", "TOTAL", "Order total")
LABEL_ORDER_ID = ("注文番号", "Order #", "Order number", "ORDER #")
DIGITAL_MARKERS = ("Kindle版", "Kindle 版", "Kindle Edition", "デジタル注文", "Digital Order", "Audible版")
CANCELLED_MARKERS = ("キャンセル済み", "Cancelled", "Canceled")
NO_ORDERS_TEXT = ("注文はありません", "You have not placed any orders")
SELLER_PREFIXES = ("販売:", "販売：", "Sold by:")

# --- digital order summary (/gp/digital/your-account/order-summary.html) ----------------------------
SUMMARY_CONTAINER = ("#digitalOrderSummaryContainer", "#digital-order-summary", "table.digital-order-summary")
SUMMARY_ITEM_ROWS = ("tr.digital-order-item", "table.items tr")
LABEL_DIGITAL_ORDER = ("デジタル注文", "Digital Order")
LABEL_SUMMARY_ORDER_ID = ("注文番号", "Amazon.co.jp注文番号", "Order #", "Amazon.com order number")
LABEL_GRAND_TOTAL = ("注文の合計", "ご請求額", "Grand Total", "Order Total")
LABEL_PAYMENTS_HEADING = ("お支払い方法", "お支払い情報", "Payment Information", "Payment Method")
# An order id the account does not have (reconstructed: no recording of this page exists).
TEXT_ORDER_NOT_FOUND = ("注文が見つかりません", "We're unable to find", "We were unable to find", "Order not found")

# --- 1-Click settings (/cpe/yourpayments/settings/manageoneclick) -----------------------------------
ONE_CLICK_TOGGLE = (
    "input#pmts-toggle-this-browser",
    "label[for=pmts-toggle-this-browser] input[type=checkbox]",
)
ONE_CLICK_PAGE_MARKERS = ("#pmts-one-click-settings", "label[for=pmts-toggle-this-browser]")
ONE_CLICK_DEFAULT_PAYMENT = (".pmts-one-click-default-payment", "#pmts-default-payment-method")
ONE_CLICK_DEFAULT_ADDRESS = (".pmts-one-click-default-address", "#pmts-default-address")

# --- sign-in states (/ap/signin, /ap/mfa, /ap/cvf, ...) ----------------------------------------------
# Checked in this order by parsers/signin_state.py: stop states (texts) before form states (fields).
SIGNIN_EMAIL = ("input#ap_email", "input#ap_email_login", "input[name=email][type=email]")
SIGNIN_PASSWORD = ("input#ap_password",)
SIGNIN_TOTP = ("input#auth-mfa-otpcode", "form#auth-mfa-form input[name=otpCode]")
SIGNIN_SMS_CODE = ("#cvf-input-code", "input[name=code]")  # 2024: a div wraps the field
SIGNIN_OTP_CODE = ("input#input-box-otp",)
SIGNIN_DEVICE_SELECT = ("form#auth-select-device-form", "form[name=auth-select-device-form]", "form[name=claimspicker]")
SIGNIN_APPROVAL = ("span.transaction-approval-word-break", "#channelDetailsWithImprovedLayout", "#resend-approval-link")
SIGNIN_CAPTCHA = (
    "#auth-captcha-image-container",
    "input#auth-captcha-guess",
    "input[name=cvf_captcha_input]",
    "input#captchacharacters",
    "iframe#cvf-aamation-challenge-iframe",
    "#cvf-aamation-challenge-iframe",
    "h1#aacb-captcha-header",
    "#aa-challenge-whole-page-iframe",
    "form[action*=validateCaptcha]",
)
SIGNIN_EXTRA_VERIFICATION = ("input[name^=dcq_question]", "input#ap_zip", "input[name=zipCode]")
SIGNIN_ERROR_BOX = ("#auth-error-message-box", "div.auth-error-message-box", "#auth-warning-message-box")
SIGNIN_INTENT = ("form#intent-confirmation-form",)
SIGNED_OUT_LINKS = ("[data-nav-ref=nav_ya_signin]",)
GREETING = ("#nav-link-accountList-nav-line-1", "#nav-link-accountList .nav-line-1")

# Texts, matched lower-cased against the page title and body text.
TEXT_BOT_CHALLENGE = ("verify you're not a robot", "ロボットではないことを確認")
RAW_BOT_CHALLENGE = ("window.gokuProps", "awsWafCookieDomainList")  # matched in the raw HTML
TEXT_CAPTCHA = (
    "enter the characters you see below",
    "文字を入力してください",
    "solve this puzzle",
    "click the button below to continue shopping",
)
TEXT_SITE_ERROR = ("something went wrong on our end", "we couldn't find that page", "ページが見つかりません")
TEXT_PASSWORD_RESET = ("password reset required", "パスワードのリセットが必要です", "create new password")
TEXT_ACCOUNT_LOCKED = (
    "account on hold",
    "account locked temporarily",
    "account is closed",
    "account has been closed",
    "アカウントが一時的に保留",
    "アカウントがロックされています",
)
TEXT_ACCOUNT_ACTION = (
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
    "cannot find an account with that email",
    "you do not have an account with this email",
    "looks like you're new to amazon",
    "このeメールアドレスを持つアカウントが見つかりません",
)
TEXT_ACCOUNT_SELECT = ("which account do you want to use",)
TEXT_EXTRA_VERIFICATION = ("almost done!",)
TEXT_APPROVAL = ("approve the notification sent to", "通知を承認", "open your amazon shopping app")
TEXT_OTP_CODE = (
    "enter verification code",
    "確認コードを入力",
    "verify mobile number",
    "code verification",
    "verify with whatsapp",
    "verify using whatsapp",
)
TEXT_INTERSTITIAL = ("keep hackers out",)
TEXT_DEVICE_SELECT = ("choose where to receive", "authentication required")
TEXT_SIGNED_OUT_GREETING = ("hello, sign in", "こんにちは, ログイン", "こんにちは、ログイン")
