"""glassnet's benchmarks: glassnet side by side with what users would pick instead.

Run them all with ``python -m bench`` (or ``python bench/run.py``); ``--help`` lists the options.
"""
