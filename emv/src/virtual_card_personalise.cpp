// Personalisation of a virtual card: records, static data, certificates and ICC master keys.
#include <algorithm>
#include <map>
#include <string>

#include "posim/base/pan.h"
#include "posim/emv/crypto/key_derivation.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"

#include "virtual_card_image.h"

namespace posim::emv {
namespace {

constexpr std::size_t kMaxRecordContent = 250;

Bytes bcdNumber(unsigned value, std::size_t digits) {
  std::string text = std::to_string(value);
  if (text.size() < digits) text.insert(0, digits - text.size(), '0');
  return digitsToBcd(text).valueOr(Bytes{});
}

Bytes yymmdd(const Date& date) {
  const int year = static_cast<int>(date.year()) % 100;
  return {static_cast<std::uint8_t>((year / 10) << 4 | (year % 10)),
          static_cast<std::uint8_t>((static_cast<unsigned>(date.month()) / 10) << 4 |
                                    (static_cast<unsigned>(date.month()) % 10)),
          static_cast<std::uint8_t>((static_cast<unsigned>(date.day()) / 10) << 4 |
                                    (static_cast<unsigned>(date.day()) % 10))};
}

std::string twoDigits(unsigned value) {
  return std::string(1, static_cast<char>('0' + value / 10 % 10)) +
         static_cast<char>('0' + value % 10);
}

Bytes record(ByteView content) {
  Bytes out;
  appendTlv(out, kTag70RecordTemplate, content);
  return out;
}

bool usesOda(const CardApplication& app) {
  return app.oda != OdaMethod::kNone;
}

// The ODA data record (SFI 2) of a generated application.
Bytes dataRecordContent(const CardProfile& profile, const CardApplication& app, ByteView pan_bcd) {
  TlvBuilder b;
  b.add(kTag5AApplicationPan, pan_bcd);
  b.add(kTag5F24ApplicationExpirationDate, yymmdd(profile.expiry));
  b.add(kTag5F25ApplicationEffectiveDate, yymmdd(profile.effective));
  b.add(kTag5F28IssuerCountryCode, bcdNumber(app.issuer_country, 4));
  b.add(kTag5F34PanSequenceNumber, digitsToBcd(profile.psn).valueOr(Bytes{0x00}));
  if (!app.auc.empty()) b.add(kTag9F07ApplicationUsageControl, app.auc);
  if (!app.cvm_list.empty()) b.add(kTag8ECvmList, app.cvm_list);
  if (!app.iac_default.empty()) b.add(kTag9F0DIssuerActionCodeDefault, app.iac_default);
  if (!app.iac_denial.empty()) b.add(kTag9F0EIssuerActionCodeDenial, app.iac_denial);
  if (!app.iac_online.empty()) b.add(kTag9F0FIssuerActionCodeOnline, app.iac_online);
  b.add(kTag8CCdol1, app.cdol1);
  b.add(kTag8DCdol2, app.cdol2);
  b.add(kTag9F08ApplicationVersionNumberCard, app.application_version);
  b.add(kTag9F42ApplicationCurrencyCode, bcdNumber(app.application_currency, 4));
  b.add(kTag9F44ApplicationCurrencyExponent, {app.application_currency_exponent});
  if (app.lower_consecutive_offline_limit) {
    b.add(kTag9F14LowerConsecutiveOfflineLimit, {*app.lower_consecutive_offline_limit});
  }
  if (app.upper_consecutive_offline_limit) {
    b.add(kTag9F23UpperConsecutiveOfflineLimit, {*app.upper_consecutive_offline_limit});
  }
  if (usesOda(app)) b.add(kTag9F4AStaticDataAuthenticationTagList, {0x82});
  return b.take();
}

// AFL (Book 3 §10.2) from records: one entry per SFI, ODA records first in each.
Bytes buildAfl(const std::vector<CardRecord>& records) {
  std::map<std::uint8_t, std::vector<const CardRecord*>> by_sfi;
  for (const CardRecord& r : records) by_sfi[r.sfi].push_back(&r);
  Bytes afl;
  for (auto& [sfi, list] : by_sfi) {
    std::sort(list.begin(), list.end(),
              [](const CardRecord* a, const CardRecord* b) { return a->number < b->number; });
    std::uint8_t oda = 0;
    for (const CardRecord* r : list) {
      if (!r->offline_data_authentication) break;
      ++oda;
    }
    afl.push_back(static_cast<std::uint8_t>(sfi << 3));
    afl.push_back(list.front()->number);
    afl.push_back(list.back()->number);
    afl.push_back(oda);
  }
  return afl;
}

struct Signing {
  const CardProfile* profile = nullptr;
  crypto::PublicKeyCertificate issuer_certificate;
};

Result<InterfaceImage> buildInterface(const Signing& signing, const CardApplication& app,
                                      ByteView aip, ByteView pdol, ByteView pan_bcd,
                                      ByteView track2) {
  const CardProfile& profile = *signing.profile;
  InterfaceImage out;
  out.aip.assign(aip.begin(), aip.end());
  out.pdol.assign(pdol.begin(), pdol.end());
  std::vector<CardRecord> records = app.records;
  std::uint8_t cert_sfi = 3;
  if (records.empty()) {
    Bytes track = TlvBuilder()
                      .add(kTag57Track2EquivalentData, track2)
                      .add(kTag5F20CardholderName, asBytes(profile.cardholder_name))
                      .take();
    records.push_back({1, 1, std::move(track), false});
    records.push_back({2, 1, dataRecordContent(profile, app, pan_bcd), true});
  } else {
    for (const CardRecord& r : records) {
      cert_sfi = std::max<std::uint8_t>(cert_sfi, static_cast<std::uint8_t>(r.sfi + 1));
    }
  }
  // Static data to be authenticated (Book 3 §10.3): the 70 values of the ODA records in AFL
  // order, then the AIP (9F4A lists 82).
  std::vector<const CardRecord*> ordered;
  for (const CardRecord& r : records) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(), [](const CardRecord* a, const CardRecord* b) {
    return a->sfi != b->sfi ? a->sfi < b->sfi : a->number < b->number;
  });
  for (const CardRecord* r : ordered) {
    if (r->offline_data_authentication) append(out.static_data, r->content);
  }
  if (usesOda(app)) append(out.static_data, aip);

  if (usesOda(app)) {
    const CardPki& pki = profile.pki;
    if (pki.issuer_key.empty()) {
      return invalidArgument("card " + profile.id + ": pki.issuer_key is required for " +
                             odaMethodName(app.oda));
    }
    Bytes keys = TlvBuilder()
                     .add(kTag8FCaPublicKeyIndex, {pki.capk_index})
                     .add(kTag90IssuerPublicKeyCertificate, signing.issuer_certificate.certificate)
                     .take();
    if (!signing.issuer_certificate.remainder.empty()) {
      appendTlv(keys, kTag92IssuerPublicKeyRemainder, signing.issuer_certificate.remainder);
    }
    appendTlv(keys, kTag9F32IssuerPublicKeyExponent, signing.issuer_certificate.exponent);
    records.push_back({cert_sfi, 1, std::move(keys), false});
    Bytes second;
    if (app.oda == OdaMethod::kSda) {
      POSIM_ASSIGN_OR_RETURN(Bytes ssad,
                             crypto::signStaticApplicationData(
                                 pki.issuer_key, pki.data_authentication_code, out.static_data));
      appendTlv(second, kTag93SignedStaticApplicationData, ssad);
      out.certificate_tag = kTag90IssuerPublicKeyCertificate;
    } else {
      if (pki.icc_key.empty()) {
        return invalidArgument("card " + profile.id + ": pki.icc_key is required for " +
                               odaMethodName(app.oda));
      }
      const crypto::IccCertificateData data{profile.pan.digits(), pki.icc_certificate_expiry,
                                            pki.icc_certificate_serial};
      POSIM_ASSIGN_OR_RETURN(crypto::PublicKeyCertificate icc,
                             crypto::signIccPublicKeyCertificate(
                                 pki.issuer_key, pki.icc_key.publicKey(), data, out.static_data));
      appendTlv(second, kTag9F46IccPublicKeyCertificate, icc.certificate);
      appendTlv(second, kTag9F47IccPublicKeyExponent, icc.exponent);
      if (!icc.remainder.empty()) appendTlv(second, kTag9F48IccPublicKeyRemainder, icc.remainder);
      if (!app.ddol.empty()) appendTlv(second, kTag9F49Ddol, app.ddol);
      out.certificate_tag = kTag9F46IccPublicKeyCertificate;
    }
    records.push_back({cert_sfi, 2, std::move(second), false});
  }
  out.afl = buildAfl(records);
  for (const CardRecord& r : records) {
    if (r.sfi < 1 || r.sfi > 30 || r.number < 1) {
      return invalidArgument("card " + profile.id + ": record SFI " + std::to_string(r.sfi) +
                             " number " + std::to_string(r.number) + " (SFI 1-30, records from 1)");
    }
    if (r.content.size() > kMaxRecordContent) {
      return invalidArgument("card " + profile.id + ": record SFI " + std::to_string(r.sfi) +
                             " number " + std::to_string(r.number) + " holds " +
                             std::to_string(r.content.size()) + " bytes, at most " +
                             std::to_string(kMaxRecordContent));
    }
    out.records.push_back({r.sfi, r.number, record(r.content)});
  }
  return out;
}

Result<Bytes> deriveMk(const CardProfile& profile, ByteView imk, const char* name) {
  if (imk.empty()) return Bytes{};
  auto mk = crypto::deriveIccMasterKey(imk, profile.pan.digits(), profile.psn);
  if (!mk.isOk()) return mk.status().withContext("card " + profile.id + ": keys." + name);
  return mk->key;
}

}  // namespace

const char* odaMethodName(OdaMethod method) {
  switch (method) {
    case OdaMethod::kNone: return "none";
    case OdaMethod::kSda: return "sda";
    case OdaMethod::kDda: return "dda";
    case OdaMethod::kCda: return "cda";
  }
  return "none";
}

std::string magstripeTrack2(const CardProfile& profile) {
  const int year = static_cast<int>(profile.expiry.year()) % 100;
  return profile.pan.digits() + "=" + twoDigits(static_cast<unsigned>(year)) +
         twoDigits(static_cast<unsigned>(profile.expiry.month())) + profile.magstripe.service_code +
         profile.magstripe.track2_discretionary;
}

Bytes track2EquivalentData(const CardProfile& profile) {
  std::string digits = magstripeTrack2(profile);
  std::replace(digits.begin(), digits.end(), '=', 'D');
  if (digits.size() % 2 != 0) digits.push_back('F');
  return fromHex(digits).valueOr(Bytes{});
}

CardState initialCardState(const CardProfile& profile) {
  CardState state;
  state.pin_tries_remaining = profile.pin_try_limit;
  state.offline_pin = profile.offline_pin;
  state.applications.resize(profile.applications.size());
  return state;
}

Result<std::shared_ptr<const CardImage>> personalise(const CardProfile& profile) {
  auto image = std::make_shared<CardImage>();
  image->profile = profile;
  if (!isDigits(profile.pan.digits()) || profile.pan.digits().size() < 12 ||
      profile.pan.digits().size() > 19 || !luhnValid(profile.pan.digits())) {
    return invalidArgument("card " + profile.id +
                           ": pan must be 12-19 digits passing the Luhn check");
  }
  if (profile.psn.size() != 2 || !isDigits(profile.psn)) {
    return invalidArgument("card " + profile.id + ": psn must be 2 digits");
  }
  if (!profile.offline_pin.empty() &&
      (!isDigits(profile.offline_pin) || profile.offline_pin.size() < 4 ||
       profile.offline_pin.size() > 12)) {
    return invalidArgument("card " + profile.id + ": offline_pin must be 4-12 digits");
  }
  if (profile.has_chip && profile.applications.empty()) {
    return invalidArgument("card " + profile.id + ": a chip card needs at least one application");
  }
  image->track2 = track2EquivalentData(profile);
  std::string pan_padded = profile.pan.digits();
  while (pan_padded.size() % 2 != 0) pan_padded.push_back('F');
  const Bytes pan_bcd = fromHex(pan_padded).valueOr(Bytes{});

  Signing signing;
  signing.profile = &image->profile;
  const bool any_oda = std::any_of(profile.applications.begin(), profile.applications.end(),
                                   [](const CardApplication& a) { return usesOda(a); });
  if (any_oda) {
    if (profile.pki.ca_key.empty() || profile.pki.issuer_key.empty()) {
      return invalidArgument("card " + profile.id +
                             ": pki.ca_key and pki.issuer_key are required for SDA/DDA/CDA");
    }
    const crypto::IssuerCertificateData data{profile.pan.digits().substr(0, 6),
                                             profile.pki.issuer_certificate_expiry,
                                             profile.pki.issuer_certificate_serial};
    auto cert = crypto::signIssuerPublicKeyCertificate(profile.pki.ca_key,
                                                       profile.pki.issuer_key.publicKey(), data);
    if (!cert.isOk()) return cert.status().withContext("card " + profile.id + ": pki");
    signing.issuer_certificate = std::move(cert).value();
  }

  for (std::size_t i = 0; i < profile.applications.size(); ++i) {
    const CardApplication& app = profile.applications[i];
    const std::string where = "card " + profile.id + ": applications[" + std::to_string(i) + "]";
    if (app.aid.size() < 5 || app.aid.size() > 16) {
      return invalidArgument(where + ".aid must be 5-16 bytes");
    }
    if (app.aip.size() != 2) return invalidArgument(where + ".aip must be 2 bytes");
    if (app.cdol1.empty() || app.cdol2.empty()) {
      return invalidArgument(where + ": cdol1 and cdol2 are required");
    }
    ApplicationImage ai;
    auto contact = buildInterface(signing, app, app.aip, app.pdol, pan_bcd, image->track2);
    if (!contact.isOk()) return contact.status().withContext(where);
    ai.contact = std::move(contact).value();
    if (app.contactless.enabled) {
      const Bytes& aip = app.contactless.aip.empty() ? app.aip : app.contactless.aip;
      if (aip.size() != 2) return invalidArgument(where + ".contactless.aip must be 2 bytes");
      if (aip == app.aip && app.contactless.pdol == app.pdol) {
        ai.contactless = ai.contact;
      } else {
        auto ctls = buildInterface(signing, app, aip, app.contactless.pdol, pan_bcd, image->track2);
        if (!ctls.isOk()) return ctls.status().withContext(where + ".contactless");
        ai.contactless = std::move(ctls).value();
      }
    }
    POSIM_ASSIGN_OR_RETURN(ai.icc_mk_ac, deriveMk(profile, app.keys.imk_ac, "imk_ac"));
    POSIM_ASSIGN_OR_RETURN(ai.icc_mk_smi, deriveMk(profile, app.keys.imk_smi, "imk_smi"));
    POSIM_ASSIGN_OR_RETURN(ai.icc_mk_smc, deriveMk(profile, app.keys.imk_smc, "imk_smc"));
    if (ai.icc_mk_ac.empty()) return invalidArgument(where + ".keys.imk_ac is required");
    image->applications.push_back(std::move(ai));

    if (app.contact) {
      TlvBuilder entry;
      entry.open(kTag70RecordTemplate).open(kTag61ApplicationTemplate);
      entry.add(kTag4FApplicationIdentifier, app.aid);
      entry.add(kTag50ApplicationLabel, asBytes(app.label));
      if (app.priority) entry.add(kTag87ApplicationPriorityIndicator, {*app.priority});
      if (!app.preferred_name.empty()) {
        entry.add(kTag9F12ApplicationPreferredName, asBytes(app.preferred_name));
      }
      entry.close().close();
      image->pse_records.push_back(
          {1, static_cast<std::uint8_t>(image->pse_records.size() + 1), entry.take()});
    }
  }
  return std::shared_ptr<const CardImage>(std::move(image));
}

Result<Bytes> staticDataToBeAuthenticated(const CardImage& image, std::size_t application,
                                          CardInterface interface) {
  if (application >= image.applications.size()) {
    return notFound("application " + std::to_string(application) + " not on card " +
                    image.profile.id);
  }
  const ApplicationImage& app = image.applications[application];
  return interface == CardInterface::kContact ? app.contact.static_data
                                              : app.contactless.static_data;
}

const CardProfile& imageProfile(const CardImage& image) {
  return image.profile;
}

}  // namespace posim::emv
