#include "posim/iso8583/dialect.h"

#include <cctype>
#include <utility>

#include "posim/base/bytes.h"

namespace posim::iso8583 {
namespace {

template <typename E>
struct NameRow {
  std::string_view name;
  E value;
};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The first row's name is the canonical one; later rows with the same value are aliases.
template <typename E, std::size_t N>
std::string_view nameOf(const NameRow<E> (&table)[N], E value) {
  for (const auto& row : table) {
    if (row.value == value) return row.name;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> byName(const NameRow<E> (&table)[N], std::string_view name) {
  for (const auto& row : table) {
    if (equalsIgnoreCase(row.name, name)) return row.value;
  }
  return std::nullopt;
}

constexpr NameRow<FieldType> kFieldTypes[] = {
    {"n", FieldType::kNumeric},       {"a", FieldType::kAlpha},
    {"an", FieldType::kAlphaNumeric}, {"ans", FieldType::kAlphaNumericSpecial},
    {"b", FieldType::kBinary},        {"z", FieldType::kTrack2},
    {"xn", FieldType::kXNumeric},     {"x+n", FieldType::kXNumeric},
};

constexpr NameRow<LengthKind> kLengthKinds[] = {
    {"fixed", LengthKind::kFixed},  {"LL", LengthKind::kLL},    {"LLL", LengthKind::kLLL},
    {"LLLL", LengthKind::kLLLL},    {"LLVAR", LengthKind::kLL}, {"LLLVAR", LengthKind::kLLL},
    {"LLLLVAR", LengthKind::kLLLL},
};

constexpr NameRow<LengthEncoding> kLengthEncodings[] = {
    {"ascii", LengthEncoding::kAscii},
    {"bcd", LengthEncoding::kBcd},
    {"binary", LengthEncoding::kBinary},
    {"ebcdic", LengthEncoding::kEbcdic},
};

constexpr NameRow<DataEncoding> kDataEncodings[] = {
    {"ascii", DataEncoding::kAscii}, {"ebcdic", DataEncoding::kEbcdic},
    {"bcd", DataEncoding::kBcd},     {"binary", DataEncoding::kBinary},
    {"hex", DataEncoding::kHex},
};

constexpr NameRow<Padding> kPaddings[] = {
    {"none", Padding::kNone},
    {"left-zero", Padding::kLeftZero},
    {"right-space", Padding::kRightSpace},
    {"right-f", Padding::kRightF},
    {"left-f", Padding::kLeftF},
    {"right-zero", Padding::kRightZero},
};

constexpr NameRow<LengthUnit> kLengthUnits[] = {
    {"units", LengthUnit::kUnits},
    {"bytes", LengthUnit::kBytes},
};

constexpr NameRow<MtiEncoding> kMtiEncodings[] = {
    {"ascii", MtiEncoding::kAscii},
    {"bcd", MtiEncoding::kBcd},
    {"ebcdic", MtiEncoding::kEbcdic},
};

constexpr NameRow<BitmapEncoding> kBitmapEncodings[] = {
    {"binary", BitmapEncoding::kBinary},
    {"hex", BitmapEncoding::kHex},
};

constexpr NameRow<Flavour> kFlavours[] = {
    {"iso87", Flavour::kIso87},
    {"iso93", Flavour::kIso93},
    {"cup", Flavour::kCup},
};

bool isText(FieldType type) {
  return type != FieldType::kBinary;
}

// The largest length a prefix can carry.
std::size_t prefixCapacity(LengthKind kind, LengthEncoding encoding) {
  if (kind == LengthKind::kFixed) return 0;
  if (encoding == LengthEncoding::kBinary) return kind == LengthKind::kLL ? 255 : 65535;
  switch (kind) {
    case LengthKind::kLL: return 99;
    case LengthKind::kLLL: return 999;
    default: return 9999;
  }
}

// The prefix value of a value of max_length units.
std::size_t maxPrefixValue(const FieldSpec& spec) {
  if (spec.length_unit == LengthUnit::kUnits) return spec.max_length;
  switch (spec.data_encoding) {
    case DataEncoding::kBcd: return (spec.max_length + 1) / 2;
    case DataEncoding::kHex: return spec.max_length / 2;
    default: return spec.max_length;
  }
}

std::string checkField(const Dialect& dialect, int number, const FieldSpec& spec) {
  if (spec.number != number) {
    return "declared as field " + std::to_string(spec.number) + " in the slot of field " +
           std::to_string(number);
  }
  if (number < 2 || number > 192) return "field numbers go from 2 to 192";
  if (number == 65 && dialect.tertiary_bitmap) {
    return "field 65 is the tertiary bitmap in this dialect (tertiary_bitmap: true)";
  }
  if (number == 129) return "field 129 is reserved (it would announce a fourth bitmap)";
  if (number > 128 && !dialect.tertiary_bitmap) {
    return "fields above 128 need a tertiary bitmap (tertiary_bitmap: true)";
  }
  if (spec.max_length == 0) return "the length must be at least 1";
  if (spec.max_length > 9999) return "the length must be at most 9999";
  switch (spec.data_encoding) {
    case DataEncoding::kBcd:
      if (spec.type != FieldType::kNumeric && spec.type != FieldType::kTrack2) {
        return "bcd data encoding is only for n and z fields, not " +
               std::string(fieldTypeName(spec.type));
      }
      break;
    case DataEncoding::kBinary:
    case DataEncoding::kHex:
      if (spec.type != FieldType::kBinary) {
        return std::string(dataEncodingName(spec.data_encoding)) +
               " data encoding is only for b fields, not " + std::string(fieldTypeName(spec.type));
      }
      if (spec.data_encoding == DataEncoding::kHex && spec.max_length % 2 != 0) {
        return "a b field carried as hex has an even length in hex characters";
      }
      break;
    case DataEncoding::kAscii:
    case DataEncoding::kEbcdic:
      if (!isText(spec.type)) {
        return "a b field is carried as binary or hex, not " +
               std::string(dataEncodingName(spec.data_encoding));
      }
      break;
  }
  switch (spec.padding) {
    case Padding::kNone: break;
    case Padding::kLeftZero:
      if (spec.type != FieldType::kNumeric && spec.data_encoding != DataEncoding::kBcd) {
        return "left-zero padding is for n fields and BCD data";
      }
      break;
    case Padding::kRightSpace:
      if (!isText(spec.type) || spec.data_encoding == DataEncoding::kBcd ||
          spec.type == FieldType::kNumeric) {
        return "right-space padding is for a, an, ans, z and xn text fields";
      }
      break;
    case Padding::kRightF:
    case Padding::kLeftF:
    case Padding::kRightZero:
      if (spec.data_encoding != DataEncoding::kBcd) {
        return std::string(paddingName(spec.padding)) + " padding is for BCD data";
      }
      break;
  }
  if (spec.length_kind == LengthKind::kFixed) {
    if (spec.length_unit != LengthUnit::kUnits) {
      return "length_unit applies to the length prefix; a fixed field has none";
    }
  } else {
    const std::size_t capacity = prefixCapacity(spec.length_kind, spec.length_encoding);
    if (maxPrefixValue(spec) > capacity) {
      return "the maximum length " + std::to_string(spec.max_length) + " does not fit a " +
             std::string(lengthEncodingName(spec.length_encoding)) + " " +
             std::string(lengthKindName(spec.length_kind)) + " prefix (at most " +
             std::to_string(capacity) + ")";
    }
  }
  for (const SubfieldSpec& sub : spec.subfields) {
    if (sub.id.empty()) return "a subfield has no id";
    if (sub.offset >= spec.max_length || sub.offset + sub.length > spec.max_length) {
      return "subfield " + sub.id + " (offset " + std::to_string(sub.offset) + ", length " +
             std::to_string(sub.length) + ") does not fit in " + std::to_string(spec.max_length) +
             " characters";
    }
  }
  return {};
}

std::string checkHeaderHex(std::string_view what, const std::string& hex, std::size_t length) {
  if (hex.empty()) return {};
  auto bytes = fromHex(hex);
  if (!bytes.isOk()) return std::string(what) + ": " + bytes.status().message();
  if (bytes->size() != length) {
    return std::string(what) + ": " + std::to_string(bytes->size()) + " bytes, expected " +
           std::to_string(length);
  }
  return {};
}

}  // namespace

std::string_view fieldTypeName(FieldType type) {
  return nameOf(kFieldTypes, type);
}
std::optional<FieldType> fieldTypeByName(std::string_view name) {
  return byName(kFieldTypes, name);
}
std::string_view lengthKindName(LengthKind kind) {
  return nameOf(kLengthKinds, kind);
}
std::optional<LengthKind> lengthKindByName(std::string_view name) {
  return byName(kLengthKinds, name);
}
int prefixDigits(LengthKind kind) {
  switch (kind) {
    case LengthKind::kFixed: return 0;
    case LengthKind::kLL: return 2;
    case LengthKind::kLLL: return 3;
    case LengthKind::kLLLL: return 4;
  }
  return 0;
}
std::string_view lengthEncodingName(LengthEncoding encoding) {
  return nameOf(kLengthEncodings, encoding);
}
std::optional<LengthEncoding> lengthEncodingByName(std::string_view name) {
  return byName(kLengthEncodings, name);
}
std::string_view dataEncodingName(DataEncoding encoding) {
  return nameOf(kDataEncodings, encoding);
}
std::optional<DataEncoding> dataEncodingByName(std::string_view name) {
  return byName(kDataEncodings, name);
}
std::string_view paddingName(Padding padding) {
  return nameOf(kPaddings, padding);
}
std::optional<Padding> paddingByName(std::string_view name) {
  return byName(kPaddings, name);
}
std::string_view lengthUnitName(LengthUnit unit) {
  return nameOf(kLengthUnits, unit);
}
std::optional<LengthUnit> lengthUnitByName(std::string_view name) {
  return byName(kLengthUnits, name);
}
std::string_view mtiEncodingName(MtiEncoding encoding) {
  return nameOf(kMtiEncodings, encoding);
}
std::optional<MtiEncoding> mtiEncodingByName(std::string_view name) {
  return byName(kMtiEncodings, name);
}
std::string_view bitmapEncodingName(BitmapEncoding encoding) {
  return nameOf(kBitmapEncodings, encoding);
}
std::optional<BitmapEncoding> bitmapEncodingByName(std::string_view name) {
  return byName(kBitmapEncodings, name);
}
std::string_view flavourName(Flavour flavour) {
  return nameOf(kFlavours, flavour);
}
std::optional<Flavour> flavourByName(std::string_view name) {
  return byName(kFlavours, name);
}

Status Dialect::validate() const {
  const std::string where = "dialect '" + id + "'";
  if (id.empty()) return invalidArgument("dialect without an id");
  for (int number = 0; number < 193; ++number) {
    const auto& spec = fields[static_cast<std::size_t>(number)];
    if (!spec) continue;
    if (number < 2) {
      return invalidArgument(where + ": field " + std::to_string(number) +
                             " cannot be defined (field 1 is the secondary bitmap)");
    }
    std::string problem = checkField(*this, number, *spec);
    if (!problem.empty()) {
      return invalidArgument(where + ": field " + std::to_string(number) + ": " + problem);
    }
  }
  std::string problem = checkHeaderHex("default_tpdu", header.default_tpdu_hex, header.tpdu_length);
  if (problem.empty()) {
    problem = checkHeaderHex("default_header", header.default_header_hex, header.header_length);
  }
  if (!problem.empty()) return invalidArgument(where + ": header: " + problem);
  if (mac_field != 0) {
    const FieldSpec* mac = field(mac_field);
    if (mac == nullptr || mac->type != FieldType::kBinary ||
        mac->length_kind != LengthKind::kFixed) {
      return invalidArgument(where + ": mac_field " + std::to_string(mac_field) +
                             " is not a fixed-length b field of the dialect");
    }
  }
  return Status::ok();
}

Status DialectRegistry::add(Dialect dialect) {
  POSIM_RETURN_IF_ERROR(dialect.validate());
  if (dialects_.count(dialect.id) > 0) {
    return invalidArgument("dialect '" + dialect.id + "' is already registered");
  }
  std::string id = dialect.id;
  dialects_.emplace(std::move(id), std::make_shared<const Dialect>(std::move(dialect)));
  return Status::ok();
}

std::shared_ptr<const Dialect> DialectRegistry::find(std::string_view id) const {
  const auto it = dialects_.find(id);
  return it == dialects_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Dialect>> DialectRegistry::list() const {
  std::vector<std::shared_ptr<const Dialect>> out;
  out.reserve(dialects_.size());
  for (const auto& [id, dialect] : dialects_) out.push_back(dialect);
  return out;
}

}  // namespace posim::iso8583
