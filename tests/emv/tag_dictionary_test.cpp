#include "posim/emv/tag_dictionary.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace posim::emv {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(TagDictionaryTest, MainTableIsSortedWithOneRowPerTag) {
  const auto tags = allTags();
  ASSERT_GT(tags.size(), 200u);
  for (std::size_t i = 1; i < tags.size(); ++i) {
    EXPECT_LT(tags[i - 1].tag, tags[i].tag) << "row " << i << ": " << tagToHex(tags[i].tag);
  }
}

TEST(TagDictionaryTest, VariantsAreSortedAndDifferFromThePrimaryReading) {
  const auto variants = schemeVariantTags();
  ASSERT_FALSE(variants.empty());
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const TagInfo& v = variants[i];
    if (i > 0) {
      const TagInfo& prev = variants[i - 1];
      EXPECT_TRUE(prev.tag < v.tag || (prev.tag == v.tag && prev.scheme < v.scheme))
          << tagToHex(v.tag);
    }
    const TagInfo* primary = findTag(v.tag);
    ASSERT_NE(primary, nullptr) << "variant without a primary row: " << tagToHex(v.tag);
    EXPECT_NE(primary->scheme, v.scheme) << tagToHex(v.tag);
    EXPECT_NE(v.scheme, Scheme::kEmv) << tagToHex(v.tag);
  }
}

TEST(TagDictionaryTest, EveryRowHasSaneBoundsNamesAndTemplates) {
  std::set<std::string> short_names;
  auto check = [&](const TagInfo& info, bool primary) {
    SCOPED_TRACE(tagToHex(info.tag) + " " + std::string(info.name));
    EXPECT_FALSE(info.name.empty());
    EXPECT_FALSE(info.short_name.empty());
    EXPECT_LE(info.min_length, info.max_length);
    EXPECT_GT(info.max_length, 0);
    EXPECT_LE(info.max_length, 261);  // the largest EMV value: an issuer script command
    // Templates, and only templates, are constructed tags (Book 3 Annex B1).
    EXPECT_EQ(info.format == TagFormat::kTemplate, isConstructed(info.tag));
    // A primitive value of a fixed format must not be empty.
    if (info.format != TagFormat::kTemplate && info.format != TagFormat::kTagList &&
        info.format != TagFormat::kB) {
      EXPECT_GE(info.min_length, 1);
    }
    for (Tag t : info.templateList()) {
      const TagInfo* parent = findTag(t);
      ASSERT_NE(parent, nullptr) << "unknown template " << tagToHex(t);
      // 80 holds values without tags but is listed as the home of AIP, AFL, ATC...
      EXPECT_TRUE(parent->format == TagFormat::kTemplate || t == 0x80) << tagToHex(t);
    }
    if (primary) {
      EXPECT_TRUE(short_names.insert(lower(info.short_name)).second)
          << "duplicate short name " << info.short_name;
    }
  };
  for (const auto& info : allTags()) check(info, true);
  for (const auto& info : schemeVariantTags()) check(info, false);
}

TEST(TagDictionaryTest, NumericFieldsHaveTheirSpecLengths) {
  struct Expected {
    Tag tag;
    std::uint16_t length;
  };
  for (const auto& [tag, length] : std::initializer_list<Expected>{{0x9F02, 6},
                                                                   {0x9F03, 6},
                                                                   {0x9A, 3},
                                                                   {0x9C, 1},
                                                                   {0x5F24, 3},
                                                                   {0x5F2A, 2},
                                                                   {0x9F1A, 2},
                                                                   {0x9F21, 3},
                                                                   {0x5F34, 1},
                                                                   {0x9F35, 1}}) {
    const TagInfo* info = findTag(tag);
    ASSERT_NE(info, nullptr) << tagToHex(tag);
    EXPECT_EQ(info->format, TagFormat::kN) << tagToHex(tag);
    EXPECT_EQ(info->min_length, length) << tagToHex(tag);
    EXPECT_EQ(info->max_length, length) << tagToHex(tag);
  }
}

TEST(TagDictionaryTest, CoversEveryDataElementOfBook3AnnexA) {
  const Tag kAnnexA[] = {
      0x42,   0x4F,   0x50,   0x57,   0x5A,   0x61,   0x6F,   0x70,   0x71,   0x72,   0x73,
      0x77,   0x80,   0x81,   0x82,   0x83,   0x84,   0x86,   0x87,   0x88,   0x89,   0x8A,
      0x8C,   0x8D,   0x8E,   0x8F,   0x90,   0x91,   0x92,   0x93,   0x94,   0x95,   0x97,
      0x98,   0x99,   0x9A,   0x9B,   0x9C,   0x9D,   0xA5,   0x5F20, 0x5F24, 0x5F25, 0x5F28,
      0x5F2A, 0x5F2D, 0x5F30, 0x5F34, 0x5F36, 0x5F50, 0x5F53, 0x5F54, 0x5F55, 0x5F56, 0x5F57,
      0x9F01, 0x9F02, 0x9F03, 0x9F04, 0x9F05, 0x9F06, 0x9F07, 0x9F08, 0x9F09, 0x9F0B, 0x9F0D,
      0x9F0E, 0x9F0F, 0x9F10, 0x9F11, 0x9F12, 0x9F13, 0x9F14, 0x9F15, 0x9F16, 0x9F17, 0x9F18,
      0x9F1A, 0x9F1B, 0x9F1C, 0x9F1D, 0x9F1E, 0x9F1F, 0x9F20, 0x9F21, 0x9F22, 0x9F23, 0x9F26,
      0x9F27, 0x9F2D, 0x9F2E, 0x9F2F, 0x9F32, 0x9F33, 0x9F34, 0x9F35, 0x9F36, 0x9F37, 0x9F38,
      0x9F39, 0x9F3A, 0x9F3B, 0x9F3C, 0x9F3D, 0x9F40, 0x9F41, 0x9F42, 0x9F43, 0x9F44, 0x9F45,
      0x9F46, 0x9F47, 0x9F48, 0x9F49, 0x9F4A, 0x9F4B, 0x9F4C, 0x9F4D, 0x9F4E, 0x9F4F, 0xBF0C,
  };
  for (Tag tag : kAnnexA) {
    const TagInfo* info = findTag(tag);
    ASSERT_NE(info, nullptr) << tagToHex(tag);
    EXPECT_EQ(info->scheme, Scheme::kEmv) << tagToHex(tag);
  }
}

TEST(TagDictionaryTest, CoversContactlessAndSchemeTags) {
  const Tag kSchemeTags[] = {
      0x56,     0x9F29,   0x9F2A,   0x9F50,   0x9F53,   0x9F5B,   0x9F5D,   0x9F62,   0x9F63,
      0x9F64,   0x9F65,   0x9F66,   0x9F67,   0x9F69,   0x9F6A,   0x9F6B,   0x9F6C,   0x9F6D,
      0x9F6E,   0x9F74,   0x9F77,   0x9F78,   0x9F79,   0x9F7C,   0x9F7E,   0xDF31,   0xDF8101,
      0xDF8117, 0xDF8118, 0xDF8119, 0xDF811A, 0xDF811B, 0xDF811C, 0xDF811D, 0xDF811E, 0xDF811F,
      0xDF8120, 0xDF8121, 0xDF8122, 0xDF8123, 0xDF8124, 0xDF8125, 0xDF8126, 0xFF8101,
  };
  for (Tag tag : kSchemeTags) EXPECT_NE(findTag(tag), nullptr) << tagToHex(tag);
}

TEST(TagDictionaryTest, FindsRowsWithTheirSpecColumns) {
  const TagInfo* amount = findTag(0x9F02);
  ASSERT_NE(amount, nullptr);
  EXPECT_EQ(amount->name, "Amount, Authorised (Numeric)");
  EXPECT_EQ(amount->short_name, "AmountAuthorised");
  EXPECT_EQ(amount->format, TagFormat::kN);
  EXPECT_EQ(amount->source, TagSource::kTerminal);
  EXPECT_EQ(amount->min_length, 6);
  EXPECT_EQ(amount->max_length, 6);
  EXPECT_TRUE(amount->templateList().empty());

  const TagInfo* pan = findTag(kTag5AApplicationPan);
  ASSERT_NE(pan, nullptr);
  EXPECT_EQ(pan->name, "Application Primary Account Number (PAN)");
  EXPECT_EQ(pan->format, TagFormat::kCn);
  EXPECT_EQ(pan->source, TagSource::kCard);
  EXPECT_THAT(pan->templateList(), ElementsAre(0x70, 0x77));

  const TagInfo* aip = findTag(0x82);
  ASSERT_NE(aip, nullptr);
  EXPECT_EQ(aip->name, "Application Interchange Profile");
  EXPECT_THAT(aip->templateList(), ElementsAre(0x77, 0x80));

  const TagInfo* cdol1 = findTag(0x8C);
  ASSERT_NE(cdol1, nullptr);
  EXPECT_EQ(cdol1->format, TagFormat::kDol);

  const TagInfo* issuer_script = findTag(0x71);
  ASSERT_NE(issuer_script, nullptr);
  EXPECT_EQ(issuer_script->format, TagFormat::kTemplate);
  EXPECT_EQ(issuer_script->source, TagSource::kIssuer);

  const TagInfo* kernel2 = findTag(0xDF8124);
  ASSERT_NE(kernel2, nullptr);
  EXPECT_EQ(kernel2->name, "Reader Contactless Transaction Limit (No On-device CVM)");
  EXPECT_EQ(kernel2->scheme, Scheme::kMastercard);

  EXPECT_EQ(findTag(0x1234), nullptr);
  EXPECT_EQ(findTag(0xDF7F), nullptr);
}

TEST(TagDictionaryTest, SchemeReadingsOfProprietaryTags) {
  const TagInfo* ctq = findTag(0x9F6C);
  ASSERT_NE(ctq, nullptr);
  EXPECT_EQ(ctq->name, "Card Transaction Qualifiers (CTQ)");
  EXPECT_EQ(ctq->scheme, Scheme::kVisa);
  EXPECT_THAT(std::string(ctq->description), HasSubstr("Mastercard"));

  const TagInfo* mc = findTag(0x9F6C, Scheme::kMastercard);
  ASSERT_NE(mc, nullptr);
  EXPECT_EQ(mc->name, "Mag-stripe Application Version Number (Card)");
  // qPBOC uses the CTQ as Visa does: no UnionPay variant, so the primary row.
  EXPECT_EQ(findTag(0x9F6C, Scheme::kUnionPay), ctq);
  EXPECT_EQ(findTag(0x9F6C, Scheme::kEmv), ctq);

  ASSERT_NE(findTag(0x9F6E), nullptr);
  EXPECT_EQ(findTag(0x9F6E)->name, "Form Factor Indicator (FFI)");
  EXPECT_EQ(findTag(0x9F6E, Scheme::kMastercard)->name, "Third Party Data");
  EXPECT_EQ(findTag(0x9F6E, Scheme::kAmex)->name, "Enhanced Contactless Reader Capabilities");

  EXPECT_EQ(findTag(0x9F5D)->name, "Available Offline Spending Amount");
  EXPECT_EQ(findTag(0x9F5D, Scheme::kMastercard)->name, "Application Capabilities Information");

  EXPECT_EQ(findTag(0x9F63)->name, "Track 1 Bit Map for UN and ATC (PUNATCTrack1)");
  EXPECT_EQ(findTag(0x9F63, Scheme::kUnionPay)->name, "Card Product Identification Information");
  EXPECT_EQ(findTag(0x9F79)->name, "Electronic Cash Balance");
  EXPECT_EQ(findTag(0xDF31)->name, "Issuer Script Results (UnionPay)");

  // An unknown tag stays unknown whatever the scheme.
  EXPECT_EQ(findTag(0xDF7F, Scheme::kVisa), nullptr);
}

TEST(TagDictionaryTest, LooksUpByShortNameAndDisplaysNames) {
  const TagInfo* tvr = findTagByShortName("tvr");
  ASSERT_NE(tvr, nullptr);
  EXPECT_EQ(tvr->tag, 0x95u);
  ASSERT_NE(findTagByShortName("AmountAuthorised"), nullptr);
  EXPECT_EQ(findTagByShortName("AmountAuthorised")->tag, 0x9F02u);
  EXPECT_EQ(findTagByShortName("NoSuchThing"), nullptr);

  EXPECT_EQ(tagDisplayName(0x9F02), "9F02 Amount, Authorised (Numeric)");
  EXPECT_EQ(tagDisplayName(0x9F6C, Scheme::kMastercard),
            "9F6C Mag-stripe Application Version Number (Card)");
  EXPECT_EQ(tagDisplayName(0xDF7F), "DF7F (unknown tag)");

  EXPECT_EQ(tagFormatName(TagFormat::kAns), "ans");
  EXPECT_EQ(tagFormatName(TagFormat::kDol), "DOL");
  EXPECT_EQ(tagSourceName(TagSource::kTerminal), "terminal");
}

TEST(TagDictionaryTest, SchemeFromAidUsesTheRid) {
  EXPECT_EQ(schemeFromAid(hexBytes("A0000000031010")), Scheme::kVisa);
  EXPECT_EQ(schemeFromAid(hexBytes("A0000000041010")), Scheme::kMastercard);
  EXPECT_EQ(schemeFromAid(hexBytes("A000000333010102")), Scheme::kUnionPay);
  EXPECT_EQ(schemeFromAid(hexBytes("A00000002501")), Scheme::kAmex);
  EXPECT_EQ(schemeFromAid(hexBytes("A0000000651010")), Scheme::kJcb);
  EXPECT_EQ(schemeFromAid(hexBytes("A000000999")), Scheme::kEmv);
  EXPECT_EQ(schemeFromAid(hexBytes("A0000000")), Scheme::kEmv);
  EXPECT_EQ(schemeName(Scheme::kUnionPay), "UnionPay");
}

TEST(TagDictionaryTest, NamedConstantsHaveRows) {
  for (Tag tag : {kTag4FApplicationIdentifier,
                  kTag57Track2EquivalentData,
                  kTag5AApplicationPan,
                  kTag82ApplicationInterchangeProfile,
                  kTag8ECvmList,
                  kTag94ApplicationFileLocator,
                  kTag95TerminalVerificationResults,
                  kTag9BTransactionStatusInformation,
                  kTag9F02AmountAuthorised,
                  kTag9F10IssuerApplicationData,
                  kTag9F26ApplicationCryptogram,
                  kTag9F27CryptogramInformationData,
                  kTag9F33TerminalCapabilities,
                  kTag9F34CvmResults,
                  kTag9F36ApplicationTransactionCounter,
                  kTag9F37UnpredictableNumber,
                  kTag9F4BSignedDynamicApplicationData,
                  kTag9F66TerminalTransactionQualifiers,
                  kTag9F6CCardTransactionQualifiers,
                  kTagBF0CFciIssuerDiscretionaryData,
                  kTagDF31IssuerScriptResultsUnionPay,
                  kTagDF8126ReaderCvmRequiredLimit}) {
    EXPECT_NE(findTag(tag), nullptr) << tagToHex(tag);
  }
}

}  // namespace
}  // namespace posim::emv
