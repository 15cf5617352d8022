// posim readers [--json]
// posim card serve --card NAME [--vpcd HOST:PORT] [--state F] [--fresh] [--seed N]
//                  [--contactless] [--fault removed:COMMAND] [--trace]
//
// The readers pcscd sees, and the virtual card served to every PC/SC application on the machine
// through the vpcd reader of vsmartcard: it connects to vpcd (it reconnects whenever vpcd goes
// away) and answers its messages until SIGINT/SIGTERM. The card's state (ATC, PIN tries,
// offline counters, transaction log) is saved to the state file after every change and loaded
// at the next start. Exit 0 after a signal, 2 usage, 3 bad profile or state file, 4 state file
// not writable or no PC/SC support in this build.
#include <ostream>

#include "posim/base/json.h"
#include "posim/emv/apdu_trace.h"
#include "posim/emv/virtual_card.h"
#include "posim/scenarios/profiles.h"
#ifdef POSIM_WITH_PCSC
#include "posim/pcsc/card_state_file.h"
#include "posim/pcsc/pcsc_card.h"
#include "posim/pcsc/vpcd.h"
#endif

#include "commands.h"
#include "exit_codes.h"
#include "load_progress.h"
#include "options.h"
#include "pcsc_support.h"

namespace posim::cli {
namespace {

[[maybe_unused]] Status noPcsc() {
  return unimplemented(
      "this posim was built without PC/SC support: install libpcsclite-dev (scripts/setup) and "
      "build again");
}

}  // namespace

#ifdef POSIM_WITH_PCSC

Result<ReaderCard> openReaderCard(const std::string& reader, std::chrono::milliseconds wait) {
  POSIM_ASSIGN_OR_RETURN(std::unique_ptr<pcsc::PcscCard> card, pcsc::PcscCard::open(reader, wait));
  ReaderCard out;
  out.reader = card->readerName();
  out.card = std::move(card);
  return out;
}

int printReaders(Io& io, bool json) {
  auto readers = pcsc::listReaders();
  if (!readers.isOk()) return reportError(io, readers.status());
  if (json) {
    Json list = Json::array();
    for (const pcsc::ReaderInfo& r : *readers) {
      Json entry = Json::object();
      entry["name"] = r.name;
      entry["card_present"] = r.card_present;
      entry["atr"] = r.card_present ? Json(toHex(r.atr)) : Json();
      list.push(std::move(entry));
    }
    io.out << list.dump(2) << "\n";
    return kExitOk;
  }
  if (readers->empty()) {
    io.out << "no PC/SC reader (pcscd runs but sees none): plug one in, or serve a virtual card "
              "with `posim card serve`\n";
    return kExitOk;
  }
  for (const pcsc::ReaderInfo& r : *readers) {
    io.out << r.name << "  " << (r.card_present ? "card, ATR " + toHex(r.atr) : "no card") << "\n";
  }
  return kExitOk;
}

#else

Result<ReaderCard> openReaderCard(const std::string&, std::chrono::milliseconds) {
  return noPcsc();
}

int printReaders(Io& io, bool) {
  return reportError(io, noPcsc());
}

#endif

int runReaders(const Args& args, Io& io) {
  const Command& self = *findCommand("readers");
  po::options_description options("Options");
  options.add_options()("json", "print the readers as JSON");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kNone, early_exit);
  if (!parsed) return early_exit;
  return printReaders(io, parsed->values.count("json") > 0);
}

int runCardServe(const Args& args, Io& io) {
  const Command& self = *findCommand("card serve");
  po::options_description options("Options");
  options.add_options()("card", po::value<std::string>(), "card profile: a name or a YAML path")(
      "vpcd", po::value<std::string>(),
      "HOST:PORT where vpcd listens (default 127.0.0.1 and the port of /etc/reader.conf.d/vpcd, "
      "35963)")("state", po::value<std::string>(),
                "the card's state file (default ~/.cache/posim/cards/CARD.json)")(
      "fresh", "start from a newly personalised card (PIN tries full, counters zero)")(
      "seed", po::value<std::uint64_t>()->default_value(1),
      "seed of the card's random numbers (GET CHALLENGE, dynamic data)")(
      "contactless", "present the card as tapped (contactless application data)")(
      "fault", po::value<std::string>(),
      "removed:COMMAND pulls the card out of the reader when COMMAND arrives (once; it is "
      "inserted again right after)")(
      "trace",
      "print every exchange as it happens: power on, off and reset, and each APDU with the "
      "card's answer, decoded (PANs masked, PIN blocks hidden)");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kNone, early_exit);
  if (!parsed) return early_exit;
  auto card_name = stringOption(*parsed, "card");
  if (!card_name.isOk()) return usageError(io, self, card_name.status().message());
  std::optional<emv::CardFault> fault;
  if (parsed->values.count("fault") > 0) {
    const std::string spec = parsed->values["fault"].as<std::string>();
    if (spec.rfind("removed:", 0) != 0 || spec.size() == 8) {
      return usageError(io, self, "--fault: '" + spec + "' is not removed:COMMAND");
    }
    fault.emplace();
    fault->remove_at_command = spec.substr(8);
  }
#ifdef POSIM_WITH_PCSC
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  if (parsed->values.count("vpcd") > 0) {
    auto address = pcsc::parseVpcdAddress(parsed->values["vpcd"].as<std::string>());
    if (!address.isOk()) return usageError(io, self, "--vpcd: " + address.status().message());
    host = address->host;
    port = address->port;
  }

  scenarios::Resolver resolver;
  auto card = scenarios::loadCardProfile(*card_name, resolver);
  if (!card.isOk()) {
    io.err << card.errorText();
    return kExitInvalidInput;
  }
  const std::string state_path = parsed->values.count("state") > 0
                                     ? parsed->values["state"].as<std::string>()
                                     : pcsc::defaultCardStatePath(card->id);
  std::optional<emv::CardState> state;
  if (parsed->values.count("fresh") == 0) {
    auto loaded = pcsc::loadCardState(state_path, card->id);
    if (!loaded.isOk()) {
      if (loaded.status().code() == StatusCode::kIoError) return reportError(io, loaded.status());
      io.err << "posim: " << loaded.status().message()
             << (loaded.status().code() == StatusCode::kFailedPrecondition
                     ? " (start afresh with --fresh, or give another --state)\n"
                     : " (start afresh with --fresh)\n");
      return kExitInvalidInput;
    }
    state = std::move(loaded).value();
  }
  auto virtual_card =
      emv::VirtualCard::create(*card, state, parsed->values["seed"].as<std::uint64_t>());
  if (!virtual_card.isOk()) {
    io.err << "posim: card " << card->id << ": " << virtual_card.status().message() << "\n";
    return kExitInvalidInput;
  }
  emv::CardState saved = virtual_card->state();
  if (Status s = pcsc::saveCardState(state_path, saved, card->id); !s.isOk()) {
    return reportError(io, s);
  }

  if (port == 0) port = pcsc::configuredVpcdPort();
  StopOnSignal stop;
  pcsc::VpcdCard served(*virtual_card, parsed->values.count("contactless") > 0
                                           ? emv::CardInterface::kContactless
                                           : emv::CardInterface::kContact);
  Status save_error;
  pcsc::VpcdServeOptions serve;
  serve.host = host;
  serve.port = port;
  serve.stop = stop.flag();
  if (parsed->values.count("trace") > 0) {
    // pcscd asks for the ATR on every poll of the reader: said when it changes only.
    serve.exchanged = [&io, last_atr = Bytes()](ByteView message,
                                                const std::optional<Bytes>& answer) mutable {
      if (message.size() == 1) {
        switch (static_cast<pcsc::VpcdControl>(message[0])) {
          case pcsc::VpcdControl::kPowerOn: io.out << "power on\n"; break;
          case pcsc::VpcdControl::kPowerOff: io.out << "power off\n"; break;
          case pcsc::VpcdControl::kReset: io.out << "reset\n"; break;
          case pcsc::VpcdControl::kGetAtr: {
            const Bytes atr = answer.value_or(Bytes());
            if (atr == last_atr) return;
            last_atr = atr;
            io.out << "ATR " << (atr.empty() ? "(none)" : toHex(atr)) << "\n";
            break;
          }
          default: io.out << "control " << toHex(message) << "\n"; break;
        }
      } else if (answer && !answer->empty()) {
        io.out << emv::formatApduExchange(message, *answer);
      } else {
        io.out << "> " << emv::redactedCommandHex(message) << "\n< (no answer: the card failed)\n";
      }
      io.out << std::flush;
    };
  }
  serve.note = [&io](const std::string& text) {
    io.out << "posim card serve: " << text << std::endl;
  };
  serve.after_message = [&] {
    if (virtual_card->state() == saved) return;
    saved = virtual_card->state();
    Status s = pcsc::saveCardState(state_path, saved, card->id);
    if (!s.isOk() && save_error.isOk()) {
      save_error = s;
      io.err << "posim: " << s.message() << "\n";
    }
  };
  if (fault.has_value()) {
    virtual_card->setFault(*fault);
    serve.pulled_out = [&] { return virtual_card->removed(); };
    serve.reinsert = [&] { virtual_card->setFault(emv::CardFault{}); };
  }
  io.out << "posim card serve: serving " << card->id << " (" << card->pan.masked()
         << ") to vpcd at " << host << ":" << port << ", state " << state_path << std::endl;
  const Status served_status = pcsc::serveOverVpcd(served, serve);
  if (!served_status.isOk()) return reportError(io, served_status);
  io.out << "posim card serve: stopped (ATC of the first application "
         << (saved.applications.empty() ? 0 : saved.applications.front().atc) << ")" << std::endl;
  return save_error.isOk() ? kExitOk : kExitRuntime;
#else
  return reportError(io, noPcsc());
#endif
}

}  // namespace posim::cli
