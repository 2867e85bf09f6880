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
ITEMS = (".yohtmlc-item", ".yohtmlc-product-title", ".item-box")
ITEM_LINKS = ("a[href*='/gp/product/']", "a[href*='/dp/']")
NEXT_PAGE = ("ul.a-pagination li.a-last:not(.a-disabled) a",)
DETAILS_LINK = ("a.yohtmlc-order-details-link",)

LABEL_ORDER_DATE = ("注文日", "注文確定日", "Order placed", "Order Placed", "Date placed")
LABEL_TOTAL = ("合計", "Total", "Order total")
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

# --- 1-Click settings (/cpe/yourpayments/settings/manageoneclick) -----------------------------------
ONE_CLICK_TOGGLE = (
    "input#pmts-toggle-this-browser",
    "label[for=pmts-toggle-this-browser] input[type=checkbox]",
)
ONE_CLICK_PAGE_MARKERS = ("#pmts-one-click-settings", "label[for=pmts-toggle-this-browser]")
ONE_CLICK_DEFAULT_PAYMENT = (".pmts-one-click-default-payment", "#pmts-default-payment-method")
ONE_CLICK_DEFAULT_ADDRESS = (".pmts-one-click-default-address", "#pmts-default-address")

# --- sign-in states (/ap/signin, /ap/mfa, /ap/cvf, ...) ----------------------------------------------
SIGNIN_EMAIL = ("input#ap_email", "input#ap_email_login", "input[name=email][type=email]")
SIGNIN_PASSWORD = ("input#ap_password",)
SIGNIN_TOTP = ("input#auth-mfa-otpcode", "input[name=otpCode]")
SIGNIN_OTP_CODE = ("input#cvf-input-code", "input#input-box-otp", "input[name=code]")
SIGNIN_DEVICE_SELECT = ("form#auth-select-device-form", "form[name=auth-select-device-form]")
SIGNIN_APPROVAL = (
    "span.transaction-approval-word-break",
    "#channelDetailsWithImprovedLayout",
    "#resend-approval-link",
)
SIGNIN_CAPTCHA = (
    "#auth-captcha-image-container",
    "input#auth-captcha-guess",
    "input[name=cvf_captcha_input]",
    "input#captchacharacters",
    "iframe#cvf-aamation-challenge-iframe",
    "h1#aacb-captcha-header",
    "#aa-challenge-whole-page-iframe",
)
SIGNIN_ERROR_BOX = ("#auth-error-message-box", "div.auth-error-message-box", "#auth-warning-message-box")
SIGNIN_INTENT = ("form#intent-confirmation-form",)

TEXT_CAPTCHA = ("Enter the characters you see below", "文字を入力してください", "Solve this puzzle")
TEXT_BOT_CHALLENGE = ("window.gokuProps", "verify you're not a robot", "ロボットではないことを確認")
TEXT_APPROVAL = ("approve the notification sent to", "通知を承認", "open your amazon shopping app")
TEXT_OTP_CODE = ("enter verification code", "確認コードを入力", "enter the otp", "enter security code")
TEXT_PASSWORD_RESET = ("Password reset required", "パスワードのリセットが必要です", "Create new password")
TEXT_ACCOUNT_LOCKED = (
    "Account on hold",
    "Account locked temporarily",
    "アカウントが一時的に保留",
    "アカウントがロックされています",
    "account has been closed",
)
TEXT_INTERSTITIAL = ("Keep hackers out", "Not now", "後で")
