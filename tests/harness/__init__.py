"""Reliability harnesses (run as `python -m tests.harness.NAME`) and helpers shared by tests."""
