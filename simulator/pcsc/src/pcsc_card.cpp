#include "posim/pcsc/pcsc_card.h"

#include <cstdio>
#include <utility>

#include <winscard.h>

namespace posim::pcsc {
namespace {

std::string codeText(LONG rv) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(rv));
  return std::string(pcsc_stringify_error(rv)) + " (" + hex + ")";
}

Status noService(LONG rv) {
  return unavailable(
      "pcscd is not running or cannot be reached (" + codeText(rv) +
      "): start it with `sudo systemctl start pcscd` (or run `pcscd -f` in a terminal) and try "
      "again");
}

bool isServiceError(LONG rv) {
  return rv == static_cast<LONG>(SCARD_E_NO_SERVICE) ||
         rv == static_cast<LONG>(SCARD_E_SERVICE_STOPPED) ||
         rv == static_cast<LONG>(SCARD_F_COMM_ERROR);
}

// The error of a PC/SC call on a reader, in the words a tester at the terminal would use.
Status cardError(LONG rv, const std::string& what, const std::string& reader) {
  switch (rv) {
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD: return unavailable("card removed from reader '" + reader + "'");
    case SCARD_W_RESET_CARD:
      return unavailable("the card in reader '" + reader + "' was reset by another application");
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_W_UNPOWERED_CARD:
      return unavailable("the card in reader '" + reader +
                         "' does not answer (mute card, or inserted the wrong way round)");
    case SCARD_E_TIMEOUT:
      return {StatusCode::kDeadlineExceeded,
              what + " on reader '" + reader + "': the card did not answer in time"};
    case SCARD_E_SHARING_VIOLATION:
      return unavailable("reader '" + reader +
                         "' is in exclusive use by another application: close it and try again");
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_UNKNOWN_READER: return unavailable("reader '" + reader + "' was disconnected");
    default: break;
  }
  if (isServiceError(rv)) return noService(rv);
  return unavailable(what + " on reader '" + reader + "': " + codeText(rv));
}

// The names in a PC/SC multi-string ("a\0b\0\0").
std::vector<std::string> splitMultiString(const std::vector<char>& buffer) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < buffer.size() && buffer[i] != '\0') {
    std::string name(&buffer[i]);
    i += name.size() + 1;
    names.push_back(std::move(name));
  }
  return names;
}

// A PC/SC context, released on scope exit.
class Context {
 public:
  ~Context() {
    if (valid_) SCardReleaseContext(context_);
  }
  Status establish() {
    const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context_);
    if (rv != SCARD_S_SUCCESS) {
      if (isServiceError(rv)) return noService(rv);
      return unavailable("PC/SC SCardEstablishContext: " + codeText(rv));
    }
    valid_ = true;
    return {};
  }
  SCARDCONTEXT get() const { return context_; }
  SCARDCONTEXT release() {
    valid_ = false;
    return context_;
  }

 private:
  SCARDCONTEXT context_ = 0;
  bool valid_ = false;
};

Result<std::vector<ReaderInfo>> listReadersIn(SCARDCONTEXT context) {
  DWORD size = 0;
  LONG rv = SCardListReaders(context, nullptr, nullptr, &size);
  if (rv == static_cast<LONG>(SCARD_E_NO_READERS_AVAILABLE)) return std::vector<ReaderInfo>{};
  if (rv != SCARD_S_SUCCESS) {
    if (isServiceError(rv)) return noService(rv);
    return unavailable("PC/SC SCardListReaders: " + codeText(rv));
  }
  std::vector<char> buffer(size + 1, '\0');
  rv = SCardListReaders(context, nullptr, buffer.data(), &size);
  if (rv == static_cast<LONG>(SCARD_E_NO_READERS_AVAILABLE)) return std::vector<ReaderInfo>{};
  if (rv != SCARD_S_SUCCESS) {
    if (isServiceError(rv)) return noService(rv);
    return unavailable("PC/SC SCardListReaders: " + codeText(rv));
  }
  std::vector<ReaderInfo> readers;
  for (std::string& name : splitMultiString(buffer)) {
    ReaderInfo info;
    info.name = std::move(name);
    SCARD_READERSTATE state{};
    state.szReader = info.name.c_str();
    state.dwCurrentState = SCARD_STATE_UNAWARE;
    if (SCardGetStatusChange(context, 0, &state, 1) == SCARD_S_SUCCESS) {
      info.card_present = (state.dwEventState & SCARD_STATE_PRESENT) != 0;
      if (info.card_present) info.atr.assign(state.rgbAtr, state.rgbAtr + state.cbAtr);
    }
    readers.push_back(std::move(info));
  }
  return readers;
}

std::string readerList(const std::vector<ReaderInfo>& readers) {
  std::string text;
  for (const ReaderInfo& r : readers) text += (text.empty() ? "'" : ", '") + r.name + "'";
  return text;
}

// `command` with its Le replaced by (or extended with) `le` (ISO 7816-4 §5.1 cases 1-4, short).
Bytes withLe(ByteView command, std::uint8_t le) {
  Bytes out(command.begin(), command.end());
  if (out.size() <= 4) {
    out.resize(4, 0);
    out.push_back(le);
  } else if (out.size() == 5) {
    out[4] = le;  // case 2: the fifth byte is Le
  } else {
    const std::size_t lc = out[4];
    if (out.size() == 5 + lc) {
      out.push_back(le);  // case 3 -> case 4
    } else {
      out.back() = le;  // case 4
    }
  }
  return out;
}

}  // namespace

std::string_view protocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kT0: return "T=0";
    case Protocol::kT1: return "T=1";
    case Protocol::kRaw: return "raw";
  }
  return "raw";
}

Result<std::vector<ReaderInfo>> listReaders() {
  Context context;
  POSIM_RETURN_IF_ERROR(context.establish());
  return listReadersIn(context.get());
}

Result<std::string> matchReader(const std::string& wanted,
                                const std::vector<ReaderInfo>& available) {
  if (available.empty()) {
    return notFound(
        "no PC/SC reader is connected (pcscd sees none): plug in a reader, or serve "
        "a virtual card with `posim card serve` through vsmartcard's vpcd");
  }
  std::vector<const ReaderInfo*> partial;
  for (const ReaderInfo& r : available) {
    if (r.name == wanted) return r.name;
    if (!wanted.empty() && r.name.find(wanted) != std::string::npos) partial.push_back(&r);
  }
  if (partial.size() == 1) return partial.front()->name;
  if (partial.size() > 1) {
    return notFound("reader '" + wanted + "' is ambiguous: it matches " +
                    std::to_string(partial.size()) + " readers (" + readerList(available) +
                    "); give the full name");
  }
  return notFound("no reader '" + wanted + "'; the readers are: " + readerList(available));
}

Result<Bytes> transceiveT0(ByteView command, const RawTransmit& transmit) {
  Bytes current(command.begin(), command.end());
  Bytes collected;
  for (int guard = 0; guard < 64; ++guard) {
    POSIM_ASSIGN_OR_RETURN(Bytes response, transmit(current));
    if (response.size() < 2) {
      return malformed("the card answered " + std::to_string(response.size()) +
                       " byte(s) without a status word (" + toHex(response) + ")");
    }
    const std::uint8_t sw1 = response[response.size() - 2];
    const std::uint8_t sw2 = response[response.size() - 1];
    if (sw1 == 0x6C) {
      // Wrong length: the same command again with the Le the card asks for.
      current = withLe(current, sw2);
      continue;
    }
    if (sw1 == 0x61) {
      // More data: fetch it with GET RESPONSE (EMV Book 1 §9.3.1.3).
      collected.insert(collected.end(), response.begin(), response.end() - 2);
      current = Bytes{0x00, 0xC0, 0x00, 0x00, sw2};
      continue;
    }
    collected.insert(collected.end(), response.begin(), response.end());
    return collected;
  }
  return malformed("the card keeps answering 61xx/6Cxx to " + toHex(command) +
                   ": stopped after 64 exchanges");
}

struct PcscCard::Handles {
  SCARDCONTEXT context = 0;
  SCARDHANDLE card = 0;
  bool connected = false;
};

PcscCard::PcscCard(std::unique_ptr<Handles> handles, std::string reader)
    : handles_(std::move(handles)), reader_(std::move(reader)) {}

PcscCard::~PcscCard() {
  powerOff();
  SCardReleaseContext(handles_->context);
}

Result<std::unique_ptr<PcscCard>> PcscCard::open(const std::string& reader,
                                                 std::chrono::milliseconds wait_for_card) {
  Context context;
  POSIM_RETURN_IF_ERROR(context.establish());
  POSIM_ASSIGN_OR_RETURN(std::vector<ReaderInfo> readers, listReadersIn(context.get()));
  POSIM_ASSIGN_OR_RETURN(std::string name, matchReader(reader, readers));

  // Wait for a card in slices of 100 ms (the core does not read the clock).
  constexpr DWORD kSliceMs = 100;
  const auto slices =
      wait_for_card.count() <= 0
          ? 0
          : (static_cast<std::uint64_t>(wait_for_card.count()) + kSliceMs - 1) / kSliceMs;
  SCARD_READERSTATE state{};
  state.szReader = name.c_str();
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  for (std::uint64_t slice = 0;; ++slice) {
    const LONG rv = SCardGetStatusChange(context.get(), slice == 0 ? 0 : kSliceMs, &state, 1);
    if (rv != SCARD_S_SUCCESS && rv != static_cast<LONG>(SCARD_E_TIMEOUT)) {
      return cardError(rv, "waiting for a card", name);
    }
    if (rv == SCARD_S_SUCCESS) {
      if ((state.dwEventState & SCARD_STATE_PRESENT) != 0) {
        if ((state.dwEventState & SCARD_STATE_MUTE) != 0) {
          return cardError(static_cast<LONG>(SCARD_W_UNRESPONSIVE_CARD), "power on", name);
        }
        break;
      }
      state.dwCurrentState = state.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
    }
    if (slice >= slices) {
      if (slices == 0) {
        return unavailable("no card in reader '" + name +
                           "': insert a card (or give --wait SECONDS to wait for one)");
      }
      return unavailable("no card in reader '" + name + "': none was inserted within " +
                         std::to_string(wait_for_card.count()) + " ms");
    }
  }

  auto handles = std::make_unique<Handles>();
  handles->context = context.release();
  return std::unique_ptr<PcscCard>(new PcscCard(std::move(handles), std::move(name)));
}

Result<Bytes> PcscCard::powerOn(emv::CardInterface) {
  DWORD active = 0;
  LONG rv = SCARD_S_SUCCESS;
  if (handles_->connected) {
    rv = SCardReconnect(handles_->card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                        SCARD_UNPOWER_CARD, &active);
  } else {
    rv = SCardConnect(handles_->context, reader_.c_str(), SCARD_SHARE_SHARED,
                      SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &handles_->card, &active);
  }
  if (rv != SCARD_S_SUCCESS) {
    handles_->connected = false;
    return cardError(rv, "power on", reader_);
  }
  handles_->connected = true;
  protocol_ = active == SCARD_PROTOCOL_T0   ? Protocol::kT0
              : active == SCARD_PROTOCOL_T1 ? Protocol::kT1
                                            : Protocol::kRaw;
  char name[MAX_READERNAME + 1] = {};
  DWORD name_length = sizeof name;
  DWORD state = 0;
  DWORD protocol = 0;
  BYTE atr[MAX_ATR_SIZE] = {};
  DWORD atr_length = sizeof atr;
  rv = SCardStatus(handles_->card, name, &name_length, &state, &protocol, atr, &atr_length);
  if (rv != SCARD_S_SUCCESS) return cardError(rv, "reading the ATR", reader_);
  return Bytes(atr, atr + atr_length);
}

Result<Bytes> PcscCard::transmitRaw(ByteView command) {
  if (!handles_->connected) return failedPrecondition("card is not powered: call powerOn first");
  const SCARD_IO_REQUEST* pci = protocol_ == Protocol::kT0   ? SCARD_PCI_T0
                                : protocol_ == Protocol::kT1 ? SCARD_PCI_T1
                                                             : SCARD_PCI_RAW;
  Bytes response(MAX_BUFFER_SIZE_EXTENDED);
  DWORD length = static_cast<DWORD>(response.size());
  const LONG rv =
      SCardTransmit(handles_->card, pci, command.data(), static_cast<DWORD>(command.size()),
                    nullptr, response.data(), &length);
  if (rv != SCARD_S_SUCCESS || length < 2) {
    // A reader that loses the card mid-command may report a transmission failure or an empty
    // answer: ask pcscd (for up to a second) whether the card is still there.
    if (cardGone()) return cardError(SCARD_W_REMOVED_CARD, "transmit", reader_);
    if (rv != SCARD_S_SUCCESS) return cardError(rv, "transmit", reader_);
  }
  response.resize(length);
  return response;
}

bool PcscCard::cardGone() {
  DWORD name_length = 0;
  DWORD reader_state = 0;
  DWORD protocol = 0;
  DWORD atr_length = 0;
  const LONG status = SCardStatus(handles_->card, nullptr, &name_length, &reader_state, &protocol,
                                  nullptr, &atr_length);
  if (status == SCARD_W_REMOVED_CARD || status == SCARD_E_NO_SMARTCARD) return true;
  SCARD_READERSTATE state{};
  state.szReader = reader_.c_str();
  state.dwCurrentState = SCARD_STATE_PRESENT;
  for (int slice = 0; slice < 10; ++slice) {
    const LONG rv = SCardGetStatusChange(handles_->context, 100, &state, 1);
    if (rv != SCARD_S_SUCCESS && rv != static_cast<LONG>(SCARD_E_TIMEOUT)) return false;
    if (rv == SCARD_S_SUCCESS) {
      if ((state.dwEventState & SCARD_STATE_EMPTY) != 0) return true;
      state.dwCurrentState = state.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
    }
  }
  return false;
}

Result<Bytes> PcscCard::transceive(ByteView command) {
  if (protocol_ == Protocol::kT0) {
    return transceiveT0(command, [this](ByteView c) { return transmitRaw(c); });
  }
  return transmitRaw(command);
}

void PcscCard::powerOff() {
  if (!handles_->connected) return;
  SCardDisconnect(handles_->card, SCARD_UNPOWER_CARD);
  handles_->connected = false;
  protocol_ = Protocol::kRaw;
}

}  // namespace posim::pcsc
