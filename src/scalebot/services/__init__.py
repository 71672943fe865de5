"""Use cases, one function each, each one transaction; nothing here knows the platform."""
