"""The rubric grader as it was before Chinese reading (rubric-2), frozen as a speed baseline.

`scalebot bench grade` runs it side by side with the current grader in one process, so the
speed comparison is a ratio measured on the same core at the same moment. Do not edit these
modules: they are a copy of `scalebot.grading` at commit abe5323, imports pointed here.
"""
