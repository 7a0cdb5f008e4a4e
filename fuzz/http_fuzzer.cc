// Fuzz target: raw bytes on a TCP connection to ptrackd's real HTTP port (HttpServer over the
// world's Connect bridge, on 127.0.0.1, with short deadlines) — request lines, header
// combinations, Content-Length and chunked framing, encodings, pipelined requests, anything.
// The input is sent as it is, then the client stops sending (shutdown) and reads until the
// server closes. Properties, for every input: the server closes the connection within 5 s (no
// hang); everything it sends is a sequence of HTTP/1.x answers (1.0 to a 1.0 request), never a
// 500; and a health probe on a new connection is answered 200 afterwards (nothing the input did
// stopped the port).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "fuzz/world.h"
#include "service/http/http_server.h"

namespace ptrack::fuzz {
namespace {

// The HTTP port, started on first use and never stopped: like the world, it lives as long as
// the process (held by this static, so the leak checker sees it reachable).
HttpServer& Server() {
  static HttpServer* const server = [] {
    HttpOptions options;
    options.listen = "127.0.0.1:0";
    options.limits.header_timeout = std::chrono::milliseconds(500);
    options.limits.body_timeout = std::chrono::milliseconds(500);
    options.limits.idle_timeout = std::chrono::milliseconds(500);
    auto* s = new HttpServer(*GetWorld().bridge, options);
    Require(s->Start().ok(), "the HTTP port cannot start");
    return s;
  }();
  return *server;
}

int Port() { return Server().port(); }

// Sends `bytes` on a new connection, stops sending, and returns what the server sent before it
// closed; `closed` says whether it closed within the limit.
std::string Exchange(const std::string& bytes, bool* closed) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Require(fd >= 0, "socket");
  // Each exchange leaves a connection in TIME_WAIT for a minute; a fuzzer making hundreds a
  // second would run out of ports towards one address, so the source cycles over 127.0.0.2-201
  // (each has its own ports).
  static unsigned next_source = 0;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(0x7f000002u + (next_source++ % 200));
  Require(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0,
          std::string("bind: ") + std::strerror(errno));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(Port()));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  int connected = ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  if (connected != 0 && errno == EINTR) {
    // libFuzzer's timer signal interrupted it; the connection goes on in the background.
    pollfd p{fd, POLLOUT, 0};
    while (::poll(&p, 1, 5000) < 0 && errno == EINTR) {
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    connected = error == 0 ? 0 : -1;
    errno = error;
  }
  Require(connected == 0, std::string("connect: ") + std::strerror(errno));
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server refused and closed: fine
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  *closed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buffer[16384];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *closed = true;
      break;
    }
    answer.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer;
}

}  // namespace
}  // namespace ptrack::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptrack::fuzz;
  const std::string input(reinterpret_cast<const char*>(data), size);
  bool closed = false;
  const std::string answer = Exchange(input, &closed);
  if (Verbose()) std::printf("%zu bytes -> %.60s\n", size, answer.c_str());
  Require(closed, "the server kept a connection open 5 s after its client stopped sending");
  Require(answer.empty() || answer.rfind("HTTP/1.1 ", 0) == 0 || answer.rfind("HTTP/1.0 ", 0) == 0,
          "the answer is not HTTP/1.x: " + answer.substr(0, 80));
  Require(
      answer.rfind("HTTP/1.1 500", 0) != 0 && answer.find("\nHTTP/1.1 500") == std::string::npos,
      "HTTP 500 for an input: " + answer.substr(0, 200));
  const std::string probe = Exchange("GET /healthz HTTP/1.1\r\nHost: fuzz\r\n\r\n", &closed);
  Require(probe.rfind("HTTP/1.1 200", 0) == 0, "/healthz after an input: " + probe.substr(0, 80));
  return 0;
}
