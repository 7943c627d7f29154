"""The one retry schedule of everything the worker sends (webhooks, xAPI statements, LTI
scores): after each failure, wait base, 2×base, 4×base, …"""

from __future__ import annotations

from datetime import timedelta


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Wait before the next try after ``attempts`` failures: base, 2×base, 4×base, …"""
    return timedelta(seconds=base_seconds * 2 ** (attempts - 1))
