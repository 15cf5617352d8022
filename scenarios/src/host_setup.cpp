#include "posim/scenarios/host_setup.h"

#include <string>
#include <utility>

#include "posim/base/money.h"
#include "posim/emv/test_cards.h"

namespace posim::scenarios {

acquirer::EmbeddedConfig defaultHostIssuer() {
  acquirer::EmbeddedConfig config;
  const Currency currency = *currencyByAlpha("CNY");
  int n = 0;
  for (const emv::CardProfile& card : emv::testCardProfiles()) {
    acquirer::Account account;
    account.name = "card" + std::to_string(++n);
    account.card = card;
    account.balance = Money(1000000, currency);
    config.accounts.push_back(std::move(account));
  }
  config.ignore_arqc_failure = true;
  config.latency.kind = acquirer::LatencyModel::Kind::kFixed;
  config.latency.a = Duration(0);
  config.latency.b = Duration(0);
  return config;
}

}  // namespace posim::scenarios
