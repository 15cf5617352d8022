#include "posim/emv/value_decoders.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace posim::emv {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

DecodedValue decode(Tag tag, std::string_view hex, const DecodeContext& context = {}) {
  return decodeValue(tag, hexBytes(hex), context);
}

DecodeContext withCurrencies(std::uint16_t transaction, std::uint16_t application,
                             Scheme scheme = Scheme::kEmv) {
  DecodeContext context;
  context.scheme = scheme;
  context.transaction_currency = transaction;
  context.application_currency = application;
  return context;
}

// Every line a decoder produced, for "this must never appear anywhere" checks.
std::string everything(const DecodedValue& v) {
  std::string all = v.summary;
  for (const auto& line : v.details) all += "\n" + line;
  for (const auto& line : v.warnings) all += "\n" + line;
  return all;
}

TEST(ValueDecodersTest, ApplicationInterchangeProfile) {
  const DecodedValue dda = decode(0x82, "3C00");
  EXPECT_EQ(dda.summary,
            "DDA, cardholder verification, terminal risk management, issuer authentication");
  EXPECT_THAT(dda.details, ElementsAre("byte 1 b6: DDA supported",
                                       "byte 1 b5: Cardholder verification is supported",
                                       "byte 1 b4: Terminal risk management is to be performed",
                                       "byte 1 b3: Issuer authentication is supported"));
  EXPECT_THAT(dda.warnings, IsEmpty());

  EXPECT_EQ(decode(0x82, "7D00").summary,
            "SDA, DDA, cardholder verification, terminal risk management, issuer "
            "authentication, CDA");
  EXPECT_EQ(decode(0x82, "0000").summary, "none set");

  const DecodedValue short_aip = decode(0x82, "3C");
  EXPECT_THAT(short_aip.warnings, ElementsAre("wrong length: 1 byte (expected 2)"));
  EXPECT_EQ(short_aip.summary,
            "DDA, cardholder verification, terminal risk management, issuer authentication");
}

TEST(ValueDecodersTest, TerminalVerificationResultsAndStatus) {
  const DecodedValue tvr = decode(0x95, "8000048000");
  EXPECT_EQ(tvr.summary,
            "offline_data_auth_not_performed, online_pin_entered, transaction_exceeds_floor_limit");
  EXPECT_THAT(tvr.details,
              ElementsAre("byte 1 b8 offline_data_auth_not_performed: Offline data "
                          "authentication was not performed",
                          "byte 3 b3 online_pin_entered: Online PIN entered",
                          "byte 4 b8 transaction_exceeds_floor_limit: Transaction exceeds floor "
                          "limit"));
  EXPECT_THAT(tvr.warnings, IsEmpty());

  EXPECT_EQ(decode(0x95, "0000000000").summary, "no bits set");
  EXPECT_THAT(decode(0x95, "0100000000").warnings, ElementsAre("RFU bit set: byte 1 b1"));
  EXPECT_THAT(decode(0x95, "80000480").warnings, ElementsAre("wrong length: 4 bytes (expected 5)"));

  const DecodedValue tsi = decode(0x9B, "E800");
  EXPECT_EQ(tsi.summary,
            "oda_performed, cardholder_verification_performed, card_risk_management_performed, "
            "terminal_risk_management_performed");
  EXPECT_EQ(tsi.details.size(), 4u);
}

TEST(ValueDecodersTest, IssuerAndTerminalActionCodesAreTvrBitLists) {
  const DecodedValue denial = decode(0x9F0E, "0010000000");
  EXPECT_EQ(denial.summary, "requested_service_not_allowed");
  const DecodedValue online = decode(0x9F0F, "FFFFFFFFFF");
  EXPECT_EQ(online.details.size(), 27u);
  EXPECT_THAT(online.warnings, IsEmpty());  // RFU bits in action codes are normal
  EXPECT_EQ(decode(0xDF8121, "0000000000").summary, "no bits set");
}

TEST(ValueDecodersTest, CvmListAndResults) {
  const DecodedValue list = decode(0x8E, "000000000000000042031E031F03");
  EXPECT_EQ(list.summary, "online PIN, signature, no CVM; X=0, Y=0");
  EXPECT_THAT(
      list.details,
      ElementsAre("amount X: 0", "amount Y: 0",
                  "rule 1: 42 03 Enciphered PIN verified online; If terminal supports the CVM; "
                  "apply succeeding rule if unsuccessful",
                  "rule 2: 1E 03 Signature (paper); If terminal supports the CVM; fail "
                  "cardholder verification if unsuccessful",
                  "rule 3: 1F 03 No CVM required; If terminal supports the CVM; fail cardholder "
                  "verification if unsuccessful",
                  "amounts in minor units of the application currency (9F42)"));
  EXPECT_THAT(list.warnings, IsEmpty());

  EXPECT_EQ(decode(0x8E, "000003E8000000004106", withCurrencies(156, 156)).summary,
            "offline plaintext PIN; X=10.00 CNY, Y=0.00 CNY");

  const DecodedValue odd = decode(0x8E, "00000000000000004203060A");
  EXPECT_THAT(odd.warnings, ElementsAre("rule 2: CVM code 06 is not recognised (RFU)"));

  const DecodedValue truncated = decode(0x8E, "0000");
  EXPECT_EQ(truncated.summary, "0000");
  EXPECT_THAT(truncated.warnings,
              ElementsAre("wrong length: 2 bytes (expected 8 to 252)",
                          "byte 0: only 2 bytes, too short for amounts X and Y (4 bytes each); "
                          "no rules decoded"));

  const DecodedValue results = decode(0x9F34, "420302");
  EXPECT_EQ(results.summary,
            "Enciphered PIN verified online; If terminal supports the CVM; successful");
  EXPECT_THAT(results.details,
              ElementsAre("byte 1 42: Enciphered PIN verified online",
                          "byte 2 03: If terminal supports the CVM", "byte 3 02: successful"));
  EXPECT_EQ(decode(0x9F34, "3F0000").summary, "No CVM performed");
}

TEST(ValueDecodersTest, VisaIssuerApplicationData) {
  const DecodedValue iad = decode(0x9F10, "06011203A0A000");
  EXPECT_EQ(iad.summary, "Visa CVN 18 (format 1), DKI 01, CVR 03A0A000");
  EXPECT_THAT(
      iad.details,
      ElementsAre("IAD format: Visa VSDC format 1", "derivation key index: 01",
                  "cryptogram version number: 18 (0x12)", "card verification results: 03A0A000",
                  "CVR: 2nd GENERATE AC not requested", "CVR: 1st GENERATE AC (or GPO) ARQC",
                  "CVR: last online transaction not completed",
                  "CVR: exceeded velocity checking counters"));
  EXPECT_THAT(iad.warnings, IsEmpty());

  EXPECT_EQ(decode(0x9F10, "06010A03A0000000").summary,
            "Visa CVN 10 (format 0), DKI 01, CVR 03A00000");

  // Format 2 (CVN 22): 32 bytes, CVN before DKI, 5-byte CVR.
  const std::string format2 = "1F220100A0000000" + std::string(48, '0');
  const DecodedValue long_iad = decode(0x9F10, format2);
  EXPECT_EQ(long_iad.summary, "Visa CVN 22 (format 2), DKI 01, CVR 00A0000000");
  EXPECT_THAT(long_iad.details, Contains("CVR: 1st GENERATE AC (or GPO) ARQC"));
}

TEST(ValueDecodersTest, MastercardIssuerApplicationData) {
  const DecodedValue iad = decode(0x9F10, "0110A04001220000000000000000000000FF");
  EXPECT_EQ(iad.summary, "Mastercard M/Chip CVN 16, DKI 01, CVR A04001220000");
  EXPECT_THAT(
      iad.details,
      ElementsAre("IAD format: Mastercard M/Chip (18 bytes)", "derivation key index: 01",
                  "cryptogram version number: 16 (0x10), Mastercard proprietary SKD",
                  "card verification results: A04001220000", "CVR: 2nd GENERATE AC not requested",
                  "CVR: 1st GENERATE AC ARQC", "CVR: CDA returned in first GENERATE AC",
                  "CVR: offline PIN verification not performed", "CVR: domestic transaction",
                  "CVR: script counter 0, PIN try counter 1", "DAC / ICC dynamic number: 0000",
                  "counters: 00000000000000FF"));
  EXPECT_THAT(iad.warnings, IsEmpty());

  EXPECT_THAT(decode(0x9F10, "0115A04001220000000000000000000000FF").details,
              Contains("cryptogram version number: 21 (0x15), EMV common session key, counters "
                       "included in the AC data"));
}

TEST(ValueDecodersTest, UnrecognisedIssuerApplicationData) {
  const DecodedValue iad = decode(0x9F10, "0102030405");
  EXPECT_EQ(iad.summary, "0102030405");
  EXPECT_THAT(iad.details, ElementsAre("IAD format not recognised (Visa VSDC, Mastercard M/Chip "
                                       "or EMV CCD)"));
}

TEST(ValueDecodersTest, CryptogramInformationData) {
  const DecodedValue arqc = decode(0x9F27, "80");
  EXPECT_EQ(arqc.summary, "ARQC");
  EXPECT_THAT(arqc.details,
              ElementsAre("b8-b7: ARQC, authorisation request cryptogram (go online)"));
  EXPECT_EQ(decode(0x9F27, "40").summary, "TC");
  EXPECT_EQ(decode(0x9F27, "00").summary, "AAC");
  EXPECT_EQ(decode(0x9F27, "0A").summary, "AAC, advice required, reason: PIN try limit exceeded");
  EXPECT_EQ(decode(0x9F27, "C0").warnings, std::vector<std::string>{"cryptogram type 11 is RFU"});
}

TEST(ValueDecodersTest, TerminalCapabilitiesAndType) {
  const DecodedValue caps = decode(0x9F33, "E0F8C8");
  EXPECT_EQ(caps.summary,
            "input: manual key entry, magnetic stripe, IC with contacts; CVM: plaintext PIN for "
            "ICC, enciphered PIN online, signature, enciphered PIN for ICC, no CVM; security: "
            "SDA, DDA, CDA");
  EXPECT_EQ(caps.details.size(), 11u);
  EXPECT_EQ(caps.details.front(), "byte 1 b8: Manual key entry");
  EXPECT_THAT(caps.warnings, IsEmpty());
  EXPECT_THAT(decode(0x9F33, "E1F8C8").warnings, ElementsAre("RFU bit set: byte 1 b1"));

  EXPECT_EQ(decode(0x9F40, "6000F0A001").summary,
            "transaction types: goods, services; input: numeric keys, alphabetic and special "
            "keys, command keys, function keys; output: print attendant, display attendant, "
            "code table 1");

  EXPECT_EQ(decode(0x9F35, "22").summary, "22 Merchant, attended, offline with online capability");
  EXPECT_EQ(decode(0x9F35, "14").summary, "14 Financial institution, unattended, online only");
  EXPECT_EQ(decode(0x9F35, "29").summary, "29 (unknown terminal type)");

  // Kernel 2 copies of the 9F33 bytes.
  const DecodedValue input = decode(0xDF8117, "E0");
  EXPECT_EQ(input.summary, "manual key entry, magnetic stripe, IC with contacts");
  EXPECT_EQ(input.details.front(), "b8: Manual key entry");
  EXPECT_EQ(decode(0xDF8118, "60").summary, "enciphered PIN online, signature");
  EXPECT_EQ(decode(0xDF811F, "08").summary, "CDA");
}

TEST(ValueDecodersTest, ContactlessQualifiers) {
  const DecodedValue ttq = decode(0x9F66, "36004000");
  EXPECT_EQ(ttq.summary, "EMV mode, contact chip, online PIN, signature, CDCVM");
  EXPECT_EQ(ttq.details.back(), "byte 3 b7: Consumer device CVM supported");
  EXPECT_EQ(decode(0x9F66, "32004000").summary, "EMV mode, contact chip, signature, CDCVM");
  EXPECT_EQ(decode(0x9F66, "2680C000").summary,
            "EMV mode, online PIN, signature, online cryptogram required, issuer update, CDCVM");

  EXPECT_EQ(decode(0x9F6C, "8000").summary, "online PIN required");
  EXPECT_EQ(decode(0x9F6C, "0080").summary, "CDCVM performed");
  // Read as Mastercard's Mag-stripe Application Version Number (Card), 9F6C is plain binary.
  DecodeContext mastercard;
  mastercard.scheme = Scheme::kMastercard;
  const DecodedValue mc = decodeValue(0x9F6C, hexBytes("0001"), mastercard);
  EXPECT_EQ(mc.summary, "0001");
  EXPECT_THAT(mc.details, IsEmpty());

  EXPECT_EQ(decode(0x9F6E, "20700000").summary,
            "version 1, card; features: signature panel, hologram, CVV2");
}

TEST(ValueDecodersTest, ApplicationFileLocator) {
  const DecodedValue afl = decode(0x94, "0801010010010301");
  EXPECT_EQ(afl.summary, "SFI 1 record 1; SFI 2 records 1-3, 1 for ODA");
  EXPECT_THAT(afl.details,
              ElementsAre("entry 1: SFI 1, record 1, 0 for offline data authentication",
                          "entry 2: SFI 2, records 1-3, 1 for offline data "
                          "authentication"));
  EXPECT_THAT(afl.warnings, IsEmpty());

  EXPECT_THAT(decode(0x94, "08010105").warnings,
              ElementsAre("entry 1: 5 ODA records but only 1 in the range"));
  EXPECT_THAT(
      decode(0x94, "00030100").warnings,
      ElementsAre("entry 1: SFI must be 1 to 30", "entry 1: last record is before the first"));
  const DecodedValue ragged = decode(0x94, "080101");
  EXPECT_EQ(ragged.summary, "no entries");
  EXPECT_THAT(ragged.warnings,
              ElementsAre("wrong length: 3 bytes (expected 4 to 252)",
                          "length 3 is not a multiple of 4; the last 3 bytes are ignored"));
}

TEST(ValueDecodersTest, DatesAndTimes) {
  EXPECT_EQ(decode(0x9A, "250314").summary, "2025-03-14");
  EXPECT_EQ(decode(0x5F24, "491231").summary, "2049-12-31");
  EXPECT_EQ(decode(0x5F25, "991231").summary, "1999-12-31");
  EXPECT_EQ(decode(0x9A, "240229").summary, "2024-02-29");
  const DecodedValue not_leap = decode(0x9A, "250229");
  EXPECT_EQ(not_leap.summary, "250229");
  EXPECT_THAT(not_leap.warnings, ElementsAre("invalid day 29"));
  EXPECT_THAT(decode(0x9A, "251301").warnings, ElementsAre("invalid month 13"));
  const DecodedValue not_bcd = decode(0x9A, "25A314");
  EXPECT_EQ(not_bcd.summary, "25A314");
  EXPECT_THAT(not_bcd.warnings, ElementsAre("not a YYMMDD date"));

  EXPECT_EQ(decode(0x9F21, "143015").summary, "14:30:15");
  EXPECT_THAT(decode(0x9F21, "246000").warnings, ElementsAre("invalid time 246000"));
}

TEST(ValueDecodersTest, AmountsUseTheCurrencyExponentWhenKnown) {
  EXPECT_EQ(decode(0x9F02, "000000012345", withCurrencies(156, 156)).summary, "123.45 CNY");
  EXPECT_EQ(decode(0x9F03, "000000000000", withCurrencies(156, 156)).summary, "0.00 CNY");
  EXPECT_EQ(decode(0x9F02, "000000012345", withCurrencies(392, 392)).summary, "12345 JPY");

  const DecodedValue raw = decode(0x9F02, "000000012345");
  EXPECT_EQ(raw.summary, "000000012345");
  EXPECT_THAT(raw.details,
              ElementsAre("12345 minor units; decimals unknown without the currency (5F2A)"));

  EXPECT_EQ(decode(0x81, "00003039", withCurrencies(840, 840)).summary, "123.45 USD");
  EXPECT_EQ(decode(0x9F1B, "00002710", withCurrencies(156, 156)).summary, "100.00 CNY");
  EXPECT_EQ(decode(0x9F1B, "00002710").summary, "10000");

  const DecodedValue bad = decode(0x9F02, "00000001234F");
  EXPECT_EQ(bad.summary, "00000001234F");
  EXPECT_THAT(bad.warnings, ElementsAre("not a numeric (BCD) value"));

  // Reader limits use the transaction currency; card balances the application currency.
  EXPECT_EQ(decode(0xDF8124, "000000030000", withCurrencies(156, 840)).summary, "300.00 CNY");
  EXPECT_EQ(decode(0x9F5D, "000000005000", withCurrencies(156, 840)).summary, "50.00 USD");
}

TEST(ValueDecodersTest, CountriesAndCurrencies) {
  EXPECT_EQ(decode(0x5F28, "0156").summary, "156 China");
  EXPECT_THAT(decode(0x5F28, "0156").details, ElementsAre("CN / CHN"));
  EXPECT_EQ(decode(0x9F1A, "0840").summary, "840 United States");
  EXPECT_EQ(decode(0x9F1A, "0001").summary, "001 (unknown country)");
  EXPECT_EQ(decode(0x5F2A, "0156").summary, "156 CNY");
  EXPECT_THAT(decode(0x5F2A, "0156").details, ElementsAre("Yuan Renminbi, 2 decimals"));
  EXPECT_EQ(decode(0x9F42, "0978").summary, "978 EUR");
  EXPECT_EQ(decode(0x9F3B, "08400978").summary, "840 USD, 978 EUR");
  EXPECT_THAT(decode(0x5F2A, "01A6").warnings, ElementsAre("not a numeric (BCD) value"));
}

TEST(ValueDecodersTest, CodedValues) {
  EXPECT_EQ(decode(0x9C, "00").summary, "00 Purchase (goods and services)");
  EXPECT_EQ(decode(0x9C, "20").summary, "20 Refund");
  EXPECT_EQ(decode(0x9C, "77").summary, "77 (unknown transaction type)");
  EXPECT_EQ(decode(0x9F39, "07").summary, "07 Contactless chip");
  EXPECT_EQ(decode(0x8A, "3030").summary, "00 Approved");
  EXPECT_EQ(decode(0x8A, "5931").summary, "Y1 Offline approved");
  EXPECT_EQ(decode(0x8A, "5A33").summary, "Z3 Unable to go online, offline declined");
  EXPECT_EQ(decode(0x8A, "3531").summary, "51 (issuer response code)");
  EXPECT_EQ(decode(0x87, "01").summary, "priority 1");
  EXPECT_EQ(decode(0x87, "81").summary, "priority 1, cardholder confirmation required");
  EXPECT_EQ(decode(0x87, "00").summary, "no priority assigned");
  EXPECT_THAT(decode(0x87, "31").warnings, ElementsAre("RFU bits b7-b5 set"));
  EXPECT_EQ(decode(0x88, "01").summary, "SFI 1");
  EXPECT_EQ(decode(0x9F36, "0011").summary, "17");
  EXPECT_EQ(decode(0x9F17, "03").summary, "3");
  EXPECT_EQ(decode(0x9F4D, "0B0A").summary, "SFI 11, 10 records");
  EXPECT_EQ(decode(0x9F2A, "03").summary, "03 Kernel 3 (Visa)");
  EXPECT_EQ(decode(0x9F2A, "07").summary, "07 Kernel 7 (UnionPay)");
  EXPECT_EQ(decode(0x5F30, "0201").summary,
            "201 (international interchange, use chip; normal authorisation; no restrictions)");
  EXPECT_EQ(decode(0x5F34, "01").summary, "01");

  const DecodedValue auc = decode(0x9F07, "FF00");
  EXPECT_EQ(auc.summary,
            "domestic cash, international cash, domestic goods, international goods, domestic "
            "services, international services, ATMs, non-ATM terminals");
  EXPECT_THAT(decode(0x9F07, "FFC0").details,
              Contains("byte 2 b7: International cashback allowed"));
}

TEST(ValueDecodersTest, PanIsAlwaysMasked) {
  const DecodedValue pan = decode(0x5A, "4761739001010010");
  EXPECT_EQ(pan.summary, "476173******0010");
  EXPECT_THAT(pan.details, ElementsAre("16 digits"));
  EXPECT_THAT(pan.warnings, IsEmpty());
  EXPECT_THAT(everything(pan), Not(HasSubstr("900101")));

  const DecodedValue padded = decode(0x5A, "5413330089020011FF");
  EXPECT_EQ(padded.summary, "541333******0011");
  EXPECT_THAT(everything(padded), Not(HasSubstr("00890200")));

  EXPECT_THAT(decode(0x5A, "4761739001010011").warnings, ElementsAre("PAN fails the Luhn check"));

  const DecodedValue malformed = decode(0x5A, "47617390010100A0");
  EXPECT_EQ(malformed.summary, "(malformed PAN, 8 bytes, not shown)");
  EXPECT_THAT(malformed.warnings, ElementsAre("PAN is not compressed numeric (cn)"));
  EXPECT_THAT(everything(malformed), Not(HasSubstr("4761")));
}

TEST(ValueDecodersTest, Track2ShowsMaskedPanExpiryAndServiceCode) {
  const DecodedValue track2 = decode(0x57, "4761739001010010D25122011234567890123F");
  EXPECT_EQ(track2.summary, "476173******0010, expiry 2025-12, service code 201");
  EXPECT_THAT(track2.details,
              ElementsAre("PAN: 476173******0010", "expiry: 2025-12",
                          "service code: 201 (international interchange, use chip; normal "
                          "authorisation; no restrictions)",
                          "discretionary data: 13 digits (not shown)"));
  EXPECT_THAT(track2.warnings, IsEmpty());
  EXPECT_THAT(everything(track2), Not(HasSubstr("900101")));
  EXPECT_THAT(everything(track2), Not(HasSubstr("1234567890123")));

  // Kernel 2's Track 2 Data reads the same way.
  DecodeContext mastercard;
  mastercard.scheme = Scheme::kMastercard;
  EXPECT_EQ(decodeValue(0x9F6B, hexBytes("5413330089020011D2512201000000000F"), mastercard).summary,
            "541333******0011, expiry 2025-12, service code 201");

  const DecodedValue no_separator = decode(0x57, "4761739001010010");
  EXPECT_EQ(no_separator.summary, "(malformed track 2, 8 bytes, not shown)");
  EXPECT_THAT(no_separator.warnings, ElementsAre("no field separator 'D' in track 2 data"));
  EXPECT_THAT(everything(no_separator), Not(HasSubstr("4761")));
}

TEST(ValueDecodersTest, Track1ShowsMaskedPanAndName) {
  const std::string track1 = "B4761739001010010^CARDHOLDER/VISA^2512201123456789";
  const DecodedValue v = decodeValue(0x56, asBytes(track1));
  EXPECT_EQ(v.summary, "476173******0010, CARDHOLDER/VISA, expiry 2025-12, service code 201");
  EXPECT_THAT(everything(v), Not(HasSubstr("123456789")));
  EXPECT_THAT(everything(v), Not(HasSubstr("900101")));
}

TEST(ValueDecodersTest, SensitiveValuesAreNotShown) {
  EXPECT_EQ(decode(0x99, "1234567890ABCDEF").summary, "8 bytes (not shown)");
  EXPECT_EQ(decode(0x9F20, "12345678").summary, "4 bytes (not shown)");
}

TEST(ValueDecodersTest, TextAndIdentifiers) {
  EXPECT_EQ(decode(0x50, "5649534120435245444954").summary, "VISA CREDIT");
  EXPECT_EQ(decode(0x9F12, "4D617374657263617264").summary, "Mastercard");
  EXPECT_EQ(decode(0x5F20, "4C45452F4D").summary, "LEE/M");
  const DecodedValue binary_name = decode(0x5F20, "41004243");
  EXPECT_EQ(binary_name.summary, "A.BC");
  EXPECT_THAT(binary_name.warnings, ElementsAre("non-printable characters shown as '.'"));

  EXPECT_EQ(decode(0x84, "315041592E5359532E4444463031").summary, "1PAY.SYS.DDF01");
  EXPECT_EQ(decode(0x84, "A0000000031010").summary, "A0000000031010 (Visa credit/debit)");
  const DecodedValue aid = decode(0x4F, "A000000333010101");
  EXPECT_EQ(aid.summary, "A000000333010101 (UnionPay debit)");
  EXPECT_THAT(aid.details, ElementsAre("RID A000000333, PIX 010101"));
  EXPECT_EQ(decode(0x9F06, "A0000000049999").summary, "A0000000049999 (Mastercard)");
  EXPECT_EQ(decode(0x4F, "A0000001234567").summary, "A0000001234567");

  EXPECT_EQ(decode(0x5F2D, "7A68656E").summary, "zh (Chinese), en (English)");
  EXPECT_THAT(decode(0x5F2D, "5A48").warnings,
              ElementsAre("'ZH' is not a lowercase ISO 639-1 code"));
}

TEST(ValueDecodersTest, DataObjectListsAndTagLists) {
  const DecodedValue pdol = decode(0x9F38, "9F66049F02069F03069F1A0295055F2A029A039C019F3704");
  EXPECT_EQ(pdol.summary,
            "9F66(4) 9F02(6) 9F03(6) 9F1A(2) 95(5) 5F2A(2) 9A(3) 9C(1) 9F37(4), 33 bytes");
  EXPECT_THAT(pdol.details,
              ElementsAre("9F66(4) Terminal Transaction Qualifiers (TTQ)",
                          "9F02(6) Amount, Authorised (Numeric)", "9F03(6) Amount, Other (Numeric)",
                          "9F1A(2) Terminal Country Code", "95(5) Terminal Verification Results",
                          "5F2A(2) Transaction Currency Code", "9A(3) Transaction Date",
                          "9C(1) Transaction Type", "9F37(4) Unpredictable Number"));
  EXPECT_THAT(pdol.warnings, IsEmpty());

  EXPECT_EQ(
      decode(0x8C, "9F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F3403").summary,
      "9F02(6) 9F03(6) 9F1A(2) 95(5) 5F2A(2) 9A(3) 9C(1) 9F37(4) 9F35(1) 9F45(2) "
      "9F4C(8) 9F34(3), 43 bytes");
  EXPECT_THAT(decode(0x8D, "8A02DF7F01").details,
              ElementsAre("8A(2) Authorisation Response Code", "DF7F(1) unknown tag"));

  const DecodedValue truncated = decode(0x9F49, "9F37049F");
  EXPECT_EQ(truncated.summary, "9F37(4), 4 bytes");
  EXPECT_EQ(truncated.warnings.size(), 1u);

  // Mastercard reads 9F69 as the UDOL.
  DecodeContext mastercard;
  mastercard.scheme = Scheme::kMastercard;
  EXPECT_EQ(decodeValue(0x9F69, hexBytes("9F6A04"), mastercard).summary, "9F6A(4), 4 bytes");

  const DecodedValue sda_tags = decode(0x9F4A, "82");
  EXPECT_EQ(sda_tags.summary, "82");
  EXPECT_THAT(sda_tags.details, ElementsAre("82 Application Interchange Profile"));
}

TEST(ValueDecodersTest, IssuerScriptResults) {
  EXPECT_EQ(decode(0x9F5B, "2000000001").summary, "00000001 successful");
  const DecodedValue two = decode(0x9F5B, "20000000011200000002");
  EXPECT_EQ(two.summary, "00000001 successful; 00000002 failed at command 2");
  EXPECT_EQ(decode(0xDF31, "0F12345678").summary, "12345678 not performed at command 15 or later");
}

TEST(ValueDecodersTest, UnionPayElectronicCash) {
  const DecodeContext unionpay = withCurrencies(156, 156, Scheme::kUnionPay);
  EXPECT_EQ(decode(0x9F79, "000000010000", unionpay).summary, "100.00 CNY");
  EXPECT_EQ(decode(0x9F77, "000000100000", unionpay).summary, "1000.00 CNY");
  // 9F6D is UnionPay's EC Reset Threshold, but Mastercard's reader version by default.
  EXPECT_EQ(decode(0x9F6D, "000000005000", unionpay).summary, "50.00 CNY");
  EXPECT_EQ(decode(0x9F6D, "0001").summary, "0001");
}

TEST(ValueDecodersTest, UnknownAndGenericTags) {
  const DecodedValue unknown = decode(0xDF7F, "0102");
  EXPECT_EQ(unknown.summary, "0102");
  EXPECT_THAT(unknown.details, IsEmpty());
  EXPECT_THAT(unknown.warnings, IsEmpty());

  EXPECT_EQ(decode(0x9F26, "1122334455667788").summary, "1122334455667788");
  EXPECT_THAT(decode(0x9F26, "11223344").warnings,
              ElementsAre("wrong length: 4 bytes (expected 8)"));
  EXPECT_EQ(decode(0x70, "5A0847617390010100105F24032512319F").summary, "template, 17 bytes");
  EXPECT_EQ(decode(0x9F15, "5411").summary, "5411");
  EXPECT_EQ(decode(0x9F1C, "3132333435363738").summary, "12345678");

  const DecodedValue empty = decodeValue(0x82, {});
  EXPECT_EQ(empty.summary, "(empty)");
  EXPECT_THAT(empty.warnings, ElementsAre("wrong length: 0 bytes (expected 2)"));
}

TEST(ValueDecodersTest, DecoderRegistry) {
  EXPECT_TRUE(hasValueDecoder(0x82));
  EXPECT_TRUE(hasValueDecoder(0x9F6C));
  EXPECT_FALSE(hasValueDecoder(0x9F6C, Scheme::kMastercard));
  EXPECT_FALSE(hasValueDecoder(0x9F26));
  EXPECT_FALSE(hasValueDecoder(0xDF7F));

  const std::vector<Tag> tags = tagsWithValueDecoders();
  EXPECT_TRUE(std::is_sorted(tags.begin(), tags.end()));
  EXPECT_EQ(std::adjacent_find(tags.begin(), tags.end()), tags.end());
  for (Tag tag : {0x82u,   0x94u,   0x8Eu,   0x9F34u, 0x95u,   0x9Bu,   0x9F33u, 0x9F40u,
                  0x9F35u, 0x9F66u, 0x9F6Cu, 0x9F10u, 0x9F27u, 0x5F24u, 0x5F25u, 0x9Au,
                  0x9F21u, 0x9F02u, 0x9F03u, 0x5F28u, 0x9F1Au, 0x5F2Au, 0x9F42u, 0x9Cu,
                  0x9F07u, 0x87u,   0x9F0Du, 0x9F0Eu, 0x9F0Fu, 0x5Au,   0x57u,   0x5F2Du}) {
    EXPECT_TRUE(std::binary_search(tags.begin(), tags.end(), tag)) << tagToHex(tag);
  }
  for (Tag tag : tags) EXPECT_NE(findTag(tag), nullptr) << tagToHex(tag);
}

// Whatever the bytes, every known tag decodes without crashing, gives a summary, and never shows
// the middle digits of a PAN.
TEST(ValueDecodersTest, SurvivesArbitraryValuesForEveryTag) {
  std::vector<Bytes> values;
  for (std::size_t length :
       std::initializer_list<std::size_t>{1, 2, 3, 4, 5, 7, 8, 17, 18, 32, 40}) {
    for (std::uint8_t fill : std::initializer_list<std::uint8_t>{0x00, 0x5A, 0xFF, 0x9D}) {
      values.emplace_back(length, fill);
    }
    Bytes ramp(length);
    for (std::size_t i = 0; i < length; ++i) ramp[i] = static_cast<std::uint8_t>(i * 37 + 11);
    values.push_back(ramp);
  }
  auto run = [&](const TagInfo& info, Scheme scheme) {
    DecodeContext context = withCurrencies(156, 840, scheme);
    for (const Bytes& value : values) {
      const DecodedValue v = decodeValue(info.tag, value, context);
      EXPECT_FALSE(v.summary.empty()) << tagToHex(info.tag) << " " << toHex(value);
    }
  };
  for (const auto& info : allTags()) run(info, Scheme::kEmv);
  for (const auto& info : schemeVariantTags()) run(info, info.scheme);

  const std::string pan_track = "5413330089020011D2512201123456789F";
  for (Tag tag : {0x57u, 0x5Au}) {
    const std::string all = everything(decode(tag, tag == 0x57u ? pan_track : "5413330089020011"));
    EXPECT_THAT(all, Not(HasSubstr("300890")));
  }
}

}  // namespace
}  // namespace posim::emv
