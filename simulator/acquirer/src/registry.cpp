#include "posim/acquirer/registry.h"

#include <charconv>
#include <utility>

#include "posim/acquirer/iso8583_transport.h"
#include "posim/base/bytes.h"
#include "posim/base/spelling.h"
#include "posim/iso8583/framing.h"

namespace posim::acquirer {
namespace {

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string hint(std::string_view wanted, const std::vector<std::string_view>& candidates) {
  const std::vector<std::string_view> near = nearestNames(wanted, candidates);
  if (near.empty()) return "";
  return "; did you mean " + joined(near) + "?";
}

// The value of a numeric option of the iso8583 backend, within [min, max].
Result<std::uint64_t> numberOption(const BackendContext& context, const std::string& name,
                                   std::uint64_t min, std::uint64_t max) {
  const std::string& text = context.options.at(name);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return invalidArgument("backend iso8583: option " + name + ": '" + text + "' is not a number");
  }
  if (value < min || value > max) {
    return outOfRange("backend iso8583: option " + name + ": " + text + " is outside " +
                      std::to_string(min) + ".." + std::to_string(max));
  }
  return value;
}

std::string optionOr(const BackendContext& context, const std::string& name) {
  auto it = context.options.find(name);
  return it == context.options.end() ? std::string() : it->second;
}

Result<std::unique_ptr<AcquirerBackend>> createIso8583(const BackendContext& context) {
  if (!context.dialects) {
    return invalidArgument("backend iso8583: no dialect resolver (BackendContext::dialects)");
  }
  if (context.steady == nullptr) {
    return invalidArgument("backend iso8583: no steady clock (BackendContext::steady)");
  }
  ClientOptions options;
  options.host = optionOr(context, "host");
  if (options.host.empty()) return invalidArgument("backend iso8583: option host: empty");
  POSIM_ASSIGN_OR_RETURN(const std::uint64_t port, numberOption(context, "port", 1, 65535));
  options.port = static_cast<std::uint16_t>(port);
  const std::string dialect_name = optionOr(context, "dialect");
  auto dialect = context.dialects(dialect_name);
  if (!dialect.isOk()) return dialect.status().withContext("backend iso8583: option dialect");
  options.dialect = *dialect;
  const std::string framing = optionOr(context, "framing");
  const auto framing_value = iso8583::framingByName(framing);
  if (!framing_value) {
    return invalidArgument("backend iso8583: option framing: '" + framing +
                           "' is not one of binary2, ascii4, bcd2, none");
  }
  options.framing = *framing_value;
  constexpr std::uint64_t kDay = 24ULL * 3600 * 1000;
  POSIM_ASSIGN_OR_RETURN(const std::uint64_t timeout, numberOption(context, "timeout_ms", 1, kDay));
  options.response_timeout = std::chrono::milliseconds(timeout);
  POSIM_ASSIGN_OR_RETURN(const std::uint64_t connect_timeout,
                         numberOption(context, "connect_timeout_ms", 1, kDay));
  options.connect_timeout = std::chrono::milliseconds(connect_timeout);
  POSIM_ASSIGN_OR_RETURN(const std::uint64_t echo,
                         numberOption(context, "echo_interval_ms", 0, kDay));
  options.echo_interval = std::chrono::milliseconds(echo);
  if (const std::string key = optionOr(context, "mac_key"); !key.empty()) {
    auto bytes = fromHex(key);
    if (!bytes.isOk() || bytes->size() != 16) {
      return invalidArgument(
          "backend iso8583: option mac_key: a double-length TDES key as 32 hex digits is needed");
    }
    options.mac_key = *bytes;
  }
  if (const std::string file = optionOr(context, "mac_key_file"); !file.empty()) {
    if (options.mac_key) {
      return invalidArgument("backend iso8583: give mac_key or mac_key_file, not both");
    }
    auto key = readKeyFile(file, 16);
    if (!key.isOk()) return key.status().withContext("backend iso8583: option mac_key_file");
    options.mac_key = *key;
  }
  const std::string tls = optionOr(context, "tls");
  if (tls == "1" || tls == "true" || tls == "yes") {
    options.tls.enabled = true;
  } else if (!(tls.empty() || tls == "0" || tls == "false" || tls == "no")) {
    return invalidArgument("backend iso8583: option tls: '" + tls + "' is not 0 or 1");
  }
  options.tls.ca_file = optionOr(context, "ca_file");
  options.tls.cert_file = optionOr(context, "cert_file");
  options.tls.key_file = optionOr(context, "key_file");
  options.tls.server_name = optionOr(context, "server_name");
  // One draw from the run's Random, as the embedded backend takes, so both backends give the
  // same virtual times.
  options.latency_seed = context.random->nextU64();
  if (context.issuer != nullptr) options.latency = context.issuer->latency;
  const std::string connect = optionOr(context, "connect");
  if (connect != "eager" && connect != "lazy") {
    return invalidArgument("backend iso8583: option connect: '" + connect +
                           "' is not eager or lazy");
  }
  POSIM_ASSIGN_OR_RETURN(auto backend,
                         Iso8583ClientBackend::create(std::move(options), context.events,
                                                      context.wire_tap, context.steady));
  if (connect == "eager") POSIM_RETURN_IF_ERROR(backend->connect());
  return std::unique_ptr<AcquirerBackend>(std::move(backend));
}

}  // namespace

Status BackendRegistry::add(BackendDescriptor descriptor) {
  if (descriptor.id.empty()) return invalidArgument("acquirer backend: the descriptor has no id");
  if (!descriptor.factory) {
    return invalidArgument("acquirer backend '" + descriptor.id +
                           "': the descriptor has no factory");
  }
  if (descriptors_.count(descriptor.id) != 0) {
    return invalidArgument("acquirer backend '" + descriptor.id + "' is already registered");
  }
  std::string id = descriptor.id;
  descriptors_.emplace(std::move(id), std::move(descriptor));
  return Status::ok();
}

const BackendDescriptor* BackendRegistry::find(std::string_view id) const {
  auto it = descriptors_.find(id);
  return it == descriptors_.end() ? nullptr : &it->second;
}

std::vector<const BackendDescriptor*> BackendRegistry::list() const {
  std::vector<const BackendDescriptor*> out;
  out.reserve(descriptors_.size());
  for (const auto& [id, descriptor] : descriptors_) out.push_back(&descriptor);
  return out;
}

Result<std::unique_ptr<AcquirerBackend>> BackendRegistry::create(std::string_view id,
                                                                 BackendContext context) const {
  const BackendDescriptor* descriptor = find(id);
  if (descriptor == nullptr) {
    std::vector<std::string_view> ids;
    for (const auto& [known, unused] : descriptors_) ids.push_back(known);
    return notFound("unknown acquirer backend '" + std::string(id) + "'" + hint(id, ids) +
                    " (available: " + joined(ids) + ")");
  }
  std::vector<std::string_view> names;
  for (const BackendOption& option : descriptor->options) names.push_back(option.name);
  for (const auto& [name, value] : context.options) {
    bool known = false;
    for (std::string_view candidate : names) known = known || candidate == name;
    if (!known) {
      return invalidArgument(
          "acquirer backend '" + descriptor->id + "': unknown option '" + name + "'" +
          hint(name, names) +
          (names.empty() ? " (it takes no options)" : " (options: " + joined(names) + ")"));
    }
  }
  for (const BackendOption& option : descriptor->options) {
    if (context.options.count(option.name) != 0) continue;
    if (option.required) {
      return invalidArgument("acquirer backend '" + descriptor->id + "': option '" + option.name +
                             "' is required (" + option.description + ")");
    }
    if (!option.default_value.empty()) context.options[option.name] = option.default_value;
  }
  if (context.random == nullptr) {
    return invalidArgument("acquirer backend '" + descriptor->id +
                           "': the context has no Random (BackendContext::random is required)");
  }
  return descriptor->factory(context);
}

void addBuiltinBackends(BackendRegistry& registry) {
  BackendDescriptor embedded;
  embedded.id = "embedded";
  embedded.description =
      "in-process acquirer and issuer: balances, holds, online PIN, ARQC/ARPC, issuer scripts, "
      "velocity, response codes on demand, modelled latency (deterministic)";
  embedded.options = {
      {"latency",
       "modelled host latency, overriding the issuer configuration: 120ms, uniform:50ms:200ms "
       "or lognormal:MEDIAN:P95",
       "", false},
  };
  embedded.factory = [](const BackendContext& context) -> Result<std::unique_ptr<AcquirerBackend>> {
    if (context.issuer == nullptr) {
      return invalidArgument(
          "acquirer backend 'embedded': no issuer configuration (accounts and rules) given");
    }
    EmbeddedConfig config = *context.issuer;
    if (auto it = context.options.find("latency"); it != context.options.end()) {
      auto latency = parseLatencyModel(it->second);
      if (!latency.isOk()) {
        return latency.status().withContext("acquirer backend 'embedded', option 'latency'");
      }
      config.latency = *latency;
    }
    auto backend =
        std::make_unique<EmbeddedBackend>(std::move(config), *context.random, context.events);
    // Traces carry the messages as `iso87-ascii` would pack them (the embedded backend packs
    // nothing otherwise); only when someone listens.
    if (context.events != nullptr && context.dialects) {
      if (auto dialect = context.dialects("iso87-ascii"); dialect.isOk()) {
        backend->setTraceDialect(std::move(dialect).value());
      }
    }
    return std::unique_ptr<AcquirerBackend>(std::move(backend));
  };
  registry.add(std::move(embedded)).ignoreError();  // a fresh id with a factory: cannot fail

  BackendDescriptor iso8583;
  iso8583.id = "iso8583";
  iso8583.description =
      "ISO 8583 over TCP to a real host or `posim host`: dialect from YAML, framing, timeouts, "
      "reconnect, echo keep-alive, STAN matching, MAC, TLS";
  iso8583.options = {
      {"host", "host name or address of the acquirer host", "", true},
      {"port", "TCP port of the host", "8583", false},
      {"dialect", "dialect id (posim dialects) or a dialect YAML file", "iso87-ascii", false},
      {"framing", "length prefix: binary2, ascii4, bcd2 or none", "binary2", false},
      {"timeout_ms", "response timeout; no answer in time is a timeout (reversal)", "30000", false},
      {"connect_timeout_ms", "TCP (and TLS) connect timeout", "5000", false},
      {"echo_interval_ms", "send an echo (0800 / 1804) after this long idle; 0: never", "0", false},
      {"connect",
       "eager: connect when the run starts (an unreachable host stops it); lazy: at "
       "the first message",
       "eager", false},
      {"mac_key", "MAC key (TAK, 32 hex digits): MAC on requests, verified on responses", "",
       false},
      {"mac_key_file", "the MAC key read from this file (32 hex digits), out of the process list",
       "", false},
      {"tls", "1: connect with TLS (the certificate is always verified)", "0", false},
      {"ca_file", "TLS: PEM file of the CAs to trust (default: the system's)", "", false},
      {"cert_file", "TLS: client certificate chain (PEM), when the host asks for one", "", false},
      {"key_file", "TLS: the client certificate's private key (PEM)", "", false},
      {"server_name", "TLS: the name the certificate must carry (default: host); also SNI", "",
       false},
  };
  iso8583.factory = &createIso8583;
  registry.add(std::move(iso8583)).ignoreError();
}

}  // namespace posim::acquirer
