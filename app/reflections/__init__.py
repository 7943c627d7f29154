"""reflections domain."""
