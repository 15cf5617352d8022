#include "posim/emv/terminal_profile.h"

#include <gtest/gtest.h>

#include "posim/emv/test_terminals.h"

namespace posim::emv {
namespace {

TEST(TerminalProfileTest, FindsExactAndPartialApplications) {
  const TerminalProfile p = countertopTerminal();
  const TerminalApplication* visa = p.findApplication(hexBytes("A0000000031010"));
  ASSERT_NE(visa, nullptr);
  EXPECT_EQ(visa->name, "Visa Credit/Debit");
  EXPECT_EQ(p.findApplication(hexBytes("A000000003101001")), visa);     // partial allowed
  EXPECT_EQ(p.findApplication(hexBytes("A000000003201001")), nullptr);  // Electron: exact only
  EXPECT_NE(p.findApplication(hexBytes("A0000000032010")), nullptr);
  EXPECT_EQ(p.findApplication(hexBytes("A0000000033030")), nullptr);
}

TEST(TerminalProfileTest, ReferenceProfiles) {
  const TerminalProfile countertop = countertopTerminal();
  EXPECT_EQ(countertop.terminal_type, 0x22);
  EXPECT_TRUE(countertop.attended);
  EXPECT_TRUE(countertop.hasCapability(kCapCda));
  EXPECT_TRUE(countertop.hasCapability(kCapSignature));
  const TerminalProfile unattended = unattendedTerminal();
  EXPECT_EQ(unattended.terminal_type, 0x24);
  EXPECT_FALSE(unattended.attended);
  EXPECT_FALSE(unattended.hasCapability(kCapSignature));
  EXPECT_TRUE(unattended.hasCapability(kCapEncipheredPinOnline));
}

TEST(TerminalProfileTest, TestCaKeyIsTheOwnChainKey) {
  const crypto::CaPublicKey key = testCaPublicKey();
  EXPECT_EQ(toHex(key.rid), "A000000999");
  EXPECT_EQ(key.index, 0xE1);
  EXPECT_EQ(toHex(key.checksum), "DDD2DB4EA98FE477FCF3B36468F1CFAC391D2FA4");
  const TerminalProfile p = countertopTerminal();
  for (const char* rid : {"A000000999", "A000000003", "A000000004", "A000000333"}) {
    EXPECT_NE(p.ca_keys.find(hexBytes(rid), 0xE1), nullptr) << rid;
  }
}

}  // namespace
}  // namespace posim::emv
