"""The seed recipe (shared/seeds/000_*.txt) kept warm in one process:
matplotlib's Agg backend draws hist(randn(1000), 100) with a title and
saves the PNG into memory. Prints JSON with the median time per chart."""
import io
import json
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def chart(name: str, rng) -> bytes:
    fig = plt.figure(figsize=(6.4, 4.8), dpi=100)  # 640x480, as ours
    plt.hist(rng.standard_normal(1000), 100)
    plt.title(f'Chart for "{name}"')
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rng = np.random.default_rng(1)
    for _ in range(3):  # warm up: imports, font cache, first figure
        chart("warmup", rng)
    times, size = [], 0
    for i in range(runs):
        t = time.perf_counter()
        png = chart(f"bench{i}", rng)
        times.append((time.perf_counter() - t) * 1e3)
        size = len(png)
    print(json.dumps({
        "matplotlib": matplotlib.__version__, "numpy": np.__version__,
        "median_ms": statistics.median(times), "runs": runs, "png_bytes": size,
    }))


if __name__ == "__main__":
    main()
