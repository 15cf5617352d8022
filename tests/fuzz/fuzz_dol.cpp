// Data Object Lists (EMV Book 3 §5.4): a card-supplied DOL parsed, answered from values that are
// themselves taken from the input (as BER-TLV), and the answer split back as a card would.
//
// Input: one byte N, then N bytes of DOL, then BER-TLV whose primitive values the look-up serves.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "posim/emv/dol.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  posim::fuzz::FuzzInput input(bytes, size);
  const posim::ByteView dol = input.piece8();
  const posim::ByteView values_tlv = input.rest();

  const posim::emv::DolParseResult parsed = posim::emv::parseDol(dol);
  POSIM_FUZZ_CHECK(parsed.diagnostics.size() <= 1);
  std::size_t previous_end = 0;
  for (const posim::emv::DolEntry& entry : parsed.entries) {
    POSIM_FUZZ_CHECK(entry.offset >= previous_end);
    POSIM_FUZZ_CHECK(entry.offset < dol.size());
    POSIM_FUZZ_CHECK(entry.length <= 255);
    previous_end = entry.offset + 1;
  }

  const posim::emv::TlvDecodeResult tree = posim::emv::decodeTlv(values_tlv);
  const auto values = posim::emv::collectPrimitiveMap(tree.nodes);
  const posim::emv::DolValueLookup lookup =
      [&values](posim::emv::Tag tag) -> std::optional<posim::ByteView> {
    auto it = values.find(tag);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
  const posim::emv::DolFormatLookup formats = [](posim::emv::Tag tag) {
    const posim::emv::TagInfo* info = posim::emv::findTag(tag);
    return info == nullptr ? posim::emv::TagFormat::kB : info->format;
  };

  std::vector<posim::emv::Tag> absent;
  const posim::Bytes data = posim::emv::buildDolData(parsed.entries, lookup, formats, &absent);
  POSIM_FUZZ_CHECK(data.size() == posim::emv::dolDataLength(parsed.entries));
  POSIM_FUZZ_CHECK(absent.size() <= parsed.entries.size());

  // The card's side: the data splits back into one value per entry, each of its length.
  const auto split = posim::emv::splitDolData(parsed.entries, data);
  POSIM_FUZZ_CHECK(split.isOk());
  POSIM_FUZZ_CHECK(split->size() == parsed.entries.size());
  for (std::size_t i = 0; i < split->size(); ++i) {
    POSIM_FUZZ_CHECK((*split)[i].value.size() == parsed.entries[i].length);
  }
  // Data of another length is refused, never read past.
  if (!data.empty()) {
    const auto shorter =
        posim::emv::splitDolData(parsed.entries, posim::ByteView(data.data(), data.size() - 1));
    POSIM_FUZZ_CHECK(!shorter.isOk());
  }
  const auto from_input = posim::emv::splitDolData(parsed.entries, values_tlv);
  POSIM_FUZZ_CHECK(from_input.isOk() == (values_tlv.size() == data.size()));
  return 0;
}
