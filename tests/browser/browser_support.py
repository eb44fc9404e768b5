"""What the browser tests share: the devices, the console of the running platform, a photo."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import launcher
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    # WeChat's in-app browser on Android, which the console must serve.
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/126.0 Mobile Safari/537.36 MicroMessenger/8.0.50",
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}


@dataclass
class Console:
    """The console of the running platform, and a way to act as staff through the APIs."""

    url: str
    inst: launcher.Instance
    browser: Browser

    def context(self, device: dict[str, Any] = PHONE, locale: str = "zh-CN") -> BrowserContext:
        ctx = self.browser.new_context(base_url=self.url, locale=locale, **device)
        ctx.set_default_timeout(20_000)
        return ctx

    def sign_in(self, page: Page, user: str = "student", path: str = "/mine") -> None:
        """Through the SSO's authorize page, as a person would: pick the demo user."""
        page.goto(f"/login?next={path}")
        page.locator(f"button[value='{user}']").click()
        page.wait_for_url(f"{self.url}{path.split('?')[0]}**")

    def api(
        self, service: str, method: str, path: str, user: str, check: bool = True, **kw: Any
    ) -> httpx.Response:
        headers = {"Authorization": "Bearer " + launcher.token(self.inst, user)}
        r = httpx.request(method, self.inst.url(service) + path, headers=headers, timeout=30, **kw)
        assert not check or r.status_code < 400, r.text
        return r


def photo_file(tmp_path: Path) -> Path:
    """A portrait JPEG as a phone camera makes it."""
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (30, 120, 200)).save(buffer, "JPEG")
    path = tmp_path / "leak.jpg"
    path.write_bytes(buffer.getvalue())
    return path
