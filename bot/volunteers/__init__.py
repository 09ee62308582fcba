"""Volunteer applications: the form's questions as data, validation, content and status lifecycle."""
