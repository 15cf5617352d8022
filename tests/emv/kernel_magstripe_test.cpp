// Magstripe: service code rules and fallback (ISO 7813; DOMAIN.md §4.3 DE 22).
#include <gtest/gtest.h>

#include "posim/emv/kernel.h"

#include "kernel_test_support.h"

namespace posim::emv {
namespace {

class KernelMagstripeTest : public ::testing::Test {
 protected:
  KernelResult swipe(std::string track2, bool fallback = false) {
    TransactionInputs in = test::purchase(15000, EntryMode::kMagstripe);
    in.track2 = std::move(track2);
    in.fallback = fallback;
    KernelEnvironment env;
    env.random = &random;
    env.pin_entry = &pin_pad;
    env.authorizer = &issuer;
    test::FakeCard unused;
    return Kernel(profile, env).run(unused, in);
  }
  TerminalProfile profile = countertopTerminal();
  SeededRandom random{3};
  test::ScriptedPinPad pin_pad{{PinEntryResult::entered("1234")}};
  test::FixedIssuer issuer{test::approved()};
};

TEST_F(KernelMagstripeTest, MagstripeOnlyCardGoesOnlineWithSignature) {
  const KernelResult r = swipe("374245001751006=28121011234567890");
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline);
  EXPECT_EQ(r.cvm, "signature");
  ASSERT_EQ(issuer.requests.size(), 1u);
  EXPECT_EQ(issuer.requests[0].pos_entry_mode, "90");
  EXPECT_EQ(issuer.requests[0].expiry_yymm, "2812");
  EXPECT_EQ(r.masked_pan, "374245*****1006");
}

TEST_F(KernelMagstripeTest, ChipCardSwipedMustUseTheChip) {
  EXPECT_EQ(swipe(";4761739001010010=28122011234567890?").outcome, Outcome::kUseChipReader);
  EXPECT_TRUE(issuer.requests.empty());
}

TEST_F(KernelMagstripeTest, FallbackAfterChipFailureIsAccepted) {
  const KernelResult r = swipe("4761739001010010=28122011234567890", /*fallback=*/true);
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline);
  EXPECT_TRUE(r.fallback);
  EXPECT_EQ(issuer.requests.at(0).pos_entry_mode, "80");
}

TEST_F(KernelMagstripeTest, ServiceCodePinRequiredAsksOnlinePin) {
  const KernelResult r = swipe("4761739001010010=28121201234567890");
  EXPECT_EQ(r.cvm, "online PIN");
  EXPECT_EQ(issuer.requests.at(0).pin_block.size(), 8u);
  EXPECT_EQ(pin_pad.requests.at(0).kind, PinKind::kOnline);
}

TEST_F(KernelMagstripeTest, ExpiredCardIsDeclined) {
  EXPECT_EQ(swipe("4761739001010010=26081011234567890").outcome, Outcome::kDeclinedOffline);
}

TEST_F(KernelMagstripeTest, UnreadableTrackTerminates) {
  EXPECT_EQ(swipe("garbage").outcome, Outcome::kTerminated);
}

TEST_F(KernelMagstripeTest, IssuerUnavailableDeclines) {
  KernelEnvironment env;
  env.random = &random;
  TransactionInputs in = test::purchase(15000, EntryMode::kMagstripe);
  in.track2 = "374245001751006=28121011234567890";
  test::FakeCard unused;
  EXPECT_EQ(Kernel(profile, env).run(unused, in).outcome, Outcome::kDeclinedOffline);
}

}  // namespace
}  // namespace posim::emv
