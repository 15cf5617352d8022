#include "posim/emv/describe.h"

#include "posim/base/pan.h"
#include "posim/emv/status_words.h"
#include "posim/emv/value_decoders.h"

namespace posim::emv {
namespace {

constexpr std::size_t kNameColumn = 44;

bool carriesPan(Tag tag) {
  return tag == 0x5A || tag == 0x57 || tag == 0x56 || tag == 0x9F6B;
}

// Track 2 equivalent data as hex digits: PAN, separator D, then YYMM, service code and
// discretionary data. Keeps the expiry and service code, masks the PAN and the discretionary
// data (which can hold card verification values).
std::string maskTrack2Hex(const std::string& hex) {
  const auto sep = hex.find('D');
  if (sep == std::string::npos) return maskPan(hex);
  std::string out = maskPan(hex.substr(0, sep)) + "D";
  const std::string rest = hex.substr(sep + 1);
  const std::size_t keep = std::min<std::size_t>(rest.size(), 7);  // YYMM + service code
  out += rest.substr(0, keep);
  out.append(rest.size() - keep, '*');
  return out;
}

// Track 1 (ASCII "B<PAN>^NAME^YYMM<SC><discretionary>") as printable text with the PAN masked.
std::string maskTrack1(ByteView value) {
  std::string text = printableAscii(value);
  const auto caret = text.find('^');
  const std::size_t pan_start = !text.empty() && (text[0] == 'B' || text[0] == 'b') ? 1 : 0;
  const std::size_t pan_end = caret == std::string::npos ? text.size() : caret;
  if (pan_end > pan_start) {
    text.replace(pan_start, pan_end - pan_start,
                 maskPan(text.substr(pan_start, pan_end - pan_start)));
  }
  const auto second = caret == std::string::npos ? std::string::npos : text.find('^', caret + 1);
  if (second != std::string::npos && second + 8 < text.size()) {
    for (std::size_t i = second + 8; i < text.size(); ++i) text[i] = '*';
  }
  return text;
}

Scheme schemeFromData(std::span<const TlvNode> nodes) {
  for (Tag aid_tag : {Tag{0x4F}, Tag{0x84}, Tag{0x9F06}}) {
    if (const TlvNode* node = findTlv(nodes, aid_tag)) {
      const Scheme s = schemeFromAid(node->value);
      if (s != Scheme::kEmv) return s;
    }
  }
  return Scheme::kEmv;
}

// A numeric currency code (n3 in 2 bytes) carried in the data, if any.
std::optional<std::uint16_t> currencyIn(std::span<const TlvNode> nodes, Tag tag) {
  const TlvNode* node = findTlv(nodes, tag);
  if (node == nullptr || node->value.size() != 2) return std::nullopt;
  auto digits = bcdToDigits(node->value);
  if (!digits.isOk() || digits->empty()) return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(*digits));
}

void describeNodes(std::span<const TlvNode> nodes, const DecodeContext& context,
                   std::vector<DescribedTlv>& out) {
  for (const TlvNode& node : nodes) {
    DescribedTlv d;
    d.tag = node.tag;
    if (const TagInfo* info = findTag(node.tag, context.scheme)) d.name = std::string(info->name);
    d.offset = node.offset;
    d.length = node.declared_length;
    d.truncated = node.truncated();
    if (node.constructed()) {
      describeNodes(node.children, context, d.children);
    } else {
      d.value_hex = displayValueHex(node.tag, node.value);
      DecodedValue decoded = decodeValue(node.tag, node.value, context);
      d.summary = std::move(decoded.summary);
      d.details = std::move(decoded.details);
      d.warnings = std::move(decoded.warnings);
      if (d.summary == d.value_hex) d.summary.clear();
    }
    if (d.truncated) {
      d.warnings.push_back("value truncated: " + std::to_string(node.value.size()) + " of " +
                           std::to_string(node.declared_length) + " bytes present");
    }
    out.push_back(std::move(d));
  }
}

void formatItems(const std::vector<DescribedTlv>& items, int depth, std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  for (const DescribedTlv& d : items) {
    std::string head = indent + tagToHex(d.tag) + " " + (d.name.empty() ? "(unknown tag)" : d.name);
    head += " [" + std::to_string(d.length) + "]";
    if (!d.value_hex.empty() || !d.summary.empty()) {
      if (head.size() < kNameColumn) head.append(kNameColumn - head.size(), ' ');
      head += " " + d.value_hex;
      if (!d.summary.empty()) head += (d.value_hex.empty() ? "" : "  ") + d.summary;
    }
    out += head;
    out += '\n';
    const std::string sub = indent + "     ";
    for (const std::string& line : d.details) out += sub + line + "\n";
    for (const std::string& line : d.warnings) out += sub + "! " + line + "\n";
    formatItems(d.children, depth + 1, out);
  }
}

Json itemsToJson(const std::vector<DescribedTlv>& items) {
  Json array = Json::array();
  for (const DescribedTlv& d : items) {
    Json item = Json::object();
    item["tag"] = tagToHex(d.tag);
    item["name"] = d.name.empty() ? Json() : Json(d.name);
    item["offset"] = static_cast<std::uint64_t>(d.offset);
    item["length"] = static_cast<std::uint64_t>(d.length);
    if (d.children.empty() && !isConstructed(d.tag)) {
      item["value"] = d.value_hex;
      item["decoded"] = d.summary.empty() ? Json() : Json(d.summary);
      Json details = Json::array();
      for (const auto& line : d.details) details.push(line);
      item["details"] = std::move(details);
    }
    if (!d.warnings.empty()) {
      Json warnings = Json::array();
      for (const auto& line : d.warnings) warnings.push(line);
      item["warnings"] = std::move(warnings);
    }
    if (isConstructed(d.tag)) item["children"] = itemsToJson(d.children);
    array.push(std::move(item));
  }
  return array;
}

}  // namespace

std::string displayValueHex(Tag tag, ByteView value) {
  if (!carriesPan(tag)) return toHex(value);
  if (tag == 0x56) return maskTrack1(value);
  const std::string hex = toHex(value);
  if (tag == 0x5A) {
    std::string digits = hex;
    while (!digits.empty() && digits.back() == 'F') digits.pop_back();
    return maskPan(digits) + std::string(hex.size() - digits.size(), 'F');
  }
  return maskTrack2Hex(hex);
}

TlvDescription describeTlv(ByteView data, const DescribeOptions& options) {
  TlvDescription description;
  if (options.response_apdu) {
    if (data.size() < 2) {
      description.diagnostics.push_back(
          {0, TlvErrorKind::kTruncatedLength,
           "a response APDU needs at least the two status bytes, got " +
               std::to_string(data.size())});
      return description;
    }
    description.status_word =
        static_cast<std::uint16_t>((data[data.size() - 2] << 8) | data[data.size() - 1]);
    data = data.first(data.size() - 2);
  }
  TlvDecodeResult decoded = decodeTlv(data);
  description.scheme = options.scheme ? *options.scheme : schemeFromData(decoded.nodes);
  DecodeContext context;
  context.scheme = description.scheme;
  context.transaction_currency = currencyIn(decoded.nodes, 0x5F2A);
  context.application_currency = currencyIn(decoded.nodes, 0x9F42);
  describeNodes(decoded.nodes, context, description.items);
  description.diagnostics = std::move(decoded.diagnostics);
  return description;
}

std::string formatTlvDescription(const TlvDescription& description) {
  std::string out;
  formatItems(description.items, 0, out);
  if (description.status_word) {
    out += "SW " + toHex(writeBigEndian(*description.status_word, 2)) + "  " +
           describeStatusWord(*description.status_word) + "\n";
  }
  for (const TlvDiagnostic& diag : description.diagnostics) {
    // The reader's messages already start with "byte N: "; say the offset once.
    const std::string where = "byte " + std::to_string(diag.offset) + ": ";
    out += "! ";
    if (diag.message.rfind(where, 0) != 0) out += where;
    out += diag.message + "\n";
  }
  return out;
}

Json tlvDescriptionToJson(const TlvDescription& description) {
  Json doc = Json::object();
  doc["items"] = itemsToJson(description.items);
  Json diags = Json::array();
  for (const TlvDiagnostic& diag : description.diagnostics) {
    Json d = Json::object();
    d["offset"] = static_cast<std::uint64_t>(diag.offset);
    d["kind"] = tlvErrorKindName(diag.kind);
    d["message"] = diag.message;
    diags.push(std::move(d));
  }
  doc["diagnostics"] = std::move(diags);
  if (description.status_word) {
    doc["status_word"] = toHex(writeBigEndian(*description.status_word, 2));
    doc["status"] = describeStatusWord(*description.status_word);
  }
  doc["scheme"] = std::string(schemeName(description.scheme));
  doc["clean"] = description.clean();
  return doc;
}

}  // namespace posim::emv
