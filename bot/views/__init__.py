"""Views: the texts and keyboards people see, built by pure functions from plain results (no decisions, no I/O)."""
