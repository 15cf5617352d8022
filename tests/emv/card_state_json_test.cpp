// emv::cardStateToJson / cardStateFromJson: the state file of `posim card serve`.
#include "posim/emv/card_state_json.h"

#include <gtest/gtest.h>

#include "posim/emv/test_cards.h"

namespace posim::emv {
namespace {

CardState usedState() {
  CardState state = initialCardState(visaCreditCard());
  state.pin_tries_remaining = 1;
  state.offline_pin = "4321";
  state.card_blocked = true;
  ApplicationState& app = state.applications.at(0);
  app.atc = 0xFFFE;
  app.last_online_atc = 17;
  app.consecutive_offline = 3;
  app.cumulative_offline_amount = 123456789012ULL;
  app.issuer_authentication_failed = true;
  app.last_online_not_completed = true;
  app.blocked = true;
  app.script_commands = 2;
  app.script_failed = true;
  app.put_data = {{0x9F14, hexBytes("05")}, {0x9F23, hexBytes("0A")}};
  app.log = {hexBytes("00000000050001562612070000"), hexBytes("0102")};
  return state;
}

TEST(CardStateJsonTest, RoundTripsEveryField) {
  const CardState state = usedState();
  const Json doc = cardStateToJson(state, "visa-credit");
  auto parsed = Json::parse(doc.dump(2));
  ASSERT_TRUE(parsed.isOk());
  auto back = cardStateFromJson(*parsed, "visa-credit");
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(*back, state);
}

TEST(CardStateJsonTest, RefusesTheStateOfAnotherCard) {
  auto back = cardStateFromJson(cardStateToJson(usedState(), "visa-credit"), "mastercard-debit");
  ASSERT_FALSE(back.isOk());
  EXPECT_EQ(back.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(back.status().message().find("'visa-credit', not 'mastercard-debit'"),
            std::string::npos);
}

TEST(CardStateJsonTest, NamesTheBadFieldInsteadOfAborting) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{R"({})", "field 'posim_card_state'"},
           Case{R"({"posim_card_state": 2, "card": "x"})", "version 2"},
           Case{R"({"posim_card_state": 1, "card": "x", "pin_tries_remaining": 300})",
                "'pin_tries_remaining' is out of range"},
           Case{R"({"posim_card_state": 1, "card": "x", "pin_tries_remaining": 3,
                   "offline_pin": "1234", "card_blocked": false,
                   "applications": [{"atc": "1"}]})",
                "applications[0]: field 'atc'"},
           Case{R"({"posim_card_state": 1, "card": "x", "pin_tries_remaining": 3,
                   "offline_pin": "1234", "card_blocked": false, "applications": [
                   {"atc": 1, "last_online_atc": 0, "consecutive_offline": 0,
                    "cumulative_offline_amount": 0, "issuer_authentication_failed": false,
                    "last_online_not_completed": false, "blocked": false,
                    "script_commands": 0, "script_failed": false, "put_data": [],
                    "log": ["XYZ"]}]})",
                "log entry is not hex"},
           Case{R"([1, 2])", "field 'posim_card_state'"},
       }) {
    SCOPED_TRACE(c.text);
    auto doc = Json::parse(c.text);
    ASSERT_TRUE(doc.isOk());
    auto state = cardStateFromJson(*doc, "x");
    ASSERT_FALSE(state.isOk());
    EXPECT_NE(state.status().message().find(c.message), std::string::npos)
        << state.status().message();
  }
}

}  // namespace
}  // namespace posim::emv
