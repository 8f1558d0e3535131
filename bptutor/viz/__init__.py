"""Pictures for the lessons: plots, network drawings and widgets.

Import a submodule, e.g. ``from bptutor.viz import network``.
"""
