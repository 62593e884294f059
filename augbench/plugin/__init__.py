"""The plugin boundary: hook specs, the registry, declared capabilities, metric specs, and the
helpers that plugin authors (first-party ones included) import."""
