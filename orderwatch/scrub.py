"""Remove sign-in traffic and known secret values from files the run produced (Playwright traces)."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from orderwatch.site import SIGN_IN_PREFIX

MASK = b"[secret]"
SIGN_IN_PATHS = (SIGN_IN_PREFIX,)


def scrub_archive(path: Path, secrets: list[str], drop_paths: tuple[str, ...] = SIGN_IN_PATHS) -> int:
    """Rewrite the trace zip at ``path``: network entries of requests under ``drop_paths`` (sign-in) are
    removed with their stored bodies, and every remaining occurrence of each secret is replaced by
    [secret]. Returns how many entries and values were removed. Secrets under 6 characters are ignored."""
    values = sorted({s.encode() for s in secrets if s and len(s.encode()) >= 6}, key=len, reverse=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    removed = 0
    with zipfile.ZipFile(path) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
        infos = src.infolist()
    dropped_files: set[str] = set()
    for name, data in list(entries.items()):
        if name.endswith(".network"):
            kept = []
            for line in data.decode("utf-8", "surrogateescape").splitlines():
                snapshot: dict[str, Any] = _json(line).get("snapshot") or {}
                url = str((snapshot.get("request") or {}).get("url", ""))
                if urlsplit(url).path.startswith(drop_paths):
                    dropped_files |= _files_of(snapshot)
                    removed += 1
                    continue
                kept.append(line)
            entries[name] = ("\n".join(kept) + "\n").encode("utf-8", "surrogateescape")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            if info.filename in dropped_files:
                continue
            data = entries[info.filename]
            for value in values:
                removed += data.count(value)
                data = data.replace(value, MASK)
            dst.writestr(info, data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return removed


def _json(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _files_of(snapshot: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "_file" and isinstance(value, str):
                    found.add(f"resources/{value}" if not value.startswith("resources/") else value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(snapshot)
    return found
