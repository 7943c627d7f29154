"""District sign-in: one OpenID Connect provider per organization (issue 21, part 5)."""
