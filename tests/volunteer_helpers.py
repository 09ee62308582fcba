"""Shared steps for the volunteer form tests: fill the form as a person would."""

from __future__ import annotations

import asyncio
import time
from datetime import date

ANSWERS = {"name": "Aigerim Nurlanovna", "birth": "25.04.2001", "phone": "+7 701 123 45 67"}
LABELS = {
    "en": {"agree": "I agree", "astana": "Astana", "first_aid": "▫️ 🩹 First aid", "kk": "▫️ Kazakh", "weekends": "▫️ Weekends",
           "done": "Done", "skip": "Skip", "submit": "📨 Submit", "back": "⬅️ Back", "cancel": "✖️ Cancel"},
    "ru": {"agree": "✅ Согласен(на)", "astana": "Астана", "first_aid": "▫️ 🩹 Первая помощь", "kk": "▫️ Казахский",
           "weekends": "▫️ Выходные", "done": "Готово", "skip": "Пропустить", "submit": "📨 Отправить",
           "back": "⬅️ Назад", "cancel": "✖️ Отмена"},
    "kk": {"agree": "Келісемін", "astana": "Астана", "first_aid": "▫️ 🩹 Алғашқы көмек", "kk": "▫️ Қазақ тілі",
           "weekends": "▫️ Демалыс", "done": "Дайын", "skip": "Өткізіп", "submit": "📨 Жіберу",
           "back": "⬅️ Артқа", "cancel": "✖️ Бас тарту"},
}


def refused(emulator) -> list:
    """API calls the emulator refused, except per-chat command menus set for staff who never opened the bot."""
    return [c for c in emulator.refused if c.method != "setMyCommands"]


def labels(message) -> list[str]:
    """Every inline button label of a message."""
    return [label for row in message.buttons for label in row]


def years_ago(years: int, today: date | None = None) -> str:
    """A birth date that makes someone `years` old today, as DD.MM.YYYY."""
    today = today or date.today()
    day = min(today.day, 28)
    return f"{day:02d}.{today.month:02d}.{today.year - years}"


async def press(user, label: str, timeout: float = 15.0):
    """Press a button once it is there (under load a reply can come after the emulator's settle time)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await user.press(label)
        except AssertionError as missing:
            if "no button" not in str(missing) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def fill_until_summary(user, lang: str = "en", *, name: str = ANSWERS["name"], birth: str = ANSWERS["birth"],
                             phone: str = ANSWERS["phone"], experience: str | None = "Red Crescent first aid course"):
    """Go through every question from /volunteer; return the summary message."""
    t = LABELS[lang]
    await user.send("/volunteer")
    await press(user, t["agree"])
    await user.send(name)
    await user.send(birth)
    await user.send(phone)
    await press(user, t["astana"])
    await press(user, t["first_aid"])
    await press(user, t["done"])
    await press(user, t["kk"])
    await press(user, t["done"])
    await press(user, t["weekends"])
    await press(user, t["done"])
    if experience is None:
        await press(user, t["skip"])
    else:
        await user.send(experience)
    # Under load the summary can come after the emulator's settle time: wait for it.
    return await user.wait_for(lambda m: t["submit"] in labels(m), timeout=15)
