"""People opt in to news topics and a region, read the latest news, and unsubscribe in one tap."""

from __future__ import annotations

from bot.config import PROJECT_DIR
from bot.regions import load_regions
from tests.conftest import STAFF_ID
from tests.news_helpers import draft_to_preview


def labels(message):
    return [label for row in message.buttons for label in row]


def test_regions_list_has_17_regions_and_3_cities_in_three_languages():
    regions = load_regions(PROJECT_DIR / "content")
    assert len(regions) == 20
    assert {"astana", "almaty_city", "shymkent"} <= {r.code for r in regions}
    assert regions.get("karaganda").name("kk") == "Қарағанды облысы"
    assert regions.get("almaty").name("ru") != regions.get("almaty_city").name("ru")


async def test_subscribe_with_topics_and_region_is_stored(bot, emulator, read_db):
    user = emulator.user(301, language_code="ru")
    (settings,) = await user.send("/subscribe")
    assert "не подписаны" in settings.plain
    (settings,) = await user.press("📰 Новости", message=settings)
    assert "✅ 📰 Новости" in labels(settings)
    (settings,) = await user.press("Экстренные оповещения", message=settings)
    await user.press("📍 Регион")
    (settings,) = await user.press("Карагандинская область")
    assert "Карагандинская область" in settings.plain
    assert "Вы получаете: 📰 Новости, 🚨 Экстренные оповещения" in settings.plain
    db = await read_db()
    rows = await db.fetchall("SELECT topic FROM subscriptions WHERE user_id = 301 ORDER BY topic")
    assert [r["topic"] for r in rows] == ["alerts", "news"]
    assert (await db.fetchone("SELECT region FROM subscribers WHERE user_id = 301"))["region"] == "karaganda"
    # A second tap turns a topic off again.
    (settings,) = await user.press("Экстренные оповещения")
    assert "▫️ 🚨 Экстренные оповещения" in labels(settings)
    assert emulator.refused == []


async def test_news_menu_section_and_typed_requests_open_the_news(bot, emulator):
    user = emulator.user(302, language_code="en")
    await user.send("/menu")
    (section,) = await user.press("📰 News")
    assert "There are no announcements yet" in section.plain
    (settings,) = await user.press("Subscription settings")
    assert "Tap a topic" in settings.plain
    (typed,) = await user.send("/news")
    assert "latest announcements" in typed.plain


async def test_unsubscribe_is_one_command_and_nothing_more_arrives(bot, emulator, read_db):
    user = emulator.user(303, language_code="en")
    (settings,) = await user.send("/subscribe")
    await user.press("📰 News", message=settings)
    (reply,) = await user.send("/unsubscribe")
    assert "You are unsubscribed" in reply.plain
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM subscriptions WHERE user_id = 303"))["n"] == 0


async def test_audience_counts_follow_topic_language_and_region(bot, emulator):
    people = [
        (311, "ru", ["News"], None),
        (312, "en", ["News", "Emergency alerts"], "Karaganda Region"),
        (313, "en", ["Emergency alerts"], "Astana (city)"),
        (314, "kk", ["Emergency alerts"], None),
    ]
    for user_id, lang, topics, region in people:
        user = emulator.user(user_id, language_code=lang)
        await user.send("/language")
        await user.press({"ru": "Русский", "en": "English", "kk": "Қазақша"}[lang])
        (settings,) = await user.send("/subscribe")
        for topic in topics:
            (settings,) = await user.press({"News": {"ru": "📰 Новости", "en": "📰 News", "kk": "📰 Жаңалықтар"}, "Emergency alerts": {"ru": "Экстренные", "en": "Emergency alerts", "kk": "Шұғыл"}}[topic][lang], message=settings)
        if region:
            await user.press("📍")
            await user.press(region)
    staff = emulator.user(STAFF_ID, language_code="en")
    await staff.send("/language")
    await staff.press("English")
    await staff.send("/announce")
    await staff.send("Flood warning")
    (audience,) = await staff.press("Next: who gets it")
    assert "Recipients now: 2" in audience.plain  # news: 311 and 312
    (audience,) = await staff.press("Emergency alerts")
    assert "Recipients now: 3" in audience.plain  # alerts: 312, 313, 314
    (audience,) = await staff.press("EN")
    assert "Recipients now: 2" in audience.plain
    await staff.press("📍 Region")
    (picker,) = await staff.press("Karaganda Region")  # an alert may concern several regions: ticked, not closed
    assert "✅ Karaganda Region" in labels(picker)
    (audience,) = await staff.press("✅ Done")
    assert "Recipients now: 1" in audience.plain  # 312 (Karaganda); 313 is in Astana
    (audience,) = await staff.press("All languages")
    assert "Recipients now: 1" in audience.plain  # 314 chose no region: they get only alerts for all of Kazakhstan


async def test_the_unsubscribe_button_under_an_announcement_works_in_one_tap(bot, emulator, read_db):
    user = emulator.user(321, language_code="en")
    (settings,) = await user.send("/subscribe")
    await user.press("📰 News", message=settings)
    staff = emulator.user(STAFF_ID, language_code="en")
    await staff.send("/language")
    await staff.press("English")
    await draft_to_preview(staff, "Blood drive on Saturday")
    await staff.press("Send now")
    news = await user.wait_for(lambda m: "Blood drive" in m.plain)
    await user.press("Unsubscribe", message=news)
    assert "unsubscribed" in user.callback_answers[-1]["text"]
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM subscriptions WHERE user_id = 321"))["n"] == 0
    (latest,) = await user.send("/news")
    assert "Blood drive on Saturday" in latest.plain
    # The announcement itself stays in the chat, its button now leads back to the settings.
    kept = next(m for m in user.messages if m.message_id == news.message_id)
    assert "Blood drive" in kept.plain and labels(kept) == ["⚙️ Subscription settings"]


async def test_typed_requests_start_the_news_flows(bot, emulator, read_db):
    user = emulator.user(331, language_code="ru")
    (settings,) = await user.send("подписаться на новости")
    assert "Нажмите на тему" in settings.plain
    await user.press("📰 Новости", message=settings)
    (latest,) = await user.send("latest news")
    assert "последние объявления" in latest.plain
    (done,) = await user.send("отписаться от рассылки")
    assert "Вы отписались" in done.plain
    db = await read_db()
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM subscriptions WHERE user_id = 331"))["n"] == 0
