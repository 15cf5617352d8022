#include "posim/emv/apdu_trace.h"

#include "posim/emv/apdu.h"
#include "posim/emv/describe.h"
#include "posim/emv/status_words.h"
#include "posim/emv/tlv.h"

namespace posim::emv {
namespace {

bool carriesPan(Tag tag) {
  return tag == 0x5A || tag == 0x57 || tag == 0x56 || tag == 0x9F6B;
}

// Masks, in `hex` (two characters per byte of the buffer the nodes came from), the values of
// PAN-bearing tags.
void maskNodes(const std::vector<TlvNode>& nodes, std::string& hex) {
  // Iterative walk: the tree depth is bounded by the decoder, but keep parsers recursion-free.
  std::vector<const TlvNode*> stack;
  for (const TlvNode& n : nodes) stack.push_back(&n);
  while (!stack.empty()) {
    const TlvNode* node = stack.back();
    stack.pop_back();
    for (const TlvNode& child : node->children) stack.push_back(&child);
    if (!carriesPan(node->tag)) continue;
    const std::size_t start = node->valueOffset() * 2;
    const std::size_t length = node->value.size() * 2;
    if (start + length > hex.size()) continue;
    std::string shown = displayValueHex(node->tag, node->value);
    if (shown.size() != length) shown.assign(length, '*');  // track 1 is shown as text elsewhere
    hex.replace(start, length, shown);
  }
}

}  // namespace

std::string redactedCommandHex(ByteView command) {
  std::string hex = toHex(command);
  if (command.size() > 5 && command[1] == kInsVerify) {
    const std::size_t lc = command[4];
    const std::size_t data_len = std::min(lc, command.size() - 5);
    hex.replace(10, data_len * 2, std::string(data_len * 2, '*'));
  }
  return hex;
}

std::string redactedResponseHex(ByteView response) {
  std::string hex = toHex(response);
  if (response.size() <= 2) return hex;
  const ByteView data = response.first(response.size() - 2);
  const TlvDecodeResult decoded = decodeTlv(data);
  maskNodes(decoded.nodes, hex);
  return hex;
}

std::string redactedTlvHex(ByteView data) {
  std::string hex = toHex(data);
  const TlvDecodeResult decoded = decodeTlv(data);
  maskNodes(decoded.nodes, hex);
  return hex;
}

std::string formatApduExchange(ByteView command, ByteView response, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  std::string out = pad + "> " + redactedCommandHex(command);
  if (auto parsed = CommandApdu::parse(command); parsed.isOk()) out += "  " + parsed->describe();
  out += "\n";
  if (response.empty()) return out + pad + "< (no response)\n";
  out += pad + "< " + redactedResponseHex(response);
  if (response.size() >= 2) {
    const auto sw =
        static_cast<std::uint16_t>((response[response.size() - 2] << 8) | response.back());
    out += "  " + describeStatusWord(sw);
  }
  out += "\n";
  if (response.size() > 2) {
    const TlvDescription description = describeTlv(response.first(response.size() - 2));
    const std::string tree = formatTlvDescription(description);
    std::size_t pos = 0;
    while (pos < tree.size()) {
      const std::size_t end = tree.find('\n', pos);
      out += pad + "    " + tree.substr(pos, end - pos) + "\n";
      if (end == std::string::npos) break;
      pos = end + 1;
    }
  }
  return out;
}

}  // namespace posim::emv
