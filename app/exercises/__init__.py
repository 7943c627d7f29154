"""exercises domain."""
