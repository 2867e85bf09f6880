"""orderwatch: watch an Amazon account for purchases and setting changes you did not intend.

Where things live:
  bots/                 the browser: launch, request guard, page objects that navigate and return HTML
  flows/                sign-in state machine, page capture, the check from start to report
  orderwatch/parsers/   pure HTML -> typed data (no Playwright); all selectors in parsers/selectors.py
  orderwatch/diff.py    where a finding is decided (pure)
  orderwatch/report.py  terminal / JSON / Markdown renderings (pure)
  orderwatch/replay/    the local replay site of the demo account (tests and `orderwatch demo`)
"""

__version__ = "0.1.0"
