"""What a run produced: the typed trial row, the store, summaries and paired comparisons."""
