"""JSON Schemas of proto messages in their proto3 JSON mapping, generated from the descriptors.

The HTTP front speaks proto3 JSON (`json_format`), so its OpenAPI document
describes the messages as that mapping writes and reads them: lowerCamelCase
names, enums by name, 64-bit integers as strings (integers are read too),
bytes as base64, Timestamps as RFC 3339 strings. Fields left at their
default are omitted on output, so no field is required.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

Schema = dict[str, Any]

_INT32 = {"type": "integer", "format": "int32", "minimum": -(2**31), "maximum": 2**31 - 1}
_UINT32 = {"type": "integer", "format": "int32", "minimum": 0, "maximum": 2**32 - 1}
_INT64 = {"type": ["string", "integer"], "format": "int64"}
_UINT64 = {"type": ["string", "integer"], "format": "int64", "pattern": "^[0-9]+$", "minimum": 0}
_SCALARS: dict[int, Schema] = {
    FieldDescriptor.TYPE_DOUBLE: {"type": "number"},
    FieldDescriptor.TYPE_FLOAT: {"type": "number"},
    FieldDescriptor.TYPE_INT32: _INT32,
    FieldDescriptor.TYPE_SINT32: _INT32,
    FieldDescriptor.TYPE_SFIXED32: _INT32,
    FieldDescriptor.TYPE_UINT32: _UINT32,
    FieldDescriptor.TYPE_FIXED32: _UINT32,
    FieldDescriptor.TYPE_INT64: _INT64,
    FieldDescriptor.TYPE_SINT64: _INT64,
    FieldDescriptor.TYPE_SFIXED64: _INT64,
    FieldDescriptor.TYPE_UINT64: _UINT64,
    FieldDescriptor.TYPE_FIXED64: _UINT64,
    FieldDescriptor.TYPE_BOOL: {"type": "boolean"},
    FieldDescriptor.TYPE_STRING: {"type": "string"},
    FieldDescriptor.TYPE_BYTES: {"type": "string", "contentEncoding": "base64"},
}
#: Well-known types that proto3 JSON writes as plain values rather than objects.
_WELL_KNOWN: dict[str, Schema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$"},
    "google.protobuf.FieldMask": {"type": "string"},
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Empty": {"type": "object", "additionalProperties": False},
}
REF_PREFIX = "#/components/schemas/"


def schema_name(message: Descriptor) -> str:
    """The component name of a message: its full name without the package (`Job`, `Outer.Inner`)."""
    package = message.file.package
    return message.full_name.removeprefix(f"{package}.") if package else message.full_name


def proto_schemas(*messages: Descriptor) -> dict[str, Schema]:
    """Component schemas of `messages` and of every message they reference, keyed by `schema_name`."""
    schemas: dict[str, Schema] = {}
    pending = list(messages)
    while pending:
        message = pending.pop()
        name = schema_name(message)
        if name in schemas or message.full_name in _WELL_KNOWN:
            continue
        properties: dict[str, Schema] = {}
        for field in message.fields:
            properties[field.json_name] = _field_schema(field, pending)
        schemas[name] = {"type": "object", "properties": properties, "additionalProperties": False}
    return schemas


def _field_schema(field: FieldDescriptor, pending: list[Descriptor]) -> Schema:
    message = field.message_type
    if message is not None and message.GetOptions().map_entry:
        return {"type": "object", "additionalProperties": _value_schema(message.fields_by_name["value"], pending)}
    item = _value_schema(field, pending)
    if field.label == FieldDescriptor.LABEL_REPEATED:
        return {"type": "array", "items": item}
    return item


def _value_schema(field: FieldDescriptor, pending: list[Descriptor]) -> Schema:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return {"type": "string", "enum": [value.name for value in field.enum_type.values]}
    message = field.message_type
    if message is None:
        return dict(_SCALARS[field.type])
    if message.full_name in _WELL_KNOWN:
        return dict(_WELL_KNOWN[message.full_name])
    if message.full_name.startswith("google.protobuf.") and message.name.endswith("Value"):
        return _value_schema(message.fields_by_name["value"], pending)  # wrappers (Int32Value, …) are bare values
    pending.append(message)
    return {"$ref": REF_PREFIX + schema_name(message)}
