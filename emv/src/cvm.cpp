#include "posim/emv/cvm.h"

#include <array>

namespace posim::emv {
namespace {

struct CvmCodeRow {
  std::uint8_t code;
  std::string_view name;
  std::string_view short_name;
};

constexpr std::array<CvmCodeRow, 9> kCvmCodes = {{
    {0x00, "Fail CVM processing", "fail CVM"},
    {0x01, "Plaintext PIN verification performed by ICC", "offline plaintext PIN"},
    {0x02, "Enciphered PIN verified online", "online PIN"},
    {0x03, "Plaintext PIN verification performed by ICC and signature (paper)",
     "offline plaintext PIN and signature"},
    {0x04, "Enciphered PIN verification performed by ICC", "offline enciphered PIN"},
    {0x05, "Enciphered PIN verification performed by ICC and signature (paper)",
     "offline enciphered PIN and signature"},
    {0x1E, "Signature (paper)", "signature"},
    {0x1F, "No CVM required", "no CVM"},
    {0x3F, "No CVM performed", "none"},
}};

constexpr std::array<std::string_view, 10> kConditions = {
    "Always",
    "If unattended cash",
    "If not unattended cash and not manual cash and not purchase with cashback",
    "If terminal supports the CVM",
    "If manual cash",
    "If purchase with cashback",
    "If transaction is in the application currency and is under X value",
    "If transaction is in the application currency and is over X value",
    "If transaction is in the application currency and is under Y value",
    "If transaction is in the application currency and is over Y value",
};

const CvmCodeRow* findCode(std::uint8_t code) {
  for (const auto& row : kCvmCodes) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

std::string hexByte(std::uint8_t b) {
  return toHex(ByteView(&b, 1));
}

}  // namespace

std::string_view cvmCodeName(std::uint8_t code) {
  code &= 0x3F;
  if (const auto* row = findCode(code)) return row->name;
  if (code >= 0x20 && code <= 0x2F) return "Reserved for use by the individual payment systems";
  if (code >= 0x30 && code <= 0x3E) return "Reserved for use by the issuer";
  return "RFU";
}

std::string_view cvmCodeShortName(std::uint8_t code) {
  code &= 0x3F;
  if (const auto* row = findCode(code)) return row->short_name;
  if (code >= 0x20 && code <= 0x2F) return "payment system CVM";
  if (code >= 0x30 && code <= 0x3E) return "issuer CVM";
  return "RFU CVM";
}

bool isRecognisedCvmCode(std::uint8_t code) {
  return code != 0x3F && findCode(code) != nullptr;
}

std::string_view cvmConditionName(std::uint8_t condition) {
  if (condition < kConditions.size()) return kConditions.at(condition);
  if (condition >= 0x80) return "Reserved for use by individual payment systems";
  return "RFU";
}

bool cvmConditionUsesAmount(std::uint8_t condition) {
  return condition >= 0x06 && condition <= 0x09;
}

std::string_view cvmResultName(std::uint8_t result) {
  switch (result) {
    case 0x00: return "unknown";
    case 0x01: return "failed";
    case 0x02: return "successful";
    default: return "RFU";
  }
}

std::string CvRule::describe() const {
  std::string out = hexByte(method) + " " + hexByte(condition) + " ";
  out += cvmCodeName(code());
  out += "; ";
  out += cvmConditionName(condition);
  out += applySucceedingRuleIfUnsuccessful() ? "; apply succeeding rule if unsuccessful"
                                             : "; fail cardholder verification if unsuccessful";
  return out;
}

CvmList decodeCvmList(ByteView value) {
  CvmList list;
  if (value.size() < 8) {
    list.diagnostics.push_back(
        {0, "byte 0: only " + std::to_string(value.size()) +
                " bytes, too short for amounts X and Y (4 bytes each); no rules decoded"});
    return list;
  }
  list.amount_x = static_cast<std::uint32_t>(readBigEndian(value.subspan(0, 4)));
  list.amount_y = static_cast<std::uint32_t>(readBigEndian(value.subspan(4, 4)));
  std::size_t offset = 8;
  for (; offset + 2 <= value.size(); offset += 2) {
    CvRule rule{value[offset], value[offset + 1]};
    if (rule.rfuBitSet()) {
      list.diagnostics.push_back({offset, "byte " + std::to_string(offset) + ": CV rule " +
                                              hexByte(rule.method) + hexByte(rule.condition) +
                                              " has the RFU bit b8 set"});
    }
    list.rules.push_back(rule);
  }
  if (offset < value.size()) {
    list.diagnostics.push_back(
        {offset, "byte " + std::to_string(offset) +
                     ": 1 byte left over after the last CV rule (rules are 2 bytes); ignored"});
  }
  if (list.rules.empty()) {
    list.diagnostics.push_back({8, "byte 8: CVM list has no CV rules"});
  }
  return list;
}

Result<CvmList> parseCvmList(ByteView value) {
  CvmList list = decodeCvmList(value);
  if (!list.ok()) return malformed("CVM list (8E): " + list.diagnostics.front().message);
  return list;
}

Bytes encodeCvmList(const CvmList& list) {
  Bytes out = writeBigEndian(list.amount_x, 4);
  append(out, writeBigEndian(list.amount_y, 4));
  for (const auto& rule : list.rules) {
    out.push_back(rule.method);
    out.push_back(rule.condition);
  }
  return out;
}

Result<CvmResults> CvmResults::parse(ByteView value) {
  if (value.size() != 3) {
    return invalidArgument("CVM results (9F34): " + std::to_string(value.size()) +
                           " bytes, expected 3");
  }
  return CvmResults{value[0], value[1], value[2]};
}

std::string CvmResults::describe() const {
  if (nonePerformed()) return "No CVM performed";
  std::string out(cvmCodeName(code()));
  out += "; ";
  out += cvmConditionName(condition);
  out += "; ";
  out += cvmResultName(result);
  return out;
}

}  // namespace posim::emv
