// An Icc that replays a recorded exchange list: each C-APDU the terminal sends must equal the
// next recorded one, and the recorded R-APDU is returned. For kernel tests against real card
// recordings (tests/data/emv-utils/emv_apdu_scripts_emvutils.json) and hand-written scripts.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/emv/icc.h"

namespace posim::emv {

// One recorded step: what the terminal must send and what the card answers.
struct ScriptedExchange {
  Bytes command;
  Bytes response;    // data ‖ SW1 SW2 (or anything, to replay a broken card)
  std::string note;  // a name for error messages, e.g. "SELECT 1PAY.SYS.DDF01"
};

// Replays `exchanges` in order. Not thread-safe.
//
// transceive() returns FailedPrecondition when the script is exhausted, and InvalidArgument when
// the command differs from the expected one; both messages name the step number, its note, and
// the expected and actual C-APDU in hex, so a test failure says where the kernel went astray.
// The first such error is also kept in error().
class ScriptedCard final : public Icc {
 public:
  explicit ScriptedCard(std::vector<ScriptedExchange> exchanges, Bytes atr = {0x3B, 0x00})
      : exchanges_(std::move(exchanges)), atr_(std::move(atr)) {}

  // Convenience: pairs of hex strings {command, response}.
  static ScriptedCard fromHex(const std::vector<std::pair<std::string, std::string>>& pairs);

  // Appends one more exchange.
  void add(ByteView command, ByteView response, std::string note = {});

  Result<Bytes> powerOn(CardInterface interface) override;
  Result<Bytes> transceive(ByteView command) override;
  void powerOff() override { powered_ = false; }

  // Steps consumed so far; complete() when all of them were.
  std::size_t position() const { return position_; }
  bool complete() const { return position_ == exchanges_.size(); }
  std::size_t size() const { return exchanges_.size(); }
  bool powered() const { return powered_; }
  // The first mismatch or overrun (OK if none happened).
  const Status& error() const { return error_; }

 private:
  std::vector<ScriptedExchange> exchanges_;
  Bytes atr_;
  std::size_t position_ = 0;
  bool powered_ = false;
  Status error_;
};

}  // namespace posim::emv
