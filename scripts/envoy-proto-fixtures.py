#!/usr/bin/env python3
"""Computes the expected bytes of the protobuf encoder's byte-exact fixtures with the official
Python protobuf (dev-time only: the Swift tests read the committed hex and need no Python).

Reads Tests/EnvoyTranslatorTests/Testdata/protobuf/fixtures.json, a list of cases
`{"name", "type", "value"}`, and writes it back with `"hex"` set on each case: the value parsed
with `json_format.ParseDict` as `type` (a full message name; `any` for a google.protobuf.Any
with `@type`; `discoveryResponse` for an envoy.service.discovery.v3.DiscoveryResponse) and
serialized with `SerializeToString(deterministic=True)` (a top-level `@type` is dropped first:
the Swift encoder accepts one naming the encoded type, ParseDict does not). A case with `"error": true` must be
refused by ParseDict (it documents an input the Swift encoder refuses too) and gets no hex.

Needs a venv with the PyPI packages `protobuf` and `xds-protos` (see the header of
scripts/envoy-proto-schema.py):

    /tmp/pbvenv/bin/python scripts/envoy-proto-fixtures.py
"""

import json
import os
import sys

from google.protobuf import any_pb2, json_format, symbol_database
from envoy.config.route.v3 import route_pb2  # noqa: F401 (registers the route types)
from envoy.extensions.filters.http.cors.v3 import cors_pb2  # noqa: F401 (the Any type of typed_per_filter_config)
from envoy.service.discovery.v3 import discovery_pb2

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "Tests", "EnvoyTranslatorTests", "Testdata", "protobuf", "fixtures.json")


def message_for(type_name):
    if type_name == "any":
        return any_pb2.Any()
    if type_name == "discoveryResponse":
        return discovery_pb2.DiscoveryResponse()
    return symbol_database.Default().GetSymbol(type_name)()


def main():
    with open(FIXTURES, encoding="utf-8") as file:
        cases = json.load(file)
    for case in cases:
        message = message_for(case["type"])
        value = dict(case["value"]) if isinstance(case["value"], dict) else case["value"]
        if case["type"] not in ("any", "discoveryResponse") and isinstance(value, dict):
            # The Swift encoder accepts an `@type` naming the encoded type at the top level
            # (resources carry one); ParseDict does not.
            value.pop("@type", None)
        try:
            json_format.ParseDict(value, message)
        except json_format.ParseError as error:
            if case.get("error"):
                case.pop("hex", None)
                continue
            sys.exit(f"{case['name']}: {error}")
        if case.get("error"):
            sys.exit(f"{case['name']}: expected ParseDict to refuse it")
        case["hex"] = message.SerializeToString(deterministic=True).hex()
    with open(FIXTURES, "w", encoding="utf-8") as file:
        json.dump(cases, file, indent=1, ensure_ascii=False)
        file.write("\n")
    print(f"{len(cases)} cases written to {os.path.normpath(FIXTURES)}")


if __name__ == "__main__":
    main()
