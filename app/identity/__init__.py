"""Who a user is, proven: email verification (and, later, district sign-in)."""
