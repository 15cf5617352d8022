#include "posim/scenarios/dialect_files.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <system_error>
#include <utility>

#include "posim/scenarios/schema.h"

namespace posim::scenarios {
namespace {

using iso8583::BitmapEncoding;
using iso8583::DataEncoding;
using iso8583::Dialect;
using iso8583::FieldSpec;
using iso8583::FieldType;
using iso8583::Flavour;
using iso8583::LengthEncoding;
using iso8583::LengthKind;
using iso8583::LengthUnit;
using iso8583::MtiEncoding;
using iso8583::Padding;
using iso8583::SubfieldSpec;

constexpr std::int64_t kMaxFieldLength = 9999;
constexpr std::int64_t kMaxHeaderLength = 64;

constexpr std::array<EnumName<Flavour>, 3> kFlavours = {{
    {"iso87", Flavour::kIso87},
    {"iso93", Flavour::kIso93},
    {"cup", Flavour::kCup},
}};
constexpr std::array<EnumName<MtiEncoding>, 3> kMtiEncodings = {{
    {"ascii", MtiEncoding::kAscii},
    {"bcd", MtiEncoding::kBcd},
    {"ebcdic", MtiEncoding::kEbcdic},
}};
constexpr std::array<EnumName<BitmapEncoding>, 2> kBitmapEncodings = {{
    {"binary", BitmapEncoding::kBinary},
    {"hex", BitmapEncoding::kHex},
}};
constexpr std::array<EnumName<FieldType>, 7> kFieldTypes = {{
    {"n", FieldType::kNumeric},
    {"a", FieldType::kAlpha},
    {"an", FieldType::kAlphaNumeric},
    {"ans", FieldType::kAlphaNumericSpecial},
    {"b", FieldType::kBinary},
    {"z", FieldType::kTrack2},
    {"xn", FieldType::kXNumeric},
}};
constexpr std::array<EnumName<LengthKind>, 3> kVariableLengths = {{
    {"LL", LengthKind::kLL},
    {"LLL", LengthKind::kLLL},
    {"LLLL", LengthKind::kLLLL},
}};
constexpr std::array<EnumName<LengthEncoding>, 4> kLengthEncodings = {{
    {"ascii", LengthEncoding::kAscii},
    {"bcd", LengthEncoding::kBcd},
    {"binary", LengthEncoding::kBinary},
    {"ebcdic", LengthEncoding::kEbcdic},
}};
constexpr std::array<EnumName<DataEncoding>, 5> kDataEncodings = {{
    {"ascii", DataEncoding::kAscii},
    {"ebcdic", DataEncoding::kEbcdic},
    {"bcd", DataEncoding::kBcd},
    {"binary", DataEncoding::kBinary},
    {"hex", DataEncoding::kHex},
}};
constexpr std::array<EnumName<DataEncoding>, 3> kNumericEncodings = {{
    {"ascii", DataEncoding::kAscii},
    {"bcd", DataEncoding::kBcd},
    {"ebcdic", DataEncoding::kEbcdic},
}};
constexpr std::array<EnumName<DataEncoding>, 2> kTextEncodings = {{
    {"ascii", DataEncoding::kAscii},
    {"ebcdic", DataEncoding::kEbcdic},
}};
constexpr std::array<EnumName<DataEncoding>, 2> kBinaryEncodings = {{
    {"binary", DataEncoding::kBinary},
    {"hex", DataEncoding::kHex},
}};
constexpr std::array<EnumName<Padding>, 6> kPaddings = {{
    {"none", Padding::kNone},
    {"left-zero", Padding::kLeftZero},
    {"right-space", Padding::kRightSpace},
    {"right-f", Padding::kRightF},
    {"left-f", Padding::kLeftF},
    {"right-zero", Padding::kRightZero},
}};
constexpr std::array<EnumName<LengthUnit>, 2> kLengthUnits = {{
    {"units", LengthUnit::kUnits},
    {"bytes", LengthUnit::kBytes},
}};

// What fields get when they do not say (the `defaults:` block).
struct FieldDefaults {
  LengthEncoding length_encoding = LengthEncoding::kAscii;
  DataEncoding numeric_encoding = DataEncoding::kAscii;
  DataEncoding text_encoding = DataEncoding::kAscii;
  DataEncoding binary_encoding = DataEncoding::kBinary;
  LengthUnit length_unit = LengthUnit::kUnits;

  DataEncoding dataEncodingFor(FieldType type) const {
    switch (type) {
      case FieldType::kNumeric:
      case FieldType::kTrack2: return numeric_encoding;
      case FieldType::kBinary: return binary_encoding;
      default: return text_encoding;
    }
  }
};

template <typename T, typename U>
void assign(std::optional<U> value, T& target) {
  if (value.has_value()) target = static_cast<T>(std::move(*value));
}

// Dialect ids are names on a command line and in URLs: letters, digits, '-', '_', '.'.
bool isValidId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

FieldDefaults readDefaults(const Node* node, Diagnostics& diagnostics) {
  FieldDefaults defaults;
  if (node == nullptr) return defaults;
  MappingReader m(*node, diagnostics, "defaults");
  assign(readEnum<LengthEncoding>(m.optional("length_encoding"), diagnostics, kLengthEncodings,
                                  "length encoding"),
         defaults.length_encoding);
  assign(readEnum<DataEncoding>(m.optional("numeric_encoding"), diagnostics, kNumericEncodings,
                                "numeric encoding"),
         defaults.numeric_encoding);
  assign(readEnum<DataEncoding>(m.optional("text_encoding"), diagnostics, kTextEncodings,
                                "text encoding"),
         defaults.text_encoding);
  assign(readEnum<DataEncoding>(m.optional("binary_encoding"), diagnostics, kBinaryEncodings,
                                "binary encoding"),
         defaults.binary_encoding);
  assign(readEnum<LengthUnit>(m.optional("length_unit"), diagnostics, kLengthUnits, "length unit"),
         defaults.length_unit);
  m.finish();
  return defaults;
}

void readHeader(const Node* node, Diagnostics& diagnostics, iso8583::HeaderSpec& header) {
  if (node == nullptr) return;
  MappingReader m(*node, diagnostics, "header");
  if (auto n = readInteger(m.optional("tpdu_length"), diagnostics, 0, kMaxHeaderLength)) {
    header.tpdu_length = static_cast<std::size_t>(*n);
  }
  if (auto n = readInteger(m.optional("header_length"), diagnostics, 0, kMaxHeaderLength)) {
    header.header_length = static_cast<std::size_t>(*n);
  }
  if (auto tpdu = readHexExact(m.optional("default_tpdu"), diagnostics, header.tpdu_length)) {
    header.default_tpdu_hex = toHex(*tpdu);
  }
  if (auto bytes = readHexExact(m.optional("default_header"), diagnostics, header.header_length)) {
    header.default_header_hex = toHex(*bytes);
  }
  m.finish();
}

std::optional<SubfieldSpec> readSubfield(const Node& node, Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "a subfield");
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  SubfieldSpec sub{};
  assign(readNonEmptyString(m.required("id"), diagnostics), sub.id);
  assign(readString(m.optional("name"), diagnostics), sub.name);
  assign(readInteger(m.required("offset"), diagnostics, 0, kMaxFieldLength - 1), sub.offset);
  assign(readInteger(m.optional("length"), diagnostics, 0, kMaxFieldLength), sub.length);
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return sub;
}

// `length:` of a field: a fixed length (an integer) or LL, LLL, LLLL.
std::optional<LengthKind> readLengthKind(const Node* node, Diagnostics& diagnostics,
                                         std::size_t& fixed_length) {
  if (node == nullptr) return std::nullopt;
  if (node->isScalar() && isDigits(node->scalar())) {
    auto length = readInteger(node, diagnostics, 1, kMaxFieldLength);
    if (!length.has_value()) return std::nullopt;
    fixed_length = static_cast<std::size_t>(*length);
    return LengthKind::kFixed;
  }
  return readEnum<LengthKind>(node, diagnostics, kVariableLengths,
                              "length (a fixed length such as 12, or LL, LLL, LLLL)");
}

std::optional<FieldSpec> readField(int number, const Node& node, const FieldDefaults& defaults,
                                   const Dialect& dialect, Diagnostics& diagnostics) {
  const std::string context = "field " + std::to_string(number);
  MappingReader m(node, diagnostics, context);
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  FieldSpec spec;
  spec.number = number;
  assign(readNonEmptyString(m.required("name"), diagnostics), spec.name);
  const auto type = readEnum<FieldType>(m.required("type"), diagnostics, kFieldTypes, "field type");
  if (type.has_value()) spec.type = *type;
  std::size_t fixed_length = 0;
  const auto kind = readLengthKind(m.required("length"), diagnostics, fixed_length);
  const Node* max_node = m.optional("max");
  if (kind.has_value()) {
    spec.length_kind = *kind;
    if (*kind == LengthKind::kFixed) {
      spec.max_length = fixed_length;
      if (max_node != nullptr) {
        diagnostics.error(max_node->position(),
                          "max is for LL, LLL and LLLL fields; the length of a fixed field is "
                          "its `length`");
      }
    } else if (max_node == nullptr) {
      diagnostics.error(node.position(), "missing required key 'max' in " + context + " (a " +
                                             std::string(iso8583::lengthKindName(*kind)) +
                                             " field needs its maximum length)");
    } else {
      assign(readInteger(max_node, diagnostics, 1, kMaxFieldLength), spec.max_length);
    }
  }
  spec.length_encoding = defaults.length_encoding;
  assign(readEnum<LengthEncoding>(m.optional("length_encoding"), diagnostics, kLengthEncodings,
                                  "length encoding"),
         spec.length_encoding);
  spec.data_encoding = defaults.dataEncodingFor(spec.type);
  assign(readEnum<DataEncoding>(m.optional("data_encoding"), diagnostics, kDataEncodings,
                                "data encoding"),
         spec.data_encoding);
  assign(readEnum<Padding>(m.optional("padding"), diagnostics, kPaddings, "padding"), spec.padding);
  spec.length_unit =
      spec.length_kind == LengthKind::kFixed ? LengthUnit::kUnits : defaults.length_unit;
  assign(readEnum<LengthUnit>(m.optional("length_unit"), diagnostics, kLengthUnits, "length unit"),
         spec.length_unit);
  assign(readBool(m.optional("tlv"), diagnostics), spec.tlv);
  assign(readBool(m.optional("sensitive"), diagnostics), spec.sensitive);
  if (const Node* subfields = m.optional("subfields")) {
    assign(readList<SubfieldSpec>(subfields, diagnostics, readSubfield), spec.subfields);
  }
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;

  // The codec's own consistency rules, reported at the field.
  Dialect probe;
  probe.id = dialect.id.empty() ? "?" : dialect.id;
  probe.tertiary_bitmap = dialect.tertiary_bitmap;
  probe.fields[static_cast<std::size_t>(number)] = spec;
  const Status status = probe.validate();
  if (!status.isOk()) {
    std::string message = status.message();
    const std::string prefix = "dialect '" + probe.id + "': ";
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    diagnostics.error(node.position(), message);
    return std::nullopt;
  }
  return spec;
}

void readFields(const Node* node, const FieldDefaults& defaults, Dialect& dialect,
                Diagnostics& diagnostics) {
  if (node == nullptr) return;
  if (!node->isMapping()) {
    reportExpected(*node, diagnostics,
                   "a mapping of field numbers to fields (2: {name: ..., type: n, length: LL, "
                   "max: 19})");
    return;
  }
  for (const MappingEntry& entry : node->entries()) {
    const Node& key = entry.key;
    if (!isDigits(key.scalar()) || key.scalar().size() > 3) {
      diagnostics.error(key.position(),
                        "expected a field number from 2 to 192, got " + key.describe());
      continue;
    }
    const int number = std::stoi(key.scalar());
    if (number == 1 || (number == 65 && dialect.tertiary_bitmap) || number == 129) {
      diagnostics.error(key.position(),
                        "field " + std::to_string(number) +
                            " is a bitmap here: the codec writes it from the fields present");
      continue;
    }
    if (number < 2 || number > 192) {
      diagnostics.error(key.position(),
                        "expected a field number from 2 to 192, got " + key.describe());
      continue;
    }
    if (auto spec = readField(number, entry.value, defaults, dialect, diagnostics)) {
      dialect.fields[static_cast<std::size_t>(number)] = std::move(*spec);
    }
  }
}

[[noreturn]] void brokenBuiltin(const BuiltinDialectFile& file, const std::string& errors) {
  // A built-in dialect that does not load is a bug of the build (tests catch it first).
  (void)file;
  (void)errors;
  std::abort();
}

}  // namespace

std::optional<Dialect> readDialect(const Node& node, Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "dialect");
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  Dialect dialect;
  const Node* id_node = m.required("id");
  if (auto id = readNonEmptyString(id_node, diagnostics)) {
    if (isValidId(*id)) {
      dialect.id = std::move(*id);
    } else {
      reportExpected(*id_node, diagnostics,
                     "a dialect id of letters, digits, '-', '_' and '.' (like iso87-ascii)");
    }
  }
  assign(readString(m.optional("description"), diagnostics), dialect.description);
  assign(readEnum<Flavour>(m.optional("flavour"), diagnostics, kFlavours, "flavour"),
         dialect.flavour);
  assign(
      readEnum<MtiEncoding>(m.optional("mti_encoding"), diagnostics, kMtiEncodings, "MTI encoding"),
      dialect.mti_encoding);
  assign(readEnum<BitmapEncoding>(m.optional("bitmap_encoding"), diagnostics, kBitmapEncodings,
                                  "bitmap encoding"),
         dialect.bitmap_encoding);
  assign(readBool(m.optional("tertiary_bitmap"), diagnostics), dialect.tertiary_bitmap);
  const Node* mac_node = m.optional("mac_field");
  assign(readInteger(mac_node, diagnostics, 0, 192), dialect.mac_field);
  readHeader(m.optional("header"), diagnostics, dialect.header);
  const FieldDefaults defaults = readDefaults(m.optional("defaults"), diagnostics);
  readFields(m.required("fields"), defaults, dialect, diagnostics);
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  const Status status = dialect.validate();
  if (!status.isOk()) {
    diagnostics.error(mac_node != nullptr ? mac_node->position() : node.position(),
                      status.message());
    return std::nullopt;
  }
  return dialect;
}

LoadResult<Dialect> loadDialect(const std::filesystem::path& path) {
  Diagnostics diagnostics;
  std::optional<Dialect> value;
  if (auto document = readYamlFile(path, diagnostics)) {
    if (!diagnostics.hasErrors()) value = readDialect(document->root(), diagnostics);
  }
  return LoadResult<Dialect>::from(std::move(value), std::move(diagnostics));
}

LoadResult<Dialect> loadDialectText(std::string_view text, std::string display_name) {
  Diagnostics diagnostics;
  std::optional<Dialect> value;
  if (auto document = parseYaml(text, std::move(display_name), diagnostics)) {
    if (!diagnostics.hasErrors()) value = readDialect(document->root(), diagnostics);
  }
  return LoadResult<Dialect>::from(std::move(value), std::move(diagnostics));
}

const std::vector<std::shared_ptr<const Dialect>>& builtinDialects() {
  static const std::vector<std::shared_ptr<const Dialect>> dialects = [] {
    std::vector<std::shared_ptr<const Dialect>> out;
    for (const BuiltinDialectFile& file : builtinDialectFiles()) {
      auto loaded = loadDialectText(file.text, "(built-in) " + std::string(file.file));
      if (!loaded.isOk()) brokenBuiltin(file, loaded.errorText());
      out.push_back(std::make_shared<const Dialect>(std::move(loaded).value()));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    return out;
  }();
  return dialects;
}

std::vector<std::string> builtinDialectIds() {
  std::vector<std::string> ids;
  for (const auto& dialect : builtinDialects()) ids.push_back(dialect->id);
  return ids;
}

Status addBuiltinDialects(iso8583::DialectRegistry& registry) {
  for (const auto& dialect : builtinDialects()) {
    POSIM_RETURN_IF_ERROR(registry.add(*dialect));
  }
  return Status::ok();
}

Result<std::shared_ptr<const Dialect>> resolveDialect(std::string_view name_or_file) {
  for (const auto& dialect : builtinDialects()) {
    if (dialect->id == name_or_file) return dialect;
  }
  const std::filesystem::path path{std::string(name_or_file)};
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    std::string ids;
    for (const std::string& id : builtinDialectIds()) ids += (ids.empty() ? "" : ", ") + id;
    std::vector<std::string> owned = builtinDialectIds();
    std::vector<std::string_view> names(owned.begin(), owned.end());
    return notFound("unknown dialect '" + std::string(name_or_file) +
                    "': not a built-in dialect (" + ids + ") and no file of that name" +
                    didYouMean(name_or_file, names));
  }
  auto loaded = loadDialect(path);
  if (!loaded.isOk()) {
    std::string text = loaded.errorText();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return malformed(text);
  }
  return std::make_shared<const Dialect>(std::move(loaded).value());
}

std::optional<Dialect> resolveDialect(const Node& reference, Resolver& resolver,
                                      Diagnostics& diagnostics) {
  if (reference.isScalar()) {
    for (const auto& dialect : builtinDialects()) {
      if (dialect->id == reference.scalar()) return *dialect;
    }
  }
  auto resolved = resolver.resolve(reference, kDialectReference, diagnostics);
  if (!resolved.has_value()) return std::nullopt;
  return readDialect(resolved->node(), diagnostics);
}

}  // namespace posim::scenarios
