#!/usr/bin/python3
"""Validates a JSON document against one of the OCI runtime-spec JSON schemas.

Usage: validate.py SCHEMA_DIR SCHEMA_FILE JSON_FILE

Every *.json in SCHEMA_DIR is loaded up front and the relative $ref's between
them (config-schema.json -> defs.json, config-linux.json, defs-linux.json ...)
resolve from that folder, never from the network. Prints each violation with
its JSON path. Exit status: 0 valid, 1 invalid, 2 usage or load error.
"""
import json
import os
import sys

import jsonschema


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def make_validator(schema_dir, schema_file):
    schema_dir = os.path.abspath(schema_dir)
    base = "file://" + schema_dir + "/"
    docs = {}
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith(".json"):
            docs[name] = load(os.path.join(schema_dir, name))
    if schema_file not in docs:
        raise FileNotFoundError(f"{schema_file} not in {schema_dir}")
    schema = docs[schema_file]
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    cls.check_schema(schema)
    try:
        # jsonschema >= 4.18: the referencing library's registry.
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        registry = Registry().with_resources(
            (base + name, Resource.from_contents(doc, default_specification=DRAFT4))
            for name, doc in docs.items()
        )
        schema = dict(schema, id=base + schema_file)
        return cls(schema, registry=registry)
    except ImportError:
        # Debian 12's jsonschema 4.10: a RefResolver whose store holds the folder.
        store = {base + name: doc for name, doc in docs.items()}
        resolver = jsonschema.RefResolver(base + schema_file, schema, store=store)
        return cls(schema, resolver=resolver)


def main(argv):
    if len(argv) != 4:
        print("usage: validate.py SCHEMA_DIR SCHEMA_FILE JSON_FILE", file=sys.stderr)
        return 2
    schema_dir, schema_file, json_file = argv[1:]
    try:
        validator = make_validator(schema_dir, schema_file)
        instance = load(json_file)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"{json_file}: cannot validate: {e}", file=sys.stderr)
        return 2
    try:
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    except jsonschema.RefResolutionError as e:
        print(f"{json_file}: unresolvable $ref in {schema_file}: {e}", file=sys.stderr)
        return 2
    for e in errors:
        where = "$" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
        print(f"{json_file}: {where}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
