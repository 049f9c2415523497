"""Python cross-check of the convlab CLI (see tests/python/common.py).

Run from the repository root:

    CONVLAB=build/convlab /usr/bin/python3 -m unittest discover -s tests/python -t . -v
"""
