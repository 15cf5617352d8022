#include "posim/emv/card_state_json.h"

#include <cstdint>
#include <limits>

namespace posim::emv {
namespace {

// Field readers that name what is wrong instead of aborting on a wrong type.
class Reader {
 public:
  Reader(const Json& object, std::string where) : object_(object), where_(std::move(where)) {}

  Result<const Json*> field(std::string_view key, Json::Type type) const {
    const Json* value = object_.isObject() ? object_.find(key) : nullptr;
    if (value == nullptr || value->type() != type) {
      return malformed(where_ + ": field '" + std::string(key) +
                       "' is missing or of the wrong type");
    }
    return value;
  }

  template <typename T>
  Result<T> number(std::string_view key) const {
    POSIM_ASSIGN_OR_RETURN(const Json* value, field(key, Json::Type::kNumber));
    const std::int64_t n = value->asInt();
    if (n < 0 || static_cast<std::uint64_t>(n) > std::numeric_limits<T>::max()) {
      return malformed(where_ + ": field '" + std::string(key) + "' is out of range");
    }
    return static_cast<T>(n);
  }

  Result<bool> boolean(std::string_view key) const {
    POSIM_ASSIGN_OR_RETURN(const Json* value, field(key, Json::Type::kBool));
    return value->asBool();
  }

  Result<std::string> string(std::string_view key) const {
    POSIM_ASSIGN_OR_RETURN(const Json* value, field(key, Json::Type::kString));
    return value->asString();
  }

  Result<Bytes> hex(const Json& value, std::string_view what) const {
    if (!value.isString()) return malformed(where_ + ": " + std::string(what) + " is not hex");
    Result<Bytes> bytes = fromHex(value.asString());
    if (!bytes.isOk()) return malformed(where_ + ": " + std::string(what) + " is not hex");
    return bytes;
  }

 private:
  const Json& object_;
  std::string where_;
};

Json applicationToJson(const ApplicationState& app) {
  Json j = Json::object();
  j["atc"] = static_cast<std::uint64_t>(app.atc);
  j["last_online_atc"] = static_cast<std::uint64_t>(app.last_online_atc);
  j["consecutive_offline"] = static_cast<std::uint64_t>(app.consecutive_offline);
  j["cumulative_offline_amount"] = app.cumulative_offline_amount;
  j["issuer_authentication_failed"] = app.issuer_authentication_failed;
  j["last_online_not_completed"] = app.last_online_not_completed;
  j["blocked"] = app.blocked;
  j["script_commands"] = static_cast<std::uint64_t>(app.script_commands);
  j["script_failed"] = app.script_failed;
  Json put_data = Json::array();
  for (const auto& [tag, value] : app.put_data) {
    Json entry = Json::object();
    entry["tag"] = static_cast<std::uint64_t>(tag);
    entry["value"] = toHex(value);
    put_data.push(std::move(entry));
  }
  j["put_data"] = std::move(put_data);
  Json log = Json::array();
  for (const Bytes& entry : app.log) log.push(toHex(entry));
  j["log"] = std::move(log);
  return j;
}

Result<ApplicationState> applicationFromJson(const Json& j, const std::string& where) {
  Reader r(j, where);
  ApplicationState app;
  POSIM_ASSIGN_OR_RETURN(app.atc, r.number<std::uint16_t>("atc"));
  POSIM_ASSIGN_OR_RETURN(app.last_online_atc, r.number<std::uint16_t>("last_online_atc"));
  POSIM_ASSIGN_OR_RETURN(app.consecutive_offline, r.number<std::uint8_t>("consecutive_offline"));
  POSIM_ASSIGN_OR_RETURN(app.cumulative_offline_amount,
                         r.number<std::uint64_t>("cumulative_offline_amount"));
  POSIM_ASSIGN_OR_RETURN(app.issuer_authentication_failed,
                         r.boolean("issuer_authentication_failed"));
  POSIM_ASSIGN_OR_RETURN(app.last_online_not_completed, r.boolean("last_online_not_completed"));
  POSIM_ASSIGN_OR_RETURN(app.blocked, r.boolean("blocked"));
  POSIM_ASSIGN_OR_RETURN(app.script_commands, r.number<std::uint8_t>("script_commands"));
  POSIM_ASSIGN_OR_RETURN(app.script_failed, r.boolean("script_failed"));
  POSIM_ASSIGN_OR_RETURN(const Json* put_data, r.field("put_data", Json::Type::kArray));
  for (const Json& entry : put_data->asArray()) {
    Reader e(entry, where + ".put_data");
    POSIM_ASSIGN_OR_RETURN(Tag tag, e.number<Tag>("tag"));
    POSIM_ASSIGN_OR_RETURN(const Json* value, e.field("value", Json::Type::kString));
    POSIM_ASSIGN_OR_RETURN(Bytes bytes, e.hex(*value, "value"));
    app.put_data.emplace_back(tag, std::move(bytes));
  }
  POSIM_ASSIGN_OR_RETURN(const Json* log, r.field("log", Json::Type::kArray));
  for (const Json& entry : log->asArray()) {
    POSIM_ASSIGN_OR_RETURN(Bytes bytes, r.hex(entry, "log entry"));
    app.log.push_back(std::move(bytes));
  }
  return app;
}

}  // namespace

Json cardStateToJson(const CardState& state, const std::string& card_id) {
  Json doc = Json::object();
  doc["posim_card_state"] = 1;
  doc["card"] = card_id;
  doc["pin_tries_remaining"] = static_cast<std::uint64_t>(state.pin_tries_remaining);
  doc["offline_pin"] = state.offline_pin;
  doc["card_blocked"] = state.card_blocked;
  Json apps = Json::array();
  for (const ApplicationState& app : state.applications) apps.push(applicationToJson(app));
  doc["applications"] = std::move(apps);
  return doc;
}

Result<CardState> cardStateFromJson(const Json& document, const std::string& card_id) {
  Reader r(document, "card state");
  POSIM_ASSIGN_OR_RETURN(const Json* version, r.field("posim_card_state", Json::Type::kNumber));
  if (version->asInt() != 1) {
    return malformed("card state: version " + version->numberText() + " is not supported (1)");
  }
  POSIM_ASSIGN_OR_RETURN(std::string card, r.string("card"));
  if (card != card_id) {
    return failedPrecondition("card state: it is the state of card '" + card + "', not '" +
                              card_id + "'");
  }
  CardState state;
  POSIM_ASSIGN_OR_RETURN(state.pin_tries_remaining, r.number<std::uint8_t>("pin_tries_remaining"));
  POSIM_ASSIGN_OR_RETURN(state.offline_pin, r.string("offline_pin"));
  POSIM_ASSIGN_OR_RETURN(state.card_blocked, r.boolean("card_blocked"));
  POSIM_ASSIGN_OR_RETURN(const Json* apps, r.field("applications", Json::Type::kArray));
  for (std::size_t i = 0; i < apps->asArray().size(); ++i) {
    POSIM_ASSIGN_OR_RETURN(ApplicationState app,
                           applicationFromJson(apps->asArray()[i], "card state: applications[" +
                                                                       std::to_string(i) + "]"));
    state.applications.push_back(std::move(app));
  }
  return state;
}

}  // namespace posim::emv
