// posim cards | terminals | calendars [--json]
//
// Lists what a scenario can name: the files under examples/<kind>/ of every example root, each
// with a one-line description read from the file. ISO 8583 dialects (built into the binary) are
// listed by `posim dialects` (iso8583_command.cpp).
#include <algorithm>
#include <fstream>
#include <functional>
#include <ostream>
#include <string_view>

#include "posim/base/json.h"
#include "posim/scenarios/profiles.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/settlement_files.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"

namespace posim::cli {
namespace {

struct Listed {
  std::string name;
  std::string description;
  std::string file;
};

// The first line of an error text, to describe a file that does not load.
std::string firstLine(const std::string& text) {
  return "(invalid: " + text.substr(0, text.find('\n')) + ")";
}

// Terminal profiles have no description key: their first comment sentence is one
// ("# countertop: attended, online with offline capability (9F35 22), ... SDA/DDA/CDA.").
std::string leadingComment(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) != 0) break;
    const auto start = line.find_first_not_of("# ");
    if (start == std::string::npos) break;
    text += (text.empty() ? "" : " ") + line.substr(start);
    if (text.back() == '.') break;
  }
  const auto colon = text.find(": ");
  if (colon != std::string::npos && colon < 32) text = text.substr(colon + 2);
  return text;
}

using Describe = std::function<std::string(const std::filesystem::path&, scenarios::Resolver&)>;

int listKind(const Args& args, Io& io, std::string_view command,
             const scenarios::ReferenceKind& kind, const Describe& describe) {
  const Command& self = *findCommand(command);
  po::options_description options("Options");
  options.add_options()("json", "print [{name, description, file}] as JSON");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kNone, early_exit);
  if (!parsed) return early_exit;
  scenarios::Resolver resolver;
  std::vector<Listed> listed;
  for (const std::string& name : resolver.availableNames(kind)) {
    const auto file = resolver.findByName(kind, name);
    if (!file) continue;
    listed.push_back({name, describe(*file, resolver), file->string()});
  }
  if (parsed->values.count("json") > 0) {
    Json doc = Json::array();
    for (const Listed& l : listed) {
      Json item = Json::object();
      item["name"] = l.name;
      item["description"] = l.description;
      item["file"] = l.file;
      doc.push(std::move(item));
    }
    io.out << doc.dump(2) << "\n";
    return kExitOk;
  }
  if (listed.empty()) {
    io.err << "posim: no " << kind.noun << " files found under " << kind.folder
           << "/ in the example roots (set POSIM_EXAMPLES or run from the project root)\n";
    return kExitOk;
  }
  std::size_t width = 0;
  for (const Listed& l : listed) width = std::max(width, l.name.size());
  for (const Listed& l : listed) {
    io.out << l.name << std::string(width + 2 - l.name.size(), ' ') << l.description << "\n";
  }
  return kExitOk;
}

}  // namespace

int runCards(const Args& args, Io& io) {
  return listKind(args, io, "cards", scenarios::kCardReference,
                  [](const std::filesystem::path& file, scenarios::Resolver&) {
                    auto card = scenarios::loadCardProfile(file);
                    return card.isOk() ? card->description : firstLine(card.errorText());
                  });
}

int runTerminals(const Args& args, Io& io) {
  return listKind(args, io, "terminals", scenarios::kTerminalReference,
                  [](const std::filesystem::path& file, scenarios::Resolver&) {
                    auto terminal = scenarios::loadTerminalProfile(file);
                    return terminal.isOk() ? leadingComment(file) : firstLine(terminal.errorText());
                  });
}

int runCalendars(const Args& args, Io& io) {
  return listKind(args, io, "calendars", scenarios::kCalendarReference,
                  [](const std::filesystem::path& file, scenarios::Resolver&) {
                    auto calendar = scenarios::loadCalendar(file);
                    return calendar.isOk() ? calendar->description()
                                           : firstLine(calendar.errorText());
                  });
}

}  // namespace posim::cli
