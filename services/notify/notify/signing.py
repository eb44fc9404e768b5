"""The signatures each robot vendor and our generic webhook expect (pure functions).

- DingTalk custom robot: `sign = base64(HMAC-SHA256(key=secret, msg=f"{timestamp_ms}\\n{secret}"))`,
  sent URL-encoded as the `timestamp` and `sign` query parameters.
- Feishu custom bot: `sign = base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", msg=b""))`,
  sent in the JSON body as `timestamp` (string, seconds) and `sign`.
- Generic webhook: `X-Houqin-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`
  with `X-Houqin-Timestamp: <seconds>`; receivers recompute it and check the timestamp's age.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    msg = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), msg, hashlib.sha256).digest()).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def webhook_signature(secret: str, timestamp_s: int, body: bytes) -> str:
    msg = str(timestamp_s).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def webhook_signature_ok(secret: str, timestamp_s: int, body: bytes, header: str) -> bool:
    return hmac.compare_digest(webhook_signature(secret, timestamp_s, body), header)
