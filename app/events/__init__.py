"""Domain events: one row per change that others react to, written in the change's transaction."""
