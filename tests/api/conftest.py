"""API tests reuse the reports' hand-built enrollments and staff accounts."""

from tests.reports.conftest import admin, all_staff, courses, data, lake_staff, river_staff

__all__ = ["admin", "all_staff", "courses", "data", "lake_staff", "river_staff"]
