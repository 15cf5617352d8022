// Decodes a TLV with an installed posim and prints the first tag's name: proves the exported
// package, its headers and its link dependencies are complete.
#include <iostream>

#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"
#include "posim/scenarios/schema.h"

int main() {
  const auto result = posim::emv::decodeTlv(posim::hexBytes("9F270180"));
  if (!result.ok() || result.nodes.size() != 1) return 1;
  const auto* info = posim::emv::findTag(result.nodes[0].tag);
  if (info == nullptr) return 1;
  // The YAML layer links too (yaml-cpp is found through the package's dependencies).
  if (posim::scenarios::editDistance("amout", "amount") != 1) return 1;
  std::cout << info->name << "\n";
  return 0;
}
