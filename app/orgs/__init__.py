"""Organizations, memberships with a proof, invitations, join requests and cohorts."""
