"""Run history in SQLite (data folder, history.sqlite3): runs, orders with their first-seen date,
findings with their state (new → notified → acknowledged), and acknowledgements.

Every write is one transaction: a run that crashes halfway leaves the database as it was. Old rows are
pruned after ``keep_days``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from orderwatch.config import private_dir
from orderwatch.report import Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    marketplace TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('clean', 'findings', 'incomplete')),
    orders INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    error_reason TEXT,
    report_path TEXT
);
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    marketplace TEXT NOT NULL,
    order_date TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    is_digital INTEGER NOT NULL,
    total TEXT,
    titles TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('new', 'notified', 'acknowledged')),
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (kind, subject)
);
CREATE TABLE IF NOT EXISTS acks (
    order_id TEXT PRIMARY KEY,
    note TEXT,
    at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class RunRow:
    id: int
    started_at: str
    status: str
    orders: int
    findings: int
    error_reason: str | None
    report_path: str | None


class History:
    """The history database. Open with ``History.open(data_dir)``; use as a context manager."""

    def __init__(self, path: Path) -> None:
        private_dir(path.parent)
        new = not path.exists()
        self.path = path
        self.db = sqlite3.connect(path, timeout=10, isolation_level=None)
        if new:
            path.chmod(0o600)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    @classmethod
    def open(cls, data_dir: Path) -> History:
        return cls(data_dir / "history.sqlite3")

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- writing -----------------------------------------------------------------------------------
    def record_run(self, report: Report, report_path: Path | None, keep_days: int = 400) -> int:
        """Store one run, its orders and findings; prune rows older than ``keep_days``. One transaction."""
        now = (report.finished_at or datetime.now().astimezone()).isoformat(timespec="seconds")
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO runs (started_at, finished_at, marketplace, status, orders, findings, error_reason,"
                " report_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report.started_at.isoformat(timespec="seconds"),
                    now,
                    report.marketplace,
                    report.status,
                    len(report.orders),
                    len(report.findings),
                    report.error.reason if report.error else None,
                    str(report_path) if report_path else None,
                ),
            )
            for o in report.orders:
                db.execute(
                    "INSERT INTO orders (order_id, marketplace, order_date, first_seen, last_seen, is_digital, total,"
                    " titles) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(order_id) DO UPDATE SET last_seen ="
                    " excluded.last_seen, total = excluded.total, titles = excluded.titles",
                    (
                        o.order_id,
                        report.marketplace,
                        o.order_date.isoformat(),
                        now,
                        now,
                        int(o.is_digital),
                        o.total.display() if o.total else None,
                        " / ".join(i.title for i in o.items),
                    ),
                )
            for f in report.findings:
                db.execute(
                    "INSERT INTO findings (kind, subject, state, severity, message, first_seen, last_seen) VALUES"
                    " (?, ?, 'new', ?, ?, ?, ?) ON CONFLICT(kind, subject) DO UPDATE SET last_seen ="
                    " excluded.last_seen, message = excluded.message",
                    (f.kind, f.subject, f.severity, f.message, now, now),
                )
            if not report.incomplete:  # everything was read: a finding not found again is gone, and news if it returns
                present = {(f.kind, f.subject) for f in report.findings}
                for kind, subject in db.execute(
                    "SELECT kind, subject FROM findings WHERE state IN ('new', 'notified')"
                ).fetchall():
                    if (kind, subject) not in present:
                        db.execute("DELETE FROM findings WHERE kind = ? AND subject = ?", (kind, subject))
            cutoff = (datetime.now().astimezone() - timedelta(days=keep_days)).isoformat(timespec="seconds")
            db.execute("DELETE FROM runs WHERE started_at < ?", (cutoff,))
            db.execute("DELETE FROM orders WHERE last_seen < ?", (cutoff,))
            db.execute("DELETE FROM findings WHERE last_seen < ?", (cutoff,))
            return int(cur.lastrowid or 0)

    def mark_notified(self, keys: list[tuple[str, str]]) -> None:
        with self._tx() as db:
            db.executemany(
                "UPDATE findings SET state = 'notified' WHERE kind = ? AND subject = ? AND state = 'new'", keys
            )

    def ack(self, order_id: str, note: str | None) -> bool:
        """Mark an order as intended: it stops being reported. True when the order was known."""
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        with self._tx() as db:
            db.execute(
                "INSERT INTO acks (order_id, note, at) VALUES (?, ?, ?) ON CONFLICT(order_id) DO UPDATE"
                " SET note = excluded.note, at = excluded.at",
                (order_id, note, now),
            )
            db.execute("UPDATE findings SET state = 'acknowledged' WHERE subject = ?", (order_id,))
            known = db.execute("SELECT 1 FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        return known is not None

    def unack(self, order_id: str) -> bool:
        """Take an acknowledgement back: the order is judged again (a finding of it is new again). True when
        there was one."""
        with self._tx() as db:
            gone = db.execute("DELETE FROM acks WHERE order_id = ?", (order_id,)).rowcount
            db.execute("DELETE FROM findings WHERE subject = ? AND state = 'acknowledged'", (order_id,))
        return bool(gone)

    def acks(self) -> list[tuple[str, str | None, str]]:
        """(order id, note, when) of every acknowledgement, newest first."""
        return [(r[0], r[1], r[2]) for r in self.db.execute("SELECT order_id, note, at FROM acks ORDER BY at DESC")]

    # --- reading -------------------------------------------------------------------------------------
    def acknowledged(self) -> frozenset[str]:
        return frozenset(r[0] for r in self.db.execute("SELECT order_id FROM acks"))

    def finding_states(self) -> dict[tuple[str, str], str]:
        return {(k, s): st for k, s, st in self.db.execute("SELECT kind, subject, state FROM findings")}

    def runs(self, limit: int = 20) -> list[RunRow]:
        rows = self.db.execute(
            "SELECT id, started_at, status, orders, findings, error_reason, report_path FROM runs"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [RunRow(*r) for r in rows]

    def first_seen(self, order_id: str) -> str | None:
        row = self.db.execute("SELECT first_seen FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        return str(row[0]) if row else None
