"""python3 -m grader grade SUBMISSION --out OUTDIR | grade-all DIR --out OUTDIR | sandbox"""
import sys

from .grade import main

sys.exit(main())
