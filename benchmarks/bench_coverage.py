"""Coverage of the intervals for R = E[K^2]/E[K]^2 (issue 25): prints the table, asserts nothing.

    .venv/bin/python benchmarks/bench_coverage.py [--simulations 500] [--resamples 1000] [--quick] [--output t.nc]

For both laws of ``finite_ntk.coverage`` (log-normal; reflected-gamma log, not Gaussian) at
N = 100, 200, 1,000, 10,000 and R = 1.1 to 1e4: the coverage of the plain ratio's percentile
bootstrap, of the chi-square interval of the log-normal plug-in and of its bootstrap, with the
direction of the misses, the median of each estimate over R and the normality test's rejection
rate; then the wall time. The full table takes about 5 minutes on one core (the N = 10,000 row
is most of it); --quick runs 100 simulations of 500 resamples.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from finite_ntk.coverage import INTERVALS, LAWS, coverage_table


def fmt(value: float) -> str:
    return f"{value:9.3f}" if np.isfinite(value) else f"{'nan':>9}"


def print_grid(title: str, data, column: str = "ratio") -> None:
    """One N x R grid of a (n, ratio) DataArray."""
    print(f"  {title}")
    print("    " + f"{'N':>7}" + "".join(f"{'R=' + format(r, 'g'):>9}" for r in data[column].values))
    for n in data["n"].values:
        print("    " + f"{n:>7}" + "".join(fmt(v) for v in data.sel(n=n).values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="root seed (numpy_generator)")
    parser.add_argument("--simulations", type=int, default=500)
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (the paper run uses 2000)")
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--gamma-shape", type=float, default=100.0, help="shape a of the reflected-gamma log")
    parser.add_argument("--atom-fraction", type=float, default=0.0, help="P(K = 0) in both laws")
    parser.add_argument("--quick", action="store_true", help="100 simulations of 500 resamples")
    parser.add_argument("--output", help="also write the table to this netCDF file")
    args = parser.parse_args()
    if args.quick:
        args.simulations, args.resamples = 100, 500

    start = time.perf_counter()
    table = coverage_table(
        args.seed,
        simulations=args.simulations,
        resamples=args.resamples,
        confidence=args.confidence,
        gamma_shape=args.gamma_shape,
        atom_fraction=args.atom_fraction,
    )
    elapsed = time.perf_counter() - start

    attrs = table.attrs
    print(
        f"coverage of {args.confidence:.0%} intervals: {attrs['simulations']} simulations per cell, "
        f"{attrs['resamples']} bootstrap resamples, root seed {attrs['root_seed']}, "
        f"atom fraction {attrs['atom_fraction']}, reflected-gamma shape {attrs['gamma_shape']:g}"
    )
    se = np.sqrt(args.confidence * (1 - args.confidence) / args.simulations)
    print(f"(binomial standard error of a coverage near {args.confidence:.2f}: {se:.3f})")
    for law in LAWS:
        sub = table.sel(law=law)
        print(f"\nlaw {law}: true Var log K by R: " + ", ".join(f"{v:.3g}" for v in sub["log_variance"].values))
        for interval in INTERVALS:
            print_grid(f"coverage, {interval}", sub["coverage"].sel(interval=interval))
            print_grid(f"miss below R, {interval}", sub["miss_low"].sel(interval=interval))
        for estimator in table["estimator"].values:
            print_grid(f"median estimate / R, {estimator}", sub["median_relative_estimate"].sel(estimator=estimator))
        print_grid(f"normality test rejects at {attrs['significance']}", sub["normality_rejection"])
    print(f"\nwall time: {elapsed:.1f} s")
    if args.output:
        table.to_netcdf(args.output)
        print(f"written: {args.output}")


if __name__ == "__main__":
    main()
