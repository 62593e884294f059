"""augbench's first-party plugins, installed as the ``augbench_plugins`` package.

One sub-package per family (``smote``, ``gan``, ``dpgan``, ``diffusion``, ``sdv``, ``cart``),
``neural`` for what the torch-based ones share, and single modules for the privacy metrics, the
classifiers and the medical tables. Each plugin module is registered through the ``augbench``
entry-point group and uses only augbench's public API, exactly as a third-party plugin would.
"""
