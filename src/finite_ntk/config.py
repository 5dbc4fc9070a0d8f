"""Load and validate workflow configurations.

The schema ships with the package (``finite_ntk/schemas/config.schema.yaml``);
:func:`validate_config`
raises :class:`ConfigError` with one message that names the offending field (as a dotted
path, e.g. ``monte_carlo.grid.table2[3]``) and says what is allowed.

Three rules hold for every field, on top of what the schema says of it:

- no number is NaN or infinite (checked first, over the whole config, so a NaN is reported
  as a NaN and against its own field, never as a failed comparison of a neighbour);
- a field of type ``integer`` takes integers only: ``3.0`` is refused, not converted
  (JSON Schema itself counts 3.0 as an integer);
- a ``pattern`` must match the whole string (JSON Schema's patterns are searched, and ``$``
  matches before a trailing newline, so ``"abc\\n"`` would pass ``^[a-z]+$``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "config.schema.yaml"


class ConfigError(ValueError):
    """A configuration that does not satisfy the schema."""


def load_schema(path: Path = SCHEMA_PATH) -> dict[str, Any]:
    with open(path) as f:
        return yaml.safe_load(f)


def field_path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<top level>"


def _strict_integer(checker: Any, instance: Any) -> bool:
    """JSON Schema's ``integer`` without its floats of integral value: 3.0 is not an integer."""
    return isinstance(instance, int) and not isinstance(instance, bool)


def _whole_pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[Any]:
    """``pattern`` matched against the whole string (``re.fullmatch``), not searched in it."""
    if validator.is_type(instance, "string") and re.fullmatch(pattern, instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r} as a whole")


# Draft 2020-12 with the two stricter rules of the module's docstring.
Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"pattern": _whole_pattern},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)

_TYPE_WORDS = {
    "integer": "an integer (a whole number written without a decimal point: 3, not 3.0)",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of settings",
    "null": "null",
}


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _describe(error: jsonschema.ValidationError) -> str:
    """One sentence naming the field, what it holds and what is allowed."""
    where = f"config field '{field_path(error.absolute_path)}'"
    value, limit, instance = error.validator, error.validator_value, error.instance
    if value == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{where}: {error.message}; allowed keys: {allowed}"
    if value == "enum":
        allowed = ", ".join(str(v) for v in limit)
        return f"{where}: {instance!r} is not allowed; allowed: {allowed}"
    if value == "type":
        types = [limit] if isinstance(limit, str) else list(limit)
        hint = ""
        if isinstance(instance, str) and {"integer", "number"} & set(types) and _is_number_text(instance):
            hint = " (YAML reads a number such as 1e9 as text: write 1000000000, or 1.0e+9 where a float is allowed)"
        return f"{where}: must be {' or '.join(_TYPE_WORDS.get(t, t) for t in types)}, got {instance!r}{hint}"
    bounds = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}
    if value in bounds:
        return f"{where}: must be {bounds[value]} {limit}, got {instance!r}"
    if value in ("minItems", "maxItems"):
        most = "least" if value == "minItems" else "most"
        got = f"{_plural(len(instance), 'item')}: {instance!r}"
        return f"{where}: must have at {most} {_plural(limit, 'item')}, got {got}"
    if value in ("minProperties", "maxProperties"):
        most = "least" if value == "minProperties" else "most"
        return f"{where}: must have at {most} {_plural(limit, 'key')}, got {_plural(len(instance), 'key')}"
    if value == "uniqueItems":
        return f"{where}: must not repeat an item, got {instance!r}"
    if value == "pattern":
        described = f" ({error.schema['description']})" if "description" in error.schema else ""
        return f"{where}: {instance!r} is not allowed: it must match {limit} as a whole{described}"
    return f"{where}: {error.message}"


def non_finite_fields(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], float]]:
    """(path, value) of every NaN or infinite number in ``value``, a config or part of one,
    in document order."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from non_finite_fields(item, (*path, key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from non_finite_fields(item, (*path, index))


def _check_finite(config: Mapping[str, Any]) -> None:
    for path, value in non_finite_fields(config):
        written = ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
        raise ConfigError(
            f"config field '{field_path(path)}': {written} ({value}) is not allowed; every number of the config "
            "must be finite (no NaN or infinity anywhere)"
        )


def validate_config(config: Mapping[str, Any], schema: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`ConfigError` naming the first offending field, if any: a NaN or
    infinite number anywhere, then the schema (with the module's stricter integers and
    patterns), then the checks across fields."""
    if not isinstance(config, Mapping):
        raise ConfigError(f"config: must be a mapping of fields, got {type(config).__name__}")
    _check_finite(config)
    schema = schema or load_schema()
    validator = Validator(schema)
    errors = sorted(
        validator.iter_errors(dict(config)), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path)))
    )
    if errors:
        raise ConfigError(_describe(errors[0]))
    grid = config["monte_carlo"]["grid"]
    seen: set[tuple[int, int]] = set()
    for table in ("table2", "table3"):
        for i, (width, depth) in enumerate(grid[table]):
            if (width, depth) in seen:
                raise ConfigError(
                    f"config field 'monte_carlo.grid.{table}[{i}]': [{width}, {depth}] is listed twice; "
                    "each (width, depth) pair may appear once"
                )
            seen.add((width, depth))
    convergence = config["monte_carlo"]["convergence"]
    if convergence["max_draws"] < convergence["first_draws"]:
        raise ConfigError(
            "config field 'monte_carlo.convergence.max_draws': must be at least "
            f"'monte_carlo.convergence.first_draws' ({convergence['first_draws']}), got {convergence['max_draws']}"
        )
    coverage_confidence = config["heavy_tails"]["coverage"]["confidence"]
    bootstrap_confidence = config["monte_carlo"]["bootstrap"]["confidence"]
    if float(coverage_confidence) != float(bootstrap_confidence):
        # Seed 000's claims read the coverage the table measured for intervals at its confidence.
        raise ConfigError(
            "config field 'heavy_tails.coverage.confidence': must equal 'monte_carlo.bootstrap.confidence' "
            f"({bootstrap_confidence}), the confidence of the intervals it vouches for, got {coverage_confidence}"
        )


def merge_configs(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged over ``base`` as Snakemake merges ``--configfile`` over the
    Snakefile's ``configfile``: mappings merge key by key, anything else (lists included)
    is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_configs(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"config file: {path} does not exist")
    try:
        with open(path) as f:
            content = yaml.safe_load(f)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file: {path} is not valid YAML: {exc}") from exc
    if not isinstance(content, Mapping):
        raise ConfigError(f"config file: {path} must hold a mapping of settings")
    return dict(content)


def load_config(*paths: str | Path) -> dict[str, Any]:
    """Read YAML configs, each merged over the ones before (``merge_configs``), and
    validate the result: ``load_config("config/config.yaml", "config/smoke.yaml")`` is
    the config of ``snakemake --configfile config/smoke.yaml``."""
    if not paths:
        raise ConfigError("config file: none given")
    config: dict[str, Any] = {}
    for path in paths:
        config = merge_configs(config, _read_yaml(Path(path)))
    validate_config(config)
    return config


def grid_configurations(config: Mapping[str, Any]) -> list[tuple[int, int]]:
    """(width, depth) pairs of Tables 2 and 3, in table order."""
    grid = config["monte_carlo"]["grid"]
    return [tuple(p) for p in grid["table2"]] + [tuple(p) for p in grid["table3"]]


def config_value(config: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of the config: ``config_value(c, "monte_carlo.replicates")``."""
    value: Any = config
    for part in path.split("."):
        value = value[part]
    return value


def config_subset(config: Mapping[str, Any], paths: Sequence[str], exclude: Sequence[str] = ()) -> dict[str, Any]:
    """The config values at the dotted ``paths`` (``{'monte_carlo.replicates': 100}``): a
    rule's params, so that Snakemake reruns its jobs when one of them changes and only
    then. The one way a job declares the config fields it depends on: each paper's
    ``settings`` module lists them. ``exclude``: dotted paths inside a listed mapping that
    the job does not depend on (which jobs exist, a figure's choice), left out of it."""
    subset = {path: config_value(config, path) for path in paths}
    for excluded in exclude:
        parent, _, key = excluded.rpartition(".")
        if parent not in subset or not isinstance(subset[parent], Mapping):
            raise ValueError(f"config_subset: {excluded!r} is not inside one of the paths {list(paths)}")
        subset[parent] = {k: v for k, v in subset[parent].items() if k != key}
    return subset
