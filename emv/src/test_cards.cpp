// Built-in test card profiles (see test_cards.h).
#include "posim/emv/test_cards.h"

#include <cstdlib>
#include <string>

#include "posim/emv/cvm.h"

namespace posim::emv {
namespace {

// Primes of tests/data/vectors/emv_oda_own_chain.json (e = 3); n and d follow from them.
constexpr std::string_view kOwnChainCaP =
    "F0F0B0CAA469C4AF99C5BF4E46D31FB18A45F64011F5DB3C465F07281E21AF81D4C2344952013F6771091DC3"
    "46F417978D350138242315FE0D785936A7A84106DA10EE1A8978274565A68852CD2AE621C1A352ED0A8F8963";
constexpr std::string_view kOwnChainCaQ =
    "ED66034AD3331D73C86563B390983C4EB97963CFE999C42681B68ED5B11C1DD3D5F17FEC91783F2E6E4C7C09"
    "B310A3BD1577B296AD9494A510CBEDA6EA5891AAFC9E4761A60359CEC28065F7DC46DF48C2D094E39000C82D";
constexpr std::string_view kOwnChainIssuerP =
    "DDF8CD5EBEF2F77D117D83AF5362856820B15F888F1B1F2E24468034578B30E68606436AE203BB9DA567858D"
    "32B4FDBDD6E81871EF7F5D0AAF6EB9EA0A3B606F4204FD5BB899B499";
constexpr std::string_view kOwnChainIssuerQ =
    "D67C2991B1406E265BB69EE4B21339613BE633B0E8FBC6E2F798980B3355F00B4A72849D90B8B93D9C1753A2"
    "1F2F7C0CAB40FCC48625166C708CE6E8879072CC0B9C1223FD5B6F9F";
constexpr std::string_view kOwnChainIccP =
    "E134EBE6ED057D63E4EF0190FBBC61E2DD23781A2AF8DC6669CAF08D911C248BA9F384921B277ACCBFCBBD7C"
    "BA808A68038C0C1C591EF3DE4E6AA5CD39FAC0EB";
constexpr std::string_view kOwnChainIccQ =
    "E6905AD0CEA93EB980ED075CFF5829C951EDD02EA47664535301EDF4E9717EA9E622B91406F9002122057C3A"
    "598839539FF187DC6A83DEE1E511B60E39349315";

crypto::RsaPrivateKey ownKey(std::string_view p, std::string_view q) {
  auto key = crypto::RsaPrivateKey::fromPrimes(hexBytes(p), hexBytes(q), Bytes{0x03});
  if (!key.isOk()) std::abort();  // constants of this file
  return std::move(key).value();
}

const Bytes kVisaImkAc = hexBytes("0123456789ABCDEFFEDCBA9876543210");
const Bytes kMastercardImkAc = hexBytes("2315208C9110AD402315208C9110AD40");
const Bytes kUnionPayImkAc = hexBytes("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB");
const Bytes kImkSmi = hexBytes("BBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCC");
const Bytes kImkSmc = hexBytes("CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD");

// CDOLs (DOMAIN.md §1.10).
const Bytes kVisaCdol1 = hexBytes("9F02069F03069F1A0295055F2A029A039C019F37049F35019F3403");
const Bytes kVisaCdol2 = hexBytes("8A029F02069F03069F1A0295055F2A029A039C019F3704");
const Bytes kMastercardCdol1 =
    hexBytes("9F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F3403");
const Bytes kMastercardCdol2 = hexBytes("910A8A0295059F37049F4C08");
// qVSDC PDOL: TTQ, amounts, country, TVR, currency, date, type, UN.
const Bytes kQvsdcPdol = hexBytes("9F66049F02069F03069F1A0295055F2A029A039C019F3704");

Bytes cvmList(std::initializer_list<std::pair<std::uint8_t, std::uint8_t>> rules) {
  CvmList list;
  for (const auto& [method, condition] : rules) list.rules.push_back({method, condition});
  return encodeCvmList(list);
}

CardApplication visaApplication(std::string label, Bytes aid, crypto::Cvn cvn) {
  CardApplication app;
  app.aid = std::move(aid);
  app.label = std::move(label);
  app.aip = hexBytes("3C00");  // DDA, cardholder verification, TRM, issuer authentication
  app.oda = OdaMethod::kDda;
  app.response_format = ResponseFormat::kFormat1;
  app.cdol1 = kVisaCdol1;
  app.cdol2 = kVisaCdol2;
  app.cvm_list = cvmList({{0x42, 0x03}, {0x1E, 0x03}, {0x1F, 0x03}});
  app.iac_denial = hexBytes("0010000000");
  app.iac_online = hexBytes("DC4004F800");
  app.iac_default = hexBytes("DC4000A800");
  app.application_version = hexBytes("0096");
  app.lower_consecutive_offline_limit = 5;
  app.upper_consecutive_offline_limit = 10;
  app.keys = {cvn, 0x01, kVisaImkAc, kImkSmi, kImkSmc};
  return app;
}

CardApplication mastercardApplication(crypto::Cvn cvn) {
  CardApplication app;
  app.aid = hexBytes("A0000000041010");
  app.label = "MASTERCARD";
  app.aip = hexBytes("3D00");  // DDA, CV, TRM, issuer authentication, CDA
  app.oda = OdaMethod::kCda;
  app.response_format = ResponseFormat::kFormat2;
  app.pdol = hexBytes("9F1A02");
  app.cdol1 = kMastercardCdol1;
  app.cdol2 = kMastercardCdol2;
  app.iac_denial = hexBytes("0000000000");
  app.iac_online = hexBytes("FC50BCF800");
  app.iac_default = hexBytes("FC50BCA000");
  app.application_version = hexBytes("0002");
  app.lower_consecutive_offline_limit = 2;
  app.upper_consecutive_offline_limit = 4;
  app.keys = {cvn, 0x01, kMastercardImkAc, kImkSmi, kImkSmc};
  return app;
}

CardProfile baseCard(std::string id, std::string description, std::string pan) {
  CardProfile card;
  card.id = std::move(id);
  card.description = std::move(description);
  card.pan = Pan(std::move(pan));
  card.offline_pin = "1234";
  card.pki = ownChainPki();
  return card;
}

}  // namespace

const CardPki& ownChainPki() {
  static const CardPki pki = [] {
    CardPki out;
    out.capk_index = 0xE1;
    out.ca_key = ownKey(kOwnChainCaP, kOwnChainCaQ);
    out.issuer_key = ownKey(kOwnChainIssuerP, kOwnChainIssuerQ);
    out.icc_key = ownKey(kOwnChainIccP, kOwnChainIccQ);
    return out;
  }();
  return pki;
}

Result<crypto::CaPublicKey> ownChainCapk(ByteView rid) {
  if (rid.size() != crypto::kRidLength) return invalidArgument("rid: must be 5 bytes");
  const crypto::RsaPublicKey& key = ownChainPki().ca_key.publicKey();
  return crypto::CaPublicKey::create(rid, 0xE1, key.modulus(), key.exponent());
}

CardProfile visaCreditCard() {
  CardProfile card = baseCard("visa-credit", "Visa credit, CVN 18, DDA, online PIN and signature",
                              "4761739001010010");
  CardApplication app =
      visaApplication("VISA CREDIT", hexBytes("A0000000031010"), crypto::Cvn::kVisa18);
  app.priority = 1;
  app.preferred_name = "VISA CREDIT";
  app.application_currency = 840;
  app.log_format = hexBytes("9F02065F2A029A039F52019F3602");
  app.contactless.enabled = true;
  app.contactless.kernel = ContactlessKernel::kQvsdc;
  app.contactless.pdol = kQvsdcPdol;
  app.contactless.aip = hexBytes("2000");
  app.contactless.ctq = hexBytes("8000");  // online PIN required for CVM
  app.contactless.offline_allowed = true;
  card.applications.push_back(std::move(app));
  return card;
}

CardProfile visaDebitSdaCard() {
  CardProfile card = baseCard("visa-debit-sda", "Visa debit, CVN 10, SDA, offline plaintext PIN",
                              "4761739001010119");
  CardApplication app =
      visaApplication("VISA DEBIT", hexBytes("A0000000032010"), crypto::Cvn::kVisa10);
  app.aip = hexBytes("5C00");  // SDA, CV, TRM, issuer authentication
  app.oda = OdaMethod::kSda;
  app.cvm_list = cvmList({{0x41, 0x03}, {0x5E, 0x03}, {0x1F, 0x03}});
  app.lower_consecutive_offline_limit = 3;
  app.upper_consecutive_offline_limit = 5;
  app.issuer_country = 840;
  card.applications.push_back(std::move(app));
  return card;
}

CardProfile mastercardDebitCard() {
  CardProfile card =
      baseCard("mastercard-debit", "Mastercard debit, CVN 16, CDA, offline enciphered PIN",
               "5413330089020011");
  CardApplication app = mastercardApplication(crypto::Cvn::kMastercard16);
  app.label = "DEBIT MASTERCARD";
  app.cvm_list = cvmList({{0x44, 0x03}, {0x42, 0x03}, {0x1E, 0x03}, {0x1F, 0x03}});
  card.applications.push_back(std::move(app));
  return card;
}

CardProfile mastercardCreditContactlessCard() {
  CardProfile card = baseCard("mastercard-credit-contactless",
                              "Mastercard credit, CVN 17, CDA, M/Chip-style contactless with CDCVM",
                              "5413330089010012");
  CardApplication app = mastercardApplication(crypto::Cvn::kMastercard17);
  app.label = "MC CREDIT";
  app.cvm_list = cvmList({{0x42, 0x03}, {0x1E, 0x03}, {0x1F, 0x03}});
  app.lower_consecutive_offline_limit = 3;
  app.upper_consecutive_offline_limit = 6;
  app.contactless.enabled = true;
  app.contactless.kernel = ContactlessKernel::kMchip;
  app.contactless.pdol = hexBytes("9F1A02");
  app.contactless.aip = hexBytes("3B80");  // DDA, CV, TRM, on-device CVM, CDA; EMV mode
  app.contactless.cdcvm = true;
  card.applications.push_back(std::move(app));
  return card;
}

CardProfile unionpayDebitCard() {
  CardProfile card = baseCard("unionpay-debit", "UnionPay debit, DDA, online PIN, online only",
                              "6225880000000001");
  card.offline_pin.clear();
  CardApplication app =
      visaApplication("UnionPay Debit", hexBytes("A000000333010101"), crypto::Cvn::kVisa18);
  app.keys.imk_ac = kUnionPayImkAc;
  app.cvm_list = cvmList({{0x42, 0x03}, {0x1F, 0x03}});
  app.issuer_country = 156;
  app.application_currency = 156;
  app.lower_consecutive_offline_limit = 0;
  app.upper_consecutive_offline_limit = 0;
  app.issuer_authentication_mandatory = true;
  app.application_version = hexBytes("0030");
  card.applications.push_back(std::move(app));
  return card;
}

CardProfile amexLikeMagstripeCard() {
  CardProfile card =
      baseCard("amex-like-magstripe", "Magnetic stripe only (no chip)", "374245455400126");
  card.offline_pin.clear();
  card.has_chip = false;
  card.pse = false;
  card.magstripe.service_code = "101";
  card.magstripe.track2_discretionary = "0000000000";
  return card;
}

CardProfile visaDualAppCard() {
  CardProfile card =
      baseCard("visa-dual-app", "Visa credit and Visa debit on one card", "4761739001010028");
  CardApplication credit =
      visaApplication("VISA CREDIT", hexBytes("A0000000031010"), crypto::Cvn::kVisa18);
  credit.priority = 2;
  CardApplication debit =
      visaApplication("VISA DEBIT", hexBytes("A0000000032010"), crypto::Cvn::kVisa22);
  debit.priority = 1;
  debit.cvm_list = cvmList({{0x41, 0x03}, {0x42, 0x03}, {0x1F, 0x03}});
  card.applications.push_back(std::move(credit));
  card.applications.push_back(std::move(debit));
  return card;
}

std::vector<CardProfile> testCardProfiles() {
  return {visaCreditCard(),      visaDebitSdaCard(),
          mastercardDebitCard(), mastercardCreditContactlessCard(),
          unionpayDebitCard(),   amexLikeMagstripeCard(),
          visaDualAppCard()};
}

Result<CardProfile> testCardProfile(std::string_view id) {
  std::string ids;
  for (CardProfile& card : testCardProfiles()) {
    if (card.id == id) return std::move(card);
    ids += (ids.empty() ? "" : ", ") + card.id;
  }
  return notFound("no test card '" + std::string(id) + "'; known: " + ids);
}

}  // namespace posim::emv
