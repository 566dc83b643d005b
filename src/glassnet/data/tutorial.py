"""The tutorial's table: four examples of three 0/1 inputs and their output, and one question.

It is the data of the ten-line program glassnet starts from, with the question the tutorial asks
(which output belongs to ``1 0 0``?) as a ``?`` row. ``glassnet solve`` answers it when given no
table, and the playground loads it with one click.
"""

from __future__ import annotations

__all__ = ["TUTORIAL_TABLE"]

#: The tutorial's table with its question (the first row's output corrected to 0).
TUTORIAL_TABLE = """\
Input Output
0 0 1 0
1 1 1 1
1 0 1 1
0 1 1 0
1 0 0 ?
"""
