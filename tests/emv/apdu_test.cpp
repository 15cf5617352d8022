#include "posim/emv/apdu.h"

#include <random>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"

namespace posim::emv {
namespace {

std::string serialized(const CommandApdu& apdu) {
  const Result<Bytes> bytes = apdu.serialize();
  EXPECT_TRUE(bytes.isOk()) << bytes.status().toString();
  return bytes.isOk() ? toHex(*bytes) : std::string();
}

TEST(CommandApduTest, SerializesTheFourShortCases) {
  CommandApdu apdu;
  apdu.cla = 0x00;
  apdu.ins = 0x84;
  EXPECT_EQ(apdu.isoCase(), 1);
  EXPECT_EQ(serialized(apdu), "00840000");
  apdu.le = 0x08;
  EXPECT_EQ(apdu.isoCase(), 2);
  EXPECT_EQ(apdu.expectedLength(), 8u);
  EXPECT_EQ(serialized(apdu), "0084000008");
  apdu.data = hexBytes("0102");
  EXPECT_EQ(apdu.isoCase(), 4);
  EXPECT_EQ(serialized(apdu),
            "00840000020102"
            "08");
  apdu.le.reset();
  EXPECT_EQ(apdu.isoCase(), 3);
  EXPECT_EQ(apdu.expectedLength(), 0u);
  EXPECT_EQ(serialized(apdu),
            "008400000201"
            "02");
  apdu.le = 0x00;
  EXPECT_EQ(apdu.expectedLength(), 256u);
}

TEST(CommandApduTest, RejectsDataThatDoesNotFitAShortApdu) {
  CommandApdu apdu;
  apdu.cla = 0x80;
  apdu.ins = 0xAE;
  apdu.data = Bytes(255, 0x11);
  EXPECT_TRUE(apdu.serialize().isOk());
  apdu.data = Bytes(256, 0x11);
  const Result<Bytes> bytes = apdu.serialize();
  ASSERT_FALSE(bytes.isOk());
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bytes.status().message(),
            "C-APDU 80 AE: 256 data bytes do not fit a short APDU (at most 255; extended length "
            "is not supported)");
}

TEST(CommandApduTest, ParsesEachCase) {
  {
    const Result<CommandApdu> apdu = CommandApdu::parse(hexBytes("00840000"));
    ASSERT_TRUE(apdu.isOk());
    EXPECT_EQ(apdu->isoCase(), 1);
    EXPECT_EQ(apdu->ins, 0x84);
  }
  {
    const Result<CommandApdu> apdu = CommandApdu::parse(hexBytes("00C000001A"));
    ASSERT_TRUE(apdu.isOk());
    EXPECT_EQ(apdu->isoCase(), 2);
    EXPECT_EQ(apdu->le, std::optional<std::uint8_t>(0x1A));
  }
  {
    const Result<CommandApdu> apdu = CommandApdu::parse(hexBytes("0082000008 1122334455667788"));
    ASSERT_TRUE(apdu.isOk());
    EXPECT_EQ(apdu->isoCase(), 3);
    EXPECT_EQ(toHex(apdu->data), "1122334455667788");
  }
  {
    const Result<CommandApdu> apdu = CommandApdu::parse(hexBytes("80A8000002830000"));
    ASSERT_TRUE(apdu.isOk());
    EXPECT_EQ(apdu->isoCase(), 4);
    EXPECT_EQ(apdu->cla, 0x80);
    EXPECT_EQ(apdu->ins, kInsGetProcessingOptions);
    EXPECT_EQ(toHex(apdu->data), "8300");
    EXPECT_EQ(apdu->le, std::optional<std::uint8_t>(0x00));
  }
}

TEST(CommandApduTest, ParseDiagnosesShortAndInconsistentInput) {
  struct Case {
    const char* hex;
    const char* message;
  };
  const Case cases[] = {
      {"", "C-APDU of 0 bytes: a command needs at least the 4 header bytes CLA INS P1 P2"},
      {"00A404", "C-APDU of 3 bytes: a command needs at least the 4 header bytes CLA INS P1 P2"},
      // Lc 0E but 3 bytes follow.
      {"00A404000E315041",
       "byte 4: Lc 0E announces 14 bytes of data but 3 bytes follow (expected 14 without Le or "
       "15 with Le)"},
      // Lc 02 but 4 bytes follow: neither case 3 nor case 4.
      {"0082000002AABBCCDD",
       "byte 4: Lc 02 announces 2 bytes of data but 4 bytes follow (expected 2 without Le or 3 "
       "with Le)"},
      {"00A4040000AABB",
       "byte 4: Lc is 00 with 2 bytes following: an extended-length C-APDU, which is not "
       "supported"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hex);
    const Result<CommandApdu> apdu = CommandApdu::parse(hexBytes(c.hex));
    ASSERT_FALSE(apdu.isOk());
    EXPECT_EQ(apdu.status().code(), StatusCode::kMalformed);
    EXPECT_EQ(apdu.status().message(), c.message);
  }
}

TEST(CommandApduTest, SelectByName) {
  const CommandApdu pse = CommandApdu::selectPse();
  EXPECT_EQ(serialized(pse), "00A404000E315041592E5359532E444446303100");
  EXPECT_EQ(pse.describe(), "SELECT 1PAY.SYS.DDF01");
  EXPECT_EQ(serialized(CommandApdu::selectPpse()), "00A404000E325041592E5359532E444446303100");

  const Bytes aid = hexBytes("A0000000041010");
  const CommandApdu first = CommandApdu::selectByName(aid);
  EXPECT_EQ(serialized(first), "00A4040007A000000004101000");
  EXPECT_EQ(first.describe(), "SELECT A0000000041010");
  const CommandApdu next = CommandApdu::selectByName(aid, SelectOccurrence::kNext);
  EXPECT_EQ(serialized(next), "00A4040207A000000004101000");
  EXPECT_EQ(next.describe(), "SELECT A0000000041010 (next occurrence)");
}

TEST(CommandApduTest, ReadRecord) {
  const Result<CommandApdu> apdu = CommandApdu::readRecord(1, 2);
  ASSERT_TRUE(apdu.isOk());
  EXPECT_EQ(serialized(*apdu), "00B2020C00");
  EXPECT_EQ(apdu->describe(), "READ RECORD SFI 1 record 2");
  EXPECT_EQ(serialized(*CommandApdu::readRecord(30, 255)), "00B2FFF400");
  EXPECT_EQ(CommandApdu::readRecord(11, 1)->describe(), "READ RECORD SFI 11 record 1");

  const Result<CommandApdu> sfi0 = CommandApdu::readRecord(0, 1);
  ASSERT_FALSE(sfi0.isOk());
  EXPECT_EQ(sfi0.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sfi0.status().message(), "READ RECORD: SFI 0 is outside 1..30 (EMV Book 3 §6.5.11)");
  EXPECT_FALSE(CommandApdu::readRecord(31, 1).isOk());
  EXPECT_FALSE(CommandApdu::readRecord(1, 0).isOk());
}

TEST(CommandApduTest, GetProcessingOptionsWrapsPdolDataIn83) {
  const CommandApdu empty = CommandApdu::getProcessingOptions({});
  EXPECT_EQ(serialized(empty), "80A8000002830000");
  EXPECT_EQ(empty.describe(), "GET PROCESSING OPTIONS (no PDOL data)");
  const CommandApdu gpo = CommandApdu::getProcessingOptions(hexBytes("60F0C8"));
  EXPECT_EQ(serialized(gpo), "80A8000005830360F0C800");
  EXPECT_EQ(gpo.describe(), "GET PROCESSING OPTIONS (PDOL data 3 bytes)");
  // 130 bytes of PDOL data need the 81 long form inside the command data.
  const CommandApdu big = CommandApdu::getProcessingOptions(Bytes(130, 0x00));
  ASSERT_EQ(big.data.size(), 133u);
  EXPECT_EQ(toHex(ByteView(big.data).first(3)), "838182");
}

TEST(CommandApduTest, GenerateAcReferenceControl) {
  const Bytes cdol = hexBytes("0000000123450156");
  const CommandApdu arqc_cda = CommandApdu::generateAc(GenerateAcReference::kArqc, true, cdol);
  EXPECT_EQ(serialized(arqc_cda),
            "80AE9000080000000123450156"
            "00");
  EXPECT_EQ(arqc_cda.describe(), "GENERATE AC ARQC+CDA");
  EXPECT_EQ(CommandApdu::generateAc(GenerateAcReference::kArqc, false, cdol).p1, 0x80);
  const CommandApdu tc = CommandApdu::generateAc(GenerateAcReference::kTc, false, cdol);
  EXPECT_EQ(tc.p1, 0x40);
  EXPECT_EQ(tc.describe(), "GENERATE AC TC");
  const CommandApdu tc_cda = CommandApdu::generateAc(GenerateAcReference::kTc, true, cdol);
  EXPECT_EQ(tc_cda.p1, 0x50);
  const CommandApdu aac = CommandApdu::generateAc(GenerateAcReference::kAac, false, cdol);
  EXPECT_EQ(aac.p1, 0x00);
  EXPECT_EQ(aac.describe(), "GENERATE AC AAC");
  CommandApdu rfu = aac;
  rfu.p1 = 0xC0;
  EXPECT_EQ(rfu.describe(), "GENERATE AC RFU(C0)");
}

TEST(CommandApduTest, GetDataVerifyAndAuthentication) {
  const CommandApdu atc = CommandApdu::getData(0x9F36);
  EXPECT_EQ(serialized(atc), "80CA9F3600");
  EXPECT_EQ(atc.describe(), "GET DATA 9F36");
  EXPECT_EQ(CommandApdu::getData(0x9F17).describe(), "GET DATA 9F17");
  EXPECT_EQ(serialized(CommandApdu::getData(0x5A)), "80CA005A00");
  EXPECT_EQ(CommandApdu::getData(0x5A).describe(), "GET DATA 5A");

  const Bytes pin_block = hexBytes("241234FFFFFFFFFF");
  const CommandApdu plain = CommandApdu::verify(PinQualifier::kPlaintext, pin_block);
  EXPECT_EQ(serialized(plain), "0020008008241234FFFFFFFFFF");
  EXPECT_EQ(plain.describe(), "VERIFY plaintext PIN");  // no PIN block in traces
  const CommandApdu enciphered = CommandApdu::verify(PinQualifier::kEnciphered, Bytes(128, 0x5A));
  EXPECT_EQ(enciphered.p2, 0x88);
  EXPECT_EQ(enciphered.isoCase(), 3);
  EXPECT_EQ(enciphered.describe(), "VERIFY enciphered PIN");

  const CommandApdu internal = CommandApdu::internalAuthenticate(hexBytes("7FBC4049"));
  EXPECT_EQ(serialized(internal), "00880000047FBC404900");
  EXPECT_EQ(internal.describe(), "INTERNAL AUTHENTICATE (4 bytes)");
  const CommandApdu external =
      CommandApdu::externalAuthenticate(hexBytes("1122334455667788"
                                                 "3030"));
  EXPECT_EQ(serialized(external), "008200000A11223344556677883030");
  EXPECT_EQ(external.describe(), "EXTERNAL AUTHENTICATE (10 bytes)");

  const CommandApdu challenge = CommandApdu::getChallenge();
  EXPECT_EQ(serialized(challenge), "0084000000");
  EXPECT_EQ(challenge.describe(), "GET CHALLENGE");
  const CommandApdu response = CommandApdu::getResponse(0x1A);
  EXPECT_EQ(serialized(response), "00C000001A");
  EXPECT_EQ(response.describe(), "GET RESPONSE Le=26");
  EXPECT_EQ(CommandApdu::getResponse(0x00).describe(), "GET RESPONSE Le=256");
}

TEST(CommandApduTest, DescribesIssuerScriptAndUnknownCommands) {
  auto describe = [](const char* hex) { return CommandApdu::parse(hexBytes(hex))->describe(); };
  EXPECT_EQ(describe("841E000008AABBCCDDEEFF0011"), "APPLICATION BLOCK");
  EXPECT_EQ(describe("8418000008AABBCCDDEEFF0011"), "APPLICATION UNBLOCK");
  EXPECT_EQ(describe("8416000008AABBCCDDEEFF0011"), "CARD BLOCK");
  EXPECT_EQ(describe("8424000210AABBCCDDEEFF0011AABBCCDDEEFF0011"), "PIN CHANGE/UNBLOCK");
  EXPECT_EQ(describe("04DA9F580501AABBCCDD"), "PUT DATA 9F58 (5 bytes)");
  EXPECT_EQ(describe("04DC010C0370015A"), "UPDATE RECORD SFI 1 record 1 (3 bytes)");
  EXPECT_EQ(describe("80EA000004AABBCCDD00"), "C-APDU 80 EA 00 00 (4 bytes)");
  EXPECT_EQ(describe("00A40000023F00"), "SELECT P1=00 P2=00 3F00");
  EXPECT_EQ(describe("00B2010400"), "READ RECORD SFI 0 record 1");
  EXPECT_EQ(describe("00B2010500"), "READ RECORD record 1 P2=05");
}

TEST(ResponseApduTest, ParsesDataAndStatusWord) {
  const Result<ResponseApdu> response = ResponseApdu::parse(hexBytes("70035A01129000"));
  ASSERT_TRUE(response.isOk());
  EXPECT_EQ(toHex(response->data), "70035A0112");
  EXPECT_EQ(response->sw1sw2, 0x9000);
  EXPECT_EQ(response->sw1(), 0x90);
  EXPECT_EQ(response->sw2(), 0x00);
  EXPECT_TRUE(response->isSuccess());
  EXPECT_EQ(response->describe(), "9000 Success, 5 bytes");
  EXPECT_EQ(toHex(response->serialize()), "70035A01129000");

  const Result<ResponseApdu> status_only = ResponseApdu::parse(hexBytes("6A82"));
  ASSERT_TRUE(status_only.isOk());
  EXPECT_TRUE(status_only->data.empty());
  EXPECT_FALSE(status_only->isSuccess());
  EXPECT_EQ(status_only->describe(), "6A82 File or application not found");
  EXPECT_EQ(ResponseApdu::parse(hexBytes("6C61"))->describe(), "6C61 Wrong Le: resend with Le=97");
}

TEST(ResponseApduTest, NeedsTwoStatusBytes) {
  for (const char* hex : {"", "90"}) {
    const Result<ResponseApdu> response = ResponseApdu::parse(hexBytes(hex));
    ASSERT_FALSE(response.isOk());
    EXPECT_EQ(response.status().code(), StatusCode::kMalformed);
  }
  EXPECT_EQ(ResponseApdu::parse(hexBytes("00")).status().message(),
            "R-APDU of 1 byte: a response needs at least the 2 status bytes SW1 SW2");
}

TEST(CommandApduTest, RandomBytesParseOnlyWhenConsistent) {
  std::mt19937 random(11);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 24);
  std::size_t parsed = 0;
  for (int round = 0; round < 5000; ++round) {
    Bytes bytes(length(random));
    for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(byte(random));
    if (bytes.size() > 5 && round % 2 == 0) {
      bytes[4] = static_cast<std::uint8_t>(bytes.size() - 5 - (round % 4 == 0 ? 1 : 0));
    }
    const Result<CommandApdu> apdu = CommandApdu::parse(bytes);
    if (!apdu.isOk()) continue;
    ++parsed;
    // Whatever parses re-serializes to the same bytes, and describes itself.
    EXPECT_EQ(toHex(*apdu->serialize()), toHex(bytes));
    EXPECT_FALSE(apdu->describe().empty());
  }
  EXPECT_GT(parsed, 1000u);
}

}  // namespace
}  // namespace posim::emv
