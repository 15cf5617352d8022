// The built-in dialects against the shared field table (iso8583_spec_fields.json), Dialect
// validation, and the YAML loader's diagnostics.
#include <string>

#include <gtest/gtest.h>

#include "iso8583_test_util.h"

namespace posim::iso8583 {
namespace {

using testing::builtin;

LengthKind kindOf(const std::string& kind) {
  if (kind == "LLVAR") return LengthKind::kLL;
  if (kind == "LLLVAR") return LengthKind::kLLL;
  EXPECT_EQ(kind, "fixed");
  return LengthKind::kFixed;
}

// Every one of the 128 fields, the MTI and the bitmaps of `spec` in the JSON table.
void expectMatchesSpecTable(const Dialect& dialect, const std::string& spec) {
  const Json rows = test::loadJson("vectors/iso8583_spec_fields.json");
  int compared = 0;
  for (const Json& row : rows.asArray()) {
    if (row.find("spec")->asString() != spec) continue;
    const std::string field = row.find("field")->asString();
    const std::string data_enc = row.find("data_enc")->asString();
    const auto max_len = static_cast<std::size_t>(row.find("max_len")->asInt());
    SCOPED_TRACE(spec + " field " + field);
    if (field == "t") {
      EXPECT_EQ(dialect.mti_encoding, MtiEncoding::kAscii);
      EXPECT_EQ(max_len, 4u);
      continue;
    }
    if (field == "p" || field == "1") {
      EXPECT_EQ(dialect.bitmap_encoding,
                data_enc == "b" ? BitmapEncoding::kBinary : BitmapEncoding::kHex);
      EXPECT_EQ(max_len, data_enc == "b" ? 8u : 16u);
      continue;
    }
    const FieldSpec* f = dialect.field(std::stoi(field));
    ASSERT_NE(f, nullptr);
    ++compared;
    EXPECT_EQ(f->number, std::stoi(field));
    EXPECT_EQ(f->name, row.find("desc")->asString());
    EXPECT_EQ(f->length_kind, kindOf(row.find("kind")->asString()));
    EXPECT_EQ(prefixDigits(f->length_kind), row.find("len_type")->asInt());
    EXPECT_EQ(f->max_length, max_len);
    EXPECT_EQ(f->length_encoding, LengthEncoding::kAscii);
    EXPECT_EQ(f->length_unit, LengthUnit::kUnits);
    EXPECT_EQ(f->padding, Padding::kNone);
    if (data_enc == "b") {
      EXPECT_EQ(f->type, FieldType::kBinary);
      EXPECT_EQ(f->data_encoding, DataEncoding::kBinary);
    } else if (f->type == FieldType::kBinary) {
      // default_ascii carries the b fields as hex text; its lengths count hex characters.
      EXPECT_EQ(spec, "default_ascii");
      EXPECT_EQ(f->data_encoding, DataEncoding::kHex);
      EXPECT_EQ(row.find("len_counts")->asString(), "characters");
    } else {
      EXPECT_EQ(f->data_encoding, DataEncoding::kAscii);
    }
  }
  EXPECT_EQ(compared, 127);  // fields 2..128
  for (int n = 129; n < 193; ++n) EXPECT_EQ(dialect.field(n), nullptr);
}

TEST(BuiltinDialects, Iso87AsciiIsExactlyTheDefaultLayout) {
  const Dialect& dialect = builtin("iso87-ascii");
  expectMatchesSpecTable(dialect, "default");
  EXPECT_FALSE(dialect.tertiary_bitmap);
  EXPECT_EQ(dialect.header.tpdu_length, 0u);
  EXPECT_EQ(dialect.header.header_length, 0u);
  EXPECT_EQ(dialect.flavour, Flavour::kIso87);
}

TEST(BuiltinDialects, Iso87AsciiHexIsExactlyTheDefaultAsciiLayout) {
  expectMatchesSpecTable(builtin("iso87-ascii-hex"), "default_ascii");
}

TEST(BuiltinDialects, AreTheFourEmbeddedFiles) {
  EXPECT_EQ(scenarios::builtinDialectIds(),
            (std::vector<std::string>{"cup-pos", "iso87-ascii", "iso87-ascii-hex", "iso93-ascii"}));
  for (const auto& dialect : scenarios::builtinDialects()) {
    EXPECT_TRUE(dialect->validate().isOk()) << dialect->id;
    EXPECT_FALSE(dialect->description.empty()) << dialect->id;
  }
  DialectRegistry registry;
  ASSERT_TRUE(scenarios::addBuiltinDialects(registry).isOk());
  EXPECT_EQ(registry.list().size(), 4u);
  EXPECT_NE(registry.find("cup-pos"), nullptr);
  EXPECT_EQ(registry.find("iso78"), nullptr);
  // A second registration of the same ids is refused.
  EXPECT_EQ(scenarios::addBuiltinDialects(registry).code(), StatusCode::kInvalidArgument);
}

TEST(BuiltinDialects, SensitiveFieldsAreMarked) {
  for (const char* id : {"iso87-ascii", "iso87-ascii-hex", "iso93-ascii", "cup-pos"}) {
    const Dialect& dialect = builtin(id);
    for (int n : {2, 35, 52}) {
      ASSERT_NE(dialect.field(n), nullptr) << id << " " << n;
      EXPECT_TRUE(dialect.field(n)->sensitive) << id << " field " << n;
    }
    EXPECT_FALSE(dialect.field(4)->sensitive);
    EXPECT_TRUE(dialect.field(55)->tlv);
  }
  EXPECT_TRUE(builtin("iso87-ascii").field(36)->sensitive);
  EXPECT_TRUE(builtin("iso87-ascii").field(45)->sensitive);
  EXPECT_EQ(builtin("iso87-ascii").field(90)->subfields.size(), 5u);
}

TEST(BuiltinDialects, Iso93UsesFunctionAndActionCodes) {
  const Dialect& dialect = builtin("iso93-ascii");
  EXPECT_EQ(dialect.flavour, Flavour::kIso93);
  EXPECT_EQ(dialect.field(24)->name, "Function Code");
  EXPECT_EQ(dialect.field(39)->type, FieldType::kNumeric);
  EXPECT_EQ(dialect.field(39)->max_length, 3u);
  EXPECT_EQ(dialect.field(12)->max_length, 12u);
}

TEST(BuiltinDialects, CupHasTpduHeaderAndBcd) {
  const Dialect& dialect = builtin("cup-pos");
  EXPECT_EQ(dialect.flavour, Flavour::kCup);
  EXPECT_EQ(dialect.mti_encoding, MtiEncoding::kBcd);
  EXPECT_EQ(dialect.header.tpdu_length, 5u);
  EXPECT_EQ(dialect.header.header_length, 6u);
  EXPECT_EQ(dialect.field(2)->data_encoding, DataEncoding::kBcd);
  EXPECT_EQ(dialect.field(2)->length_encoding, LengthEncoding::kBcd);
  EXPECT_EQ(dialect.field(41)->data_encoding, DataEncoding::kAscii);
  EXPECT_EQ(dialect.field(55)->data_encoding, DataEncoding::kBinary);
  EXPECT_EQ(dialect.field(55)->length_kind, LengthKind::kLLL);
  EXPECT_FALSE(dialect.field(60)->subfields.empty());
}

TEST(Names, RoundTrip) {
  for (auto t : {FieldType::kNumeric, FieldType::kAlpha, FieldType::kAlphaNumeric,
                 FieldType::kAlphaNumericSpecial, FieldType::kBinary, FieldType::kTrack2,
                 FieldType::kXNumeric}) {
    EXPECT_EQ(fieldTypeByName(fieldTypeName(t)), t);
  }
  EXPECT_EQ(fieldTypeByName("x+n"), FieldType::kXNumeric);
  EXPECT_EQ(lengthKindByName("lllvar"), LengthKind::kLLL);
  EXPECT_EQ(lengthKindName(LengthKind::kLLLL), "LLLL");
  EXPECT_EQ(paddingByName(paddingName(Padding::kRightZero)), Padding::kRightZero);
  EXPECT_EQ(dataEncodingByName("HEX"), DataEncoding::kHex);
  EXPECT_EQ(lengthEncodingByName("ebcdic"), LengthEncoding::kEbcdic);
  EXPECT_EQ(flavourByName("cup"), Flavour::kCup);
  EXPECT_EQ(flavourName(Flavour::kIso93), "iso93");
  EXPECT_FALSE(flavourByName("iso2003").has_value());
  EXPECT_EQ(prefixDigits(LengthKind::kLL), 2);
}

Dialect withField(FieldSpec spec) {
  Dialect dialect;
  dialect.id = "test";
  const auto n = static_cast<std::size_t>(spec.number);
  dialect.fields[n] = std::move(spec);
  return dialect;
}

TEST(Validate, RejectsInconsistentFields) {
  FieldSpec bcd_text{.number = 41,
                     .name = "t",
                     .type = FieldType::kAlphaNumeric,
                     .max_length = 8,
                     .data_encoding = DataEncoding::kBcd,
                     .subfields = {}};
  Status status = withField(bcd_text).validate();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "dialect 'test': field 41: bcd data encoding is only for n and z fields, not an");

  FieldSpec no_length{.number = 3, .name = "pc", .type = FieldType::kNumeric, .subfields = {}};
  EXPECT_NE(withField(no_length).validate().message().find("at least 1"), std::string::npos);

  FieldSpec too_long{.number = 2,
                     .name = "pan",
                     .type = FieldType::kNumeric,
                     .length_kind = LengthKind::kLL,
                     .max_length = 100,
                     .subfields = {}};
  EXPECT_NE(withField(too_long).validate().message().find("does not fit"), std::string::npos);

  FieldSpec binary_ascii{.number = 52,
                         .name = "pin",
                         .type = FieldType::kBinary,
                         .max_length = 8,
                         .data_encoding = DataEncoding::kAscii,
                         .subfields = {}};
  EXPECT_FALSE(withField(binary_ascii).validate().isOk());

  FieldSpec high{
      .number = 140, .name = "x", .type = FieldType::kNumeric, .max_length = 3, .subfields = {}};
  EXPECT_FALSE(withField(high).validate().isOk());
  Dialect tertiary = withField(high);
  tertiary.tertiary_bitmap = true;
  EXPECT_TRUE(tertiary.validate().isOk());

  FieldSpec wrong_slot{
      .number = 4, .name = "x", .type = FieldType::kNumeric, .max_length = 3, .subfields = {}};
  Dialect slot;
  slot.id = "test";
  slot.fields[5] = wrong_slot;
  EXPECT_FALSE(slot.validate().isOk());

  Dialect mac;
  mac.id = "test";
  mac.mac_field = 64;
  EXPECT_FALSE(mac.validate().isOk());

  Dialect no_id;
  EXPECT_FALSE(no_id.validate().isOk());
}

// ---- The YAML loader ----

std::string load(const std::string& yaml) {
  auto loaded = scenarios::loadDialectText(yaml, "d.yaml");
  return loaded.isOk() ? "" : loaded.errorText();
}

TEST(DialectFile, ReadsEveryKey) {
  auto loaded = scenarios::loadDialectText(R"(
id: lab
description: a test dialect
flavour: iso93
mti_encoding: ebcdic
bitmap_encoding: hex
tertiary_bitmap: true
mac_field: 128
header: {tpdu_length: 5, default_tpdu: "6000010000"}
defaults: {length_encoding: binary, numeric_encoding: bcd, text_encoding: ebcdic,
           binary_encoding: hex, length_unit: bytes}
fields:
  2: {name: PAN, type: n, length: LL, max: 19, padding: right-f, sensitive: true}
  4: {name: Amount, type: n, length: 12}
  43: {name: Name, type: ans, length: 40, padding: right-space}
  55: {name: ICC, type: b, length: LLL, max: 510, tlv: true}
  128: {name: MAC, type: b, length: 16}
  140:
    name: Private
    type: an
    length: LLLL
    max: 2000
    length_encoding: ascii
    data_encoding: ascii
    length_unit: units
    subfields:
      - {id: "140.1", name: first, offset: 0, length: 2}
)",
                                           "lab.yaml");
  ASSERT_TRUE(loaded.isOk()) << loaded.errorText();
  const Dialect& d = *loaded;
  EXPECT_EQ(d.id, "lab");
  EXPECT_EQ(d.flavour, Flavour::kIso93);
  EXPECT_EQ(d.mti_encoding, MtiEncoding::kEbcdic);
  EXPECT_EQ(d.bitmap_encoding, BitmapEncoding::kHex);
  EXPECT_TRUE(d.tertiary_bitmap);
  EXPECT_EQ(d.mac_field, 128);
  EXPECT_EQ(d.header.tpdu_length, 5u);
  EXPECT_EQ(d.header.default_tpdu_hex, "6000010000");
  EXPECT_EQ(d.field(2)->length_encoding, LengthEncoding::kBinary);
  EXPECT_EQ(d.field(2)->data_encoding, DataEncoding::kBcd);
  EXPECT_EQ(d.field(2)->length_unit, LengthUnit::kBytes);
  EXPECT_EQ(d.field(2)->padding, Padding::kRightF);
  EXPECT_TRUE(d.field(2)->sensitive);
  EXPECT_EQ(d.field(4)->length_unit, LengthUnit::kUnits);  // fixed: no prefix
  EXPECT_EQ(d.field(43)->data_encoding, DataEncoding::kEbcdic);
  EXPECT_EQ(d.field(55)->data_encoding, DataEncoding::kHex);
  EXPECT_TRUE(d.field(55)->tlv);
  EXPECT_EQ(d.field(140)->length_kind, LengthKind::kLLLL);
  EXPECT_EQ(d.field(140)->length_unit, LengthUnit::kUnits);
  ASSERT_EQ(d.field(140)->subfields.size(), 1u);
  EXPECT_EQ(d.field(140)->subfields[0].id, "140.1");
}

TEST(DialectFile, ReportsMistakesWithTheirPosition) {
  const std::string errors = load(R"(id: lab
flavor: iso87
fields:
  2: {name: PAN, type: num, length: LL, max: 19}
  3: {name: Processing code, type: n, length: 6, max: 6}
  4: {name: Amount, type: n, length: LLV}
  1: {name: Bitmap, type: b, length: 8}
  41: {name: Terminal, type: an, length: 8, data_encoding: bcd}
  55: {name: ICC, type: b, length: LLL}
  300: {name: Nope, type: n, length: 1}
)");
  EXPECT_NE(
      errors.find("d.yaml:2:1: error: unknown key 'flavor' in dialect; did you mean flavour?"),
      std::string::npos)
      << errors;
  EXPECT_NE(errors.find("d.yaml:4:24: error: unknown field type 'num'"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("d.yaml:5:55: error: max is for LL, LLL and LLLL fields"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("d.yaml:6:38: error: unknown length"), std::string::npos) << errors;
  EXPECT_NE(errors.find("d.yaml:7:3: error: field 1 is a bitmap here"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("d.yaml:8:7: error: field 41: bcd data encoding is only for n and z "
                        "fields, not an"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("d.yaml:9:7: error: missing required key 'max' in field 55"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("d.yaml:10:3: error: expected a field number from 2 to 192, got '300'"),
            std::string::npos)
      << errors;
}

TEST(DialectFile, NeedsAnIdAndFields) {
  const std::string errors = load("description: nothing\n");
  EXPECT_NE(errors.find("missing required key 'id'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("missing required key 'fields'"), std::string::npos) << errors;
  EXPECT_NE(load("id: a b\nfields: {}\n").find("a dialect id of letters"), std::string::npos);
  EXPECT_NE(load("id: x\nheader: {tpdu_length: 5, default_tpdu: \"60\"}\nfields: {}\n")
                .find("expected 5 bytes of hex"),
            std::string::npos);
  EXPECT_NE(load("id: x\nmac_field: 64\nfields: {}\n").find("mac_field 64"), std::string::npos);
}

TEST(ResolveDialect, BuiltinIdFileOrNotFound) {
  auto builtin_dialect = scenarios::resolveDialect("iso87-ascii");
  ASSERT_TRUE(builtin_dialect.isOk());
  EXPECT_EQ((*builtin_dialect)->id, "iso87-ascii");

  auto missing = scenarios::resolveDialect("iso87-ascci");
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "unknown dialect 'iso87-ascci': not a built-in dialect (cup-pos, iso87-ascii, "
            "iso87-ascii-hex, iso93-ascii) and no file of that name; did you mean iso87-ascii or "
            "iso93-ascii?");

  const std::string path = test::dataDir() + "/../../examples/dialects/cup-pos.yaml";
  auto from_file = scenarios::resolveDialect(path);
  ASSERT_TRUE(from_file.isOk()) << from_file.status().toString();
  EXPECT_EQ((*from_file)->id, "cup-pos");
  EXPECT_EQ(**from_file, *scenarios::resolveDialect("cup-pos").value());
}

}  // namespace
}  // namespace posim::iso8583
