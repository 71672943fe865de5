"""Pure rules of scalebot: questions, grading, streaks, ranking, replies. No I/O here."""
