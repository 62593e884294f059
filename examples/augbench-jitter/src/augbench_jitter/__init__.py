"""An example augbench plugin: the ``jitter`` augmenter."""
