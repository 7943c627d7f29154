"""Groundwork: a self-paced course platform for equity-focused data learning."""
