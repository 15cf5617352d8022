// What the ISO 8583 client backend and `posim host` share on top of Boost.Asio: a TCP stream that
// may be wrapped in TLS, and readable reasons for certificate files OpenSSL cannot load. Private
// to simulator/acquirer/src (Asio stays out of public headers).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

namespace posim::acquirer::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Why OpenSSL could not load a PEM file, in words ("asio.ssl error" says nothing).
inline std::string pemProblem(const std::string& path, const error_code& ec) {
  std::error_code fs_ec;
  if (!std::filesystem::exists(path, fs_ec)) return "no such file";
  return "not a usable PEM file (" + ec.message() + ")";
}

// A TCP socket, or a TLS stream over one: exactly one of `tls` and `plain` is set.
struct TcpOrTlsStream {
  std::unique_ptr<asio::ssl::stream<tcp::socket>> tls;
  std::unique_ptr<tcp::socket> plain;

  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }

  template <typename Buffers, typename Handler>
  void asyncWrite(const Buffers& buffers, Handler&& handler) {
    if (tls) {
      asio::async_write(*tls, buffers, std::forward<Handler>(handler));
    } else {
      asio::async_write(*plain, buffers, std::forward<Handler>(handler));
    }
  }
  template <typename Buffers, typename Handler>
  void asyncRead(const Buffers& buffers, Handler&& handler) {
    if (tls) {
      asio::async_read(*tls, buffers, std::forward<Handler>(handler));
    } else {
      asio::async_read(*plain, buffers, std::forward<Handler>(handler));
    }
  }
  template <typename Buffers, typename Handler>
  void asyncReadSome(const Buffers& buffers, Handler&& handler) {
    if (tls) {
      tls->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      plain->async_read_some(buffers, std::forward<Handler>(handler));
    }
  }
};

}  // namespace posim::acquirer::net
