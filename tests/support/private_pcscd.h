// A pcscd of the test's own, with vsmartcard's vpcd reader driver: two virtual reader slots
// ("Virtual PCD 00 00" and "... 00 01") that a virtual card joins over TCP, on a free port pair.
//
// pcscd runs in the foreground with a private reader.conf.d and, in a mount namespace
// (`unshare -m`, or `unshare -rm` for a user), a private /run, so it never touches a pcscd the
// machine runs; PCSCLITE_CSOCK_NAME points this process (and the programs it starts) at its
// socket. As root without namespaces it can fall back to the machine's socket when no pcscd
// runs there.
//
//   PrivatePcscd pcscd;
//   if (auto why = PrivatePcscd::missing(); !why.empty()) skip(why);
//   if (auto error = pcscd.start(probe); !error.empty()) fail(error);
//   ... serve a card to pcscd.vpcdPort(0) ...
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <sys/types.h>

namespace posim::test {

inline constexpr const char* kVpcdSlot0 = "Virtual PCD 00 00";
inline constexpr const char* kVpcdSlot1 = "Virtual PCD 00 01";

class PrivatePcscd {
 public:
  PrivatePcscd();   // makes the folder and the configuration; sets PCSCLITE_CSOCK_NAME
  ~PrivatePcscd();  // stops pcscd, removes the folder, unsets PCSCLITE_CSOCK_NAME
  PrivatePcscd(const PrivatePcscd&) = delete;
  PrivatePcscd& operator=(const PrivatePcscd&) = delete;

  // Empty when pcscd and the vpcd driver are installed; else what is missing (skip the test).
  static std::string missing();

  // Starts pcscd and waits (up to 10 s) until `ready` says it serves. Empty on success, else
  // why not, with pcscd's log. `allow_machine_socket`: may fall back to /run/pcscd as root.
  std::string start(const std::function<bool()>& ready, bool allow_machine_socket = true);
  void stop();
  bool running() const { return pid_ > 0; }

  // The socket clients use: the private one (set in PCSCLITE_CSOCK_NAME from construction on),
  // or the machine's after a fallback.
  const std::filesystem::path& socket() const { return socket_; }
  std::uint16_t vpcdPort(int slot) const { return static_cast<std::uint16_t>(port_ + slot); }
  std::string vpcd(int slot) const { return "127.0.0.1:" + std::to_string(vpcdPort(slot)); }
  // A folder for the test's own files, removed with this object.
  const std::filesystem::path& dir() const { return dir_; }
  std::string log() const;

 private:
  bool waitUntilReady(const std::function<bool()>& ready);

  std::filesystem::path dir_;
  std::filesystem::path socket_;
  std::string pcscd_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace posim::test
