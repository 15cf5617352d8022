#include "options.h"

#include <ostream>

#include "posim/acquirer/registry.h"

#include "exit_codes.h"

namespace posim::cli {

Result<ParsedOptions> parseOptions(const Args& args, const po::options_description& options) {
  po::options_description all;
  all.add(options);
  all.add_options()("help,h", "show this help");
  all.add_options()("positional__", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("positional__", -1);
  ParsedOptions parsed;
  try {
    po::store(
        po::command_line_parser(args)
            .options(all)
            .positional(positional)
            .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
            .run(),
        parsed.values);
    po::notify(parsed.values);
  } catch (const po::error& e) {
    return invalidArgument(e.what());
  }
  parsed.help = parsed.values.count("help") > 0;
  if (parsed.values.count("positional__") > 0) {
    parsed.positional = parsed.values["positional__"].as<std::vector<std::string>>();
  }
  return parsed;
}

void printCommandHelp(Io& io, const Command& command, const po::options_description& options) {
  io.out << "usage: " << command.usage << "\n\n" << command.summary << "\n\n" << options << "\n";
}

std::optional<ParsedOptions> parseCommandLine(const Args& args,
                                              const po::options_description& options,
                                              const Command& self, Io& io, Positional positional,
                                              int& early_exit) {
  auto parsed = parseOptions(args, options);
  if (!parsed.isOk()) {
    early_exit = usageError(io, self, parsed.status().message());
    return std::nullopt;
  }
  if (parsed->help) {
    printCommandHelp(io, self, options);
    early_exit = kExitOk;
    return std::nullopt;
  }
  if (positional == Positional::kNone && !parsed->positional.empty()) {
    early_exit = usageError(io, self, "unexpected argument '" + parsed->positional.front() + "'");
    return std::nullopt;
  }
  return std::move(parsed).value();
}

Result<std::string> stringOption(const ParsedOptions& parsed, const std::string& name) {
  if (parsed.values.count(name) == 0) return invalidArgument("--" + name + " is required");
  return parsed.values[name].as<std::string>();
}

Result<std::optional<Bytes>> optionalHexOption(const ParsedOptions& parsed,
                                               const std::string& name) {
  if (parsed.values.count(name) == 0) return std::optional<Bytes>();
  auto bytes = fromHex(parsed.values[name].as<std::string>());
  if (!bytes.isOk()) {
    std::string msg = bytes.status().message();
    if (msg.rfind("hex: ", 0) == 0) msg = msg.substr(5);
    return invalidArgument("--" + name + ": " + msg);
  }
  return std::optional<Bytes>(std::move(bytes).value());
}

Result<Bytes> hexOption(const ParsedOptions& parsed, const std::string& name) {
  POSIM_ASSIGN_OR_RETURN(std::optional<Bytes> value, optionalHexOption(parsed, name));
  if (!value) return invalidArgument("--" + name + " is required");
  return std::move(*value);
}

Result<Bytes> hexOptionOfLength(const ParsedOptions& parsed, const std::string& name,
                                std::size_t length, std::size_t alt_length) {
  POSIM_ASSIGN_OR_RETURN(Bytes value, hexOption(parsed, name));
  if (value.size() != length && (alt_length == 0 || value.size() != alt_length)) {
    std::string expected = std::to_string(length);
    if (alt_length > 0) expected += " or " + std::to_string(alt_length);
    return invalidArgument("--" + name + ": " + std::to_string(value.size()) + " bytes, expected " +
                           expected);
  }
  return value;
}

Result<std::string> digitsOption(const ParsedOptions& parsed, const std::string& name,
                                 std::size_t min_length, std::size_t max_length) {
  POSIM_ASSIGN_OR_RETURN(std::string value, stringOption(parsed, name));
  if (!isDigits(value)) return invalidArgument("--" + name + ": only decimal digits are allowed");
  if (value.size() < min_length || value.size() > max_length) {
    return invalidArgument("--" + name + ": " + std::to_string(value.size()) +
                           " digits, expected " + std::to_string(min_length) +
                           (min_length == max_length ? "" : " to " + std::to_string(max_length)));
  }
  return value;
}

Status checkBackendOption(const acquirer::BackendRegistry& backends, const std::string& value) {
  const auto scheme = value.find("://");
  const std::string id = scheme == std::string::npos ? value : value.substr(0, scheme);
  if (backends.find(id) != nullptr) return Status::ok();
  std::string known;
  for (const auto* d : backends.list()) known += (known.empty() ? "" : ", ") + d->id;
  return invalidArgument("--backend: unknown backend '" + id + "' (this build has: " + known + ")");
}

}  // namespace posim::cli
