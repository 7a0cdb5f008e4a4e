// The HTTP port's listener, connection caps and threads (http_server.h).
#include "service/http/http_server.h"

#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "service/http/connection.h"
#include "service/http/router.h"

namespace ptrack {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// File descriptors kept for everything but HTTP connections (database, WAL, gRPC, logs).
constexpr size_t kReservedFiles = 256;

// The answer to a connection over a cap, written once without waiting, before it is closed.
const std::string& BusyAnswer() {
  static const std::string answer = [] {
    const std::string body =
        R"({"code":"unavailable","message":"too many connections; retry later"})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return answer;
}

// Raises the soft limit on open files to the hard one; returns the soft limit in force.
size_t RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<size_t>(limit.rlim_cur);
}

std::string AddressOf(const tcp::socket& socket) {
  boost::system::error_code error;
  asio::ip::address address = socket.remote_endpoint(error).address();
  if (error) return "";
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

}  // namespace

struct HttpServer::State {
  State(const ConnectBridge& bridge, HttpOptions opts)
      : options(std::move(opts)), router(bridge, options) {}

  void Accept();
  void Admit(tcp::socket socket);
  void Release(const std::string& address, uint64_t id);

  HttpOptions options;
  http::Router router;
  http::ConnectionContext context;

  std::mutex mu;
  std::condition_variable answered;
  bool stopping = false;                      // guarded by mu
  size_t in_flight = 0;                       // requests handed to the router; guarded by mu
  size_t open = 0;                            // guarded by mu
  std::map<std::string, size_t> per_address;  // guarded by mu
  std::unordered_map<uint64_t, std::weak_ptr<http::Connection>> live;  // guarded by mu
  uint64_t next_id = 0;                                                // guarded by mu

  // Declared last: destroyed first, with any handler it still holds (which may release
  // connections into the members above).
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  asio::strand<asio::io_context::executor_type> accept_strand{asio::make_strand(io)};
  tcp::acceptor acceptor{accept_strand};
  asio::steady_timer retry{accept_strand};
  std::vector<std::thread> threads;
  int port = 0;
};

void HttpServer::State::Accept() {
  acceptor.async_accept(asio::make_strand(io),
                        [this](boost::system::error_code error, tcp::socket socket) {
                          if (error == asio::error::operation_aborted || !acceptor.is_open())
                            return;
                          if (error) {
                            // Out of file descriptors or similar: try again shortly rather than
                            // spin.
                            retry.expires_after(std::chrono::milliseconds(100));
                            retry.async_wait([this](boost::system::error_code e) {
                              if (!e) Accept();
                            });
                            return;
                          }
                          Admit(std::move(socket));
                          Accept();
                        });
}

void HttpServer::State::Admit(tcp::socket socket) {
  std::string address = AddressOf(socket);
  const HttpLimits& limits = options.limits;
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    const bool over = stopping || open >= limits.max_connections ||
                      (limits.max_connections_per_address > 0 &&
                       per_address[address] >= limits.max_connections_per_address);
    if (over) {
      if (per_address[address] == 0) per_address.erase(address);
      boost::system::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(BusyAnswer()), ignored);
      socket.close(ignored);
      return;
    }
    ++open;
    ++per_address[address];
    id = ++next_id;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // answers are small; no delayed-ACK wait
  auto connection = std::make_shared<http::Connection>(
      std::move(socket), address, context, [this, address, id] { Release(address, id); });
  {
    std::lock_guard<std::mutex> lock(mu);
    live.emplace(id, connection);
  }
  connection->Start();
}

void HttpServer::State::Release(const std::string& address, uint64_t id) {
  std::lock_guard<std::mutex> lock(mu);
  live.erase(id);
  --open;
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
}

HttpServer::HttpServer(const ConnectBridge& bridge, HttpOptions options)
    : state_(std::make_unique<State>(bridge, std::move(options))) {
  State& s = *state_;
  s.context.router = &s.router;
  s.context.limits = &s.options.limits;
  s.context.begin_call = [&s] {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.stopping) return false;
    ++s.in_flight;
    return true;
  };
  s.context.end_call = [&s] {
    std::lock_guard<std::mutex> lock(s.mu);
    if (--s.in_flight == 0) s.answered.notify_all();
  };
}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return state_->port; }

Status HttpServer::Start() {
  State& s = *state_;
  const std::string& listen = s.options.listen;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::Unavailable("bad HTTP address");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || port < 0 || port > 65535) throw std::out_of_range("");
  } catch (const std::exception&) {
    return Status::Unavailable("bad HTTP port in " + listen);
  }
  boost::system::error_code error;
  const asio::ip::address address = asio::ip::make_address(host, error);
  if (error) return Status::Unavailable("bad HTTP host in " + listen);

  const size_t files = RaiseFileLimit();
  HttpLimits& limits = s.options.limits;
  if (files > kReservedFiles * 2) {
    limits.max_connections = std::min(limits.max_connections, files - kReservedFiles);
  } else {
    limits.max_connections = std::min(limits.max_connections, files / 2);
  }

  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  s.acceptor.open(endpoint.protocol(), error);
  if (!error) s.acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) s.acceptor.bind(endpoint, error);
  if (!error) s.acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return Status::Unavailable("cannot listen on " + listen + ": " + error.message());
  s.port = s.acceptor.local_endpoint().port();

  s.work.emplace(s.io.get_executor());
  asio::post(s.accept_strand, [&s] { s.Accept(); });
  for (int i = 0; i < std::max(1, s.options.threads); ++i) {
    s.threads.emplace_back([&s] { s.io.run(); });
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  State& s = *state_;
  if (s.threads.empty()) return;
  std::vector<std::shared_ptr<http::Connection>> open;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.stopping = true;
    for (auto& [key, weak] : s.live) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  asio::post(s.accept_strand, [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.retry.cancel();
  });
  for (auto& c : open) c->Close();
  open.clear();
  {
    // Answers still coming from the gRPC server are posted to their connections' strands;
    // the loop must run until they have been (their deadlines bound the wait).
    std::unique_lock<std::mutex> lock(s.mu);
    s.answered.wait_for(lock, std::chrono::seconds(65), [&s] { return s.in_flight == 0; });
  }
  s.work.reset();
  s.io.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

}  // namespace ptrack
