"""Seed 001's training time (issue 26): the gradient-flow integrator
(:func:`finite_ntk.papers.seed001.gradient_flow.train_flow`) against literal gradient descent
at lr 1e-5 (:func:`finite_ntk.papers.seed001.training.train`), and its cost. Prints figures,
asserts nothing.

    .venv/bin/python benchmarks/bench_seed001_flow.py [--width 256] [--taus 0.01 0.1]

For cells across the three phases and both activations (the ordered, border and chaotic
sides of mean-field theory's border at sigma_b^2 = 1), on the run's training set (the
default config's data), both methods from the same initialisation to each flow time tau =
lr x steps: the final loss, the relative NTK change ||Theta_tau - Theta_0|| / ||Theta_0||,
their relative differences, z = lr lambda_max / n of the initial full NTK, and the wall
times on one core. Then ``--grid``: the integrator's time per cell to tau = 1 over the
default training grid's depths at ``--width`` (one sigma_w^2 per phase).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# (activation, depth, sigma_w^2): ordered, border, chaotic (tanh's border at sigma_b^2 = 1 is
# sigma_w^2 = 3.44, ReLU's 2).
CELLS = (
    ("tanh", 8, 1.0),
    ("tanh", 8, 3.5),
    ("tanh", 4, 4.5),
    ("relu", 8, 1.0),
    ("relu", 8, 2.0),
    ("relu", 4, 3.0),
    ("relu", 8, 3.0),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--taus", type=float, nargs="+", default=[0.01, 0.1])
    parser.add_argument("--grid", action="store_true", help="also time the integrator to tau = 1 per depth")
    parser.add_argument("--configfile", nargs="*", default=[], help="overrides merged over config/config.yaml")
    args = parser.parse_args()

    from finite_ntk.jobs import start_cpu_backend

    start_cpu_backend(1)
    import jax

    from finite_ntk.config import load_config
    from finite_ntk.papers.seed001.gradient_flow import train_flow
    from finite_ntk.papers.seed001.training import train
    from finite_ntk.papers.seed001.training_grid import cell_spec, flow_settings, run_training_set
    from finite_ntk.seeding import job_key

    config = load_config("config/config.yaml", *args.configfile)
    section = config["seed001"]["training"]
    data = run_training_set(config)
    lr = float(section["learning_rate"])
    n = data.inputs.shape[0]
    print(
        f"start: load average {os.getloadavg()[0]:.2f}, jax {jax.__version__}, width {args.width}, "
        f"{data.name}, {n} samples; integrator {flow_settings(section)}"
    )

    def key_of(activation: str, depth: int, weight: float) -> jax.Array:
        return job_key(
            config["root_seed"],
            "seed001_training",
            activation=activation,
            width=args.width,
            depth=depth,
            weight_variance=float(weight),
            bias_variance=float(section["bias_variance"]),
        )

    print(
        f"{'act':5} {'L':>3} {'s_w^2':>5} {'tau':>5} {'z':>7} | {'loss GD':>9} {'loss flow':>9} {'rel':>8} | "
        f"{'dK GD':>8} {'dK flow':>8} {'rel':>8} | {'GD s':>6} {'flow s':>6}"
    )
    worst = 0.0
    for activation, depth, weight in CELLS:
        spec = cell_spec(config, activation, args.width, depth, weight, data.inputs.shape[1])
        for tau in args.taus:
            steps = int(round(tau / lr))
            start = time.perf_counter()
            literal = train(
                spec,
                key_of(activation, depth, weight),
                data.inputs,
                data.targets,
                learning_rate=lr,
                max_steps=steps,
                snapshot_steps=(),
            )
            middle = time.perf_counter()
            flow = train_flow(
                spec,
                key_of(activation, depth, weight),
                data.inputs,
                data.targets,
                **{**flow_settings(section), "learning_rate": lr, "max_steps": steps, "snapshot_steps": ()},
            )
            end = time.perf_counter()
            loss_gd, loss_flow = float(literal.losses[-1]), float(flow.records_loss[-1])
            rel_loss = (loss_flow - loss_gd) / loss_gd
            rel_change = (flow.ntk_change_end - literal.ntk_change_end) / literal.ntk_change_end
            worst = max(worst, abs(rel_loss), abs(rel_change))
            print(
                f"{activation:5} {depth:3d} {weight:5.2f} {tau:5.3g} {lr * flow.lambda_max_full / n:7.4f} | "
                f"{loss_gd:9.5f} {loss_flow:9.5f} {rel_loss:+8.2e} | {literal.ntk_change_end:8.5f} "
                f"{flow.ntk_change_end:8.5f} {rel_change:+8.2e} | {middle - start:6.1f} {end - middle:6.1f}  "
                f"({literal.status}/{flow.status})",
                flush=True,
            )
    print(f"largest relative difference: {worst:.2e}")
    if args.grid:
        print(f"\nthe integrator to tau = {lr * int(section['max_steps']):g} at width {args.width}")
        for activation, weight in (("tanh", 1.0), ("tanh", 3.5), ("relu", 2.0)):
            for depth in section["depths"]:
                spec = cell_spec(config, activation, args.width, depth, weight, data.inputs.shape[1])
                start = time.perf_counter()
                flow = train_flow(
                    spec,
                    key_of(activation, depth, weight),
                    data.inputs,
                    data.targets,
                    **flow_settings(section),
                )
                print(
                    f"{activation:5} L = {depth:2d} s_w^2 = {weight:4.2f}: {time.perf_counter() - start:6.1f} s, "
                    f"{flow.flow_steps} flow steps, {flow.literal_steps} literal steps, {flow.status}, "
                    f"loss {flow.records_loss[0]:.3f} -> {flow.min_loss:.4f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
