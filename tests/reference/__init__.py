"""Reference data from classic NumPy neural-network tutorials (see README.md)."""
