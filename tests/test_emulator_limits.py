"""Telegram's flood limits in the emulator: the free rate, the paid broadcast rate, and the per-group minute."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.sandbox.emulator import TelegramEmulator

pytestmark = pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")  # RetryAfter.retry_after


@pytest.fixture
async def emu():
    async with TelegramEmulator(reply_timeout=5) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu):
    async with Bot(emu.token, base_url=emu.base_url) as telegram_bot:
        yield telegram_bot


def seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


async def test_paid_broadcast_counts_against_its_own_limit(emu, bot):
    users = [emu.user(500 + n) for n in range(8)]
    emu.set_rate_limit(2, retry_after=3, paid_per_second=5)
    for user in users[:2]:
        await bot.send_message(user.id, "free")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(users[2].id, "free")
    assert seconds(caught.value) == 3
    # The free limit is exhausted; paid messages still go, up to their own rate.
    for user in users[2:7]:
        await bot.send_message(user.id, "alert", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await bot.send_message(users[7].id, "alert", allow_paid_broadcast=True)
    assert [(c.params["chat_id"], c.params["text"]) for c in emu.paid] == [(u.id, "alert") for u in users[2:7]]
    assert [c.paid for c in emu.refused] == [False, True]
    assert users[7].messages == []


async def test_a_forward_cannot_be_paid_for(emu, bot):
    sender, reader = emu.user(510), emu.user(511)
    original = await bot.send_message(sender.id, "news")
    await bot.forward_message(reader.id, sender.id, original.message_id, api_kwargs={"allow_paid_broadcast": True})
    assert emu.paid == []  # forwardMessage has no allow_paid_broadcast in the spec: ignored, as Telegram does


async def test_a_group_takes_twenty_messages_a_minute_once_limits_are_on(emu, bot):
    group, other_group, person = emu.group(-5001, "Staff"), emu.group(-5002, "Volunteers"), emu.user(512)
    for n in range(25):  # no rate limit set: nothing is refused
        await bot.send_message(group.id, f"before {n}")
    emu.set_rate_limit(1000)
    for n in range(20):
        sent = await bot.send_message(group.id, f"card {n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group.id, "one too many")
    assert 59 <= seconds(caught.value) <= 60  # until the first of the twenty leaves the minute
    with pytest.raises(RetryAfter):
        await bot.send_message(group.id, "alert", allow_paid_broadcast=True)
    await bot.edit_message_text("card 19 (edited)", chat_id=group.id, message_id=sent.message_id)  # not new
    await bot.send_message(other_group.id, "another group has its own minute")
    await bot.send_message(person.id, "private chats are not limited per minute")
    assert [c.description for c in emu.refused] == ["Too Many Requests: retry after 60"] * 2


async def test_the_group_limit_is_configurable_and_can_be_off(emu, bot):
    group = emu.group(-5003, "Staff")
    emu.set_rate_limit(1000, group_per_minute=2)
    await bot.send_message(group.id, "one")
    await bot.send_message(group.id, "two")
    with pytest.raises(RetryAfter):
        await bot.send_message(group.id, "three")
    emu.set_rate_limit(1000, group_per_minute=None)
    for n in range(30):
        await bot.send_message(group.id, f"unlimited {n}")
