"""Signed webhooks: endpoints admins register, and deliveries made from domain events."""
