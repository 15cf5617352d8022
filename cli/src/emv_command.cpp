// posim emv decode HEX|- [--json] [--response] [--scheme NAME]
#include <istream>
#include <ostream>

#include "posim/emv/describe.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"

namespace posim::cli {
namespace {

Result<emv::Scheme> parseScheme(const std::string& name) {
  static constexpr std::pair<std::string_view, emv::Scheme> kSchemes[] = {
      {"emv", emv::Scheme::kEmv},
      {"visa", emv::Scheme::kVisa},
      {"mastercard", emv::Scheme::kMastercard},
      {"unionpay", emv::Scheme::kUnionPay},
      {"amex", emv::Scheme::kAmex},
      {"jcb", emv::Scheme::kJcb},
      {"discover", emv::Scheme::kDiscover},
  };
  for (const auto& [key, scheme] : kSchemes) {
    if (name == key) return scheme;
  }
  return invalidArgument("--scheme: '" + name +
                         "' is not one of emv, visa, mastercard, unionpay, amex, jcb, discover");
}

// A TLV diagnostic without its leading "byte N: " (the summary line names the offset already).
std::string_view withoutOffset(std::string_view message) {
  if (message.rfind("byte ", 0) != 0) return message;
  const auto colon = message.find(": ");
  return colon == std::string_view::npos ? message : message.substr(colon + 2);
}

}  // namespace

int runEmvDecode(const Args& args, Io& io) {
  const Command& self = *findCommand("emv decode");
  po::options_description options("Options");
  options.add_options()("json", "print JSON instead of the text tree")(
      "response", "the data is an R-APDU: its last two bytes are SW1 SW2")(
      "scheme", po::value<std::string>(),
      "read proprietary tags as this scheme does (default: from the AID in the data)");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kSome, early_exit);
  if (!parsed) return early_exit;
  if (parsed->positional.size() != 1) {
    return usageError(io, self, "expected one HEX argument (or - to read standard input)");
  }
  emv::DescribeOptions describe_options;
  describe_options.response_apdu = parsed->values.count("response") > 0;
  if (parsed->values.count("scheme") > 0) {
    auto scheme = parseScheme(parsed->values["scheme"].as<std::string>());
    if (!scheme.isOk()) return usageError(io, self, scheme.status().message());
    describe_options.scheme = *scheme;
  }
  const auto text = argumentOrStdin(parsed->positional[0], io);
  if (!text.isOk()) return reportError(io, text.status());
  auto data = fromHex(*text);
  if (!data.isOk()) {
    // Bad hex is bad input data, not a bad option: exit 3 like any malformed input.
    io.err << "posim: " << data.status().message() << "\n";
    return kExitInvalidInput;
  }
  if (data->empty()) {
    io.err << "posim: no data to decode\n";
    return kExitInvalidInput;
  }
  const emv::TlvDescription description = emv::describeTlv(*data, describe_options);
  if (parsed->values.count("json") > 0) {
    io.out << emv::tlvDescriptionToJson(description).dump(2) << "\n";
  } else {
    io.out << emv::formatTlvDescription(description);
  }
  if (!description.clean()) {
    io.err << "posim: malformed TLV data: " << description.diagnostics.size()
           << (description.diagnostics.size() == 1 ? " problem" : " problems")
           << " (first at byte offset " << description.diagnostics.front().offset << ": "
           << withoutOffset(description.diagnostics.front().message) << ")\n";
    return kExitInvalidInput;
  }
  return kExitOk;
}

}  // namespace posim::cli
