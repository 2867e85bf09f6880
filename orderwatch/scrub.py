"""Remove known secret values from files the run produced (Playwright trace archives)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

MASK = b"[secret]"


def scrub_archive(path: Path, secrets: list[str]) -> int:
    """Rewrite the zip at ``path`` with every occurrence of each secret replaced by [secret] in every
    entry; returns how many replacements were made. Secrets shorter than 6 characters are ignored."""
    values = sorted({s.encode() for s in secrets if s and len(s) >= 6}, key=len, reverse=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    replaced = 0
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            for value in values:
                replaced += data.count(value)
                data = data.replace(value, MASK)
            dst.writestr(info, data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return replaced
