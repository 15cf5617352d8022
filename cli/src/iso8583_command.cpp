// posim iso8583 decode --dialect NAME|FILE [--framing F] [--json] HEX|-
// posim iso8583 encode --dialect NAME|FILE [--framing F] [JSON|-]
// posim dialects [--json]
#include <algorithm>
#include <array>
#include <istream>
#include <ostream>
#include <span>
#include <sstream>

#include "posim/base/json.h"
#include "posim/emv/describe.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/describe.h"
#include "posim/iso8583/framing.h"
#include "posim/scenarios/dialect_files.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"

namespace posim::cli {
namespace {

using iso8583::Dialect;
using iso8583::FieldSpec;
using iso8583::FieldType;

constexpr std::size_t kNameWidth = 38;

void addCommonOptions(po::options_description& options) {
  options.add_options()("dialect", po::value<std::string>(),
                        "built-in dialect id (see posim dialects) or a dialect YAML file")(
      "framing", po::value<std::string>()->default_value("none"),
      "length prefix around the message: binary2, ascii4, bcd2 or none");
}

// The dialect and framing options; an exit code when they are unusable.
struct Common {
  std::shared_ptr<const Dialect> dialect;
  iso8583::Framing framing = iso8583::Framing::kNone;
};

std::optional<int> readCommon(const ParsedOptions& parsed, const Command& self, Io& io,
                              Common& common, const std::string& fallback_dialect = "") {
  std::string name = fallback_dialect;
  if (parsed.values.count("dialect") > 0) name = parsed.values["dialect"].as<std::string>();
  if (name.empty()) {
    return usageError(
        io, self, "--dialect is required (one of " + [] {
          std::string ids;
          for (const std::string& id : scenarios::builtinDialectIds()) {
            ids += (ids.empty() ? "" : ", ") + id;
          }
          return ids;
        }() + ", or a dialect file)");
  }
  auto dialect = scenarios::resolveDialect(name);
  if (!dialect.isOk()) {
    if (dialect.status().code() == StatusCode::kNotFound) {
      return usageError(io, self, "--dialect: " + dialect.status().message());
    }
    if (dialect.status().code() == StatusCode::kMalformed) {
      // The file's diagnostics, one file:line:column line each, as `posim validate` prints them.
      io.err << dialect.status().message() << "\nposim: --dialect: invalid dialect file\n";
      return kExitInvalidInput;
    }
    return reportError(io, dialect.status());
  }
  common.dialect = *dialect;
  const std::string framing = parsed.values["framing"].as<std::string>();
  const auto parsed_framing = iso8583::framingByName(framing);
  if (!parsed_framing.has_value()) {
    return usageError(io, self,
                      "--framing: '" + framing + "' is not one of binary2, ascii4, bcd2, none");
  }
  common.framing = *parsed_framing;
  return std::nullopt;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

// The lines of a DE 55 TLV tree, indented under the field.
void printTlv(std::ostream& out, ByteView value) {
  const emv::TlvDescription tree = emv::describeTlv(value);
  std::istringstream lines(emv::formatTlvDescription(tree));
  for (std::string line; std::getline(lines, line);) {
    out << std::string(10, ' ') << line << "\n";
  }
}

void printText(std::ostream& out, const Dialect& dialect, const iso8583::Unpacked& unpacked,
               ByteView message) {
  const iso8583::Message& m = unpacked.message;
  out << padded("dialect", 10) << dialect.id << "\n";
  for (const iso8583::FieldLayout& element : unpacked.layout) {
    const ByteView bytes = message.subspan(element.offset, element.prefix_size + element.size);
    switch (element.field) {
      case iso8583::kTpduLayout: out << padded("TPDU", 10) << toHex(bytes) << "\n"; continue;
      case iso8583::kHeaderLayout: out << padded("header", 10) << toHex(bytes) << "\n"; continue;
      case 0: {
        const std::string meaning = iso8583::mtiDescription(m.mti());
        out << padded("MTI", 10) << m.mti() << (meaning.empty() ? "" : "  " + meaning) << "\n";
        continue;
      }
      case 1: {
        const std::size_t half = bytes.size() / 2;
        const bool two = half > 0 && (dialect.bitmap_encoding == iso8583::BitmapEncoding::kBinary
                                          ? bytes.size() == 16
                                          : bytes.size() == 32);
        if (dialect.bitmap_encoding == iso8583::BitmapEncoding::kBinary) {
          out << padded("bitmap", 10) << toHex(two ? bytes.first(half) : bytes) << "\n";
          if (two) out << padded("bitmap 2", 10) << toHex(bytes.subspan(half)) << "\n";
        } else {
          out << padded("bitmap", 10) << asString(two ? bytes.first(half) : bytes) << "\n";
          if (two) out << padded("bitmap 2", 10) << asString(bytes.subspan(half)) << "\n";
        }
        continue;
      }
      default: break;
    }
    if (element.field == 65 && dialect.tertiary_bitmap) {
      out << padded("bitmap 3", 10)
          << (dialect.bitmap_encoding == iso8583::BitmapEncoding::kBinary ? toHex(bytes)
                                                                          : asString(bytes))
          << "\n";
      continue;
    }
    const int field = element.field;
    const FieldSpec* spec = dialect.field(field);
    if (spec == nullptr) continue;
    const std::string_view value = m.get(field);
    std::string number = std::to_string(field);
    out << std::string(5 - std::min<std::size_t>(number.size(), 4), ' ') << number << "  "
        << padded(spec->name, kNameWidth) << " " << iso8583::displayValue(*spec, value);
    const std::string meaning = iso8583::fieldDescription(dialect, m, field);
    if (!meaning.empty()) out << "  (" << meaning << ")";
    if (spec->type == FieldType::kBinary && !iso8583::isHidden(*spec)) {
      out << "  [" << value.size() << (value.size() == 1 ? " byte]" : " bytes]");
    }
    out << "\n";
    for (const iso8583::SubfieldValue& sub : iso8583::subfieldValues(*spec, value)) {
      out << std::string(10, ' ') << padded(sub.spec->id, 8) << padded(sub.spec->name, 36) << " "
          << sub.value << "\n";
    }
    if (spec->tlv && !spec->sensitive && !value.empty()) printTlv(out, m.bytes(field));
  }
  for (const iso8583::Diagnostic& d : unpacked.diagnostics) out << "! " << d.message << "\n";
}

Json toJson(const Dialect& dialect, const iso8583::Unpacked& unpacked) {
  const iso8583::Message& m = unpacked.message;
  Json doc = Json::object();
  doc["dialect"] = dialect.id;
  if (!m.tpdu().empty()) doc["tpdu"] = toHex(m.tpdu());
  if (!m.header().empty()) doc["header"] = toHex(m.header());
  doc["mti"] = m.mti();
  Json fields = Json::object();
  for (const auto& [field, value] : m.fields()) {
    const FieldSpec* spec = dialect.field(field);
    if (spec == nullptr) continue;
    fields[std::to_string(field)] = iso8583::displayValue(*spec, value);
  }
  doc["fields"] = std::move(fields);
  Json diagnostics = Json::array();
  for (const iso8583::Diagnostic& d : unpacked.diagnostics) {
    Json item = Json::object();
    item["field"] = d.field;
    item["offset"] = static_cast<std::int64_t>(d.offset);
    item["message"] = d.message;
    diagnostics.push(std::move(item));
  }
  doc["diagnostics"] = std::move(diagnostics);
  return doc;
}

// The offset of the first byte that makes `text` invalid UTF-8 (JSON text is UTF-8, RFC 8259),
// or npos. Structure only: lead and continuation bytes, no overlong or surrogate checks.
std::size_t firstInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = c < 0x80             ? 1
                               : (c & 0xE0) == 0xC0 ? 2
                               : (c & 0xF0) == 0xE0 ? 3
                               : (c & 0xF8) == 0xF0 ? 4
                                                    : 0;
    if (length == 0 || i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// A key given twice in a JSON object (the parser keeps both; posim would silently use the first).
Status checkKeys(const Json& object, std::string_view where,
                 std::span<const std::string_view> known = {}) {
  const Json::Object& members = object.asObject();
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string& key = members[i].first;
    for (std::size_t k = 0; k < i; ++k) {
      if (members[k].first == key) {
        return malformed(std::string(where) + "duplicate key \"" + key + "\"");
      }
    }
    if (!known.empty() && std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (std::string_view name : known) list += (list.empty() ? "" : ", ") + std::string(name);
      return malformed(std::string(where) + "unknown key \"" + key + "\" (known keys: " + list +
                       ")");
    }
  }
  return Status();
}

// A message from the JSON shape decode --json prints: {"mti", "fields": {"3": "000000", ...},
// "tpdu", "header"}; b fields as hex.
Result<iso8583::Message> messageFromJson(const Dialect& dialect, const Json& doc) {
  if (!doc.isObject()) return malformed("expected a JSON object with \"mti\" and \"fields\"");
  // What decode --json prints is accepted back ("dialect", "diagnostics" are not read).
  constexpr std::array<std::string_view, 6> kKnown = {"dialect", "diagnostics", "fields",
                                                      "header",  "mti",         "tpdu"};
  if (Status keys = checkKeys(doc, "", kKnown); !keys.isOk()) return keys;
  const Json* mti = doc.find("mti");
  if (mti == nullptr || !mti->isString()) return malformed("\"mti\": expected a string (\"0200\")");
  iso8583::Message message(mti->asString());
  for (const char* key : {"tpdu", "header"}) {
    const Json* hex = doc.find(key);
    if (hex == nullptr) continue;
    if (!hex->isString()) return malformed(std::string("\"") + key + "\": expected hex text");
    auto bytes = fromHex(hex->asString());
    if (!bytes.isOk())
      return malformed(std::string("\"") + key + "\": " + bytes.status().message());
    if (std::string_view(key) == "tpdu") {
      message.setTpdu(std::move(*bytes));
    } else {
      message.setHeader(std::move(*bytes));
    }
  }
  const Json* fields = doc.find("fields");
  if (fields == nullptr || !fields->isObject()) {
    return malformed("\"fields\": expected an object of field numbers to values");
  }
  if (Status keys = checkKeys(*fields, "\"fields\": "); !keys.isOk()) return keys;
  for (const auto& [key, value] : fields->asObject()) {
    const bool number = !key.empty() && key.size() <= 3 && isDigits(key);
    const int field = number ? std::stoi(key) : 0;
    if (field < 2 || field > 192) {
      return malformed("\"fields\": '" + key + "' is not a field number from 2 to 192");
    }
    if (!value.isString()) {
      return malformed("field " + key +
                       ": expected a string (numbers keep their leading zeros "
                       "only as text)");
    }
    const FieldSpec* spec = dialect.field(field);
    if (spec != nullptr && spec->type == FieldType::kBinary) {
      auto bytes = fromHex(value.asString());
      if (!bytes.isOk()) return malformed("field " + key + ": " + bytes.status().message());
      message.setBytes(field, *bytes);
    } else {
      message.set(field, value.asString());
    }
  }
  return message;
}

}  // namespace

int runIso8583Decode(const Args& args, Io& io) {
  const Command& self = *findCommand("iso8583 decode");
  po::options_description options("Options");
  addCommonOptions(options);
  options.add_options()("json", "print {dialect, mti, fields, diagnostics} as JSON");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kSome, early_exit);
  if (!parsed) return early_exit;
  if (parsed->positional.size() != 1) {
    return usageError(io, self, "expected one HEX argument (or - to read standard input)");
  }
  Common common;
  if (auto exit = readCommon(*parsed, self, io, common)) return *exit;
  const auto text = argumentOrStdin(parsed->positional[0], io);
  if (!text.isOk()) return reportError(io, text.status());
  auto data = fromHex(*text);
  if (!data.isOk()) {
    io.err << "posim: " << data.status().message() << "\n";
    return kExitInvalidInput;
  }
  if (data->empty()) {
    io.err << "posim: no data to decode\n";
    return kExitInvalidInput;
  }
  ByteView message(*data);
  std::vector<iso8583::Diagnostic> frame_problems;
  if (common.framing != iso8583::Framing::kNone) {
    const std::size_t prefix = iso8583::framingPrefixSize(common.framing);
    auto length = iso8583::readFramePrefix(common.framing, message);
    if (!length.isOk() || !length->has_value()) {
      io.err << "posim: "
             << (length.isOk()
                     ? "the data is shorter than its " +
                           std::string(iso8583::framingName(common.framing)) + " frame prefix"
                     : length.status().message())
             << "\n";
      return kExitInvalidInput;
    }
    const std::size_t declared = **length;
    const std::size_t follows = message.size() - prefix;
    message = message.subspan(prefix);
    if (declared != follows) {
      frame_problems.push_back({0, 0,
                                "frame at byte 0: the " +
                                    std::string(iso8583::framingName(common.framing)) +
                                    " prefix says " + std::to_string(declared) + " bytes, " +
                                    std::to_string(follows) + " follow"});
      if (declared < follows) message = message.first(declared);
    }
  }
  iso8583::Unpacked unpacked = iso8583::unpack(*common.dialect, message);
  unpacked.diagnostics.insert(unpacked.diagnostics.begin(), frame_problems.begin(),
                              frame_problems.end());
  if (parsed->values.count("json") > 0) {
    io.out << toJson(*common.dialect, unpacked).dump(2) << "\n";
  } else {
    printText(io.out, *common.dialect, unpacked, message);
  }
  if (!unpacked.ok()) {
    io.err << "posim: malformed ISO 8583 message: " << unpacked.diagnostics.size()
           << (unpacked.diagnostics.size() == 1 ? " problem" : " problems") << " ("
           << unpacked.diagnostics.front().message << ")\n";
    return kExitInvalidInput;
  }
  return kExitOk;
}

int runIso8583Encode(const Args& args, Io& io) {
  const Command& self = *findCommand("iso8583 encode");
  po::options_description options("Options");
  addCommonOptions(options);
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kSome, early_exit);
  if (!parsed) return early_exit;
  if (parsed->positional.size() > 1) {
    return usageError(io, self,
                      "expected one JSON argument (or - or nothing to read standard input)");
  }
  const auto text = argumentOrStdin(parsed->positional.empty() ? "-" : parsed->positional[0], io);
  if (!text.isOk()) return reportError(io, text.status());
  if (const auto bad = firstInvalidUtf8(*text); bad != std::string_view::npos) {
    io.err << "posim: JSON: invalid UTF-8 at byte offset " << bad << "\n";
    return kExitInvalidInput;
  }
  auto doc = Json::parse(*text);
  if (!doc.isOk()) {
    io.err << "posim: " << doc.status().message() << "\n";
    return kExitInvalidInput;
  }
  std::string fallback;
  if (const Json* named = doc->find("dialect"); named != nullptr && named->isString()) {
    fallback = named->asString();
  }
  Common common;
  if (auto exit = readCommon(*parsed, self, io, common, fallback)) return *exit;
  auto message = messageFromJson(*common.dialect, *doc);
  if (!message.isOk()) return reportError(io, message.status());
  Bytes out;
  if (common.framing != iso8583::Framing::kNone) {
    // Room for the prefix, written once the length is known.
    out.resize(iso8583::framingPrefixSize(common.framing));
  }
  const Status status = iso8583::pack(*common.dialect, *message, out);
  if (!status.isOk()) {
    io.err << "posim: " << status.message() << "\n";
    return kExitInvalidInput;
  }
  if (common.framing != iso8583::Framing::kNone) {
    const std::size_t prefix = iso8583::framingPrefixSize(common.framing);
    Bytes header;
    const Status framed = iso8583::appendFramePrefix(common.framing, out.size() - prefix, header);
    if (!framed.isOk()) return reportError(io, framed);
    std::copy(header.begin(), header.end(), out.begin());
  }
  io.out << toHex(out) << "\n";
  return kExitOk;
}

int runDialects(const Args& args, Io& io) {
  const Command& self = *findCommand("dialects");
  po::options_description options("Options");
  options.add_options()("json", "print [{id, flavour, description}] as JSON");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kNone, early_exit);
  if (!parsed) return early_exit;
  const auto& dialects = scenarios::builtinDialects();
  if (parsed->values.count("json") > 0) {
    Json doc = Json::array();
    for (const auto& d : dialects) {
      Json item = Json::object();
      item["id"] = d->id;
      item["flavour"] = iso8583::flavourName(d->flavour);
      item["description"] = d->description;
      doc.push(std::move(item));
    }
    io.out << doc.dump(2) << "\n";
    return kExitOk;
  }
  std::size_t width = 0;
  for (const auto& d : dialects) width = std::max(width, d->id.size());
  for (const auto& d : dialects) {
    io.out << padded(d->id, width + 2) << padded(std::string(iso8583::flavourName(d->flavour)), 7)
           << d->description << "\n";
  }
  return kExitOk;
}

}  // namespace posim::cli
