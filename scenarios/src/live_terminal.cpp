// The workbench scenario of a manual session: the GUI's settings written as a scenario file and
// loaded like one, so a typo in a terminal or calendar name reads exactly as in `posim validate`.
// (LiveTerminal itself lives in runner.cpp: it is the runner's set-up with a person's devices.)
#include "posim/scenarios/live_terminal.h"

#include <cstdio>
#include <string>
#include <vector>

namespace posim::scenarios {
namespace {

std::string yamlQuoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string listOf(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += yamlQuoted(items[i]);
  }
  return out + "]";
}

}  // namespace

std::string workbenchScenarioText(const WorkbenchChoice& choice, const Resolver& resolver) {
  std::vector<std::string> cards = choice.cards;
  if (cards.empty()) cards = resolver.availableNames(kCardReference);
  char fee[32];
  std::snprintf(fee, sizeof fee, "%.6g", choice.fee_rate);

  std::string text;
  text += "# The manual session of posim-gui: its settings as a scenario (format version 1).\n";
  text += "# The faceplate runs the transactions; the step below only makes the file valid.\n";
  text += "posim: 1\n";
  text += "name: Manual session\n";
  text += "clock: {start: " + yamlQuoted(formatIso8601(choice.start)) + "}\n";
  text += "calendar: " + yamlQuoted(choice.calendar) + "\n";
  text += "terminal: " + yamlQuoted(choice.terminal) + "\n";
  text +=
      "merchant: {id: \"123456789012345\", terminal_id: \"12345678\", mcc: \"5999\", currency: " +
      choice.currency + "}\n";
  text += "acquirer:\n";
  text +=
      "  backend: embedded  # the session's backend URL overrides this, as `posim run --backend`\n";
  text += "  settlement: {cycle: " + yamlQuoted(choice.cycle) +
          ", cutoff: " + yamlQuoted(choice.cutoff) + ", payout: [" + yamlQuoted(choice.payout) +
          "], fee: {rate: " + fee + "}}\n";
  text += "cards:\n";
  for (const std::string& card : cards)
    text += "  " + yamlQuoted(card) + ": " + yamlQuoted(card) + "\n";
  if (!choice.what_if.empty()) text += "what_if: " + listOf(choice.what_if) + "\n";
  text += "steps:\n  - advance: 0s\n";
  return text;
}

LoadResult<Scenario> workbenchScenario(const WorkbenchChoice& choice, Resolver& resolver) {
  return loadScenarioText(workbenchScenarioText(choice, resolver), "workbench.yaml", resolver);
}

}  // namespace posim::scenarios
