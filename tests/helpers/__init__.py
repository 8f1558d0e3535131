"""Helpers shared by the test suite and the benchmarks: notebook builders, random networks,
the corpus of adversarial submissions, and realistic right and wrong implementations."""
