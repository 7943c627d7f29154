"""xAPI learning records sent to a Learning Record Store through the outbox."""
