"""The topics people can subscribe to (their labels are UI texts news.topic_<name>)."""

from __future__ import annotations

# The order is the order of the buttons. The database's CHECK constraints list the same names.
TOPICS = ("news", "alerts", "events", "trainings")
ICONS = {"news": "📰", "alerts": "🚨", "events": "🤝", "trainings": "🎓"}
