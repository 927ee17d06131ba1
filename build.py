#!/usr/bin/env python3
"""A thin wrapper kept for old habits: the command is `dossier` (`dossier --help`)."""

import sys

from dossier.cli import main

if __name__ == "__main__":
    sys.exit(main())
