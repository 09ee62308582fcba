"""Shared steps for the volunteer form tests: fill the form as a person would."""

from __future__ import annotations

from datetime import date

ANSWERS = {"name": "Aigerim Nurlanovna", "birth": "25.04.2001", "phone": "+7 701 123 45 67"}
LABELS = {
    "en": {"agree": "✅ I agree", "disagree": "❌ I do not agree", "astana": "Astana", "first_aid": "▫️ 🩹 First aid",
           "kk": "▫️ Kazakh", "weekends": "▫️ Weekends", "done": "✅ Done", "skip": "Skip ➡️", "submit": "📨 Submit",
           "back": "⬅️ Back", "cancel": "✖️ Cancel", "thanks": "Thank you!", "summary": "Please check your application"},
    "ru": {"agree": "✅ Даю согласие", "disagree": "❌ Не даю согласия", "astana": "Астана",
           "first_aid": "▫️ 🩹 Первая помощь", "kk": "▫️ Казахский", "weekends": "▫️ Выходные", "done": "✅ Готово",
           "skip": "Пропустить ➡️", "submit": "📨 Отправить", "back": "⬅️ Назад", "cancel": "✖️ Отмена",
           "thanks": "Спасибо!", "summary": "Проверьте, пожалуйста, заявку"},
    "kk": {"agree": "✅ Келісемін", "disagree": "❌ Келіспеймін", "astana": "Астана", "first_aid": "▫️ 🩹 Алғашқы көмек",
           "kk": "▫️ Қазақ тілі", "weekends": "▫️ Демалыс күндері", "done": "✅ Дайын", "skip": "Өткізіп жіберу ➡️",
           "submit": "📨 Жіберу", "back": "⬅️ Артқа", "cancel": "✖️ Бас тарту", "thanks": "Рақмет!",
           "summary": "Өтініміңізді тексеріңіз"},
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


async def start_to_name(user, lang: str = "en"):
    """/volunteer and consent; return the name question."""
    await user.send("/volunteer")
    replies = await user.press(LABELS[lang]["agree"])
    return replies[-1]


async def fill_until_summary(user, lang: str = "en", *, name: str = ANSWERS["name"], birth: str = ANSWERS["birth"],
                             phone: str = ANSWERS["phone"], experience: str | None = "Red Crescent first aid course"):
    """Go through every question from /volunteer; return the summary message."""
    t = LABELS[lang]
    await start_to_name(user, lang)
    await user.send(name)
    await user.send(birth)
    await user.send(phone)
    await user.press(t["astana"])
    await user.press(t["first_aid"])
    await user.press(t["done"])
    await user.press(t["kk"])
    await user.press(t["done"])
    await user.press(t["weekends"])
    await user.press(t["done"])
    replies = await (user.press(t["skip"]) if experience is None else user.send(experience))
    summary = replies[-1]
    assert t["summary"] in summary.plain, summary.plain
    return summary


async def submit(emulator, user_id: int, lang: str = "en", **answers):
    """An applicant who fills the form and submits it; returns the user."""
    user = emulator.user(user_id, language_code=lang)
    await fill_until_summary(user, lang, **answers)
    await user.press(LABELS[lang]["submit"])
    return user
