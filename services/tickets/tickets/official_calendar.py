"""China's official holidays and make-up working days (调休) of a year, from the maintained
`chinesecalendar` package (import chinese_calendar), to pre-fill the working calendar. No I/O."""

from __future__ import annotations

from datetime import date

import chinese_calendar  # type: ignore[import-untyped]
from pydantic import BaseModel, Field

# chinese_calendar's English holiday names -> zh-CN
NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}  # fmt: skip


class OfficialDay(BaseModel):
    day: date
    name: str = Field(description="zh-CN, such as 国庆节")
    name_en: str


class OfficialYear(BaseModel):
    year: int
    known: bool = Field(description="false: the package has no schedule for this year yet")
    holidays: list[OfficialDay] = Field(description="Days off (法定节假日, with the days around)")
    workdays: list[OfficialDay] = Field(description="Make-up working days on weekends (调休上班)")


def _day(d: date, detail: object) -> OfficialDay:
    en = getattr(detail, "value", None) or str(detail or "")
    return OfficialDay(day=d, name=NAMES_ZH.get(en, en), name_en=en)


def official_year(year: int) -> OfficialYear:
    holidays = sorted((d, n) for d, n in chinese_calendar.holidays.items() if d.year == year)
    workdays = sorted((d, n) for d, n in chinese_calendar.workdays.items() if d.year == year)
    return OfficialYear(
        year=year,
        known=bool(holidays),
        holidays=[_day(d, n) for d, n in holidays],
        workdays=[_day(d, n) for d, n in workdays if d.weekday() >= 5],
    )
