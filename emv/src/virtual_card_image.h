// The personalised image of a virtual card (private to emv/src).
#pragma once

#include <cstdint>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/emv/card_profile.h"
#include "posim/emv/crypto/pki.h"
#include "posim/emv/virtual_card.h"

namespace posim::emv {

struct ImageRecord {
  std::uint8_t sfi = 0;
  std::uint8_t number = 0;
  Bytes bytes;  // 70 L content
};

// What an application shows on one interface.
struct InterfaceImage {
  Bytes aip;
  Bytes pdol;
  Bytes afl;
  std::vector<ImageRecord> records;
  Bytes static_data;  // static data to be authenticated
  // Tag whose value the corrupted-certificate fault flips (9F46, or 90 for SDA); 0: none.
  Tag certificate_tag = 0;
};

struct ApplicationImage {
  InterfaceImage contact;
  InterfaceImage contactless;
  Bytes icc_mk_ac;
  Bytes icc_mk_smi;
  Bytes icc_mk_smc;
};

struct CardImage {
  CardProfile profile;
  Bytes track2;  // 57
  std::vector<ApplicationImage> applications;
  std::vector<ImageRecord> pse_records;  // directory records on SFI 1 of the PSE
};

}  // namespace posim::emv
