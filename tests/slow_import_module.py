"""A module that takes a while to import, as torch does (a timeout must not cut it short)."""

import time

SECONDS = 1.0
time.sleep(SECONDS)
LOADED = True  # reached only if the import ran to its end
