// Capture files of the ISO 8583 traffic (`--pcap F`): a WireTap that writes every framed message
// as a TCP segment of a classic libpcap file, so Wireshark or tshark can show it
// (`tshark -r F -d tcp.port==8583,iso8583 -o 'iso8583.len_endian:Big endian'
// -o 'iso8583.binencode:Bin data not encoded' -V` for binary2 framing and binary bitmaps).
//
// The file is synthesized, not sniffed: link type LINKTYPE_RAW (101, IPv4 packets), and for each
// connection a TCP three-way handshake, IPv4/TCP headers with valid checksums, per-direction
// sequence and acknowledgement numbers (segments of at most 1460 bytes), and a FIN exchange when
// the writer is closed. The side that sends the first message of a connection is taken as the
// client (it opened the connection). Timestamps are WireEvent::at. Non-IPv4 addresses are mapped
// to 127.0.0.1 (client) and 127.0.0.2 (server).
#pragma once

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "posim/acquirer/iso8583_transport.h"
#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::acquirer {

class PcapWriter final : public WireTap {
 public:
  inline static constexpr std::uint32_t kLinkTypeRaw = 101;  // raw IPv4/IPv6
  inline static constexpr std::size_t kMaxSegment = 1460;

  // Creates (truncates) `path` and writes the file header. Errors: IoError naming the path.
  static Result<std::unique_ptr<PcapWriter>> open(const std::string& path);
  ~PcapWriter() override;  // close(), errors ignored

  // Thread-safe: called from network threads.
  void onWire(const WireEvent& event) override;

  // Ends every connection with a FIN exchange and flushes the file. Further events are
  // ignored. Errors: IoError when a write failed at any point.
  Status close();

  std::uint64_t packetsWritten() const;

 private:
  struct Flow {
    std::uint32_t client_ip = 0;
    std::uint16_t client_port = 0;
    std::uint32_t server_ip = 0;
    std::uint16_t server_port = 0;
    std::uint32_t client_seq = 0;  // next sequence number of each side
    std::uint32_t server_seq = 0;
    std::chrono::nanoseconds last_at{0};
  };

  PcapWriter(std::string path, std::ofstream file);
  void writeSegment(Flow& flow, bool from_client, std::uint8_t flags, ByteView payload,
                    std::chrono::nanoseconds at);
  void writeRecord(ByteView packet, std::chrono::nanoseconds at);

  mutable std::mutex mutex_;
  std::string path_;
  std::ofstream file_;
  bool closed_ = false;
  bool failed_ = false;
  std::uint16_t ip_id_ = 1;
  std::uint64_t packets_ = 0;
  // By WireEvent::connection and the two endpoints (a client and a host writing to one file
  // number their connections independently).
  std::map<std::string, Flow> flows_;
};

}  // namespace posim::acquirer
