// One client connection of the HTTP port, as an asynchronous state machine on its own strand:
// no thread is held while a client is idle, slow, or waiting for its answer. Each phase has a
// deadline (options.h): waiting for a request (idle_timeout, or header_timeout on a new
// connection), the header (header_timeout from its first byte), the body (body_timeout), the
// answer (write_timeout). Sizes are enforced while reading: the parser stops at the header and
// body limits whatever the framing (Content-Length or chunked), so nothing past a limit is ever
// buffered. A request refused before its body was read (Router::Screen, a body over the limit,
// bad framing) is answered with `Connection: close`, after which the connection stops sending,
// discards what the client still sends for a short while (so the client can read the answer
// rather than a reset) and closes. Requests on one connection are answered in order.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "service/http/router.h"

namespace ptrack::http {

// What the server lends its connections. All members outlive every connection.
struct ConnectionContext {
  const Router* router = nullptr;
  const HttpLimits* limits = nullptr;
  // Called around each request handed to the router, so the server can wait for answers still
  // on their way before it stops. `begin_call` returns false when the server is stopping.
  std::function<bool()> begin_call;
  std::function<void()> end_call;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` is bound to a strand. `on_destroy` runs in the destructor (the server's count of
  // open connections).
  Connection(boost::asio::ip::tcp::socket socket, std::string client_address,
             const ConnectionContext& context, std::function<void()> on_destroy);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts reading the first request.
  void Start();
  // Closes the connection from any thread; pending operations end.
  void Close();

 private:
  void AwaitRequest(std::chrono::milliseconds wait);
  void ReadHeader();
  void OnHeader(boost::beast::error_code error);
  void ReadBody();
  void OnBody(boost::beast::error_code error);
  // Ends the request on a read error: 431, 413 or 400 (then closed), or closed quietly for a
  // timeout or a client that went away. False when there was no error.
  bool Failed(boost::beast::error_code error);
  void Dispatch();
  void Send(Response response, bool close);
  // Answers `response` and closes without reading the rest of the request.
  void Refuse(Response response);
  void Linger(std::chrono::steady_clock::time_point until, size_t discarded);
  void Shut();

  boost::beast::tcp_stream stream_;
  const std::string client_address_;
  const ConnectionContext& context_;
  std::function<void()> on_destroy_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;  // the answer being written
};

}  // namespace ptrack::http
