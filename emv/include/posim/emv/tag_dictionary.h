// The EMV tag dictionary: one row per data element, so that traces, decoders, DOL building and the
// scenario layer agree on what a tag is called, how it is encoded and how long it may be.
//
// Sources: EMV 4.3 Book 3 Annex A (data elements dictionary, incl. the templates 61, 6F, 70, 71,
// 72, 73, 77, 80, A5 and BF0C), Book 1 Annex B and §11-12 (selection), Book 4 Annex A (terminal
// data), EMV Contactless Books A, B, C-2 and C-3, and the Visa (VIS/VCPS), Mastercard
// (M/Chip, PayPass) and UnionPay (PBOC/qPBOC) data elements seen on cards and in traces.
//
// Tags 9F50-9F7F and DFxx are proprietary: schemes give some of them different meanings. The main
// table holds one row per tag with the primary meaning (its `description` names the others);
// the scheme variants are a second table, picked by findTag(tag, scheme).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/emv/tag.h"

namespace posim::emv {

// Who specifies a data element (or one reading of a proprietary tag). kEmv covers EMVCo's
// contact and contactless books.
enum class Scheme : std::uint8_t {
  kEmv,
  kVisa,
  kMastercard,
  kUnionPay,
  kAmex,
  kJcb,
  kDiscover,
};

// "EMV", "Visa", "Mastercard", "UnionPay", "American Express", "JCB", "Discover".
std::string_view schemeName(Scheme scheme);

// The scheme of an AID (or DF name) by its RID, the first 5 bytes (ISO 7816-5): A000000003 Visa,
// A000000004 / A000000005 Mastercard, A000000333 UnionPay, A000000025 Amex, A000000065 JCB,
// A000000152 / A000000324 Discover. Anything else, or fewer than 5 bytes, gives kEmv.
Scheme schemeFromAid(ByteView aid);

inline constexpr std::size_t kMaxTemplatesPerTag = 4;

// One data element of the dictionary (EMV Book 3 Annex A columns). Plain data: the tables are
// constexpr arrays of these.
struct TagInfo {
  Tag tag = 0;
  std::string_view name;        // the spec's name: "Amount, Authorised (Numeric)"
  std::string_view short_name;  // a mnemonic, unique in the main table: "AmountAuthorised", "TVR"
  TagFormat format = TagFormat::kB;
  TagSource source = TagSource::kAny;
  std::uint16_t min_length = 0;  // of the value, in bytes
  std::uint16_t max_length = 0;  // of the value, in bytes
  // Templates the element appears in (Annex A "Template" column); 0 marks unused slots.
  std::array<Tag, kMaxTemplatesPerTag> templates{};
  Scheme scheme = Scheme::kEmv;  // who defines this reading of the tag
  std::string_view description;  // notes: other schemes' meanings, encoding hints; may be empty

  // The templates without the unused slots.
  std::span<const Tag> templateList() const;
  bool lengthAllowed(std::size_t length) const {
    return length >= min_length && length <= max_length;
  }
};

// Every data element with its primary meaning, sorted by tag (numerically), one row per tag.
std::span<const TagInfo> allTags();

// The other meanings of proprietary tags (e.g. 9F6C as Mastercard's "Mag-stripe Application
// Version Number (Card)"), sorted by tag then scheme; at most one row per (tag, scheme).
std::span<const TagInfo> schemeVariantTags();

// The row of `tag`, or nullptr if the dictionary does not know it. Binary search: O(log n).
const TagInfo* findTag(Tag tag);

// The row of `tag` as `scheme` reads it: its scheme variant if there is one, else the primary row
// (so findTag(0x9F6C, Scheme::kUnionPay) is the CTQ, as qPBOC uses it), else nullptr.
const TagInfo* findTag(Tag tag, Scheme scheme);

// By mnemonic (TagInfo::short_name), ignoring case: "tvr" -> 95. nullptr if none.
const TagInfo* findTagByShortName(std::string_view short_name);

// "9F02 Amount, Authorised (Numeric)"; "DF7F (unknown tag)" when not in the dictionary.
std::string tagDisplayName(Tag tag, Scheme scheme = Scheme::kEmv);

// "n", "an", "ans", "b", "cn", "a", "DOL", "tag list", "template", "var" (Book 3 §4.3 notation).
std::string_view tagFormatName(TagFormat format);
// "card", "terminal", "issuer", "any".
std::string_view tagSourceName(TagSource source);

// The most used tags by their spec names (EMV Book 3 Annex A), for code that builds or reads
// them. Every constant here has a row in allTags().
inline constexpr Tag kTag4FApplicationIdentifier = 0x4F;
inline constexpr Tag kTag50ApplicationLabel = 0x50;
inline constexpr Tag kTag56Track1Data = 0x56;
inline constexpr Tag kTag57Track2EquivalentData = 0x57;
inline constexpr Tag kTag5AApplicationPan = 0x5A;
inline constexpr Tag kTag61ApplicationTemplate = 0x61;
inline constexpr Tag kTag6FFciTemplate = 0x6F;
inline constexpr Tag kTag70RecordTemplate = 0x70;
inline constexpr Tag kTag71IssuerScriptTemplate1 = 0x71;
inline constexpr Tag kTag72IssuerScriptTemplate2 = 0x72;
inline constexpr Tag kTag73DirectoryDiscretionaryTemplate = 0x73;
inline constexpr Tag kTag77ResponseMessageTemplateFormat2 = 0x77;
inline constexpr Tag kTag80ResponseMessageTemplateFormat1 = 0x80;
inline constexpr Tag kTag81AmountAuthorisedBinary = 0x81;
inline constexpr Tag kTag82ApplicationInterchangeProfile = 0x82;
inline constexpr Tag kTag83CommandTemplate = 0x83;
inline constexpr Tag kTag84DfName = 0x84;
inline constexpr Tag kTag86IssuerScriptCommand = 0x86;
inline constexpr Tag kTag87ApplicationPriorityIndicator = 0x87;
inline constexpr Tag kTag88ShortFileIdentifier = 0x88;
inline constexpr Tag kTag8AAuthorisationResponseCode = 0x8A;
inline constexpr Tag kTag8CCdol1 = 0x8C;
inline constexpr Tag kTag8DCdol2 = 0x8D;
inline constexpr Tag kTag8ECvmList = 0x8E;
inline constexpr Tag kTag8FCaPublicKeyIndex = 0x8F;
inline constexpr Tag kTag90IssuerPublicKeyCertificate = 0x90;
inline constexpr Tag kTag91IssuerAuthenticationData = 0x91;
inline constexpr Tag kTag92IssuerPublicKeyRemainder = 0x92;
inline constexpr Tag kTag93SignedStaticApplicationData = 0x93;
inline constexpr Tag kTag94ApplicationFileLocator = 0x94;
inline constexpr Tag kTag95TerminalVerificationResults = 0x95;
inline constexpr Tag kTag97Tdol = 0x97;
inline constexpr Tag kTag9ATransactionDate = 0x9A;
inline constexpr Tag kTag9BTransactionStatusInformation = 0x9B;
inline constexpr Tag kTag9CTransactionType = 0x9C;
inline constexpr Tag kTag9DDdfName = 0x9D;
inline constexpr Tag kTagA5FciProprietaryTemplate = 0xA5;
inline constexpr Tag kTag5F20CardholderName = 0x5F20;
inline constexpr Tag kTag5F24ApplicationExpirationDate = 0x5F24;
inline constexpr Tag kTag5F25ApplicationEffectiveDate = 0x5F25;
inline constexpr Tag kTag5F28IssuerCountryCode = 0x5F28;
inline constexpr Tag kTag5F2ATransactionCurrencyCode = 0x5F2A;
inline constexpr Tag kTag5F2DLanguagePreference = 0x5F2D;
inline constexpr Tag kTag5F30ServiceCode = 0x5F30;
inline constexpr Tag kTag5F34PanSequenceNumber = 0x5F34;
inline constexpr Tag kTag5F36TransactionCurrencyExponent = 0x5F36;
inline constexpr Tag kTag9F01AcquirerIdentifier = 0x9F01;
inline constexpr Tag kTag9F02AmountAuthorised = 0x9F02;
inline constexpr Tag kTag9F03AmountOther = 0x9F03;
inline constexpr Tag kTag9F06AidTerminal = 0x9F06;
inline constexpr Tag kTag9F07ApplicationUsageControl = 0x9F07;
inline constexpr Tag kTag9F08ApplicationVersionNumberCard = 0x9F08;
inline constexpr Tag kTag9F09ApplicationVersionNumberTerminal = 0x9F09;
inline constexpr Tag kTag9F0DIssuerActionCodeDefault = 0x9F0D;
inline constexpr Tag kTag9F0EIssuerActionCodeDenial = 0x9F0E;
inline constexpr Tag kTag9F0FIssuerActionCodeOnline = 0x9F0F;
inline constexpr Tag kTag9F10IssuerApplicationData = 0x9F10;
inline constexpr Tag kTag9F11IssuerCodeTableIndex = 0x9F11;
inline constexpr Tag kTag9F12ApplicationPreferredName = 0x9F12;
inline constexpr Tag kTag9F13LastOnlineAtcRegister = 0x9F13;
inline constexpr Tag kTag9F14LowerConsecutiveOfflineLimit = 0x9F14;
inline constexpr Tag kTag9F15MerchantCategoryCode = 0x9F15;
inline constexpr Tag kTag9F16MerchantIdentifier = 0x9F16;
inline constexpr Tag kTag9F17PinTryCounter = 0x9F17;
inline constexpr Tag kTag9F18IssuerScriptIdentifier = 0x9F18;
inline constexpr Tag kTag9F1ATerminalCountryCode = 0x9F1A;
inline constexpr Tag kTag9F1BTerminalFloorLimit = 0x9F1B;
inline constexpr Tag kTag9F1CTerminalIdentification = 0x9F1C;
inline constexpr Tag kTag9F1EIfdSerialNumber = 0x9F1E;
inline constexpr Tag kTag9F21TransactionTime = 0x9F21;
inline constexpr Tag kTag9F22CaPublicKeyIndexTerminal = 0x9F22;
inline constexpr Tag kTag9F23UpperConsecutiveOfflineLimit = 0x9F23;
inline constexpr Tag kTag9F26ApplicationCryptogram = 0x9F26;
inline constexpr Tag kTag9F27CryptogramInformationData = 0x9F27;
inline constexpr Tag kTag9F29ExtendedSelection = 0x9F29;
inline constexpr Tag kTag9F2AKernelIdentifier = 0x9F2A;
inline constexpr Tag kTag9F2DIccPinEnciphermentPublicKeyCertificate = 0x9F2D;
inline constexpr Tag kTag9F2EIccPinEnciphermentPublicKeyExponent = 0x9F2E;
inline constexpr Tag kTag9F2FIccPinEnciphermentPublicKeyRemainder = 0x9F2F;
inline constexpr Tag kTag9F32IssuerPublicKeyExponent = 0x9F32;
inline constexpr Tag kTag9F33TerminalCapabilities = 0x9F33;
inline constexpr Tag kTag9F34CvmResults = 0x9F34;
inline constexpr Tag kTag9F35TerminalType = 0x9F35;
inline constexpr Tag kTag9F36ApplicationTransactionCounter = 0x9F36;
inline constexpr Tag kTag9F37UnpredictableNumber = 0x9F37;
inline constexpr Tag kTag9F38Pdol = 0x9F38;
inline constexpr Tag kTag9F39PosEntryMode = 0x9F39;
inline constexpr Tag kTag9F40AdditionalTerminalCapabilities = 0x9F40;
inline constexpr Tag kTag9F41TransactionSequenceCounter = 0x9F41;
inline constexpr Tag kTag9F42ApplicationCurrencyCode = 0x9F42;
inline constexpr Tag kTag9F44ApplicationCurrencyExponent = 0x9F44;
inline constexpr Tag kTag9F45DataAuthenticationCode = 0x9F45;
inline constexpr Tag kTag9F46IccPublicKeyCertificate = 0x9F46;
inline constexpr Tag kTag9F47IccPublicKeyExponent = 0x9F47;
inline constexpr Tag kTag9F48IccPublicKeyRemainder = 0x9F48;
inline constexpr Tag kTag9F49Ddol = 0x9F49;
inline constexpr Tag kTag9F4AStaticDataAuthenticationTagList = 0x9F4A;
inline constexpr Tag kTag9F4BSignedDynamicApplicationData = 0x9F4B;
inline constexpr Tag kTag9F4CIccDynamicNumber = 0x9F4C;
inline constexpr Tag kTag9F4DLogEntry = 0x9F4D;
inline constexpr Tag kTag9F4EMerchantNameAndLocation = 0x9F4E;
inline constexpr Tag kTag9F4FLogFormat = 0x9F4F;
inline constexpr Tag kTag9F5BIssuerScriptResults = 0x9F5B;
inline constexpr Tag kTag9F5DAvailableOfflineSpendingAmount = 0x9F5D;
inline constexpr Tag kTag9F66TerminalTransactionQualifiers = 0x9F66;
inline constexpr Tag kTag9F69CardAuthenticationRelatedData = 0x9F69;
inline constexpr Tag kTag9F6CCardTransactionQualifiers = 0x9F6C;
inline constexpr Tag kTag9F6EFormFactorIndicator = 0x9F6E;
inline constexpr Tag kTag9F74EcIssuerAuthorisationCode = 0x9F74;
inline constexpr Tag kTag9F79EcBalance = 0x9F79;
inline constexpr Tag kTagBF0CFciIssuerDiscretionaryData = 0xBF0C;
inline constexpr Tag kTagDF31IssuerScriptResultsUnionPay = 0xDF31;
inline constexpr Tag kTagDF8120TerminalActionCodeDefault = 0xDF8120;
inline constexpr Tag kTagDF8121TerminalActionCodeDenial = 0xDF8121;
inline constexpr Tag kTagDF8122TerminalActionCodeOnline = 0xDF8122;
inline constexpr Tag kTagDF8123ReaderContactlessFloorLimit = 0xDF8123;
inline constexpr Tag kTagDF8124ReaderContactlessTransactionLimitNoCdcvm = 0xDF8124;
inline constexpr Tag kTagDF8125ReaderContactlessTransactionLimitCdcvm = 0xDF8125;
inline constexpr Tag kTagDF8126ReaderCvmRequiredLimit = 0xDF8126;

}  // namespace posim::emv
