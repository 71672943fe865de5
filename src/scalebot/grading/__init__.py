"""Judging an answer: text analysis, cue matching, negation, guards, scoring and graders."""
