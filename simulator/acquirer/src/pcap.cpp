#include "posim/acquirer/pcap.h"

#include <algorithm>
#include <utility>

#include <arpa/inet.h>

namespace posim::acquirer {
namespace {

constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kAck = 0x10;

void put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v));
}
// pcap record and file headers are in the writer's byte order; we write little-endian.
void putLe16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void putLe32(Bytes& out, std::uint32_t v) {
  putLe16(out, static_cast<std::uint16_t>(v));
  putLe16(out, static_cast<std::uint16_t>(v >> 16));
}

// RFC 1071 one's complement sum.
std::uint32_t sum16(ByteView data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
    sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  }
  if (data.size() % 2 == 1) sum += static_cast<std::uint32_t>(data.back() << 8);
  return sum;
}
std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

// Host byte order IPv4 of a dotted quad (also "::ffff:a.b.c.d"); nullopt for anything else.
std::optional<std::uint32_t> ipv4(const std::string& text) {
  std::string t = text;
  if (t.rfind("::ffff:", 0) == 0) t = t.substr(7);
  in_addr addr{};
  if (inet_pton(AF_INET, t.c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

}  // namespace

Result<std::unique_ptr<PcapWriter>> PcapWriter::open(const std::string& path) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return ioError("cannot write the capture file '" + path + "'");
  Bytes header;
  putLe32(header, 0xA1B2C3D4);  // microsecond timestamps
  putLe16(header, 2);           // version 2.4
  putLe16(header, 4);
  putLe32(header, 0);  // this zone
  putLe32(header, 0);  // sigfigs
  putLe32(header, 65535);
  putLe32(header, kLinkTypeRaw);
  file.write(reinterpret_cast<const char*>(header.data()),
             static_cast<std::streamsize>(header.size()));
  if (!file) return ioError("cannot write the capture file '" + path + "'");
  return std::unique_ptr<PcapWriter>(new PcapWriter(path, std::move(file)));
}

PcapWriter::PcapWriter(std::string path, std::ofstream file)
    : path_(std::move(path)), file_(std::move(file)) {}

PcapWriter::~PcapWriter() {
  close().ignoreError();
}

std::uint64_t PcapWriter::packetsWritten() const {
  std::lock_guard lock(mutex_);
  return packets_;
}

void PcapWriter::writeRecord(ByteView packet, std::chrono::nanoseconds at) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::max(at, std::chrono::nanoseconds(0)));
  Bytes record;
  putLe32(record, static_cast<std::uint32_t>(us.count() / 1000000));
  putLe32(record, static_cast<std::uint32_t>(us.count() % 1000000));
  putLe32(record, static_cast<std::uint32_t>(packet.size()));
  putLe32(record, static_cast<std::uint32_t>(packet.size()));
  file_.write(reinterpret_cast<const char*>(record.data()),
              static_cast<std::streamsize>(record.size()));
  file_.write(reinterpret_cast<const char*>(packet.data()),
              static_cast<std::streamsize>(packet.size()));
  if (!file_) failed_ = true;
  ++packets_;
}

void PcapWriter::writeSegment(Flow& flow, bool from_client, std::uint8_t flags, ByteView payload,
                              std::chrono::nanoseconds at) {
  const std::uint32_t src = from_client ? flow.client_ip : flow.server_ip;
  const std::uint32_t dst = from_client ? flow.server_ip : flow.client_ip;
  const std::uint16_t sport = from_client ? flow.client_port : flow.server_port;
  const std::uint16_t dport = from_client ? flow.server_port : flow.client_port;
  std::uint32_t& seq = from_client ? flow.client_seq : flow.server_seq;
  const std::uint32_t ack = from_client ? flow.server_seq : flow.client_seq;

  Bytes tcp;
  put16(tcp, sport);
  put16(tcp, dport);
  put32(tcp, seq);
  put32(tcp, (flags & kAck) != 0 ? ack : 0);
  tcp.push_back(5 << 4);  // data offset: 20 bytes, no options
  tcp.push_back(flags);
  put16(tcp, 65535);  // window
  put16(tcp, 0);      // checksum, below
  put16(tcp, 0);      // urgent pointer
  append(tcp, payload);
  Bytes pseudo;
  put32(pseudo, src);
  put32(pseudo, dst);
  put16(pseudo, 6);
  put16(pseudo, static_cast<std::uint16_t>(tcp.size()));
  const std::uint16_t tcp_sum = fold(sum16(tcp, sum16(pseudo)));
  tcp[16] = static_cast<std::uint8_t>(tcp_sum >> 8);
  tcp[17] = static_cast<std::uint8_t>(tcp_sum);

  Bytes ip;
  ip.push_back(0x45);
  ip.push_back(0);
  put16(ip, static_cast<std::uint16_t>(20 + tcp.size()));
  put16(ip, ip_id_++);
  put16(ip, 0x4000);  // don't fragment
  ip.push_back(64);   // TTL
  ip.push_back(6);    // TCP
  put16(ip, 0);
  put32(ip, src);
  put32(ip, dst);
  const std::uint16_t ip_sum = fold(sum16(ip));
  ip[10] = static_cast<std::uint8_t>(ip_sum >> 8);
  ip[11] = static_cast<std::uint8_t>(ip_sum);
  append(ip, tcp);

  seq += static_cast<std::uint32_t>(payload.size());
  if ((flags & (kSyn | kFin)) != 0) ++seq;
  writeRecord(ip, at);
  flow.last_at = at;
}

void PcapWriter::onWire(const WireEvent& event) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  const bool local_first = event.local_address + ":" + std::to_string(event.local_port) <
                           event.remote_address + ":" + std::to_string(event.remote_port);
  const std::string a = event.local_address + ":" + std::to_string(event.local_port);
  const std::string b = event.remote_address + ":" + std::to_string(event.remote_port);
  const std::string key =
      std::to_string(event.connection) + "|" + (local_first ? a + "|" + b : b + "|" + a);
  auto it = flows_.find(key);
  const std::chrono::nanoseconds at = event.at;
  if (it == flows_.end()) {
    // The sender of the first message opened the connection.
    Flow flow;
    const bool local_is_client = event.outbound;
    const std::string& client_address =
        local_is_client ? event.local_address : event.remote_address;
    const std::string& server_address =
        local_is_client ? event.remote_address : event.local_address;
    flow.client_ip = ipv4(client_address).value_or(0x7F000001);
    flow.server_ip = ipv4(server_address).value_or(0x7F000002);
    flow.client_port = local_is_client ? event.local_port : event.remote_port;
    flow.server_port = local_is_client ? event.remote_port : event.local_port;
    const auto n = static_cast<std::uint32_t>(flows_.size() + 1);
    flow.client_seq = 0x10000000u + n * 0x00100000u;
    flow.server_seq = 0x80000000u + n * 0x00100000u;
    it = flows_.emplace(key, flow).first;
    const auto us = std::chrono::microseconds(1);
    writeSegment(it->second, true, kSyn, {}, at - 3 * us);
    writeSegment(it->second, false, kSyn | kAck, {}, at - 2 * us);
    writeSegment(it->second, true, kAck, {}, at - us);
  }
  Flow& flow = it->second;
  const std::string& sender_address = event.outbound ? event.local_address : event.remote_address;
  const std::uint16_t sender_port = event.outbound ? event.local_port : event.remote_port;
  const bool from_client = sender_port == flow.client_port &&
                           ipv4(sender_address).value_or(0x7F000001) == flow.client_ip;
  const ByteView data = event.bytes;
  for (std::size_t offset = 0; offset < data.size(); offset += kMaxSegment) {
    const std::size_t n = std::min(kMaxSegment, data.size() - offset);
    writeSegment(flow, from_client, kPsh | kAck, data.subspan(offset, n),
                 std::max(at, flow.last_at));
  }
}

Status PcapWriter::close() {
  std::lock_guard lock(mutex_);
  if (!closed_) {
    closed_ = true;
    for (auto& [key, flow] : flows_) {
      const auto at = flow.last_at + std::chrono::microseconds(1);
      writeSegment(flow, true, kFin | kAck, {}, at);
      writeSegment(flow, false, kFin | kAck, {}, at + std::chrono::microseconds(1));
      writeSegment(flow, true, kAck, {}, at + std::chrono::microseconds(2));
    }
    file_.flush();
    if (!file_) failed_ = true;
    file_.close();
  }
  if (failed_) return ioError("cannot write the capture file '" + path_ + "'");
  return Status::ok();
}

}  // namespace posim::acquirer
