#!/usr/bin/env bash
# The checks that need a CUDA GPU, in one go: the GAN's tests (its CUDA test runs there), its
# batched-vs-solo exactness and speed on the GPU, the throughput benchmark on GPU and CPU, and
# an end-to-end run with the GAN on CUDA. Expects the wheels of augbench, imbalanced-learn and
# sklearn-compat in .whl/ (pip wheel --no-deps . ; pip download --no-deps ...). Writes $OUT/log.
set -uo pipefail
export PYTHONUNBUFFERED=1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site || exit 1
log="${OUT:-/tmp}/log"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  python3 -c "import torch, sklearn, pandas; print('torch', torch.__version__, 'sklearn', sklearn.__version__, 'pandas', pandas.__version__)"
  echo "== GAN tests (the CUDA one included)"
  timeout 240 python3 -m pytest -q -p no:cacheprovider tests/test_gan.py -rs 2>&1 | tail -6
  echo "== batched vs solo on the GPU"
  timeout 180 python3 benchmarks/gan_device_check.py --device cuda --seeds 16 --rows 400
  echo "== throughput, GPU"
  timeout 240 python3 benchmarks/gan_throughput.py --device cuda --seeds 32 --steps 300
  timeout 240 python3 benchmarks/gan_throughput.py --device cuda --seeds 128 --steps 300 | tail -3
  echo "== throughput, this machine's CPU (16 cores)"
  timeout 240 python3 benchmarks/gan_throughput.py --device cpu --seeds 32 --steps 300 | tail -3
  echo "== augbench run with the GAN on CUDA"
  time timeout 240 python3 -m augbench.cli run --augmenters none,gan --set gan.device=cuda \
      --seeds 16 --sizes 100,full --jobs 1 --out /tmp/gpu-run --quiet 2>&1 | tail -12
} 2>&1 | tee "$log"
