"""Privacy by default: senders become salted hashes, phone numbers, e-mails and @-handles in text are masked.

The salt is a random secret kept in a local file (default
``$XDG_CONFIG_HOME/groupsim/import.salt``, created on first use, readable by its
owner only), so the same person gets the same hash across imports on this
machine while nobody holding only the output can recover or test a name. No
output ever contains the salt.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

_PHONE = re.compile(r"(?<![\w@])\+?\d[\d\s\-().]{5,}\d(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HANDLE = re.compile(r"(?<![\w.])@[\w.\u4e00-\u9fff-]{2,}")
_WECHAT_ID = re.compile(r"\bwxid_[A-Za-z0-9_-]+|\b(?:微信|weixin|wechat|vx|wx)[:：\s]*[A-Za-z][A-Za-z0-9_-]{5,19}\b", re.IGNORECASE)


def default_salt_file() -> Path:
    """Where the salt lives unless ``--salt-file`` says otherwise."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "groupsim" / "import.salt"


def load_salt(path: Path | None = None) -> bytes:
    """The salt in ``path`` (default :func:`default_salt_file`), made and stored there on first use."""
    path = path or default_salt_file()
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(salt.hex() + "\n")
    return salt


class Pseudonyms:
    """Names to salted hashes (``m_`` and 12 hex digits), stable for one salt."""

    def __init__(self, salt: bytes) -> None:
        self._salt = salt
        self._seen: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if not name:
            return ""
        got = self._seen.get(name)
        if got is None:
            digest = hashlib.blake2b(name.encode("utf-8"), key=self._salt, digest_size=6).hexdigest()
            got = self._seen[name] = f"m_{digest}"
        return got

    def __repr__(self) -> str:
        return f"Pseudonyms({len(self._seen)} names)"  # never the salt


def mask_text(text: str) -> str:
    """``text`` with e-mails, WeChat ids, phone numbers and @-handles replaced by placeholders."""
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    text = _WECHAT_ID.sub("[wechat-id]", text)
    text = _PHONE.sub("[phone]", text)
    return _HANDLE.sub("@[user]", text)


__all__ = ["Pseudonyms", "default_salt_file", "load_salt", "mask_text"]
