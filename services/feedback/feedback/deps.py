"""What the routes read from the application's state: settings, this process's tracking
numbers and the photo store. (Rate limits: feedback.limits; what a viewer sees of a report:
feedback.presenting; the catalogue's cache: feedback.category_cache.)"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from feedback.intake import Desk, TrackingNumbers
from feedback.photos import PhotoStore
from feedback.settings import FeedbackSettings


def settings_of(request: Request) -> FeedbackSettings:
    settings: FeedbackSettings = request.app.state.settings
    return settings


def desk_of(request: Request, filed_by: str) -> Desk:
    """Where this process files a report for `filed_by`: its tracking numbers, the campus's
    time zone."""
    return Desk(numbers_of(request), ZoneInfo(settings_of(request).timezone), filed_by)


def numbers_of(request: Request) -> TrackingNumbers:
    """This process's tracking numbers (taken from the day's sequence a block at a time)."""
    numbers: TrackingNumbers = request.app.state.numbers
    return numbers


async def get_settings(request: Request) -> FeedbackSettings:
    """Async, like every dependency here (houqin_shared.webapp.DbPool too): a plain def would
    cost a thread hop per request."""
    return settings_of(request)


Settings = Annotated[FeedbackSettings, Depends(get_settings)]


def store_of(request: Request) -> PhotoStore:
    store: PhotoStore = request.app.state.photo_store
    return store
