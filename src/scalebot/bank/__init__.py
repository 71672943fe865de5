"""The shipped question bank: YAML files and their loader."""
