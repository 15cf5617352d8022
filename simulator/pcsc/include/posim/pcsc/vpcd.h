// The virtual card served to PC/SC applications through the vpcd reader driver of vsmartcard
// (Debian vsmartcard-vpcd): pcscd loads vpcd, vpcd listens on a TCP port (35963 for the first
// slot, /etc/reader.conf.d/vpcd), and a virtual card connects to it as a client.
//
// The protocol: every message in either direction is a 2-byte big-endian length followed by that
// many bytes. From vpcd, a 1-byte message is a control: 00 power off, 01 power on, 02 reset,
// 04 get ATR (the card answers with its ATR; the other three take no answer). Anything longer is
// a C-APDU, answered with the R-APDU.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/icc.h"

namespace posim::pcsc {

inline constexpr std::uint16_t kVpcdDefaultPort = 35963;

// Where vpcd listens.
struct VpcdAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = kVpcdDefaultPort;
};

// "HOST:PORT" ("127.0.0.1:35963", "[::1]:35963"). Errors: InvalidArgument "'X' is not HOST:PORT
// (port 1-65535)".
Result<VpcdAddress> parseVpcdAddress(std::string_view text);

// The port of vpcd's first slot as its reader.conf.d file sets it (`DEVICENAME /dev/null:0x8C7B`,
// Debian's /etc/reader.conf.d/vpcd); kVpcdDefaultPort when the file or the line is not there.
std::uint16_t configuredVpcdPort(const std::string& reader_conf = "/etc/reader.conf.d/vpcd");

enum class VpcdControl : std::uint8_t {
  kPowerOff = 0x00,
  kPowerOn = 0x01,
  kReset = 0x02,
  kGetAtr = 0x04,
};

// A vpcd message with its 2-byte length. REQUIRES: payload.size() <= 65535.
Bytes frameVpcdMessage(ByteView payload);

// The card's side of the protocol, without a socket: one message in, the answer out.
class VpcdCard {
 public:
  // REQUIRES: `card` outlives this.
  explicit VpcdCard(emv::Icc& card, emv::CardInterface interface = emv::CardInterface::kContact)
      : card_(card), interface_(interface) {}

  // The answer to one message from vpcd (without its length), or nullopt when it takes none
  // (power on, off, reset). An APDU to a card that fails (mute, removed) is answered with an
  // empty message, which vpcd reports to pcscd as a transmission error.
  std::optional<Bytes> handle(ByteView message);

  bool powered() const { return powered_; }
  // Control messages and APDUs handled since construction.
  std::size_t messages() const { return messages_; }

 private:
  Result<Bytes> powerUp();

  emv::Icc& card_;
  emv::CardInterface interface_;
  bool powered_ = false;
  Bytes atr_;
  std::size_t messages_ = 0;
};

struct VpcdServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = kVpcdDefaultPort;
  // Stops the loop (within about 200 ms) when it becomes true: a signal handler sets it.
  const std::atomic<bool>* stop = nullptr;
  // Delay between connection attempts while vpcd does not listen or after it closed.
  int reconnect_delay_ms = 500;
  // Notes for the person running it ("connected to vpcd at ..."); may be empty.
  std::function<void(const std::string&)> note;
  // Called after each message was handled (to persist the card's state); may be empty.
  std::function<void()> after_message;
  // Called after each message with the message from vpcd and the card's answer (nullopt for
  // power on, off and reset), for traces; may be empty.
  std::function<void(ByteView message, const std::optional<Bytes>& answer)> exchanged;
  // Asked after each message: true when the card was pulled out (an injected fault). The
  // connection to vpcd is then closed, which vpcd reports to pcscd as a removed card, and
  // `reinsert` runs before the card connects again. Both may be empty.
  std::function<bool()> pulled_out;
  std::function<void()> reinsert;
  // How long the card stays out: long enough for pcscd's reader polling to see it gone.
  int reinsert_delay_ms = 2000;
};

// Connects to vpcd and serves `card` until *options.stop is set, reconnecting whenever vpcd
// closes the connection or is not listening yet (pcscd not started, or started later by socket
// activation). Returns OK when stopped; InvalidArgument for a host that does not resolve.
// REQUIRES: options.stop != nullptr.
Status serveOverVpcd(VpcdCard& card, const VpcdServeOptions& options);

}  // namespace posim::pcsc
