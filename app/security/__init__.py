"""Passwords, server-side sessions and CSRF protection."""
