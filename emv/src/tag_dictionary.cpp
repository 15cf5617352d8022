#include "posim/emv/tag_dictionary.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

namespace posim::emv {
namespace {

constexpr TagFormat kA = TagFormat::kA;
constexpr TagFormat kAn = TagFormat::kAn;
constexpr TagFormat kAns = TagFormat::kAns;
constexpr TagFormat kB = TagFormat::kB;
constexpr TagFormat kCn = TagFormat::kCn;
constexpr TagFormat kN = TagFormat::kN;
constexpr TagFormat kDol = TagFormat::kDol;
constexpr TagFormat kTagList = TagFormat::kTagList;
constexpr TagFormat kTemplate = TagFormat::kTemplate;

constexpr TagSource kCard = TagSource::kCard;
constexpr TagSource kTerm = TagSource::kTerminal;
constexpr TagSource kIssuer = TagSource::kIssuer;

constexpr Scheme kEmv = Scheme::kEmv;
constexpr Scheme kVisa = Scheme::kVisa;
constexpr Scheme kMc = Scheme::kMastercard;
constexpr Scheme kCup = Scheme::kUnionPay;
constexpr Scheme kAmex = Scheme::kAmex;

// Templates (Annex A "Template" column).
constexpr Tag kT61 = 0x61;
constexpr Tag kT6F = 0x6F;
constexpr Tag kT70 = 0x70;
constexpr Tag kT71 = 0x71;
constexpr Tag kT72 = 0x72;
constexpr Tag kT73 = 0x73;
constexpr Tag kT77 = 0x77;
constexpr Tag kT80 = 0x80;
constexpr Tag kTA5 = 0xA5;
constexpr Tag kTBF0C = 0xBF0C;

// Largest RSA modulus EMV allows (1984 bits), the size of certificates and signatures.
constexpr std::uint16_t kMaxRsa = 248;

constexpr TagInfo row(Tag tag, std::string_view name, std::string_view short_name, TagFormat format,
                      TagSource source, std::uint16_t min_length, std::uint16_t max_length,
                      std::initializer_list<Tag> templates = {}, Scheme scheme = kEmv,
                      std::string_view description = {}) {
  TagInfo info;
  info.tag = tag;
  info.name = name;
  info.short_name = short_name;
  info.format = format;
  info.source = source;
  info.min_length = min_length;
  info.max_length = max_length;
  std::size_t i = 0;
  for (Tag t : templates) info.templates.at(i++) = t;
  info.scheme = scheme;
  info.description = description;
  return info;
}

// One row per tag, sorted numerically (so 1-byte tags first, then 2-byte, then 3-byte).
// Lengths are in bytes: n12 is 6, an 8 is 8; "var. up to 252" is 1..252 unless the spec allows
// an empty value.
constexpr auto kTags = std::to_array<TagInfo>({
    // ---- One-byte tags ----
    row(0x42, "Issuer Identification Number (IIN)", "IIN", kN, kCard, 3, 3, {kTBF0C, kT73}),
    row(0x4F, "Application Identifier (AID) - card", "AID", kB, kCard, 5, 16, {kT61}, kEmv,
        "RID (5 bytes) followed by the PIX; the ADF Name in a directory entry"),
    row(0x50, "Application Label", "ApplicationLabel", kAns, kCard, 1, 16, {kT61, kTA5}),
    row(0x56, "Track 1 Data", "Track1Data", kAns, kCard, 1, 76, {kT70}, kMc,
        "Contactless Kernel 2: image of magnetic stripe track 1 (the PAN inside is sensitive)"),
    row(0x57, "Track 2 Equivalent Data", "Track2EquivalentData", kB, kCard, 1, 19, {kT70, kT77},
        kEmv, "PAN, separator D, expiry YYMM, service code, discretionary data; F-padded"),
    row(0x5A, "Application Primary Account Number (PAN)", "PAN", kCn, kCard, 1, 10, {kT70, kT77},
        kEmv, "Up to 19 digits, F-padded; always shown masked"),
    row(0x61, "Application Template", "ApplicationTemplate", kTemplate, kCard, 0, 252, {kT70}, kEmv,
        "One directory entry of a PSE record or of the PPSE FCI (BF0C)"),
    row(0x6F, "File Control Information (FCI) Template", "FCI", kTemplate, kCard, 0, 252, {}),
    row(0x70, "READ RECORD Response Message Template", "RecordTemplate", kTemplate, kCard, 0, 252,
        {}, kEmv, "Also the EMV Proprietary Template of directory and AEF records"),
    row(0x71, "Issuer Script Template 1", "IssuerScriptTemplate1", kTemplate, kIssuer, 0, 255, {},
        kEmv, "Scripts to run before the final GENERATE AC"),
    row(0x72, "Issuer Script Template 2", "IssuerScriptTemplate2", kTemplate, kIssuer, 0, 255, {},
        kEmv, "Scripts to run after the final GENERATE AC"),
    row(0x73, "Directory Discretionary Template", "DirectoryDiscretionaryTemplate", kTemplate,
        kCard, 0, 252, {kT61}),
    row(0x77, "Response Message Template Format 2", "ResponseTemplateFormat2", kTemplate, kCard, 0,
        255, {}, kEmv, "GPO, INTERNAL AUTHENTICATE and GENERATE AC responses as TLV"),
    row(0x80, "Response Message Template Format 1", "ResponseTemplateFormat1", kB, kCard, 0, 255,
        {}, kEmv, "GPO (AIP, AFL) or GENERATE AC (CID, ATC, AC, IAD) values without tags"),
    row(0x81, "Amount, Authorised (Binary)", "AmountAuthorisedBinary", kB, kTerm, 4, 4, {}),
    row(0x82, "Application Interchange Profile", "AIP", kB, kCard, 2, 2, {kT77, kT80}, kEmv,
        "Functions the card supports (SDA, DDA, CDA, cardholder verification, ...)"),
    row(0x83, "Command Template", "CommandTemplate", kB, kTerm, 0, 252, {}, kEmv,
        "Carries the PDOL-related data of GET PROCESSING OPTIONS"),
    row(0x84, "Dedicated File (DF) Name", "DFName", kB, kCard, 5, 16, {kT6F}),
    row(0x86, "Issuer Script Command", "IssuerScriptCommand", kB, kIssuer, 4, 261, {kT71, kT72}),
    row(0x87, "Application Priority Indicator", "ApplicationPriorityIndicator", kB, kCard, 1, 1,
        {kT61, kTA5}, kEmv, "b8 cardholder confirmation required, b4-b1 priority (1 highest)"),
    row(0x88, "Short File Identifier (SFI)", "SFI", kB, kCard, 1, 1, {kTA5}),
    row(0x89, "Authorisation Code", "AuthorisationCode", kAn, kIssuer, 6, 6, {}),
    row(0x8A, "Authorisation Response Code", "AuthorisationResponseCode", kAn, kIssuer, 2, 2, {},
        kEmv, "From the issuer (DE 39) or set by the terminal: Y1, Z1, Y3, Z3"),
    row(0x8C, "Card Risk Management Data Object List 1 (CDOL1)", "CDOL1", kDol, kCard, 1, 252,
        {kT70, kT77}),
    row(0x8D, "Card Risk Management Data Object List 2 (CDOL2)", "CDOL2", kDol, kCard, 1, 252,
        {kT70, kT77}),
    row(0x8E, "Cardholder Verification Method (CVM) List", "CVMList", kB, kCard, 8, 252,
        {kT70, kT77}, kEmv, "Amount X (4), amount Y (4), then CV rules of 2 bytes"),
    row(0x8F, "Certification Authority Public Key Index", "CAPKIndex", kB, kCard, 1, 1,
        {kT70, kT77}),
    row(0x90, "Issuer Public Key Certificate", "IssuerPKCertificate", kB, kCard, 1, kMaxRsa,
        {kT70, kT77}),
    row(0x91, "Issuer Authentication Data", "IssuerAuthenticationData", kB, kIssuer, 8, 16, {},
        kEmv, "ARPC and ARC (method 1) or ARPC, CSU and proprietary data (method 2)"),
    row(0x92, "Issuer Public Key Remainder", "IssuerPKRemainder", kB, kCard, 1, kMaxRsa,
        {kT70, kT77}),
    row(0x93, "Signed Static Application Data", "SSAD", kB, kCard, 1, kMaxRsa, {kT70, kT77}),
    row(0x94, "Application File Locator (AFL)", "AFL", kB, kCard, 4, 252, {kT77, kT80}, kEmv,
        "Entries of 4 bytes: SFI<<3, first record, last record, records for ODA"),
    row(0x95, "Terminal Verification Results", "TVR", kB, kTerm, 5, 5, {}),
    row(0x97, "Transaction Certificate Data Object List (TDOL)", "TDOL", kDol, kCard, 1, 252,
        {kT70, kT77}),
    row(0x98, "Transaction Certificate (TC) Hash Value", "TCHashValue", kB, kTerm, 20, 20, {}),
    row(0x99, "Transaction Personal Identification Number (PIN) Data", "TransactionPinData", kB,
        kTerm, 1, 16, {}, kEmv, "Enciphered PIN data; never shown"),
    row(0x9A, "Transaction Date", "TransactionDate", kN, kTerm, 3, 3, {}, kEmv, "YYMMDD"),
    row(0x9B, "Transaction Status Information", "TSI", kB, kTerm, 2, 2, {}),
    row(0x9C, "Transaction Type", "TransactionType", kN, kTerm, 1, 1, {}, kEmv,
        "First two digits of the ISO 8583 processing code: 00 purchase, 01 cash, 20 refund"),
    row(0x9D, "Directory Definition File (DDF) Name", "DDFName", kB, kCard, 5, 16, {kT61}),
    row(0xA5, "File Control Information (FCI) Proprietary Template", "FCIProprietaryTemplate",
        kTemplate, kCard, 0, 252, {kT6F}),

    // ---- Two-byte tags: EMV ----
    row(0x5F20, "Cardholder Name", "CardholderName", kAns, kCard, 2, 26, {kT70, kT77}),
    row(0x5F24, "Application Expiration Date", "ApplicationExpirationDate", kN, kCard, 3, 3,
        {kT70, kT77}, kEmv, "YYMMDD"),
    row(0x5F25, "Application Effective Date", "ApplicationEffectiveDate", kN, kCard, 3, 3,
        {kT70, kT77}, kEmv, "YYMMDD"),
    row(0x5F28, "Issuer Country Code", "IssuerCountryCode", kN, kCard, 2, 2, {kT70, kT77}, kEmv,
        "ISO 3166-1 numeric"),
    row(0x5F2A, "Transaction Currency Code", "TransactionCurrencyCode", kN, kTerm, 2, 2, {}, kEmv,
        "ISO 4217 numeric"),
    row(0x5F2D, "Language Preference", "LanguagePreference", kAn, kCard, 2, 8, {kTA5}, kEmv,
        "1-4 ISO 639-1 codes in order of preference, e.g. \"zhen\""),
    row(0x5F30, "Service Code", "ServiceCode", kN, kCard, 2, 2, {kT70, kT77}),
    row(0x5F34, "Application PAN Sequence Number", "PANSequenceNumber", kN, kCard, 1, 1,
        {kT70, kT77}),
    row(0x5F36, "Transaction Currency Exponent", "TransactionCurrencyExponent", kN, kTerm, 1, 1,
        {}),
    row(0x5F50, "Issuer URL", "IssuerURL", kAns, kCard, 1, 252, {kTBF0C, kT73}),
    row(0x5F53, "International Bank Account Number (IBAN)", "IBAN", kAn, kCard, 1, 34,
        {kTBF0C, kT73}),
    row(0x5F54, "Bank Identifier Code (BIC)", "BIC", kAn, kCard, 8, 11, {kTBF0C, kT73}),
    row(0x5F55, "Issuer Country Code (alpha2 format)", "IssuerCountryCodeAlpha2", kA, kCard, 2, 2,
        {kTBF0C, kT73}),
    row(0x5F56, "Issuer Country Code (alpha3 format)", "IssuerCountryCodeAlpha3", kA, kCard, 3, 3,
        {kTBF0C, kT73}),
    row(0x5F57, "Account Type", "AccountType", kN, kTerm, 1, 1, {}, kEmv,
        "00 default, 10 savings, 20 cheque/debit, 30 credit"),
    row(0x9F01, "Acquirer Identifier", "AcquirerIdentifier", kN, kTerm, 6, 6, {}),
    row(0x9F02, "Amount, Authorised (Numeric)", "AmountAuthorised", kN, kTerm, 6, 6, {}, kEmv,
        "Minor units of the transaction currency (5F2A)"),
    row(0x9F03, "Amount, Other (Numeric)", "AmountOther", kN, kTerm, 6, 6, {}, kEmv,
        "Cashback amount, minor units of the transaction currency"),
    row(0x9F04, "Amount, Other (Binary)", "AmountOtherBinary", kB, kTerm, 4, 4, {}),
    row(0x9F05, "Application Discretionary Data", "ApplicationDiscretionaryData", kB, kCard, 1, 32,
        {kT70, kT77}),
    row(0x9F06, "Application Identifier (AID) - terminal", "AIDTerminal", kB, kTerm, 5, 16, {}),
    row(0x9F07, "Application Usage Control", "AUC", kB, kCard, 2, 2, {kT70, kT77}),
    row(0x9F08, "Application Version Number", "ApplicationVersionNumberCard", kB, kCard, 2, 2,
        {kT70, kT77}, kEmv, "Version of the card application"),
    row(0x9F09, "Application Version Number (terminal)", "ApplicationVersionNumberTerminal", kB,
        kTerm, 2, 2, {}),
    row(0x9F0A, "Application Selection Registered Proprietary Data", "ASRPD", kB, kCard, 1, 252,
        {kT73, kTBF0C}),
    row(0x9F0B, "Cardholder Name Extended", "CardholderNameExtended", kAns, kCard, 27, 45,
        {kT70, kT77}),
    row(0x9F0C, "Issuer Identification Number Extended", "IINE", kN, kCard, 3, 4, {kTBF0C, kT73}),
    row(0x9F0D, "Issuer Action Code - Default", "IACDefault", kB, kCard, 5, 5, {kT70, kT77}),
    row(0x9F0E, "Issuer Action Code - Denial", "IACDenial", kB, kCard, 5, 5, {kT70, kT77}),
    row(0x9F0F, "Issuer Action Code - Online", "IACOnline", kB, kCard, 5, 5, {kT70, kT77}),
    row(0x9F10, "Issuer Application Data", "IAD", kB, kCard, 1, 32, {kT77, kT80}, kEmv,
        "Proprietary: Visa VSDC formats 0-4, Mastercard M/Chip, EMV CCD"),
    row(0x9F11, "Issuer Code Table Index", "IssuerCodeTableIndex", kN, kCard, 1, 1, {kTA5}, kEmv,
        "ISO/IEC 8859 part used for the Application Preferred Name"),
    row(0x9F12, "Application Preferred Name", "ApplicationPreferredName", kAns, kCard, 1, 16,
        {kT61, kTA5}),
    row(0x9F13, "Last Online Application Transaction Counter (ATC) Register", "LastOnlineATC", kB,
        kCard, 2, 2, {}),
    row(0x9F14, "Lower Consecutive Offline Limit", "LCOL", kB, kCard, 1, 1, {kT70, kT77}),
    row(0x9F15, "Merchant Category Code", "MCC", kN, kTerm, 2, 2, {}),
    row(0x9F16, "Merchant Identifier", "MerchantIdentifier", kAns, kTerm, 15, 15, {}),
    row(0x9F17, "Personal Identification Number (PIN) Try Counter", "PINTryCounter", kB, kCard, 1,
        1, {}),
    row(0x9F18, "Issuer Script Identifier", "IssuerScriptIdentifier", kB, kIssuer, 4, 4,
        {kT71, kT72}),
    row(0x9F19, "Token Requestor ID", "TokenRequestorID", kN, kCard, 6, 6, {kT70, kT77}, kEmv,
        "EMV Payment Tokenisation"),
    row(0x9F1A, "Terminal Country Code", "TerminalCountryCode", kN, kTerm, 2, 2, {}, kEmv,
        "ISO 3166-1 numeric"),
    row(0x9F1B, "Terminal Floor Limit", "TerminalFloorLimit", kB, kTerm, 4, 4, {}, kEmv,
        "Minor units of the transaction currency"),
    row(0x9F1C, "Terminal Identification", "TerminalIdentification", kAn, kTerm, 8, 8, {}),
    row(0x9F1D, "Terminal Risk Management Data", "TerminalRiskManagementData", kB, kTerm, 1, 8, {}),
    row(0x9F1E, "Interface Device (IFD) Serial Number", "IFDSerialNumber", kAn, kTerm, 8, 8, {}),
    row(0x9F1F, "Track 1 Discretionary Data", "Track1DiscretionaryData", kAns, kCard, 1, 54,
        {kT70, kT77}, kEmv, "May hold card verification values; not shown"),
    row(0x9F20, "Track 2 Discretionary Data", "Track2DiscretionaryData", kCn, kCard, 1, 16,
        {kT70, kT77}, kEmv, "May hold card verification values; not shown"),
    row(0x9F21, "Transaction Time", "TransactionTime", kN, kTerm, 3, 3, {}, kEmv, "HHMMSS"),
    row(0x9F22, "Certification Authority Public Key Index (terminal)", "CAPKIndexTerminal", kB,
        kTerm, 1, 1, {}),
    row(0x9F23, "Upper Consecutive Offline Limit", "UCOL", kB, kCard, 1, 1, {kT70, kT77}),
    row(0x9F24, "Payment Account Reference (PAR)", "PAR", kAn, kCard, 29, 29, {kT70, kT77}),
    row(0x9F25, "Last 4 Digits of PAN", "PANLast4Digits", kN, kCard, 2, 2, {kT70, kT77}),
    row(0x9F26, "Application Cryptogram", "ApplicationCryptogram", kB, kCard, 8, 8, {kT77, kT80}),
    row(0x9F27, "Cryptogram Information Data", "CID", kB, kCard, 1, 1, {kT77, kT80}, kEmv,
        "b8-b7 cryptogram type (AAC, TC, ARQC), b4 advice required, b3-b1 reason"),
    row(0x9F29, "Extended Selection", "ExtendedSelection", kB, kCard, 1, 11, {kT61}, kEmv,
        "Contactless Book B: appended to the AID in the final SELECT"),
    row(0x9F2A, "Kernel Identifier", "KernelIdentifier", kB, kCard, 1, 8, {kT61}, kEmv,
        "Contactless Book B: 02 Mastercard, 03 Visa, 04 Amex, 05 JCB, 06 Discover, 07 UnionPay"),
    row(0x9F2D, "ICC PIN Encipherment Public Key Certificate", "ICCPINEPKCertificate", kB, kCard, 1,
        kMaxRsa, {kT70, kT77}),
    row(0x9F2E, "ICC PIN Encipherment Public Key Exponent", "ICCPINEPKExponent", kB, kCard, 1, 3,
        {kT70, kT77}),
    row(0x9F2F, "ICC PIN Encipherment Public Key Remainder", "ICCPINEPKRemainder", kB, kCard, 1,
        kMaxRsa, {kT70, kT77}),
    row(0x9F32, "Issuer Public Key Exponent", "IssuerPKExponent", kB, kCard, 1, 3, {kT70, kT77}),
    row(0x9F33, "Terminal Capabilities", "TerminalCapabilities", kB, kTerm, 3, 3, {}, kEmv,
        "Card data input, CVM and security capabilities (Book 4 Annex A2)"),
    row(0x9F34, "Cardholder Verification Method (CVM) Results", "CVMResults", kB, kTerm, 3, 3, {},
        kEmv, "CVM performed, its condition, and the result (Book 4 Annex A4)"),
    row(0x9F35, "Terminal Type", "TerminalType", kN, kTerm, 1, 1, {}, kEmv,
        "Operated by (1 bank, 2 merchant, 3 cardholder) and environment (Book 4 Annex A1)"),
    row(0x9F36, "Application Transaction Counter (ATC)", "ATC", kB, kCard, 2, 2, {kT77, kT80}),
    row(0x9F37, "Unpredictable Number", "UnpredictableNumber", kB, kTerm, 4, 4, {}),
    row(0x9F38, "Processing Options Data Object List (PDOL)", "PDOL", kDol, kCard, 1, 252, {kTA5}),
    row(0x9F39, "Point-of-Service (POS) Entry Mode", "POSEntryMode", kN, kTerm, 1, 1, {}, kEmv,
        "ISO 8583 DE 22 digits 1-2: 05 chip, 07 contactless chip, 80 fallback, 90 stripe"),
    row(0x9F3A, "Amount, Reference Currency", "AmountReferenceCurrency", kB, kTerm, 4, 4, {}),
    row(0x9F3B, "Application Reference Currency", "ApplicationReferenceCurrency", kN, kCard, 2, 8,
        {kT70, kT77}, kEmv, "1-4 ISO 4217 numeric codes"),
    row(0x9F3C, "Transaction Reference Currency Code", "TransactionReferenceCurrencyCode", kN,
        kTerm, 2, 2, {}),
    row(0x9F3D, "Transaction Reference Currency Exponent", "TransactionReferenceCurrencyExponent",
        kN, kTerm, 1, 1, {}),
    row(0x9F40, "Additional Terminal Capabilities", "AdditionalTerminalCapabilities", kB, kTerm, 5,
        5, {}, kEmv, "Transaction types, data input and output (Book 4 Annex A3)"),
    row(0x9F41, "Transaction Sequence Counter", "TransactionSequenceCounter", kN, kTerm, 2, 4, {}),
    row(0x9F42, "Application Currency Code", "ApplicationCurrencyCode", kN, kCard, 2, 2,
        {kT70, kT77}, kEmv, "ISO 4217 numeric; the currency of CVM list amounts X and Y"),
    row(0x9F43, "Application Reference Currency Exponent", "ApplicationReferenceCurrencyExponent",
        kN, kCard, 1, 4, {kT70, kT77}),
    row(0x9F44, "Application Currency Exponent", "ApplicationCurrencyExponent", kN, kCard, 1, 1,
        {kT70, kT77}),
    row(0x9F45, "Data Authentication Code", "DataAuthenticationCode", kB, kCard, 2, 2, {}),
    row(0x9F46, "ICC Public Key Certificate", "ICCPKCertificate", kB, kCard, 1, kMaxRsa,
        {kT70, kT77}),
    row(0x9F47, "ICC Public Key Exponent", "ICCPKExponent", kB, kCard, 1, 3, {kT70, kT77}),
    row(0x9F48, "ICC Public Key Remainder", "ICCPKRemainder", kB, kCard, 1, kMaxRsa, {kT70, kT77}),
    row(0x9F49, "Dynamic Data Authentication Data Object List (DDOL)", "DDOL", kDol, kCard, 1, 252,
        {kT70, kT77}),
    row(0x9F4A, "Static Data Authentication Tag List", "SDATagList", kTagList, kCard, 1, 252,
        {kT70, kT77}, kEmv, "Only 82 (AIP) is allowed"),
    row(0x9F4B, "Signed Dynamic Application Data", "SDAD", kB, kCard, 1, kMaxRsa, {kT77, kT80}),
    row(0x9F4C, "ICC Dynamic Number", "ICCDynamicNumber", kB, kCard, 2, 8, {}),
    row(0x9F4D, "Log Entry", "LogEntry", kB, kCard, 2, 2, {kTBF0C, kT73}, kEmv,
        "SFI of the transaction log and its number of records"),
    row(0x9F4E, "Merchant Name and Location", "MerchantNameAndLocation", kAns, kTerm, 1, 255, {}),
    row(0x9F4F, "Log Format", "LogFormat", kDol, kCard, 1, 252, {}),

    // ---- Two-byte tags: scheme data elements (primary meaning; see schemeVariantTags) ----
    row(0x9F50, "Offline Accumulator Balance", "OfflineAccumulatorBalance", kN, kCard, 6, 6, {},
        kMc, "Kernel 2. JCB Kernel 5 uses 9F50 for the Cardholder Verification Status"),
    row(0x9F51, "Application Currency Code (Visa, UnionPay)", "ApplicationCurrencyCodeVisa", kN,
        kCard, 2, 2, {}, kVisa, "Card risk management currency. Mastercard Kernel 2: DRDOL"),
    row(0x9F52, "Application Default Action (ADA)", "ApplicationDefaultAction", kB, kCard, 2, 2, {},
        kVisa, "Visa VIS and UnionPay PBOC card risk management"),
    row(0x9F53, "Transaction Category Code", "TransactionCategoryCode", kAn, kTerm, 1, 1, {}, kMc,
        "Mastercard. Visa and UnionPay: Consecutive Transaction Limit (International)"),
    row(0x9F54, "Cumulative Total Transaction Amount Limit", "CTTAL", kN, kCard, 6, 6, {}, kVisa,
        "Visa VIS, UnionPay PBOC. Mastercard Kernel 2: DS ODS Card"),
    row(0x9F55, "Geographic Indicator", "GeographicIndicator", kB, kCard, 1, 1, {}, kVisa),
    row(0x9F56, "Issuer Authentication Indicator", "IssuerAuthenticationIndicator", kB, kCard, 1, 1,
        {}, kVisa),
    row(0x9F57, "Issuer Country Code (Visa, UnionPay)", "IssuerCountryCodeVisa", kN, kCard, 2, 2,
        {}, kVisa, "Card risk management copy of 5F28"),
    row(0x9F58, "Lower Consecutive Offline Limit (Card Check)", "LCOLCardCheck", kB, kCard, 1, 1,
        {}, kVisa),
    row(0x9F59, "Upper Consecutive Offline Limit (Card Check)", "UCOLCardCheck", kB, kCard, 1, 1,
        {}, kVisa),
    row(0x9F5A, "Application Program Identifier", "ApplicationProgramIdentifier", kB, kCard, 1, 16,
        {kTBF0C}, kVisa),
    row(0x9F5B, "Issuer Script Results", "IssuerScriptResults", kB, kTerm, 5, 255, {}, kVisa,
        "5 bytes per script: result and command sequence nibbles, script identifier. "
        "UnionPay also uses DF31. Mastercard Kernel 2: DSDOL"),
    row(0x9F5C, "Cumulative Total Transaction Amount Upper Limit", "CTTAUL", kN, kCard, 6, 6, {},
        kVisa, "Visa VIS, UnionPay PBOC. Mastercard Kernel 2: DS Requested Operator ID"),
    row(0x9F5D, "Available Offline Spending Amount", "AvailableOfflineSpendingAmount", kN, kCard, 6,
        6, {}, kVisa,
        "Visa qVSDC and UnionPay qPBOC. Mastercard Kernel 2: Application Capabilities "
        "Information"),
    row(0x9F5E, "Data Storage Identifier", "DSID", kB, kCard, 8, 11, {}, kMc, "Kernel 2"),
    row(0x9F5F, "DS Slot Availability", "DSSlotAvailability", kB, kCard, 1, 1, {}, kMc, "Kernel 2"),
    row(0x9F60, "CVC3 (Track1)", "CVC3Track1", kB, kCard, 2, 2, {}, kMc,
        "Mag-stripe mode (COMPUTE CRYPTOGRAPHIC CHECKSUM response)"),
    row(0x9F61, "CVC3 (Track2)", "CVC3Track2", kB, kCard, 2, 2, {}, kMc,
        "Mag-stripe mode (COMPUTE CRYPTOGRAPHIC CHECKSUM response)"),
    row(0x9F62, "Track 1 Bit Map for CVC3 (PCVC3Track1)", "PCVC3Track1", kB, kCard, 6, 6, {}, kMc),
    row(0x9F63, "Track 1 Bit Map for UN and ATC (PUNATCTrack1)", "PUNATCTrack1", kB, kCard, 6, 6,
        {}, kMc, "Mastercard mag-stripe mode. UnionPay: Card Product Identification Information"),
    row(0x9F64, "Track 1 Number of ATC Digits (NATCTrack1)", "NATCTrack1", kB, kCard, 1, 1, {},
        kMc),
    row(0x9F65, "Track 2 Bit Map for CVC3 (PCVC3Track2)", "PCVC3Track2", kB, kCard, 2, 2, {}, kMc),
    row(0x9F66, "Terminal Transaction Qualifiers (TTQ)", "TTQ", kB, kTerm, 4, 4, {}, kEmv,
        "Contactless Book A / Kernel 3 (Visa qVSDC), 6 and 7. Mastercard mag-stripe: "
        "PUNATC (Track2)"),
    row(0x9F67, "Track 2 Number of ATC Digits (NATCTrack2)", "NATCTrack2", kB, kCard, 1, 1, {},
        kMc),
    row(0x9F68, "Card Additional Processes", "CardAdditionalProcesses", kB, kCard, 4, 4, {}, kVisa,
        "Visa. Mastercard: Mag-stripe CVM List"),
    row(0x9F69, "Card Authentication Related Data", "CardAuthenticationRelatedData", kB, kCard, 5,
        16, {}, kVisa, "Visa fDDA (signed with the UN). Mastercard: UDOL"),
    row(0x9F6A, "Unpredictable Number (Numeric)", "UnpredictableNumberNumeric", kN, kTerm, 4, 4, {},
        kMc, "Mag-stripe mode UN"),
    row(0x9F6B, "Track 2 Data", "Track2Data", kB, kCard, 1, 19, {}, kMc,
        "Kernel 2 mag-stripe mode image of track 2; same layout as 57"),
    row(0x9F6C, "Card Transaction Qualifiers (CTQ)", "CTQ", kB, kCard, 2, 2, {}, kVisa,
        "Visa qVSDC, UnionPay qPBOC. Mastercard: Mag-stripe Application Version Number (Card)"),
    row(0x9F6D, "Mag-stripe Application Version Number (Reader)", "MagStripeAppVersionReader", kB,
        kTerm, 2, 2, {}, kMc,
        "Amex Kernel 4: Contactless Reader Capabilities. UnionPay: EC Reset Threshold"),
    row(0x9F6E, "Form Factor Indicator (FFI)", "FFI", kB, kCard, 4, 4, {}, kVisa,
        "Visa. Mastercard: Third Party Data. Amex: Enhanced Contactless Reader Capabilities"),
    row(0x9F6F, "DS Slot Management Control", "DSSlotManagementControl", kB, kCard, 1, 1, {}, kMc,
        "Kernel 2"),
    row(0x9F70, "Protected Data Envelope 1", "ProtectedDataEnvelope1", kB, kCard, 1, 192, {}, kMc,
        "Kernel 2 data storage"),
    row(0x9F71, "Protected Data Envelope 2", "ProtectedDataEnvelope2", kB, kCard, 1, 192, {}, kMc,
        "Kernel 2 data storage"),
    row(0x9F72, "Protected Data Envelope 3", "ProtectedDataEnvelope3", kB, kCard, 1, 192, {}, kMc,
        "Kernel 2 data storage"),
    row(0x9F73, "Protected Data Envelope 4", "ProtectedDataEnvelope4", kB, kCard, 1, 192, {}, kMc,
        "Kernel 2 data storage"),
    row(0x9F74, "Electronic Cash Issuer Authorisation Code", "ECIssuerAuthorisationCode", kA, kCard,
        6, 6, {}, kCup, "UnionPay EC and Visa VLP. Mastercard: Protected Data Envelope 5"),
    row(0x9F75, "Unprotected Data Envelope 1", "UnprotectedDataEnvelope1", kB, kCard, 1, 192, {},
        kMc, "Kernel 2 data storage"),
    row(0x9F76, "Unprotected Data Envelope 2", "UnprotectedDataEnvelope2", kB, kCard, 1, 192, {},
        kMc, "Kernel 2. Visa, UnionPay: Secondary Application Currency Code"),
    row(0x9F77, "Electronic Cash Balance Limit", "ECBalanceLimit", kN, kCard, 6, 6, {}, kCup,
        "UnionPay EC, Visa VLP Funds Limit. Mastercard: Unprotected Data Envelope 3"),
    row(0x9F78, "Electronic Cash Single Transaction Limit", "ECSingleTransactionLimit", kN, kCard,
        6, 6, {}, kCup,
        "UnionPay EC, Visa VLP Single Transaction Limit. Mastercard: Unprotected Data Envelope 4"),
    row(0x9F79, "Electronic Cash Balance", "ECBalance", kN, kCard, 6, 6, {}, kCup,
        "UnionPay EC, Visa VLP Available Funds. Mastercard: Unprotected Data Envelope 5"),
    row(0x9F7A, "Electronic Cash Terminal Support Indicator", "ECTerminalSupportIndicator", kB,
        kTerm, 1, 1, {}, kCup, "UnionPay EC and Visa VLP"),
    row(0x9F7B, "Electronic Cash Terminal Transaction Limit", "ECTerminalTransactionLimit", kN,
        kTerm, 6, 6, {}, kCup, "UnionPay EC and Visa VLP"),
    row(0x9F7C, "Customer Exclusive Data", "CustomerExclusiveData", kB, kCard, 1, 32, {}, kVisa,
        "Visa. Mastercard: Merchant Custom Data"),
    row(0x9F7D, "DS Summary 1", "DSSummary1", kB, kCard, 8, 16, {}, kMc, "Kernel 2"),
    row(0x9F7E, "Mobile Support Indicator", "MobileSupportIndicator", kB, kTerm, 1, 1, {}, kMc,
        "Kernel 2"),
    row(0x9F7F, "DS Unpredictable Number", "DSUnpredictableNumber", kB, kTerm, 4, 4, {}, kMc,
        "Kernel 2. GET DATA 9F7F on many cards returns the Card Production Life Cycle data"),
    row(0xBF0C, "File Control Information (FCI) Issuer Discretionary Data",
        "FCIIssuerDiscretionaryData", kTemplate, kCard, 0, 222, {kTA5}, kEmv,
        "In the PPSE FCI it holds the directory entries (61)"),
    row(0xDF31, "Issuer Script Results (UnionPay)", "IssuerScriptResultsUnionPay", kB, kTerm, 5,
        255, {}, kCup, "PBOC: same layout as 9F5B (5 bytes per script)"),

    // ---- Three-byte tags: Mastercard Kernel 2 (EMV Contactless Book C-2) ----
    row(0xDF8101, "DS Summary 2", "DSSummary2", kB, kCard, 8, 16, {}, kMc),
    row(0xDF8102, "DS Summary 3", "DSSummary3", kB, kCard, 8, 16, {}, kMc),
    row(0xDF8104, "Balance Read Before Gen AC", "BalanceReadBeforeGenAC", kN, kTerm, 6, 6, {}, kMc),
    row(0xDF8105, "Balance Read After Gen AC", "BalanceReadAfterGenAC", kN, kTerm, 6, 6, {}, kMc),
    row(0xDF8106, "Data Needed", "DataNeeded", kTagList, kTerm, 0, 252, {}, kMc),
    row(0xDF8107, "CDOL1 Related Data", "CDOL1RelatedData", kB, kTerm, 1, 252, {}, kMc),
    row(0xDF8108, "DS AC Type", "DSACType", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF8109, "DS Input (Term)", "DSInputTerm", kB, kTerm, 8, 8, {}, kMc),
    row(0xDF810A, "DS ODS Info For Reader", "DSODSInfoForReader", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF810B, "DS Summary Status", "DSSummaryStatus", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF810C, "Kernel ID", "KernelID", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF810D, "DSVN Term", "DSVNTerm", kB, kTerm, 1, 252, {}, kMc),
    row(0xDF810E, "Post-Gen AC Put Data Status", "PostGenACPutDataStatus", kB, kTerm, 1, 1, {},
        kMc),
    row(0xDF810F, "Pre-Gen AC Put Data Status", "PreGenACPutDataStatus", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF8110, "Proceed To First Write Flag", "ProceedToFirstWriteFlag", kB, kTerm, 1, 1, {},
        kMc),
    row(0xDF8111, "PDOL Related Data", "PDOLRelatedData", kB, kTerm, 1, 252, {}, kMc),
    row(0xDF8112, "Tags To Read", "TagsToRead", kTagList, kTerm, 0, 252, {}, kMc),
    row(0xDF8113, "DRDOL Related Data", "DRDOLRelatedData", kB, kTerm, 1, 252, {}, kMc),
    row(0xDF8114, "Reference Control Parameter", "ReferenceControlParameter", kB, kTerm, 1, 1, {},
        kMc, "P1 of GENERATE AC"),
    row(0xDF8115, "Error Indication", "ErrorIndication", kB, kTerm, 6, 6, {}, kMc),
    row(0xDF8116, "User Interface Request Data", "UserInterfaceRequestData", kB, kTerm, 22, 22, {},
        kMc),
    row(0xDF8117, "Card Data Input Capability", "CardDataInputCapability", kB, kTerm, 1, 1, {}, kMc,
        "Same bits as 9F33 byte 1"),
    row(0xDF8118, "CVM Capability - CVM Required", "CVMCapabilityCVMRequired", kB, kTerm, 1, 1, {},
        kMc, "Same bits as 9F33 byte 2; used at or above the reader CVM required limit"),
    row(0xDF8119, "CVM Capability - No CVM Required", "CVMCapabilityNoCVMRequired", kB, kTerm, 1, 1,
        {}, kMc, "Same bits as 9F33 byte 2; used below the reader CVM required limit"),
    row(0xDF811A, "Default UDOL", "DefaultUDOL", kDol, kTerm, 1, 252, {}, kMc,
        "Usually 9F6A04 (the numeric UN)"),
    row(0xDF811B, "Kernel Configuration", "KernelConfiguration", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF811C, "Max Lifetime of Torn Transaction Log Record", "MaxLifetimeTornRecord", kB, kTerm,
        2, 2, {}, kMc),
    row(0xDF811D, "Max Number of Torn Transaction Log Records", "MaxNumberTornRecords", kB, kTerm,
        1, 1, {}, kMc),
    row(0xDF811E, "Mag-stripe CVM Capability - CVM Required", "MagStripeCVMCapabilityRequired", kB,
        kTerm, 1, 1, {}, kMc),
    row(0xDF811F, "Security Capability", "SecurityCapability", kB, kTerm, 1, 1, {}, kMc,
        "Same bits as 9F33 byte 3"),
    row(0xDF8120, "Terminal Action Code - Default", "TACDefault", kB, kTerm, 5, 5, {}, kMc,
        "TVR bits; the contact kernel keeps TACs in the terminal profile"),
    row(0xDF8121, "Terminal Action Code - Denial", "TACDenial", kB, kTerm, 5, 5, {}, kMc,
        "TVR bits"),
    row(0xDF8122, "Terminal Action Code - Online", "TACOnline", kB, kTerm, 5, 5, {}, kMc,
        "TVR bits"),
    row(0xDF8123, "Reader Contactless Floor Limit", "ReaderContactlessFloorLimit", kN, kTerm, 6, 6,
        {}, kMc),
    row(0xDF8124, "Reader Contactless Transaction Limit (No On-device CVM)",
        "ReaderCLTransactionLimitNoCDCVM", kN, kTerm, 6, 6, {}, kMc),
    row(0xDF8125, "Reader Contactless Transaction Limit (On-device CVM)",
        "ReaderCLTransactionLimitCDCVM", kN, kTerm, 6, 6, {}, kMc),
    row(0xDF8126, "Reader CVM Required Limit", "ReaderCVMRequiredLimit", kN, kTerm, 6, 6, {}, kMc),
    row(0xDF8127, "Time Out Value", "TimeOutValue", kB, kTerm, 2, 2, {}, kMc, "Milliseconds"),
    row(0xDF8128, "IDS Status", "IDSStatus", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF8129, "Outcome Parameter Set", "OutcomeParameterSet", kB, kTerm, 8, 8, {}, kMc),
    row(0xDF812A, "DD Card (Track1)", "DDCardTrack1", kAns, kTerm, 1, 56, {}, kMc),
    row(0xDF812B, "DD Card (Track2)", "DDCardTrack2", kB, kTerm, 1, 8, {}, kMc),
    row(0xDF812C, "Mag-stripe CVM Capability - No CVM Required",
        "MagStripeCVMCapabilityNotRequired", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF812D, "Message Hold Time", "MessageHoldTime", kN, kTerm, 3, 3, {}, kMc,
        "Units of 100 ms"),
    row(0xDF8130, "Hold Time Value", "HoldTimeValue", kB, kTerm, 1, 1, {}, kMc, "Units of 100 ms"),
    row(0xDF8131, "Phone Message Table", "PhoneMessageTable", kB, kTerm, 8, 252, {}, kMc),
    row(0xDF8132, "Minimum Relay Resistance Grace Period", "MinRRGracePeriod", kB, kTerm, 2, 2, {},
        kMc),
    row(0xDF8133, "Maximum Relay Resistance Grace Period", "MaxRRGracePeriod", kB, kTerm, 2, 2, {},
        kMc),
    row(0xDF8134, "Terminal Expected Transmission Time For Relay Resistance C-APDU",
        "TermExpectedRRCapduTime", kB, kTerm, 2, 2, {}, kMc),
    row(0xDF8135, "Terminal Expected Transmission Time For Relay Resistance R-APDU",
        "TermExpectedRRRapduTime", kB, kTerm, 2, 2, {}, kMc),
    row(0xDF8136, "Relay Resistance Accuracy Threshold", "RRAccuracyThreshold", kB, kTerm, 2, 2, {},
        kMc),
    row(0xDF8137, "Relay Resistance Transmission Time Mismatch Threshold",
        "RRTimeMismatchThreshold", kB, kTerm, 1, 1, {}, kMc),
    row(0xDF8301, "Terminal Relay Resistance Entropy", "TerminalRREntropy", kB, kTerm, 4, 4, {},
        kMc),
    row(0xDF8302, "Device Relay Resistance Entropy", "DeviceRREntropy", kB, kCard, 4, 4, {}, kMc),
    row(0xDF8303, "Min Time For Processing Relay Resistance APDU", "MinTimeRRApdu", kB, kCard, 2, 2,
        {}, kMc),
    row(0xDF8304, "Max Time For Processing Relay Resistance APDU", "MaxTimeRRApdu", kB, kCard, 2, 2,
        {}, kMc),
    row(0xDF8305, "Device Estimated Transmission Time For Relay Resistance R-APDU",
        "DeviceEstimatedRRRapduTime", kB, kCard, 2, 2, {}, kMc),
    row(0xDF8306, "Measured Relay Resistance Processing Time", "MeasuredRRProcessingTime", kB,
        kTerm, 2, 2, {}, kMc),
    row(0xDF8307, "RRP Counter", "RRPCounter", kB, kTerm, 1, 1, {}, kMc),
    row(0xFF8101, "Torn Record", "TornRecord", kTemplate, kTerm, 0, 255, {}, kMc),
    row(0xFF8102, "Tags To Write Before Gen AC", "TagsToWriteBeforeGenAC", kTemplate, kTerm, 0, 255,
        {}, kMc),
    row(0xFF8103, "Tags To Write After Gen AC", "TagsToWriteAfterGenAC", kTemplate, kTerm, 0, 255,
        {}, kMc),
    row(0xFF8104, "Data To Send", "DataToSend", kTemplate, kTerm, 0, 255, {}, kMc),
    row(0xFF8105, "Data Record", "DataRecord", kTemplate, kTerm, 0, 255, {}, kMc),
    row(0xFF8106, "Discretionary Data", "DiscretionaryData", kTemplate, kTerm, 0, 255, {}, kMc),
});

// The other schemes' readings of proprietary tags, sorted by (tag, scheme).
constexpr auto kVariants = std::to_array<TagInfo>({
    row(0x9F51, "DRDOL", "DRDOL", kDol, kCard, 1, 252, {}, kMc,
        "Kernel 2: data the card wants in RECOVER AC / EXCHANGE RELAY RESISTANCE DATA"),
    row(0x9F53, "Consecutive Transaction Limit (International)", "ConsecutiveTxnLimitIntl", kB,
        kCard, 1, 1, {}, kVisa),
    row(0x9F53, "Consecutive Transaction Limit (International - Currency)",
        "ConsecutiveTxnLimitIntlCurrency", kB, kCard, 1, 1, {}, kCup),
    row(0x9F54, "DS ODS Card", "DSODSCard", kB, kCard, 1, 160, {}, kMc, "Kernel 2"),
    row(0x9F5B, "DSDOL", "DSDOL", kDol, kCard, 1, 252, {}, kMc, "Kernel 2"),
    row(0x9F5C, "DS Requested Operator ID", "DSRequestedOperatorID", kB, kTerm, 8, 8, {}, kMc,
        "Kernel 2"),
    row(0x9F5D, "Application Capabilities Information", "ApplicationCapabilitiesInformation", kB,
        kCard, 3, 3, {}, kMc, "Kernel 2"),
    row(0x9F63, "Card Product Identification Information", "CardProductIdentification", kB, kCard,
        16, 16, {}, kCup, "UnionPay (PBOC 3.0)"),
    row(0x9F66, "Track 2 Bit Map for UN and ATC (PUNATCTrack2)", "PUNATCTrack2", kB, kCard, 2, 2,
        {}, kMc, "Mag-stripe mode"),
    row(0x9F68, "Mag-stripe CVM List", "MagStripeCVMList", kB, kCard, 8, 252, {}, kMc),
    row(0x9F69, "UDOL", "UDOL", kDol, kCard, 1, 252, {}, kMc,
        "Mag-stripe mode: data for COMPUTE CRYPTOGRAPHIC CHECKSUM"),
    row(0x9F6C, "Mag-stripe Application Version Number (Card)", "MagStripeAppVersionCard", kB,
        kCard, 2, 2, {}, kMc),
    row(0x9F6D, "Electronic Cash Reset Threshold", "ECResetThreshold", kN, kCard, 6, 6, {}, kCup),
    row(0x9F6D, "Contactless Reader Capabilities", "ContactlessReaderCapabilities", kB, kTerm, 1, 1,
        {}, kAmex, "Kernel 4"),
    row(0x9F6E, "Third Party Data", "ThirdPartyData", kB, kCard, 5, 32, {kTBF0C, kT70}, kMc),
    row(0x9F6E, "Enhanced Contactless Reader Capabilities", "EnhancedContactlessReaderCaps", kB,
        kTerm, 4, 4, {}, kAmex, "Kernel 4"),
    row(0x9F74, "Protected Data Envelope 5", "ProtectedDataEnvelope5", kB, kCard, 1, 192, {}, kMc,
        "Kernel 2 data storage"),
    row(0x9F76, "Secondary Application Currency Code", "SecondaryApplicationCurrencyCode", kN,
        kCard, 2, 2, {}, kVisa),
    row(0x9F76, "Secondary Application Currency Code", "SecondaryApplicationCurrencyCode", kN,
        kCard, 2, 2, {}, kCup),
    row(0x9F77, "Unprotected Data Envelope 3", "UnprotectedDataEnvelope3", kB, kCard, 1, 192, {},
        kMc),
    row(0x9F78, "Unprotected Data Envelope 4", "UnprotectedDataEnvelope4", kB, kCard, 1, 192, {},
        kMc),
    row(0x9F79, "Unprotected Data Envelope 5", "UnprotectedDataEnvelope5", kB, kCard, 1, 192, {},
        kMc),
    row(0x9F7C, "Merchant Custom Data", "MerchantCustomData", kB, kTerm, 1, 20, {}, kMc),
});

constexpr bool sortedUniqueByTag(std::span<const TagInfo> rows) {
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i - 1].tag >= rows[i].tag) return false;
  }
  return true;
}

constexpr bool sortedUniqueByTagAndScheme(std::span<const TagInfo> rows) {
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& a = rows[i - 1];
    const auto& b = rows[i];
    if (a.tag > b.tag || (a.tag == b.tag && a.scheme >= b.scheme)) return false;
  }
  return true;
}

static_assert(sortedUniqueByTag(kTags), "kTags must be sorted by tag, one row per tag");
static_assert(sortedUniqueByTagAndScheme(kVariants), "kVariants must be sorted by (tag, scheme)");

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::span<const Tag> TagInfo::templateList() const {
  std::size_t n = 0;
  while (n < templates.size() && templates.at(n) != 0) ++n;
  return {templates.data(), n};
}

std::string_view schemeName(Scheme scheme) {
  switch (scheme) {
    case Scheme::kEmv: return "EMV";
    case Scheme::kVisa: return "Visa";
    case Scheme::kMastercard: return "Mastercard";
    case Scheme::kUnionPay: return "UnionPay";
    case Scheme::kAmex: return "American Express";
    case Scheme::kJcb: return "JCB";
    case Scheme::kDiscover: return "Discover";
  }
  return "EMV";
}

Scheme schemeFromAid(ByteView aid) {
  struct RidScheme {
    std::uint64_t rid;
    Scheme scheme;
  };
  static constexpr std::array<RidScheme, 8> kRids = {{
      {0xA000000003, Scheme::kVisa},
      {0xA000000004, Scheme::kMastercard},
      {0xA000000005, Scheme::kMastercard},  // Maestro (legacy RID)
      {0xA000000025, Scheme::kAmex},
      {0xA000000065, Scheme::kJcb},
      {0xA000000152, Scheme::kDiscover},
      {0xA000000324, Scheme::kDiscover},
      {0xA000000333, Scheme::kUnionPay},
  }};
  if (aid.size() < 5) return Scheme::kEmv;
  const std::uint64_t rid = readBigEndian(aid.first(5));
  for (const auto& entry : kRids) {
    if (entry.rid == rid) return entry.scheme;
  }
  return Scheme::kEmv;
}

std::span<const TagInfo> allTags() {
  return kTags;
}

std::span<const TagInfo> schemeVariantTags() {
  return kVariants;
}

const TagInfo* findTag(Tag tag) {
  const auto* it = std::lower_bound(kTags.begin(), kTags.end(), tag,
                                    [](const TagInfo& info, Tag t) { return info.tag < t; });
  if (it == kTags.end() || it->tag != tag) return nullptr;
  return &*it;
}

const TagInfo* findTag(Tag tag, Scheme scheme) {
  if (scheme != Scheme::kEmv) {
    const auto* it = std::lower_bound(kVariants.begin(), kVariants.end(), tag,
                                      [](const TagInfo& info, Tag t) { return info.tag < t; });
    for (; it != kVariants.end() && it->tag == tag; ++it) {
      if (it->scheme == scheme) return &*it;
    }
  }
  return findTag(tag);
}

const TagInfo* findTagByShortName(std::string_view short_name) {
  for (const auto& info : kTags) {
    if (equalsIgnoreCase(info.short_name, short_name)) return &info;
  }
  return nullptr;
}

std::string tagDisplayName(Tag tag, Scheme scheme) {
  const TagInfo* info = findTag(tag, scheme);
  if (info == nullptr) return tagToHex(tag) + " (unknown tag)";
  return tagToHex(tag) + " " + std::string(info->name);
}

std::string_view tagFormatName(TagFormat format) {
  switch (format) {
    case TagFormat::kA: return "a";
    case TagFormat::kAn: return "an";
    case TagFormat::kAns: return "ans";
    case TagFormat::kB: return "b";
    case TagFormat::kCn: return "cn";
    case TagFormat::kN: return "n";
    case TagFormat::kDol: return "DOL";
    case TagFormat::kTagList: return "tag list";
    case TagFormat::kTemplate: return "template";
    case TagFormat::kVar: return "var";
  }
  return "var";
}

std::string_view tagSourceName(TagSource source) {
  switch (source) {
    case TagSource::kCard: return "card";
    case TagSource::kTerminal: return "terminal";
    case TagSource::kIssuer: return "issuer";
    case TagSource::kAny: return "any";
  }
  return "any";
}

}  // namespace posim::emv
