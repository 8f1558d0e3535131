"""Instructor tools: release (solutions -> exercises) and grading of submitted notebooks."""
