// The issuer `posim host` serves without a scenario (scenarios::defaultHostIssuer), shared by
// the CLI and the GUI's embedded host.
#include "posim/scenarios/host_setup.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "posim/emv/test_cards.h"

namespace posim::scenarios {
namespace {

TEST(DefaultHostIssuerTest, HasOneFundedAccountPerBuiltInTestCard) {
  const acquirer::EmbeddedConfig issuer = defaultHostIssuer();
  const std::vector<emv::CardProfile> cards = emv::testCardProfiles();
  ASSERT_EQ(issuer.accounts.size(), cards.size());
  std::set<std::string> names;
  for (std::size_t i = 0; i < cards.size(); ++i) {
    const acquirer::Account& account = issuer.accounts[i];
    EXPECT_EQ(account.card.pan, cards[i].pan);
    EXPECT_EQ(account.card.id, cards[i].id);
    EXPECT_EQ(account.name, "card" + std::to_string(i + 1));
    EXPECT_EQ(account.balance.minorUnits(), 1000000);
    EXPECT_EQ(account.balance.currency().alpha, "CNY");
    EXPECT_TRUE(account.online_pin.empty()) << "any online PIN passes";
    EXPECT_EQ(account.status, acquirer::AccountStatus::kActive);
    names.insert(account.name);
  }
  EXPECT_EQ(names.size(), cards.size());
}

TEST(DefaultHostIssuerTest, IgnoresArqcFailuresAndModelsNoLatency) {
  const acquirer::EmbeddedConfig issuer = defaultHostIssuer();
  EXPECT_TRUE(issuer.ignore_arqc_failure);
  EXPECT_EQ(issuer.latency.kind, acquirer::LatencyModel::Kind::kFixed);
  EXPECT_EQ(issuer.latency.a, Duration(0));
  EXPECT_EQ(issuer.latency.b, Duration(0));
}

}  // namespace
}  // namespace posim::scenarios
