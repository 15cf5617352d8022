#include "posim/acquirer/registry.h"

#include <utility>

#include "posim/base/spelling.h"

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
    return std::unique_ptr<AcquirerBackend>(
        std::make_unique<EmbeddedBackend>(std::move(config), *context.random, context.events));
  };
  registry.add(std::move(embedded)).ignoreError();  // a fresh id with a factory: cannot fail
}

}  // namespace posim::acquirer
