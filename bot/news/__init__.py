"""News and alerts: subscriptions, the broadcast outbox and its delivery worker."""
