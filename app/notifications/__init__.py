"""Email preferences, due-date reminders and one-click unsubscribe."""
