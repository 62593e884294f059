"""augbench's first-party plugins, installed as the ``augbench_plugins`` package.

Each module is registered through the ``augbench`` entry-point group and uses only augbench's
public API, exactly as a third-party plugin would.
"""
