#!/usr/bin/env python3
"""Generates C++ codecs for Kafka messages from eddy's schema files (src/kafka/protocol/schemas).

Run by CMake at build time; the output goes to the build directory and is never checked in.

    kafka_codegen.py --out DIR API...      (each API is a snake_case name such as `produce`, whose schemas
                                            are <schemas>/<api>_request.json and <api>_response.json)

For every API it writes DIR/<api>.h and DIR/<api>.cc holding `<api>_request` and `<api>_response`, and
it writes DIR/api_table.h with the api key -> name / version range / first flexible version table and
compile-time dispatch helpers. Schema files follow the shape of Kafka's JSON message specs: see
docs/formats/kafka-wire.md. Python 3 standard library only.
"""

import argparse
import json
import os
import re
import sys

PRIMITIVES = {
    # schema type: (C++ type, reader call, writer call)
    "int8": ("int8_t", "read_int8", "write_int8"),
    "int16": ("int16_t", "read_int16", "write_int16"),
    "int32": ("int32_t", "read_int32", "write_int32"),
    "int64": ("int64_t", "read_int64", "write_int64"),
    "uint16": ("uint16_t", "read_uint16", "write_uint16"),
    "float64": ("double", "read_float64", "write_float64"),
    "bool": ("bool", "read_bool", "write_bool"),
    "uuid": ("uuid", "read_uuid", "write_uuid"),
}
# Names of generated locals and functions; a field may not use them.
RESERVED_MEMBERS = {"version", "in", "out", "flexible", "encode", "decode", "v", "n", "e", "i", "items", "buf",
                    "tag", "tagged_out", "field_in", "tagged_count"}
# Static members of a message struct; its top-level fields may not use them.
RESERVED_TOP = {"api_key", "api_name", "min_version", "max_version", "first_flexible_version"}
CPP_KEYWORDS = {"default", "delete", "new", "operator", "class", "struct", "template", "this", "register",
                "namespace", "private", "public", "protected", "typename", "union", "volatile", "auto"}


class SchemaError(Exception):
    pass


def snake(name):
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return s.lower()


def strip_comments(text):
    # Schema files may carry `//` line comments, like Kafka's.
    return re.sub(r"^\s*//.*$", "", text, flags=re.M)


class Versions:
    """An inclusive version range; hi None means open-ended. None as a whole means 'none'."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    @staticmethod
    def parse(spec, where):
        if spec is None or spec == "none":
            return None
        m = re.fullmatch(r"(\d+)(\+|-(\d+))?", spec)
        if not m:
            raise SchemaError(f"{where}: bad version spec '{spec}'")
        lo = int(m.group(1))
        if m.group(2) == "+":
            return Versions(lo, None)
        hi = int(m.group(3)) if m.group(3) else lo
        if hi < lo:
            raise SchemaError(f"{where}: empty version range '{spec}'")
        return Versions(lo, hi)

    def contains(self, v):
        return self.lo <= v and (self.hi is None or v <= self.hi)


def cond(vs, msg_lo, msg_hi):
    """C++ condition on `version` for a range, simplified against the message's valid range."""
    if vs is None:
        return "false"
    hi = msg_hi if vs.hi is None else min(vs.hi, msg_hi)
    lo = max(vs.lo, msg_lo)
    if lo > hi:
        return "false"
    parts = []
    if lo > msg_lo:
        parts.append(f"version >= {lo}")
    if hi < msg_hi:
        parts.append(f"version <= {hi}")
    return " && ".join(parts) if parts else "true"


class Field:
    def __init__(self, spec, where):
        for key in ("name", "type", "versions"):
            if key not in spec:
                raise SchemaError(f"{where}: field without '{key}'")
        self.name = spec["name"]
        self.member = snake(self.name)
        where = f"{where}.{self.name}"
        if self.member in RESERVED_MEMBERS or self.member in CPP_KEYWORDS:
            raise SchemaError(f"{where}: member name '{self.member}' is reserved")
        self.type = spec["type"]
        self.versions = Versions.parse(spec["versions"], where)
        self.nullable = Versions.parse(spec.get("nullableVersions"), where)
        self.tagged = Versions.parse(spec.get("taggedVersions"), where)
        self.tag = spec.get("tag")
        if (self.tagged is None) != (self.tag is None):
            raise SchemaError(f"{where}: taggedVersions and tag go together")
        self.flexible_override = spec.get("flexibleVersions")
        if self.flexible_override not in (None, "none"):
            raise SchemaError(f"{where}: only \"flexibleVersions\": \"none\" is supported on fields")
        self.default = spec.get("default")
        self.is_array = self.type.startswith("[]")
        self.elem = self.type[2:] if self.is_array else self.type
        self.struct = None  # set by resolve() when the (element) type is a struct
        self.sub_fields = spec.get("fields")
        if self.elem in ("records",) and self.is_array:
            raise SchemaError(f"{where}: arrays of records are not supported")
        if self.nullable is not None and self.elem in PRIMITIVES and not self.is_array:
            raise SchemaError(f"{where}: {self.type} cannot be nullable")


class Struct:
    def __init__(self, name, fields, message):
        self.name = name
        self.cpp = snake(name)
        self.fields = fields
        self.message = message

    @property
    def qualified(self):
        return f"{self.message.cpp}::{self.cpp}"

    def has_records(self):
        return any(f.elem == "records" or (f.struct is not None and f.struct.has_records()) for f in self.fields)


class Message:
    def __init__(self, path):
        with open(path, encoding="utf-8") as fh:
            try:
                spec = json.loads(strip_comments(fh.read()))
            except json.JSONDecodeError as e:
                raise SchemaError(f"{path}: {e}") from e
        self.path = path
        self.name = spec["name"]
        self.cpp = snake(self.name)
        self.api_key = int(spec["apiKey"])
        self.kind = spec["type"]
        valid = Versions.parse(spec["validVersions"], path)
        if valid is None or valid.hi is None:
            raise SchemaError(f"{path}: validVersions must be a closed range")
        self.lo, self.hi = valid.lo, valid.hi
        flex = Versions.parse(spec.get("flexibleVersions", "none"), path)
        self.first_flexible = -1 if flex is None or flex.lo > self.hi else flex.lo
        self.flexible = flex
        self.structs = []  # nested structs, children before parents
        self.common = {c["name"]: c for c in spec.get("commonStructs", [])}
        self.common_built = {}
        top_fields = [Field(f, self.name) for f in spec["fields"]]
        self.top = Struct(self.name, top_fields, self)
        self.resolve(self.top)
        names = {s.cpp for s in self.structs}
        for f in top_fields:
            if f.member in RESERVED_TOP:
                raise SchemaError(f"{path}: top-level field {f.name} clashes with a static member")
            if f.member in names:
                raise SchemaError(f"{path}: field {f.name} has the same C++ name as a struct")

    def resolve(self, struct):
        for f in struct.fields:
            if f.elem in PRIMITIVES or f.elem in ("string", "bytes", "records"):
                if f.sub_fields:
                    raise SchemaError(f"{self.path}: {f.name} has fields but type {f.type}")
                continue
            if f.sub_fields is not None:
                if any(s.name == f.elem for s in self.structs):
                    raise SchemaError(f"{self.path}: struct {f.elem} defined twice")
                sub = Struct(f.elem, [Field(x, f"{self.name}.{f.elem}") for x in f.sub_fields], self)
                self.resolve(sub)
                self.structs.append(sub)
                f.struct = sub
            elif f.elem in self.common_built:
                f.struct = self.common_built[f.elem]
            elif f.elem in self.common:
                c = self.common[f.elem]
                sub = Struct(f.elem, [Field(x, f"{self.name}.{f.elem}") for x in c["fields"]], self)
                self.resolve(sub)
                self.structs.append(sub)
                self.common_built[f.elem] = sub
                f.struct = sub
            else:
                raise SchemaError(f"{self.path}: unknown type {f.type} of field {f.name}")


def version_set(vs, msg):
    if vs is None:
        return set()
    return {v for v in range(msg.lo, msg.hi + 1) if vs.contains(v)}


def set_cond(versions, msg):
    """C++ condition on `version` that holds exactly for `versions` (within the message's range)."""
    full = set(range(msg.lo, msg.hi + 1))
    versions = versions & full
    if not versions:
        return "false"
    if versions == full:
        return "true"
    runs, start, prev = [], None, None
    for v in sorted(versions):
        if start is None:
            start = prev = v
        elif v == prev + 1:
            prev = v
        else:
            runs.append((start, prev))
            start = prev = v
    runs.append((start, prev))
    terms = []
    for lo, hi in runs:
        parts = []
        if lo > msg.lo:
            parts.append(f"version >= {lo}")
        if hi < msg.hi:
            parts.append(f"version <= {hi}")
        terms.append(" && ".join(parts) if lo != hi or len(parts) < 2 else f"version == {lo}")
    return " || ".join(f"({t})" for t in terms) if len(terms) > 1 else terms[0]


class Emitter:
    def __init__(self, msg):
        self.msg = msg

    # ---- types and defaults
    def elem_type(self, f):
        if f.struct is not None:
            return f.struct.qualified
        if f.elem in PRIMITIVES:
            return PRIMITIVES[f.elem][0]
        return {"string": "std::string", "bytes": "bytes", "records": "records_view"}[f.elem]

    def member_type(self, f):
        t = self.elem_type(f)
        if f.is_array:
            t = f"std::vector<{t}>"
        if f.nullable is not None and (f.is_array or f.elem in ("string", "bytes")):
            t = f"std::optional<{t}>"
        return t

    def init(self, f):
        d = f.default
        nullable = f.nullable is not None
        if f.is_array:
            if d not in (None, "null"):
                raise SchemaError(f"{self.msg.path}: array {f.name} can only default to null")
            return "{std::in_place}" if nullable and d != "null" else "{}"
        if f.elem in ("string", "bytes"):
            lit = "" if d in (None, "", "null") else d
            if f.elem == "bytes" and lit:
                raise SchemaError(f"{self.msg.path}: bytes {f.name} cannot have a default")
            if d == "null" and not nullable:
                raise SchemaError(f"{self.msg.path}: {f.name} defaults to null but is not nullable")
            if nullable:
                if d == "null":
                    return "{}"
                return "{std::in_place" + (", " + json.dumps(lit) if lit else "") + "}"
            return "{" + json.dumps(lit) + "}" if lit else "{}"
        if f.elem == "records" or f.struct is not None or f.elem == "uuid":
            if d is not None and d != "null":
                raise SchemaError(f"{self.msg.path}: {f.name} cannot have a default")
            return "{}"
        if d is None:
            return "{}"
        if f.elem == "bool":
            if d not in ("true", "false"):
                raise SchemaError(f"{self.msg.path}: bad bool default {d} of {f.name}")
            return "{" + d + "}"
        if f.elem == "float64":
            float(d)
            return "{" + d + "}"
        if not re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", d):
            raise SchemaError(f"{self.msg.path}: bad integer default {d} of {f.name}")
        return "{" + d + "}"

    # ---- conditions
    def conds(self, f):
        vs = version_set(f.versions, self.msg)
        tagged = version_set(f.tagged, self.msg) & vs
        flexible = version_set(self.msg.flexible, self.msg)
        if tagged - flexible:
            raise SchemaError(f"{self.msg.path}: {f.name} is tagged in a non-flexible version")
        inline = set_cond(vs - tagged, self.msg)
        nullable = set_cond(version_set(f.nullable, self.msg), self.msg)
        return inline, set_cond(tagged, self.msg), nullable

    def flex_expr(self, f, in_tag):
        if f.flexible_override == "none":
            return "false"
        return "true" if in_tag else "flexible"

    # ---- encoding
    def enc_scalar(self, f, expr, w, flex, ncond, elem):
        if f.struct is not None:
            return [f"{expr}.encode({w}, version);"]
        if f.elem in PRIMITIVES:
            return [f"{w}.{PRIMITIVES[f.elem][2]}({expr});"]
        if f.elem == "records":
            return [f"{w}.write_records({expr}, {flex});"]
        call = "write_string" if f.elem == "string" else "write_bytes"
        if f.nullable is not None and not elem:
            return [f"{w}.{call}({expr}, {flex}, {ncond});"]
        return [f"{w}.{call}({expr}, {flex});"]

    def enc_field(self, f, w, flex, ncond):
        x = f.member
        if not f.is_array:
            return self.enc_scalar(f, x, w, flex, ncond, False)
        body = self.enc_scalar(f, "e", w, flex, ncond, True)
        if f.nullable is not None:
            return ([f"if (!{x}) {{", f"    {w}.write_null_array({flex}, {ncond});", "} else {",
                     f"    {w}.write_array_length({x}->size(), {flex});",
                     f"    for (const auto& e : *{x}) {body[0]}", "}"])
        return [f"{w}.write_array_length({x}.size(), {flex});", f"for (const auto& e : {x}) {body[0]}"]

    # ---- decoding
    def dec_scalar(self, f, target, r, flex, ncond, elem, assign):
        """Statements decoding one value into `target` (assign=True) or appending to `target` (a vector)."""
        if f.struct is not None:
            if assign:
                return [f"EDDY_TRY({target}.decode({r}, version));"]
            return [f"EDDY_TRY({target}.emplace_back().decode({r}, version));"]
        if f.elem in PRIMITIVES:
            call = f"{r}.{PRIMITIVES[f.elem][1]}()"
            value = "v"
        elif f.elem == "records":
            call = f"{r}.read_records({flex})"
            value = "v"
        else:
            fn = "read_string" if f.elem == "string" else "read_bytes"
            if f.nullable is not None and not elem:
                call = f"{r}.read_nullable_{fn[5:]}({flex}, {ncond})"
            else:
                call = f"{r}.{fn}({flex})"
            value = "std::move(v)"
        op = f"{target} = {value};" if assign else f"{target}.push_back({value});"
        return [f"EDDY_TRY_ASSIGN(auto v, {call});", op]

    def dec_field(self, f, r, flex, ncond):
        x = f.member
        if not f.is_array:
            return ["{"] + ["    " + s for s in self.dec_scalar(f, x, r, flex, ncond, False, True)] + ["}"]
        nullable = f.nullable is not None
        loop = (["for (int32_t i = 0; i < n; ++i) {"]
                + ["    " + s for s in self.dec_scalar(f, "items", r, flex, ncond, True, False)] + ["}"])
        out = ["{", f"    EDDY_TRY_ASSIGN(int32_t n, {r}.read_array_length({flex}, {ncond if nullable else 'false'}));"]
        if nullable:
            out += [f"    if (n < 0) {{", f"        {x}.reset();", "    } else {",
                    f"        auto& items = {x}.emplace();"]
            out += ["        " + s for s in loop] + ["    }"]
        else:
            out += [f"    auto& items = {x};", "    items.clear();"] + ["    " + s for s in loop]
        return out + ["}"]

    # ---- functions
    def tagged_fields(self, struct):
        tagged = [f for f in struct.fields if f.tagged is not None and self.conds(f)[1] != "false"]
        tags = [f.tag for f in tagged]
        if len(set(tags)) != len(tags):
            raise SchemaError(f"{self.msg.path}: duplicate tag in {struct.name}")
        return sorted(tagged, key=lambda f: f.tag)

    def encode_body(self, struct):
        out = []
        for f in struct.fields:
            inline, _, ncond = self.conds(f)
            if inline == "false":
                continue
            code = self.enc_field(f, "out", self.flex_expr(f, False), ncond)
            out += code if inline == "true" else [f"if ({inline}) {{"] + ["    " + c for c in code] + ["}"]
        if self.msg.first_flexible < 0:
            return out
        tagged = self.tagged_fields(struct)
        out.append("if (flexible) {")
        if not tagged:
            out.append("    out.write_uvarint(0);")
        else:
            out.append("    uint32_t tagged_count = 0;")
            for f in tagged:
                tcond = self.conds(f)[1]
                out.append(f"    const bool write_tag_{f.tag} = ({tcond}) && !({f.member} == "
                           f"decltype({f.member}){self.init(f)});")
                out.append(f"    tagged_count += write_tag_{f.tag} ? 1 : 0;")
            out.append("    out.write_uvarint(tagged_count);")
            for f in tagged:
                ncond = self.conds(f)[2]
                out += [f"    if (write_tag_{f.tag}) {{", "        bytes buf;", "        writer tagged_out(buf);"]
                out += ["        " + c for c in self.enc_field(f, "tagged_out", self.flex_expr(f, True), ncond)]
                out += [f"        out.write_tagged_field({f.tag}, tagged_out);", "    }"]
        out.append("}")
        return out

    def decode_body(self, struct):
        out = []
        for f in struct.fields:
            inline, _, ncond = self.conds(f)
            if inline == "false":
                continue
            code = self.dec_field(f, "in", self.flex_expr(f, False), ncond)
            out += code if inline == "true" else [f"if ({inline}) {{"] + ["    " + c for c in code] + ["}"]
        if self.msg.first_flexible < 0:
            return out
        tagged = self.tagged_fields(struct)
        out.append("if (flexible) {")
        if not tagged:
            out.append("    EDDY_TRY(in.read_tagged_fields([](uint32_t, reader&) -> result<bool> { return false; }));")
        else:
            out.append("    EDDY_TRY(in.read_tagged_fields([&](uint32_t tag, reader& field_in) -> result<bool> {")
            out.append("        switch (tag) {")
            for f in tagged:
                tcond = self.conds(f)[1]
                ncond = self.conds(f)[2]
                out.append(f"        case {f.tag}:")
                if tcond != "true":
                    out.append(f"            if (!({tcond})) return false;")
                out += ["            " + c for c in self.dec_field(f, "field_in", self.flex_expr(f, True), ncond)]
                out.append("            return true;")
            out += ["        default:", "            return false;", "        }", "    }));"]
        out.append("}")
        return out

    def flexible_decl(self):
        if self.msg.first_flexible < 0:
            return "[[maybe_unused]] const bool flexible = false;"
        return f"[[maybe_unused]] const bool flexible = {set_cond(version_set(self.msg.flexible, self.msg), self.msg)};"

    def definitions(self, struct, top):
        m = self.msg
        scope = m.cpp if top else f"{m.cpp}::{struct.cpp}"
        enc = [f"void {scope}::encode(writer& out, [[maybe_unused]] int16_t version) const {{"]
        dec = [f"result<void> {scope}::decode(reader& in, [[maybe_unused]] int16_t version) {{"]
        if top:
            enc += [f"    if (version < min_version || version > max_version) {{",
                    f"        out.fail(error{{make_error_code(errc::unsupported_version), "
                    f"fmt::format(\"encoding {m.name} v{{}}\", version)}});",
                    "        return;", "    }"]
            dec += [f"    if (version < min_version || version > max_version)",
                    f"        return make_error(errc::unsupported_version, \"{m.name} v{{}}\", version);"]
        enc += ["    " + self.flexible_decl()] + ["    " + c for c in self.encode_body(struct)] + ["}"]
        dec += ["    " + self.flexible_decl()] + ["    " + c for c in self.decode_body(struct)]
        dec += ["    return {};", "}"]
        return enc + [""] + dec + [""]

    def declaration(self, struct, indent, top):
        pad = " " * indent
        out = [f"{pad}struct {struct.cpp} {{"]
        if top:
            m = self.msg
            out += [f"{pad}    static constexpr int16_t api_key = {m.api_key};",
                    f"{pad}    static constexpr std::string_view api_name = \"{m.name}\";",
                    f"{pad}    static constexpr int16_t min_version = {m.lo};",
                    f"{pad}    static constexpr int16_t max_version = {m.hi};",
                    f"{pad}    static constexpr int16_t first_flexible_version = {m.first_flexible};  // -1: none",
                    ""]
            for s in m.structs:
                out += self.declaration(s, indent + 4, False) + [""]
        for f in struct.fields:
            out.append(f"{pad}    {self.member_type(f)} {f.member}{self.init(f)};")
        out.append("")
        if top:
            out.append(f"{pad}    // Body only (no header). An unsupported version or unencodable value is recorded in `out`.")
        out.append(f"{pad}    void encode(writer& out, int16_t version) const;")
        if top:
            out.append(f"{pad}    // Body only. Leaves fields absent from `version` at their defaults.")
        out.append(f"{pad}    [[nodiscard]] result<void> decode(reader& in, int16_t version);")
        if not struct.has_records():
            out.append(f"{pad}    bool operator==(const {struct.cpp}&) const = default;")
        # Field reflection for tests, printing and generic tooling: f(schema name, member).
        for const in ("", " const"):
            calls = " ".join(f"f(\"{f.name}\", {f.member});" for f in struct.fields)
            out.append(f"{pad}    template <typename F>")
            param = "F&& f" if calls else "[[maybe_unused]] F&& f"
            out.append(f"{pad}    void for_each_field({param}){const} {{ {calls} }}")
        out.append(f"{pad}}};")
        return out


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            if fh.read() == text:
                return
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


GENERATED = "// Generated by src/kafka/protocol/codegen/kafka_codegen.py from src/kafka/protocol/schemas. Do not edit.\n"


def emit_api(api, req, resp, out_dir, prefix, namespace):
    header = [GENERATED.rstrip(), f"// Codecs of {req.name} and {resp.name} (api key {req.api_key}).",
              "#pragma once", "", "#include <cstdint>", "#include <optional>", "#include <string>",
              "#include <string_view>", "#include <vector>", "", "#include \"base/result.h\"",
              "#include \"kafka/protocol/wire.h\"", "", f"namespace {namespace} {{", ""]
    source = [GENERATED.rstrip(), f"#include \"{prefix}/{api}.h\"", "", f"namespace {namespace} {{", ""]
    for msg in (req, resp):
        e = Emitter(msg)
        header += e.declaration(msg.top, 0, True) + [""]
        for s in msg.structs:
            source += e.definitions(s, False)
        source += e.definitions(msg.top, True)
    header.append(f"}}  // namespace {namespace}")
    source.append(f"}}  // namespace {namespace}")
    write_if_changed(os.path.join(out_dir, f"{api}.h"), "\n".join(header) + "\n")
    write_if_changed(os.path.join(out_dir, f"{api}.cc"), "\n".join(source) + "\n")


def emit_table(apis, out_dir, prefix, namespace):
    rows = sorted(apis, key=lambda a: a[1].api_key)
    out = [GENERATED.rstrip(),
           "// The APIs we have codecs for: api key -> name, decodable version range, first flexible version;",
           "// and compile-time dispatch from an api key to its request/response types.",
           "#pragma once", "", "#include <array>", "#include <cstdint>", "#include <string_view>",
           "#include <type_traits>", ""]
    out += [f"#include \"{prefix}/{api}.h\"" for api, _, _ in rows]
    out += ["", f"namespace {namespace} {{", "", "enum class api : int16_t {"]
    out += [f"    {api} = {req.api_key}," for api, req, _ in rows]
    out += ["};", "", "struct api_info {", "    int16_t key;", "    std::string_view name;",
            "    int16_t min_version;", "    int16_t max_version;",
            "    int16_t first_flexible_version;  // -1: no flexible version", "};", "",
            f"inline constexpr std::array<api_info, {len(rows)}> api_table{{{{"]
    for api, req, _ in rows:
        name = req.name[: -len("Request")]
        out.append(f"    {{{req.api_key}, \"{name}\", {req.lo}, {req.hi}, {req.first_flexible}}},")
    out += ["}};", "", "// nullptr for an api key we have no codec for.",
            "[[nodiscard]] constexpr const api_info* find_api(int16_t key) {",
            "    for (const auto& a : api_table)", "        if (a.key == key) return &a;", "    return nullptr;",
            "}", ""]
    for kind in ("request", "response"):
        out += [f"// Calls f(std::type_identity<T>{{}}) with the {kind} type of `key`; false if the key is unknown.",
                "template <typename F>", f"bool visit_{kind}_type(int16_t key, F&& f) {{", "    switch (key) {"]
        for api, req, _ in rows:
            out.append(f"    case {req.api_key}: f(std::type_identity<{api}_{kind}>{{}}); return true;")
        out += ["    default: return false;", "    }", "}", ""]
    out.append(f"}}  // namespace {namespace}")
    write_if_changed(os.path.join(out_dir, "api_table.h"), "\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schemas", required=True, help="directory of <api>_request.json / <api>_response.json")
    ap.add_argument("--out", required=True, help="output directory for <api>.h/.cc and api_table.h")
    ap.add_argument("--include-prefix", default="kafka/protocol/messages",
                    help="how generated files include each other (path of --out below an include root)")
    ap.add_argument("--namespace", default="eddy::kafka::protocol",
                    help="C++ namespace; eddy::kafka::protocol or one nested in it")
    ap.add_argument("apis", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    loaded = []
    try:
        for api in args.apis:
            req = Message(os.path.join(args.schemas, f"{api}_request.json"))
            resp = Message(os.path.join(args.schemas, f"{api}_response.json"))
            if (req.kind, resp.kind) != ("request", "response"):
                raise SchemaError(f"{api}: schema types must be request and response")
            if (req.api_key, req.lo, req.hi, req.first_flexible) != (resp.api_key, resp.lo, resp.hi,
                                                                      resp.first_flexible):
                raise SchemaError(f"{api}: request and response disagree on key, versions or flexibility")
            if req.cpp != f"{api}_request" or resp.cpp != f"{api}_response":
                raise SchemaError(f"{api}: message names must be {api}_request/_response in CamelCase")
            emit_api(api, req, resp, args.out, args.include_prefix, args.namespace)
            loaded.append((api, req, resp))
        emit_table(loaded, args.out, args.include_prefix, args.namespace)
    except SchemaError as e:
        print(f"kafka_codegen: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
