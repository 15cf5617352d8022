// Test doubles for the kernel tests: a rule-based fake card whose data each test tweaks, a PIN
// pad that plays back answers, an issuer that answers as told, and a Random with a fixed draw.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/base/random.h"
#include "posim/emv/apdu.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/icc.h"
#include "posim/emv/kernel.h"
#include "posim/emv/test_terminals.h"
#include "posim/emv/tlv.h"

namespace posim::emv::test {

// nextU64() always returns `value`: uniformInt(1, 99) draws value % 99 + 1.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(std::uint64_t value) : value_(value) {}
  std::uint64_t nextU64() override { return value_; }

 private:
  std::uint64_t value_;
};

// A card answering by instruction, from data the test sets up. One application, selected by
// the AID list method (PSE answers 6A82). Records: the tags of `record` in SFI 1 record 1, plus
// any `extra_records`.
struct FakeCard final : public Icc {
  Bytes aid = hexBytes("A0000000031010");
  Bytes pdol;
  Bytes aip = hexBytes("1800");  // cardholder verification + terminal risk management
  std::map<Tag, Bytes> record = {
      {0x5A, hexBytes("4761739001010010")},
      {0x5F24, hexBytes("301231")},
      {0x5F25, hexBytes("200101")},
      {0x5F28, hexBytes("0156")},
      {0x5F34, hexBytes("01")},
      {0x9F07, hexBytes("FF00")},
      {0x9F08, hexBytes("0096")},
      {0x8C, hexBytes("9F02069F03069F1A0295055F2A029A039C019F3704")},
      {0x8D, hexBytes("8A029F02069F03069F1A0295055F2A029A039C019F3704")},
      {0x8E, hexBytes("00000000000000001F00")},
      {0x9F0D, hexBytes("0000000000")},
      {0x9F0E, hexBytes("0000000000")},
      {0x9F0F, hexBytes("0000000000")},
  };
  std::map<std::pair<int, int>, Bytes> extra_records;  // (sfi, record) -> R-APDU data
  Bytes extra_afl;
  std::map<Tag, Bytes> get_data;  // 9F17, 9F36, 9F13 ...
  std::string pin = "1234";
  int pin_tries = 3;
  Bytes internal_authenticate;             // response data (80.. or 77..); empty -> 6985
  std::optional<std::uint8_t> first_cid;   // forced CID of the first GENERATE AC
  std::optional<std::uint8_t> second_cid;  // forced CID of the second
  std::optional<Bytes> first_ac_response;  // full response data of the first GENERATE AC
  std::uint16_t gpo_sw = 0x9000;
  std::uint16_t external_authenticate_sw = 0x9000;
  std::uint16_t script_sw = 0x9000;
  bool mute = false;
  int remove_after_commands = -1;  // transport error after this many commands

  std::vector<CommandApdu> commands;

  Result<Bytes> powerOn(CardInterface) override {
    if (mute) return unavailable("mute card");
    return Bytes{0x3B, 0x00};
  }
  void powerOff() override {}

  Result<Bytes> transceive(ByteView raw) override {
    if (remove_after_commands >= 0 && static_cast<int>(commands.size()) >= remove_after_commands) {
      return unavailable("card removed");
    }
    Result<CommandApdu> parsed = CommandApdu::parse(raw);
    if (!parsed.isOk()) return ResponseApdu{{}, 0x6700}.serialize();
    commands.push_back(*parsed);
    return answer(*parsed).serialize();
  }

  Bytes afl() const { return concat(hexBytes("08010100"), extra_afl); }

  ResponseApdu answer(const CommandApdu& c) {
    if (c.cla == 0x04 || c.cla == 0x84) return {{}, script_sw};
    switch (c.ins) {
      case kInsSelect: {
        if (c.data != aid) return {{}, 0x6A82};
        TlvBuilder a5;
        a5.add(0x50, asBytes("TEST CARD"));
        if (!pdol.empty()) a5.add(0x9F38, pdol);
        Bytes a5_bytes = a5.take();
        TlvBuilder fci;
        fci.open(0x6F).add(0x84, aid).addRaw(encodeTlv(0xA5, a5_bytes)).close();
        return {fci.take(), 0x9000};
      }
      case kInsGetProcessingOptions: {
        if (gpo_sw != 0x9000) return {{}, gpo_sw};
        return {TlvBuilder().open(0x77).add(0x82, aip).add(0x94, afl()).close().take(), 0x9000};
      }
      case kInsReadRecord: {
        const int sfi = c.p2 >> 3;
        const int rec = c.p1;
        if (sfi == 1 && rec == 1) {
          TlvBuilder b;
          b.open(0x70);
          for (const auto& [tag, v] : record) b.add(tag, v);
          b.close();
          return {b.take(), 0x9000};
        }
        auto it = extra_records.find({sfi, rec});
        if (it == extra_records.end()) return {{}, 0x6A83};
        return {it->second, 0x9000};
      }
      case kInsGetData: {
        const Tag tag = static_cast<Tag>(c.p1 << 8 | c.p2);
        if (tag == 0x9F17) {
          return {encodeTlv(tag, Bytes{static_cast<std::uint8_t>(pin_tries)}), 0x9000};
        }
        auto it = get_data.find(tag);
        if (it == get_data.end()) return {{}, 0x6A88};
        return {encodeTlv(tag, it->second), 0x9000};
      }
      case kInsGetChallenge: return {hexBytes("0102030405060708"), 0x9000};
      case kInsVerify: {
        if (pin_tries == 0) return {{}, 0x6983};
        Result<std::string> entered = crypto::extractPin(crypto::PinBlockFormat::kIso2, c.data);
        if (entered.isOk() && *entered == pin) {
          pin_tries = 3;
          return {{}, 0x9000};
        }
        --pin_tries;
        return {{}, static_cast<std::uint16_t>(0x63C0 | pin_tries)};
      }
      case kInsInternalAuthenticate:
        if (internal_authenticate.empty()) return {{}, 0x6985};
        return {internal_authenticate, 0x9000};
      case kInsGenerateAc: {
        ++generate_ac_count;
        const bool first = generate_ac_count == 1;
        if (first && first_ac_response.has_value()) return {*first_ac_response, 0x9000};
        std::uint8_t cid = c.p1 & 0xC0;
        if (first && first_cid.has_value()) cid = *first_cid;
        if (!first && second_cid.has_value()) cid = *second_cid;
        Bytes v{cid, 0x00, 0x07};
        append(v, hexBytes(first ? "1122334455667788" : "8877665544332211"));
        append(v, hexBytes("06010A03A00000"));
        return {encodeTlv(0x80, v), 0x9000};
      }
      case kInsExternalAuthenticate: return {{}, external_authenticate_sw};
      default: return {{}, 0x6D00};
    }
  }

  int generate_ac_count = 0;
  // P1 of each GENERATE AC sent.
  std::vector<std::uint8_t> generateAcP1() const {
    std::vector<std::uint8_t> out;
    for (const auto& c : commands) {
      if (c.ins == kInsGenerateAc) out.push_back(c.p1);
    }
    return out;
  }
};

// Plays back PIN pad answers; after the last one it repeats it.
class ScriptedPinPad final : public PinEntry {
 public:
  explicit ScriptedPinPad(std::vector<PinEntryResult> answers) : answers_(std::move(answers)) {}
  PinEntryResult enterPin(const PinRequest& request) override {
    requests.push_back(request);
    if (answers_.empty()) return PinEntryResult::padNotWorking();
    PinEntryResult r = answers_.front();
    if (answers_.size() > 1) answers_.erase(answers_.begin());
    return r;
  }
  std::vector<PinRequest> requests;

 private:
  std::vector<PinEntryResult> answers_;
};

// Answers every authorisation with `response`, keeping the requests.
class FixedIssuer final : public OnlineAuthorizer {
 public:
  explicit FixedIssuer(OnlineResponse response) : response_(std::move(response)) {}
  OnlineResponse authorize(const OnlineRequest& request) override {
    requests.push_back(request);
    return response_;
  }
  std::vector<OnlineRequest> requests;

 private:
  OnlineResponse response_;
};

inline OnlineResponse approved(std::string code = "00") {
  OnlineResponse r;
  r.kind = OnlineResponse::Kind::kApproved;
  r.response_code = std::move(code);
  return r;
}

inline OnlineResponse declined(std::string code = "05") {
  OnlineResponse r;
  r.kind = OnlineResponse::Kind::kDeclined;
  r.response_code = std::move(code);
  return r;
}

inline LocalDateTime localTime(int y, unsigned m, unsigned d, int hh = 12, int mm = 0) {
  using namespace std::chrono;
  const sys_days date{year(y) / month(m) / day(d)};
  return {Instant(date) + hours(hh) + minutes(mm) - hours(8), hours(8)};
}

inline Currency cny() {
  return Currency{"CNY", 156, 2, "Chinese yuan"};
}

// A purchase on 2026-09-30 12:00 +08:00, amount in fen, UN 11223344.
inline TransactionInputs purchase(std::int64_t amount_minor, EntryMode mode = EntryMode::kContact) {
  TransactionInputs in;
  in.amount = Money(amount_minor, cny());
  in.at = localTime(2026, 9, 30);
  in.entry_mode = mode;
  in.unpredictable_number = hexBytes("11223344");
  return in;
}

// countertop without random selection (so TVR byte 4 b5 only appears when a test wants it).
inline TerminalProfile quietCountertop() {
  TerminalProfile p = countertopTerminal();
  for (auto& app : p.applications) app.random_selection = RandomSelection{};
  return p;
}

}  // namespace posim::emv::test
