"""Data files of sohoa (installed as the package `pipeline.dictionaries`).

Each file says in its header, or in README.md beside it, where it came from and which script
in dictionaries/build/ rebuilds it.
"""
