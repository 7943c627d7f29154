"""Community discussions (issue 22): threads, posts, flags, moderation and notices."""
