"""Diffusion augmenters: ``ddpm`` (a TabDDPM-style model, torch) and ``forest-diffusion``
(tree-based flow, the optional extra ``forest``), each registered by a module of its own."""
