"""augbench's own plugin: the ``none`` baseline, the embedded dataset and the classification
metrics, registered through the same hooks as any third-party plugin."""
