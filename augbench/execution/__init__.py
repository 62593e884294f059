"""Where trials run: one loop (chunks, in-flight limit, crash retries) over thin backends."""
