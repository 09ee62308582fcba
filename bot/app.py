"""Build the Application: services, every handler in one ordered place, start and stop."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks
from bot.config import LANGUAGES, Settings, require_token
from bot.context import BotContext, BotData, UserData
from bot.flood import FloodGuard
from bot.handlers import knowledge, staff, start, system, volunteer
from bot.handlers import news as news_handlers
from bot.i18n import Texts
from bot.library import Library
from bot.news.service import make_rate_limiter, open_news
from bot.update_processor import PerUserUpdateProcessor
from storage.db import Database
from storage.question_log import QuestionLog
from storage.users import UserRepository

log = logging.getLogger(__name__)

# The commands shown in Telegram's menu, in this order; their descriptions are UI texts.
MENU_COMMANDS = ("start", "menu", "volunteer", "subscribe", "news", "myapplication", "language", "help", "unsubscribe", "forget_me")
# Shown, after those, only in the chats of ADMIN_IDS.
STAFF_COMMANDS = ("announce", "broadcasts", "applications", "export", "reload", "unanswered", "feedback")
# Handler groups run in ascending order; in each group only the first matching handler runs.
# The gaps leave room for checks added between them.
FLOOD_GROUP = -20  # a flooding user's updates stop here, before any database work
USERS_GROUP = -10  # remember the user and load their language for everything after
STAFF_INPUT_GROUP = -6  # an announcement being written takes the staff member's text first
FORM_GROUP = -5  # a volunteer form in progress takes the applicant's answers before Q&A (group 0)


def build_application(settings: Settings, *, flood_guard: FloodGuard | None = None) -> Application:
    """Create the bot's Application for these settings (nothing is opened until it starts)."""
    application = (
        Application.builder()
        .token(require_token(settings))
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData, user_data=UserData))
        .concurrent_updates(PerUserUpdateProcessor())
        # AIORateLimiter(max_retries=3) for every call, sharing one budget with the broadcast worker,
        # whose own sends bypass it (see bot/news/throttle.py for why).
        .rate_limiter(make_rate_limiter(settings.broadcast_rate))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data.settings = settings
    # Read now, not in post_init, so a broken text file stops the start with one clear line.
    application.bot_data.texts = Texts.load(settings.content_dir / "ui", settings.default_language)
    application.bot_data.library = Library.load(settings.content_dir)
    register_handlers(application, flood_guard or FloodGuard())
    return application


def register_handlers(application: Application, flood_guard: FloodGuard) -> None:
    """Register every handler; lower groups run first."""
    application.add_handler(TypeHandler(Update, system.make_flood_check(flood_guard)), group=FLOOD_GROUP)
    application.add_handler(TypeHandler(Update, system.remember_user), group=USERS_GROUP)

    application.add_handler(CommandHandler("start", start.start))
    application.add_handler(CommandHandler("menu", start.show_menu))
    application.add_handler(CommandHandler("language", start.ask_language))
    application.add_handler(CommandHandler("help", start.show_help))
    application.add_handler(CallbackQueryHandler(start.choose_language, pattern=callbacks.pattern(callbacks.LANGUAGE)))
    application.add_handler(CommandHandler("reload", staff.reload_content))
    application.add_handler(CommandHandler("unanswered", staff.show_unanswered))
    application.add_handler(CommandHandler("feedback", staff.show_feedback))
    application.add_handler(CallbackQueryHandler(knowledge.open_section, pattern=callbacks.pattern(callbacks.MENU)))
    application.add_handler(CallbackQueryHandler(knowledge.show_entry, pattern=callbacks.pattern(callbacks.ENTRY)))
    application.add_handler(CallbackQueryHandler(knowledge.show_related, pattern=callbacks.pattern(callbacks.RELATED)))
    application.add_handler(CallbackQueryHandler(knowledge.record_vote, pattern=callbacks.pattern(callbacks.FEEDBACK)))
    application.add_handler(ChatMemberHandler(system.track_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    volunteer.register(application, form_group=FORM_GROUP)
    news_handlers.register(application, staff_input_group=STAFF_INPUT_GROUP)
    # Last: anything not handled above. Commands first, so "/xyz" is not taken for a question.
    # Edits of old messages are ignored: answering them again would only confuse.
    new_message = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new_message & filters.COMMAND, start.unknown_command))
    application.add_handler(MessageHandler(new_message & filters.TEXT, knowledge.answer_text))
    application.add_handler(MessageHandler(new_message & ~filters.StatusUpdate.ALL, start.answer_not_text))

    application.add_error_handler(system.handle_error)


async def _post_init(application: Application) -> None:
    """Open the database and register the commands."""
    data: BotData = application.bot_data
    settings = data.settings
    data.db = await Database.open(settings.database_path)
    data.users = UserRepository(data.db)
    data.question_log = QuestionLog(data.db)
    volunteer.open_services(data)
    data.news = open_news(application)
    await register_commands(application)
    log.info("bot ready: database %s, content %s", settings.database_path, settings.content_dir)


async def _post_shutdown(application: Application) -> None:
    """Close the database."""
    data: BotData = application.bot_data
    if data.news is not None:  # before the database: the sends in flight still write their results
        await data.news.close()
    if data.db is not None:
        await data.db.close()
        data.db = None


async def register_commands(application: Application) -> None:
    """Tell Telegram the command list in each language; staff also see the staff commands."""
    texts: Texts = application.bot_data.texts
    settings: Settings = application.bot_data.settings
    unreachable: set[int] = set()
    for lang in (*LANGUAGES, None):
        text_lang = lang or settings.default_language
        public = [BotCommand(name, texts.get(text_lang, f"commands.{name}")) for name in MENU_COMMANDS]
        await application.bot.set_my_commands(public, language_code=lang)
        staff = public + [BotCommand(name, texts.get(text_lang, f"commands.{name}")) for name in STAFF_COMMANDS]
        for admin_id in settings.admin_ids - unreachable:
            try:
                await application.bot.set_my_commands(staff, scope=BotCommandScopeChat(admin_id), language_code=lang)
            except BadRequest as exc:  # e.g. this admin has never opened a chat with the bot
                log.info("staff commands not set for %s: %s", admin_id, exc.message)
                unreachable.add(admin_id)
