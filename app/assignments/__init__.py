"""Courses or modules assigned to a cohort, with due dates (fixed or relative to joining)."""
