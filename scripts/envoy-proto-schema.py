#!/usr/bin/env python3
"""Generates Sources/EnvoyTranslator/Protobuf/EnvoyProtoSchema.swift, the field tables of the
Envoy message types that ProtobufEncoder can encode (dev-time only; the build never runs it).

It reads the official descriptors shipped in the PyPI packages `protobuf` and `xds-protos`,
walks every message type reachable from the roots below (fields of message type, map values,
enums; not the contents of `google.protobuf.Any`, whose types must be roots themselves), and
prints one Swift line per field: number, proto name, JSON name, kind (with the message or enum
type name), label (singular, explicit presence, repeated, packed, map with its key kind) and
oneof index. Enums are written as value name -> number.

A venv with both packages:

    python3 -m venv /tmp/pbvenv
    /tmp/pbvenv/bin/pip install protobuf xds-protos

Regenerate (from the package root):

    /tmp/pbvenv/bin/python scripts/envoy-proto-schema.py > Sources/EnvoyTranslator/Protobuf/EnvoyProtoSchema.swift

Extra root message types may be given as arguments (full names, e.g.
`envoy.config.listener.v3.Listener`); their packages are imported on the fly.
"""

import importlib
import importlib.metadata
import os
import pkgutil
import sys

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FieldDescriptor

DEFAULT_ROOTS = [
    "envoy.config.route.v3.RouteConfiguration",
    # Inside `typed_per_filter_config` (a map of Any) of virtual hosts and routes.
    "envoy.extensions.filters.http.cors.v3.CorsPolicy",
]

SCALAR_KINDS = {
    FieldDescriptor.TYPE_INT32: ".int32",
    FieldDescriptor.TYPE_INT64: ".int64",
    FieldDescriptor.TYPE_UINT32: ".uint32",
    FieldDescriptor.TYPE_UINT64: ".uint64",
    FieldDescriptor.TYPE_SINT32: ".sint32",
    FieldDescriptor.TYPE_SINT64: ".sint64",
    FieldDescriptor.TYPE_FIXED32: ".fixed32",
    FieldDescriptor.TYPE_FIXED64: ".fixed64",
    FieldDescriptor.TYPE_SFIXED32: ".sfixed32",
    FieldDescriptor.TYPE_SFIXED64: ".sfixed64",
    FieldDescriptor.TYPE_BOOL: ".bool",
    FieldDescriptor.TYPE_DOUBLE: ".double",
    FieldDescriptor.TYPE_FLOAT: ".float",
    FieldDescriptor.TYPE_STRING: ".string",
    FieldDescriptor.TYPE_BYTES: ".bytes",
}


def import_package_of(full_name):
    """Imports every *_pb2 module of the proto package of `full_name` into the default pool."""
    parts = full_name.split(".")
    # The package is the longest prefix that is an importable Python package.
    for end in range(len(parts) - 1, 0, -1):
        try:
            package = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for module in pkgutil.iter_modules(package.__path__):
            if module.name.endswith("_pb2"):
                importlib.import_module(package.__name__ + "." + module.name)
        return
    sys.exit(f"no Python package holds {full_name}")


def kind_of(field):
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return f'.message("{field.message_type.full_name}")'
    if field.type == FieldDescriptor.TYPE_ENUM:
        return f'.enumeration("{field.enum_type.full_name}")'
    if field.type not in SCALAR_KINDS:
        sys.exit(f"unsupported field type {field.type} of {field.full_name}")
    return SCALAR_KINDS[field.type]


def is_map(field):
    return field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry


def field_line(field, proto):
    """One Swift line for `field`; `proto` is its FieldDescriptorProto (for oneof membership)."""
    label = None
    if is_map(field):
        entry = field.message_type
        key, value = entry.fields_by_name["key"], entry.fields_by_name["value"]
        kind = kind_of(value)
        label = f".map(key: {kind_of(key)})"
    else:
        kind = kind_of(field)
        if field.is_repeated:
            label = ".packed" if field.is_packed else ".repeated"
        elif field.has_presence and field.type != FieldDescriptor.TYPE_MESSAGE:
            label = ".explicitPresence"
    arguments = [str(field.number), f'"{field.name}"', f'"{field.json_name}"', kind]
    if label:
        arguments.append(label)
    if proto.HasField("oneof_index") and not proto.proto3_optional:
        arguments.append(f"oneof: {proto.oneof_index}")
    return f"            .field({', '.join(arguments)}),"


def reachable(pool, roots):
    """Message and enum descriptors reachable from `roots`, by full name (map entries excluded)."""
    messages, enums = {}, {}
    stack = [pool.FindMessageTypeByName(root) for root in roots]
    while stack:
        message = stack.pop()
        if message.full_name in messages:
            continue
        if not message.GetOptions().map_entry:
            messages[message.full_name] = message
        for field in message.fields:
            if field.message_type is not None:
                stack.append(field.message_type)
            if field.enum_type is not None:
                enum = field.enum_type
                if enum.is_closed:
                    sys.exit(f"closed (proto2) enum {enum.full_name}: the encoder assumes open enums")
                enums[enum.full_name] = enum
    return messages, enums


def main():
    roots = DEFAULT_ROOTS + sys.argv[1:]
    for root in roots:
        import_package_of(root)
    pool = descriptor_pool.Default()
    messages, enums = reachable(pool, roots)

    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in ("protobuf", "xds-protos"))
    out = []
    out.append("// GENERATED by scripts/envoy-proto-schema.py from the descriptors in the PyPI packages")
    out.append(f"// {versions}. Do not edit. Regenerate (see the script's header for the venv):")
    out.append("//   python scripts/envoy-proto-schema.py > Sources/EnvoyTranslator/Protobuf/EnvoyProtoSchema.swift")
    out.append(f"// Roots: {', '.join(roots)}.")
    out.append("")
    out.append("/// The message and enum types `ProtobufEncoder` can encode: every type reachable from")
    out.append("/// `roots`. One line per field: number, proto name, JSON name, kind, label, oneof index.")
    out.append("enum EnvoyProtoSchema {")
    out.append("    /// The root message types the tables were generated from.")
    quoted_roots = ", ".join('"' + root + '"' for root in roots)
    out.append(f"    static let roots: [String] = [{quoted_roots}]")
    out.append("")
    out.append("    /// Message types sorted by full name, their fields by number.")
    out.append("    static let messages: [ProtoMessageSchema] = [")
    for name in sorted(messages):
        message = messages[name]
        proto = descriptor_pb2.DescriptorProto()
        message.CopyToProto(proto)
        protos = {field.number: field for field in proto.field}
        fields = sorted(message.fields, key=lambda field: field.number)
        if not fields:
            out.append(f'        ProtoMessageSchema("{name}", []),')
            continue
        out.append(f'        ProtoMessageSchema("{name}", [')
        for field in fields:
            out.append(field_line(field, protos[field.number]))
        out.append("        ]),")
    out.append("    ]")
    out.append("")
    out.append("    /// Enum types sorted by full name: value name -> number.")
    out.append("    static let enums: [ProtoEnumSchema] = [")
    for name in sorted(enums):
        values = sorted(enums[name].values, key=lambda value: (value.number, value.name))
        pairs = ", ".join(f'"{value.name}": {value.number}' for value in values)
        out.append(f'        ProtoEnumSchema("{name}", [{pairs}]),')
    out.append("    ]")
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
