// BER-TLV (EMV Book 3 Annex B): the tree decoder, the forward reader, the look-ups and the
// describer (`posim emv decode`, traces) over arbitrary bytes. Checks what tlv.h promises:
// nothing outside the input is read, the reader and the tree agree on the top level, and a clean
// decode re-encodes to a canonical form that decodes to the same tree.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "posim/emv/describe.h"
#include "posim/emv/tlv.h"

#include "fuzz_support.h"

namespace {

using posim::ByteView;
using posim::emv::TlvNode;

// Every node lies inside `data`, its header before its value, its children inside its value.
void checkNodes(std::span<const TlvNode> nodes, ByteView data, std::size_t depth,
                std::size_t max_depth) {
  POSIM_FUZZ_CHECK(depth <= max_depth);
  for (const TlvNode& node : nodes) {
    POSIM_FUZZ_CHECK(posim::emv::isValidTag(node.tag));
    POSIM_FUZZ_CHECK(node.valueOffset() + node.value.size() <= data.size());
    POSIM_FUZZ_CHECK(node.value.empty() || node.value.data() == data.data() + node.valueOffset());
    POSIM_FUZZ_CHECK(node.declared_length >= node.value.size());
    if (!node.constructed()) POSIM_FUZZ_CHECK(node.children.empty());
    for (const TlvNode& child : node.children) {
      POSIM_FUZZ_CHECK(child.offset >= node.valueOffset());
      POSIM_FUZZ_CHECK(child.valueOffset() + child.value.size() <=
                       node.valueOffset() + node.value.size());
    }
    checkNodes(node.children, data, depth + 1, max_depth);
  }
}

// Structural equality of two trees (values compared byte for byte).
bool sameTree(std::span<const TlvNode> a, std::span<const TlvNode> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].tag != b[i].tag) return false;
    if (!a[i].children.empty() || !b[i].children.empty()) {
      if (!sameTree(a[i].children, b[i].children)) return false;
    } else if (!std::equal(a[i].value.begin(), a[i].value.end(), b[i].value.begin(),
                           b[i].value.end())) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const ByteView data(bytes, size);

  const posim::emv::TlvDecodeResult tree = posim::emv::decodeTlv(data);
  checkNodes(tree.nodes, data, 0, posim::emv::kTlvDefaultMaxDepth);
  for (const auto& d : tree.diagnostics) {
    POSIM_FUZZ_CHECK(d.offset <= size);
    POSIM_FUZZ_CHECK(!d.message.empty());
  }
  (void)tree.status();

  // The reader walks the same top level as the tree.
  posim::emv::TlvReader reader(data);
  std::size_t items = 0;
  for (const posim::emv::TlvItem& item : reader) {
    POSIM_FUZZ_CHECK(items < tree.nodes.size());
    POSIM_FUZZ_CHECK(item.tag == tree.nodes[items].tag);
    POSIM_FUZZ_CHECK(item.offset == tree.nodes[items].offset);
    POSIM_FUZZ_CHECK(item.value.size() == tree.nodes[items].value.size());
    ++items;
  }
  POSIM_FUZZ_CHECK(items == tree.nodes.size());
  POSIM_FUZZ_CHECK(reader.position() <= size);
  if (reader.error()) (void)posim::emv::toDiagnostic(*reader.error());

  // Look-ups over the (possibly partial) tree.
  const auto primitives = posim::emv::collectPrimitives(tree.nodes);
  std::vector<posim::emv::TlvField> duplicates;
  const auto by_tag = posim::emv::collectPrimitiveMap(tree.nodes, &duplicates);
  POSIM_FUZZ_CHECK(by_tag.size() + duplicates.size() == primitives.size());
  for (const auto& field : primitives) {
    POSIM_FUZZ_CHECK(posim::emv::findTlv(tree.nodes, field.tag) != nullptr);
  }

  // A clean decode re-encodes canonically, and the canonical form is a fixed point.
  if (tree.ok()) {
    const posim::Bytes canonical = posim::emv::encodeTlvTree(tree.nodes);
    POSIM_FUZZ_CHECK(canonical.size() <= size);
    const posim::emv::TlvDecodeResult again = posim::emv::decodeTlv(canonical);
    POSIM_FUZZ_CHECK(again.ok());
    POSIM_FUZZ_CHECK(sameTree(tree.nodes, again.nodes));
    POSIM_FUZZ_CHECK(posim::emv::encodeTlvTree(again.nodes) == canonical);
  }

  // Shallow, single-object decoding: the depth bound holds.
  posim::emv::TlvDecodeOptions shallow;
  shallow.max_depth = size == 0 ? 1 : 1 + bytes[0] % 4;
  shallow.single_object = true;
  const posim::emv::TlvDecodeResult bounded = posim::emv::decodeTlv(data, shallow);
  checkNodes(bounded.nodes, data, 0, shallow.max_depth);
  POSIM_FUZZ_CHECK(bounded.nodes.size() <= 1);

  // What `posim emv decode` and the trace views print, as data and as an R-APDU.
  posim::emv::DescribeOptions as_response;
  as_response.response_apdu = true;
  for (const auto& options : {posim::emv::DescribeOptions{}, as_response}) {
    const posim::emv::TlvDescription description = posim::emv::describeTlv(data, options);
    const std::string text = posim::emv::formatTlvDescription(description);
    (void)posim::emv::tlvDescriptionToJson(description);
    POSIM_FUZZ_CHECK(description.items.empty() || !text.empty());
  }
  return 0;
}
