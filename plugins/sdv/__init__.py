"""SDV's single-table synthesizers as augmenters: ``ctgan``, ``tvae`` and ``copula``.

Each is fitted on the minority rows of the training set and adds the rows that the target ratio
needs. Parameters pass through, e.g. ``--set ctgan.epochs=50`` or ``--set ctgan.cuda=true``.
"""

from __future__ import annotations

from typing import Any

import augbench


def _ctgan(**params: Any) -> Any:
    """CTGAN (conditional tabular GAN) through SDV's CTGANSynthesizer."""
    # Imported on use, so that listing plugins (``augbench --help``) never loads sdv or torch.
    from augbench_plugins.sdv.synthesizers import CTGANAugmenter

    return CTGANAugmenter(**params)


def _tvae(**params: Any) -> Any:
    """TVAE (tabular variational autoencoder) through SDV's TVAESynthesizer."""
    from augbench_plugins.sdv.synthesizers import TVAEAugmenter

    return TVAEAugmenter(**params)


def _copula(**params: Any) -> Any:
    """A Gaussian copula through SDV's GaussianCopulaSynthesizer."""
    from augbench_plugins.sdv.synthesizers import CopulaAugmenter

    return CopulaAugmenter(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # ctgan and tvae train on a GPU where one is available and ``cuda`` allows it. Their rows
    # depend on SDV, its data transformers (rdt) and the networks of the ctgan package (torch);
    # the copula's on SDV, rdt and copulas.
    networks = ("sdv", "rdt", "ctgan", "torch")
    return {"ctgan": augbench.declare(_ctgan, gpu_param="cuda", libraries=networks),
            "tvae": augbench.declare(_tvae, gpu_param="cuda", libraries=networks),
            "copula": augbench.declare(_copula, libraries=("sdv", "rdt", "copulas"))}
