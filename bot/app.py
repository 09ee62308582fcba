"""Build the Application: every handler in one ordered table, and the services' start and stop."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    PollHandler,
    TypeHandler,
    filters,
)

from bot import callbacks
from bot.config import LANGUAGES, Settings, require_token
from bot.content import Content, load_or_raise
from bot.context import BotContext, BotData, UserData
from bot.delivery.budget import TELEGRAM_PAID_LIMIT, SendBudget
from bot.delivery.quiet_edits import QuietEditsRequest
from bot.delivery.throttle import BudgetedRateLimiter
from bot.flood import FloodGuard
from bot.handlers import announce, applicant, applications, knowledge, news, quiz, staff, start, system, volunteer
from bot.services import Services
from bot.update_processor import PerUserUpdateProcessor

log = logging.getLogger(__name__)

# The commands shown in Telegram's menu, in this order; their descriptions are UI texts.
MENU_COMMANDS = ("start", "menu", "volunteer", "subscribe", "news", "quiz", "myapplication", "language", "help", "unsubscribe",
                 "forget_me")
# Shown, after those, only in the chats of ADMIN_IDS.
STAFF_COMMANDS = ("announce", "broadcasts", "applications", "export", "reload", "unanswered", "feedback", "quizstats")
# The updates the bot asks Telegram for.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "poll_answer", "poll"]

# Handler groups run in ascending order; in each group only the first matching handler runs.
FLOOD_GROUP = -20  # a flooding person's updates stop here, before any database work
PEOPLE_GROUP = -15  # remember the person and load their language for everything after
BUTTON_GROUP = -10  # every button's data is parsed (and forged or stale data answered) before any handler
STAFF_INPUT_GROUP = -6  # an announcement being written takes the staff member's text first
FORM_GROUP = -5  # a volunteer form in progress takes the applicant's answers before Q&A (group 0)


def build_application(settings: Settings, *, flood_guard: FloodGuard | None = None,
                      content: Content | None = None) -> Application:
    """Create the bot's Application for these settings (nothing is opened until it starts).

    `content` already loaded from settings.content_dir may be given (the tests load it once).
    """
    budget = SendBudget(settings.broadcast_rate, settings.paid_broadcast_rate, paid_limit=TELEGRAM_PAID_LIMIT)
    application = (
        Application.builder()
        .token(require_token(settings))
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        .request(QuietEditsRequest(connection_pool_size=256))
        .context_types(ContextTypes(context=BotContext, bot_data=BotData, user_data=UserData))
        .concurrent_updates(PerUserUpdateProcessor())
        # One send budget for everything: answers to people first, broadcasts in what is left.
        .rate_limiter(BudgetedRateLimiter(budget))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    data: BotData = application.bot_data
    data.settings = settings
    data.budget = budget
    # Read now, not in post_init, so broken content stops the start with one clear message.
    data.content = content or load_or_raise(settings.content_dir, settings.default_language)
    for group, handler in handlers(settings, flood_guard or FloodGuard()):
        application.add_handler(handler, group=group)
    application.add_error_handler(system.handle_error)
    return application


def handlers(settings: Settings, flood_guard: FloodGuard) -> list[tuple[int, BaseHandler]]:
    """Every handler of the bot with its group, in the order they are tried."""
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    admins = filters.User(user_id=settings.admin_ids, allow_empty=False)
    staff_content = admins & private & new_message & (filters.TEXT | filters.PHOTO) & ~filters.COMMAND
    person = private & new_message & ~filters.StatusUpdate.ALL

    def command(name, callback, *, anywhere: bool = False) -> tuple[int, BaseHandler]:
        # Public commands only in private chats: in a group the bot answers nothing it was not asked as staff.
        return 0, CommandHandler(name, callback, filters=None if anywhere else private)

    def button(prefix, callback, *, exactly: str | None = None) -> tuple[int, BaseHandler]:
        return 0, CallbackQueryHandler(callback, pattern=f"^{exactly}$" if exactly else callbacks.pattern(prefix))

    return [
        (FLOOD_GROUP, TypeHandler(Update, system.make_flood_check(flood_guard))),
        (PEOPLE_GROUP, TypeHandler(Update, system.remember_user)),
        (BUTTON_GROUP, CallbackQueryHandler(system.parse_button)),
        (STAFF_INPUT_GROUP, MessageHandler(staff_content, announce.take_input)),
        (FORM_GROUP, MessageHandler(person, volunteer.take_answer)),
        # The first conversation.
        command("start", start.start),
        command("menu", start.show_menu),
        command("language", start.ask_language),
        command("help", start.show_help),
        button(callbacks.LANGUAGE, start.choose_language),
        # Sections with their own handlers come before the menu's general section handler.
        button(callbacks.MENU, news.open_section, exactly="menu:news"),
        button(callbacks.MENU, quiz.open_section, exactly="menu:quiz"),
        button(callbacks.MENU, knowledge.open_section),
        button(callbacks.ENTRY, knowledge.show_entry),
        button(callbacks.RELATED, knowledge.show_related),
        button(callbacks.FEEDBACK, knowledge.record_vote),
        # News.
        command("subscribe", news.subscribe),
        command("unsubscribe", news.unsubscribe_all),
        command("news", news.latest),
        button(callbacks.NEWS, news.on_button),
        # Volunteering: the form, the applicant's own controls.
        command("volunteer", volunteer.start_form),
        command("cancel", volunteer.cancel),
        button(callbacks.VOLUNTEER, volunteer.press),
        command("myapplication", applicant.my_application),
        command("forget_me", applicant.forget_me),
        button(callbacks.MY_APPLICATION, applicant.on_button),
        button(callbacks.FORGET, applicant.forget_button),
        # Staff (the handlers check who is asking; they work in the staff group too).
        command("announce", announce.start_draft, anywhere=True),
        command("broadcasts", announce.list_broadcasts, anywhere=True),
        button(callbacks.DRAFT, announce.on_draft_button),
        button(callbacks.BROADCAST, announce.on_broadcast_button),
        command("applications", applications.list_applications, anywhere=True),
        command("export", applications.export_file, anywhere=True),
        button(callbacks.APPLICATION_STATUS, applications.decide),
        button(callbacks.APPLICATION_LIST, applications.filter_applications),
        command("reload", staff.reload_content, anywhere=True),
        command("unanswered", staff.show_unanswered, anywhere=True),
        command("feedback", staff.show_feedback, anywhere=True),
        button(callbacks.TEACH, staff.teach),
        # The quiz: /quiz in a private chat, and in a group from its admins (the handler checks who asks).
        command("quiz", quiz.choose_topic),
        (0, CommandHandler("quiz", quiz.start_in_group, filters=filters.ChatType.GROUPS)),
        command("quizstats", quiz.show_stats, anywhere=True),
        button(callbacks.QUIZ, quiz.on_button),
        (0, PollAnswerHandler(quiz.take_answer)),
        (0, PollHandler(quiz.poll_closed)),
        (0, ChatMemberHandler(system.track_membership, ChatMemberHandler.MY_CHAT_MEMBER)),
        # Last: what nothing above took. Commands first, so "/xyz" is not taken for a question;
        # edits of old messages are ignored: answering them again would only confuse.
        (0, MessageHandler(private & new_message & filters.COMMAND, start.unknown_command)),
        (0, MessageHandler(private & new_message & filters.TEXT, knowledge.answer_text)),
        (0, MessageHandler(person, start.answer_not_text)),
        (0, CallbackQueryHandler(system.stale_button)),
    ]


async def _post_init(application: Application) -> None:
    """Open the database and the services, and register the commands."""
    data: BotData = application.bot_data
    data.services = await Services.open(data.settings, data.content, application.bot, data.budget)
    await register_commands(application)
    log.info("bot ready: database %s, content %s", data.settings.database_path, data.settings.content_dir)


async def _post_stop(application: Application) -> None:
    """Stop the workers while the bot can still send: nothing in flight is lost or sent twice."""
    if application.bot_data.services is not None:
        await application.bot_data.services.stop_workers()


async def _post_shutdown(application: Application) -> None:
    """Close the database."""
    data: BotData = application.bot_data
    if data.services is not None:
        await data.services.close()
        data.services = None


async def register_commands(application: Application) -> None:
    """Tell Telegram the command list in each language; staff also see the staff commands."""
    data: BotData = application.bot_data
    texts, settings = data.services.content.texts, data.settings
    unreachable: set[int] = set()
    for lang in (*LANGUAGES, None):
        text_lang = lang or settings.default_language
        public = [BotCommand(name, texts.get(text_lang, f"commands.{name}")) for name in MENU_COMMANDS]
        await application.bot.set_my_commands(public, language_code=lang)
        staff_commands = public + [BotCommand(name, texts.get(text_lang, f"commands.{name}")) for name in STAFF_COMMANDS]
        for admin_id in settings.admin_ids - unreachable:
            try:
                await application.bot.set_my_commands(staff_commands, scope=BotCommandScopeChat(admin_id), language_code=lang)
            except (BadRequest, Forbidden) as exc:  # e.g. this admin has never opened a chat with the bot
                log.info("staff commands not set for %s: %s", admin_id, exc.message)
                unreachable.add(admin_id)
