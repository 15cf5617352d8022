#include "posim/emv/apdu.h"

#include <cstdlib>
#include <string>
#include <string_view>

#include "posim/emv/status_words.h"
#include "posim/emv/tlv.h"

namespace posim::emv {
namespace {

constexpr std::string_view kPseName = "1PAY.SYS.DDF01";
constexpr std::string_view kPpseName = "2PAY.SYS.DDF01";

std::string hexByte(std::uint8_t b) {
  const std::uint8_t one[1] = {b};
  return toHex(ByteView(one, 1));
}

bool isPrintableName(ByteView name) {
  if (name.empty()) return false;
  for (std::uint8_t b : name) {
    if (b < 0x20 || b > 0x7E) return false;
  }
  return true;
}

std::string byteCount(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

CommandApdu make(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
                 ByteView data, std::optional<std::uint8_t> le) {
  CommandApdu apdu;
  apdu.cla = cla;
  apdu.ins = ins;
  apdu.p1 = p1;
  apdu.p2 = p2;
  apdu.data.assign(data.begin(), data.end());
  apdu.le = le;
  return apdu;
}

}  // namespace

int CommandApdu::isoCase() const {
  if (data.empty()) return le ? 2 : 1;
  return le ? 4 : 3;
}

std::size_t CommandApdu::expectedLength() const {
  if (!le) return 0;
  return *le == 0 ? 256 : *le;
}

Result<Bytes> CommandApdu::serialize() const {
  if (data.size() > 255) {
    return invalidArgument("C-APDU " + hexByte(cla) + " " + hexByte(ins) + ": " +
                           std::to_string(data.size()) +
                           " data bytes do not fit a short APDU (at most 255; extended length is "
                           "not supported)");
  }
  Bytes out;
  out.reserve(6 + data.size());
  out.push_back(cla);
  out.push_back(ins);
  out.push_back(p1);
  out.push_back(p2);
  if (!data.empty()) {
    out.push_back(static_cast<std::uint8_t>(data.size()));
    append(out, data);
  }
  if (le) out.push_back(*le);
  return out;
}

Result<CommandApdu> CommandApdu::parse(ByteView bytes) {
  if (bytes.size() < 4) {
    return malformed("C-APDU of " + byteCount(bytes.size()) +
                     ": a command needs at least the 4 header bytes CLA INS P1 P2");
  }
  CommandApdu apdu;
  apdu.cla = bytes[0];
  apdu.ins = bytes[1];
  apdu.p1 = bytes[2];
  apdu.p2 = bytes[3];
  if (bytes.size() == 4) return apdu;  // case 1
  if (bytes.size() == 5) {             // case 2
    apdu.le = bytes[4];
    return apdu;
  }
  const std::size_t lc = bytes[4];
  const std::size_t following = bytes.size() - 5;
  if (lc == 0) {
    return malformed("byte 4: Lc is 00 with " + byteCount(following) +
                     " following: an extended-length C-APDU, which is not supported");
  }
  if (following == lc) {  // case 3
    apdu.data.assign(bytes.begin() + 5, bytes.end());
    return apdu;
  }
  if (following == lc + 1) {  // case 4
    apdu.data.assign(bytes.begin() + 5, bytes.end() - 1);
    apdu.le = bytes.back();
    return apdu;
  }
  return malformed("byte 4: Lc " + hexByte(bytes[4]) + " announces " + byteCount(lc) +
                   " of data but " + byteCount(following) + " follow (expected " +
                   std::to_string(lc) + " without Le or " + std::to_string(lc + 1) + " with Le)");
}

std::string CommandApdu::describe() const {
  const std::string data_note = data.empty() ? std::string() : " (" + byteCount(data.size()) + ")";
  switch (ins) {
    case kInsSelect: {
      if (p1 != 0x04) {
        return "SELECT P1=" + hexByte(p1) + " P2=" + hexByte(p2) +
               (data.empty() ? std::string() : " " + toHex(data));
      }
      std::string name = isPrintableName(data) ? asString(data) : toHex(data);
      std::string text = "SELECT " + name;
      if ((p2 & 0x03) == 0x02) text += " (next occurrence)";
      return text;
    }
    case kInsReadRecord:
      if ((p2 & 0x07) == 0x04) {
        return "READ RECORD SFI " + std::to_string(p2 >> 3) + " record " + std::to_string(p1);
      }
      return "READ RECORD record " + std::to_string(p1) + " P2=" + hexByte(p2);
    case kInsGetProcessingOptions: {
      // Data is the template 83 L <PDOL data>.
      TlvReader reader(data);
      TlvItem item;
      if (reader.next(item) && item.tag == 0x83 && !item.truncated()) {
        return "GET PROCESSING OPTIONS" +
               (item.value.empty() ? std::string(" (no PDOL data)")
                                   : " (PDOL data " + byteCount(item.value.size()) + ")");
      }
      return "GET PROCESSING OPTIONS" + data_note;
    }
    case kInsGenerateAc: {
      std::string text = "GENERATE AC ";
      switch (p1 & 0xC0) {
        case 0x00: text += "AAC"; break;
        case 0x40: text += "TC"; break;
        case 0x80: text += "ARQC"; break;
        default: text += "RFU(" + hexByte(p1) + ")"; break;
      }
      if ((p1 & kGenerateAcCdaRequested) != 0) text += "+CDA";
      return text;
    }
    case kInsGetData: return "GET DATA " + (p1 == 0 ? hexByte(p2) : hexByte(p1) + hexByte(p2));
    case kInsVerify:
      if (p2 == static_cast<std::uint8_t>(PinQualifier::kPlaintext)) return "VERIFY plaintext PIN";
      if (p2 == static_cast<std::uint8_t>(PinQualifier::kEnciphered)) {
        return "VERIFY enciphered PIN";
      }
      return "VERIFY P2=" + hexByte(p2);
    case kInsInternalAuthenticate: return "INTERNAL AUTHENTICATE" + data_note;
    case kInsExternalAuthenticate: return "EXTERNAL AUTHENTICATE" + data_note;
    case kInsGetChallenge: return "GET CHALLENGE";
    case kInsGetResponse: return "GET RESPONSE Le=" + std::to_string(expectedLength());
    case kInsApplicationBlock: return "APPLICATION BLOCK";
    case kInsApplicationUnblock: return "APPLICATION UNBLOCK";
    case kInsCardBlock: return "CARD BLOCK";
    case kInsPinChangeUnblock: return "PIN CHANGE/UNBLOCK";
    case kInsPutData: return "PUT DATA " + hexByte(p1) + hexByte(p2) + data_note;
    case kInsUpdateRecord:
      if ((p2 & 0x07) == 0x04) {
        return "UPDATE RECORD SFI " + std::to_string(p2 >> 3) + " record " + std::to_string(p1) +
               data_note;
      }
      return "UPDATE RECORD record " + std::to_string(p1) + " P2=" + hexByte(p2) + data_note;
    default:
      return "C-APDU " + hexByte(cla) + " " + hexByte(ins) + " " + hexByte(p1) + " " + hexByte(p2) +
             data_note;
  }
}

CommandApdu CommandApdu::selectByName(ByteView df_name, SelectOccurrence occurrence) {
  return make(0x00, kInsSelect, 0x04, static_cast<std::uint8_t>(occurrence), df_name, 0x00);
}

CommandApdu CommandApdu::selectPse() {
  return selectByName(asBytes(kPseName));
}

CommandApdu CommandApdu::selectPpse() {
  return selectByName(asBytes(kPpseName));
}

Result<CommandApdu> CommandApdu::readRecord(std::uint8_t sfi, std::uint8_t record) {
  if (sfi < 1 || sfi > 30) {
    return invalidArgument("READ RECORD: SFI " + std::to_string(sfi) +
                           " is outside 1..30 (EMV Book 3 §6.5.11)");
  }
  if (record == 0) {
    return invalidArgument("READ RECORD: record number 0 is not allowed (EMV Book 3 §6.5.11)");
  }
  return make(0x00, kInsReadRecord, record, static_cast<std::uint8_t>((sfi << 3) | 0x04), {}, 0x00);
}

CommandApdu CommandApdu::getProcessingOptions(ByteView pdol_data) {
  Bytes data;
  appendTlv(data, 0x83, pdol_data);
  return make(0x80, kInsGetProcessingOptions, 0x00, 0x00, data, 0x00);
}

CommandApdu CommandApdu::generateAc(GenerateAcReference reference, bool cda_requested,
                                    ByteView cdol_data) {
  std::uint8_t p1 = static_cast<std::uint8_t>(reference);
  if (cda_requested) p1 |= kGenerateAcCdaRequested;
  return make(0x80, kInsGenerateAc, p1, 0x00, cdol_data, 0x00);
}

CommandApdu CommandApdu::getData(Tag tag) {
  if (tag > 0xFFFF) std::abort();
  return make(0x80, kInsGetData, static_cast<std::uint8_t>(tag >> 8),
              static_cast<std::uint8_t>(tag & 0xFF), {}, 0x00);
}

CommandApdu CommandApdu::verify(PinQualifier qualifier, ByteView pin_data) {
  return make(0x00, kInsVerify, 0x00, static_cast<std::uint8_t>(qualifier), pin_data, std::nullopt);
}

CommandApdu CommandApdu::internalAuthenticate(ByteView ddol_data) {
  return make(0x00, kInsInternalAuthenticate, 0x00, 0x00, ddol_data, 0x00);
}

CommandApdu CommandApdu::externalAuthenticate(ByteView issuer_authentication_data) {
  return make(0x00, kInsExternalAuthenticate, 0x00, 0x00, issuer_authentication_data, std::nullopt);
}

CommandApdu CommandApdu::getChallenge() {
  return make(0x00, kInsGetChallenge, 0x00, 0x00, {}, 0x00);
}

CommandApdu CommandApdu::getResponse(std::uint8_t le) {
  return make(0x00, kInsGetResponse, 0x00, 0x00, {}, le);
}

Bytes ResponseApdu::serialize() const {
  Bytes out;
  out.reserve(data.size() + 2);
  append(out, data);
  out.push_back(sw1());
  out.push_back(sw2());
  return out;
}

Result<ResponseApdu> ResponseApdu::parse(ByteView bytes) {
  if (bytes.size() < 2) {
    return malformed("R-APDU of " + byteCount(bytes.size()) +
                     ": a response needs at least the 2 status bytes SW1 SW2");
  }
  ResponseApdu response;
  response.data.assign(bytes.begin(), bytes.end() - 2);
  response.sw1sw2 =
      static_cast<std::uint16_t>((bytes[bytes.size() - 2] << 8) | bytes[bytes.size() - 1]);
  return response;
}

std::string ResponseApdu::describe() const {
  std::string text = hexByte(sw1()) + hexByte(sw2()) + " " + describeStatusWord(sw1sw2);
  if (!data.empty()) text += ", " + byteCount(data.size());
  return text;
}

}  // namespace posim::emv
