"""LTI 1.3 tool: platforms launch learners into Groundwork courses and modules."""
