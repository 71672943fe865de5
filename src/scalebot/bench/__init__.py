"""Benchmarks behind `scalebot bench …`: each prints a summary and, last, one JSON line."""
