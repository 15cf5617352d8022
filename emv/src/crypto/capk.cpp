#include "posim/emv/crypto/capk.h"

#include <algorithm>
#include <string>
#include <utility>

namespace posim::emv::crypto {
namespace {

std::string keyName(ByteView rid, std::uint8_t index) {
  const std::uint8_t idx[1] = {index};
  return toHex(rid) + "/" + toHex(idx);
}

ByteView stripLeadingZeros(ByteView bytes) {
  std::size_t i = 0;
  while (i < bytes.size() && bytes[i] == 0) ++i;
  return bytes.subspan(i);
}

}  // namespace

Bytes capkChecksum(ByteView rid, std::uint8_t index, ByteView modulus, ByteView exponent) {
  const std::uint8_t idx[1] = {index};
  return hash(HashAlgorithm::kSha1, {rid, idx, modulus, exponent});
}

Result<CaPublicKey> CaPublicKey::create(ByteView rid, std::uint8_t index, ByteView modulus,
                                        ByteView exponent, ByteView checksum,
                                        std::optional<Date> expiry) {
  const std::string name = "CAPK " + keyName(rid, index);
  if (rid.size() != kRidLength) {
    return invalidArgument(name + ": RID is " + std::to_string(rid.size()) + " bytes, expected 5");
  }
  const ByteView m = stripLeadingZeros(modulus);
  if (m.size() < 64 || m.size() > 248) {
    return invalidArgument(name + ": modulus is " + std::to_string(m.size()) +
                           " bytes, expected 64..248 (EMV Book 2 §11.2.1)");
  }
  const ByteView e = stripLeadingZeros(exponent);
  const bool e3 = e.size() == 1 && e[0] == 3;
  const bool e65537 = e.size() == 3 && e[0] == 0x01 && e[1] == 0x00 && e[2] == 0x01;
  if (!e3 && !e65537) return invalidArgument(name + ": exponent must be 03 or 010001");
  auto key = RsaPublicKey::create(m, e);
  if (!key.isOk()) return key.status().withContext(name);
  CaPublicKey capk;
  capk.rid.assign(rid.begin(), rid.end());
  capk.index = index;
  capk.key = std::move(key).value();
  capk.expiry = expiry;
  capk.checksum = capkChecksum(rid, index, capk.key.modulus(), capk.key.exponent());
  if (!checksum.empty() &&
      !std::equal(checksum.begin(), checksum.end(), capk.checksum.begin(), capk.checksum.end())) {
    return invalidArgument(name + ": checksum mismatch: given " + toHex(checksum) +
                           ", SHA-1(RID|index|modulus|exponent) is " + toHex(capk.checksum) +
                           "; check the modulus and exponent were copied completely");
  }
  return capk;
}

Status CapkStore::add(CaPublicKey key) {
  if (find(key.rid, key.index) != nullptr) {
    return invalidArgument("CAPK " + keyName(key.rid, key.index) + " is already in the store");
  }
  keys_.push_back(std::move(key));
  return Status::ok();
}

const CaPublicKey* CapkStore::find(ByteView rid, std::uint8_t index) const {
  for (const CaPublicKey& key : keys_) {
    if (key.index == index && std::equal(rid.begin(), rid.end(), key.rid.begin(), key.rid.end())) {
      return &key;
    }
  }
  return nullptr;
}

Result<CapkStore> CapkStore::fromJson(const Json& json) {
  if (!json.isArray()) return malformed("CAPK list: expected a JSON array of keys");
  CapkStore store;
  std::size_t number = 0;
  for (const Json& entry : json.asArray()) {
    const std::string where = "CAPK #" + std::to_string(number++);
    if (!entry.isObject()) return malformed(where + ": expected an object");
    auto hexField = [&](std::string_view field, bool required) -> Result<Bytes> {
      const Json* value = entry.find(field);
      if (value == nullptr || value->isNull()) {
        if (required) return malformed(where + ": missing \"" + std::string(field) + "\"");
        return Bytes{};
      }
      if (!value->isString()) {
        return malformed(where + ": \"" + std::string(field) + "\" must be a hex string");
      }
      auto bytes = fromHex(value->asString());
      if (!bytes.isOk())
        return bytes.status().withContext(where + " \"" + std::string(field) + "\"");
      return bytes;
    };
    POSIM_ASSIGN_OR_RETURN(Bytes rid, hexField("rid", true));
    POSIM_ASSIGN_OR_RETURN(Bytes index, hexField("index", true));
    POSIM_ASSIGN_OR_RETURN(Bytes modulus, hexField("modulus", true));
    POSIM_ASSIGN_OR_RETURN(Bytes exponent, hexField("exponent", true));
    POSIM_ASSIGN_OR_RETURN(Bytes checksum, hexField("sha1_checksum", false));
    if (checksum.empty()) {
      POSIM_ASSIGN_OR_RETURN(checksum, hexField("checksum", false));
    }
    if (index.size() != 1) return invalidArgument(where + ": \"index\" must be one byte");
    std::optional<Date> expiry;
    if (const Json* e = entry.find("expiry"); e != nullptr && !e->isNull()) {
      if (!e->isString()) return malformed(where + ": \"expiry\" must be a YYYY-MM-DD string");
      auto date = parseDate(e->asString());
      if (!date.isOk()) return date.status().withContext(where + " \"expiry\"");
      expiry = *date;
    }
    auto key = CaPublicKey::create(rid, index[0], modulus, exponent, checksum, expiry);
    if (!key.isOk()) return key.status().withContext(where);
    POSIM_RETURN_IF_ERROR(store.add(std::move(key).value()).withContext(where));
  }
  return store;
}

void CertificateRevocationList::add(ByteView rid, std::uint8_t capk_index,
                                    ByteView certificate_serial) {
  Bytes entry(rid.begin(), rid.end());
  entry.push_back(capk_index);
  append(entry, certificate_serial);
  entries_.push_back(std::move(entry));
}

bool CertificateRevocationList::isRevoked(ByteView rid, std::uint8_t capk_index,
                                          ByteView certificate_serial) const {
  Bytes probe(rid.begin(), rid.end());
  probe.push_back(capk_index);
  append(probe, certificate_serial);
  return std::find(entries_.begin(), entries_.end(), probe) != entries_.end();
}

}  // namespace posim::emv::crypto
