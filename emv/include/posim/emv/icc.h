// The one interface between a terminal kernel and a card: APDU transceive (ISO 7816-4).
//
// The virtual card implements it, so does a scripted card that replays recorded exchanges, and
// later a PC/SC reader with a physical card. The kernel never knows which one it talks to.
#pragma once

#include <optional>
#include <string>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv {

// How the card is presented to the reader.
enum class CardInterface {
  kContact,      // inserted chip
  kContactless,  // tapped
};

class Icc {
 public:
  virtual ~Icc() = default;

  // Powers the card up (cold reset) and returns its ATR. Unavailable when there is no card or
  // the card is mute.
  virtual Result<Bytes> powerOn(CardInterface interface) = 0;

  // Sends one C-APDU (as bytes) and returns the R-APDU (data followed by SW1 SW2).
  // Errors are transport failures only (card removed, mute card: Unavailable; no answer in
  // time: DeadlineExceeded). A card that answers with an error status word is not an error.
  virtual Result<Bytes> transceive(ByteView command) = 0;

  // Powers the card down. Safe to call more than once.
  virtual void powerOff() = 0;
};

}  // namespace posim::emv
