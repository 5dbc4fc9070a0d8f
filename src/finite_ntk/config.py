"""Load and validate workflow configurations.

The schema ships with the package (``finite_ntk/schemas/config.schema.yaml``);
:func:`validate_config`
raises :class:`ConfigError` with one message that names the offending field (as a dotted
path, e.g. ``monte_carlo.grid.table2[3]``) and says what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

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


def _describe(error: jsonschema.ValidationError) -> str:
    where = field_path(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"config field '{where}': {error.message}; allowed keys: {allowed}"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"config field '{where}': {error.instance!r} is not allowed; allowed: {allowed}"
    if error.validator == "required":
        return f"config field '{where}': {error.message}"
    return f"config field '{where}': {error.message}"


def validate_config(config: Mapping[str, Any], schema: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`ConfigError` naming the first offending field, if any."""
    if not isinstance(config, Mapping):
        raise ConfigError(f"config: must be a mapping of fields, got {type(config).__name__}")
    schema = schema or load_schema()
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(dict(config)), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
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


def config_subset(
    config: Mapping[str, Any], paths: Sequence[str], exclude: Sequence[str] = ()
) -> dict[str, Any]:
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
