// A physical card in a PC/SC reader (pcsc-lite and pcscd), as the Icc the terminal kernel talks
// to. The kernel cannot tell it from the virtual card: `posim emv run --reader NAME` swaps one for
// the other and keeps everything else.
//
// Errors name what to do: pcscd not running (SCARD_E_NO_SERVICE), no reader, a reader that is
// not there (with the list of those that are), no card in the reader, a card removed mid-way.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/icc.h"

namespace posim::pcsc {

// One reader as pcscd reports it.
struct ReaderInfo {
  std::string name;
  bool card_present = false;
  Bytes atr;  // of the card in it, when present (SCardGetStatusChange)
};

// The readers pcscd knows, in its order. Errors: Unavailable when pcscd is not running or
// cannot be reached (the message names pcscd and how to start it). No reader is an empty list.
Result<std::vector<ReaderInfo>> listReaders();

// The reader a name designates among `available`: the one with exactly this name, else the only
// one whose name contains it. NotFound (listing the readers there are) otherwise.
Result<std::string> matchReader(const std::string& wanted,
                                const std::vector<ReaderInfo>& available);

// Sends one C-APDU over a raw T=0 transport (ISO 7816-3 §10.3.5, EMV Book 1 §9.3.1) and returns
// the complete R-APDU: 61xx is followed by GET RESPONSE with Le = xx (data concatenated, until
// a status other than 61xx), 6Cxx by the same command again with Le = xx. Errors: those of
// `transmit`, and Malformed for a response shorter than two bytes or a chain that never ends.
using RawTransmit = std::function<Result<Bytes>(ByteView command)>;
Result<Bytes> transceiveT0(ByteView command, const RawTransmit& transmit);

// The transmission protocol negotiated with the card.
enum class Protocol { kT0, kT1, kRaw };
std::string_view protocolName(Protocol protocol);

// A card in a PC/SC reader. Not copyable; one thread at a time.
class PcscCard final : public emv::Icc {
 public:
  // Connects to pcscd, finds the reader (matchReader) and waits up to `wait_for_card` for a card
  // to be inserted (zero: the card must be there now). Errors: Unavailable (pcscd not running;
  // no card present, after the wait: the message says "no card"), NotFound (no such reader).
  static Result<std::unique_ptr<PcscCard>> open(const std::string& reader,
                                                std::chrono::milliseconds wait_for_card);
  ~PcscCard() override;
  PcscCard(const PcscCard&) = delete;
  PcscCard& operator=(const PcscCard&) = delete;

  // Icc. powerOn connects (shared, T=0 or T=1 as the card offers) or, when already connected,
  // resets the card; it returns the ATR (SCardStatus). transceive runs the T=0 procedure above
  // on a T=0 card. A card pulled out of the reader gives Unavailable "card removed from reader
  // ..."; the kernel reports it as a card error.
  Result<Bytes> powerOn(emv::CardInterface interface) override;
  Result<Bytes> transceive(ByteView command) override;
  void powerOff() override;

  const std::string& readerName() const { return reader_; }
  // The protocol of the current connection (kRaw before powerOn).
  Protocol protocol() const { return protocol_; }

 private:
  struct Handles;
  PcscCard(std::unique_ptr<Handles> handles, std::string reader);
  Result<Bytes> transmitRaw(ByteView command);
  // True when the reader reports no card within about a second.
  bool cardGone();

  std::unique_ptr<Handles> handles_;
  std::string reader_;
  Protocol protocol_ = Protocol::kRaw;
};

}  // namespace posim::pcsc
