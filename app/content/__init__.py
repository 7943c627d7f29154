"""Course content: files in course_content/ -> validated, rendered, immutable Course objects."""
