"""inquiries domain: the public district inquiry form and its admin list."""
