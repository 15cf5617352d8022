// The YAML loader for every kind of file posim reads, from memory: scenarios (which are also what
// `posim host --config` and `posim load` read), card profiles, terminal profiles, ISO 8583
// dialect files, calendars, test PKI key sets, settlement blocks, and bare documents. A file is
// either loaded or refused with diagnostics; never a crash, a hang or an "internal" error.
//
// Input: one byte choosing the kind, then the file's text. References to other files resolve in
// the source tree's examples/ only (never relative to the working directory).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "posim/base/money.h"
#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/document.h"
#include "posim/scenarios/profiles.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/scenario.h"
#include "posim/scenarios/settlement_files.h"

#include "fuzz_support.h"

namespace {

using posim::scenarios::Diagnostics;

// A fake absolute location, so relative references find nothing on this machine.
constexpr const char* kDisplayName = "/nonexistent/posim-fuzz/input.yaml";

void checkDiagnostics(const Diagnostics& diagnostics, bool loaded) {
  bool internal = false;
  for (const auto& d : diagnostics.sorted()) internal |= d.message.starts_with("internal:");
  if (!(loaded || diagnostics.hasErrors()) || internal) {
    std::fprintf(stderr, "%s", diagnostics.toString().c_str());
    posim::fuzz::fail(__FILE__, __LINE__, "a load fails with a diagnostic, never an internal one");
  }
}

template <typename T>
void checkLoad(const posim::scenarios::LoadResult<T>& result) {
  checkDiagnostics(result.diagnostics(), result.isOk());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  posim::fuzz::FuzzInput input(bytes, size);
  const std::uint8_t kind = input.byte();
  const std::string_view text = posim::fuzz::asText(input.rest());

  // The alias-expansion bound, lowered from 1,000,000 nodes: an alias bomb is still refused by
  // the same check, in milliseconds rather than the second a million nodes take under ASan.
  posim::scenarios::DocumentLimits limits;
  limits.max_nodes = 20'000;
  posim::scenarios::Resolver resolver({std::string(POSIM_SOURCE_DIR) + "/examples"}, limits);
  switch (kind % 8) {
    case 0: checkLoad(posim::scenarios::loadScenarioText(text, kDisplayName, resolver)); return 0;
    case 1: checkLoad(posim::scenarios::loadDialectText(text, kDisplayName)); return 0;
    case 2: {
      Diagnostics diagnostics;
      (void)posim::scenarios::parseYaml(text, kDisplayName, diagnostics, limits);
      checkDiagnostics(diagnostics, true);
      return 0;
    }
    default: break;
  }

  // The other kinds are read from the root of a document opened through the resolver.
  Diagnostics diagnostics;
  const auto root = resolver.openText(text, kDisplayName, diagnostics);
  if (!root) {
    checkDiagnostics(diagnostics, false);
    return 0;
  }
  bool loaded = false;
  switch (kind % 8) {
    case 3:
      loaded = posim::scenarios::readCardProfile(root->node(), resolver, diagnostics).has_value();
      break;
    case 4:
      loaded =
          posim::scenarios::readTerminalProfile(root->node(), resolver, diagnostics).has_value();
      break;
    case 5: loaded = posim::scenarios::readCalendar(root->node(), diagnostics).has_value(); break;
    case 6: loaded = posim::scenarios::readCardPki(root->node(), diagnostics).has_value(); break;
    default:
      loaded = posim::scenarios::readSettlementPolicy(root->node(), *posim::currencyByAlpha("CNY"),
                                                      diagnostics)
                   .has_value();
      break;
  }
  checkDiagnostics(diagnostics, loaded);
  return 0;
}
