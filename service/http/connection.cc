// The HTTP connection state machine (connection.h).
#include "service/http/connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace ptrack::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = boost::beast::http;

constexpr size_t kReadChunk = 4096;
// After a refusal: how long and how much of the rest of the request is read and dropped before
// the socket closes.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 4 * 1024 * 1024;

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, std::string client_address,
                       const ConnectionContext& context, std::function<void()> on_destroy)
    : stream_(std::move(socket)),
      client_address_(std::move(client_address)),
      context_(context),
      on_destroy_(std::move(on_destroy)),
      // Room for a whole header at its limit; a body streams through into the parser.
      buffer_(context.limits->max_header_bytes + 64 * 1024) {}

Connection::~Connection() {
  if (on_destroy_) on_destroy_();
}

void Connection::Start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->AwaitRequest(self->context_.limits->header_timeout);
  });
}

void Connection::Close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Shut(); });
}

void Connection::AwaitRequest(std::chrono::milliseconds wait) {
  if (buffer_.size() > 0) {  // the next request is already here (pipelined)
    ReadHeader();
    return;
  }
  stream_.expires_after(wait);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code error, size_t n) {
                            if (error) {
                              self->Shut();  // idle too long, or the client closed
                              return;
                            }
                            self->buffer_.commit(n);
                            self->ReadHeader();
                          });
}

void Connection::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(context_.limits->max_header_bytes));
  parser_->body_limit(context_.limits->max_body_bytes);
  stream_.expires_after(context_.limits->header_timeout);
  bh::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->OnHeader(error); });
}

bool Connection::Failed(beast::error_code error) {
  if (!error) return false;
  const Router& router = *context_.router;
  // The header is parsed once the parser reports a body error; before that only an empty one.
  const RequestHeader header = parser_->is_header_done() ? parser_->get().base() : RequestHeader{};
  if (error == bh::error::header_limit || error == bh::error::buffer_overflow) {
    Refuse(router.Refusal(header, 431, "resource_exhausted", "the request header is too large"));
  } else if (error == bh::error::body_limit) {  // declared or read past the limit
    Refuse(router.Refusal(header, 413, "resource_exhausted", "the request body is too large"));
  } else if (error == beast::error::timeout || error == bh::error::end_of_stream ||
             error == bh::error::partial_message || error == asio::error::operation_aborted ||
             error == asio::error::eof || error == asio::error::connection_reset) {
    Shut();  // too slow, or the client went away
  } else {   // malformed: request line, conflicting lengths, Transfer-Encoding, a chunk
    Refuse(router.Refusal(header, 400, "invalid_argument", "the request is not valid HTTP/1.1"));
  }
  return true;
}

void Connection::OnHeader(beast::error_code error) {
  if (Failed(error)) return;
  const Router& router = *context_.router;
  const RequestHeader& header = parser_->get().base();
  if (auto refusal = router.Screen(header, parser_->chunked())) {
    Refuse(std::move(*refusal));
    return;
  }
  if (beast::iequals(header[bh::field::expect], "100-continue")) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(context_.limits->write_timeout);
    asio::async_write(stream_, asio::buffer(kContinue),
                      [self = shared_from_this()](beast::error_code error, size_t) {
                        if (error) {
                          self->Shut();
                          return;
                        }
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Connection::ReadBody() {
  if (parser_->is_done()) {
    Dispatch();
    return;
  }
  stream_.expires_after(context_.limits->body_timeout);
  bh::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code error, size_t) { self->OnBody(error); });
}

void Connection::OnBody(beast::error_code error) {
  if (Failed(error)) return;
  Dispatch();
}

void Connection::Dispatch() {
  Request request = parser_->release();
  parser_.reset();
  const bool close = !request.keep_alive();
  if (!context_.begin_call()) {
    Send(context_.router->Refusal(request.base(), 503, "unavailable", "the server is stopping"),
         true);
    return;
  }
  // The answer may come from a gRPC thread: it is posted back to this connection's strand.
  context_.router->Handle(request, client_address_,
                          [self = shared_from_this(), close](Response response) {
                            asio::post(self->stream_.get_executor(),
                                       [self, close, response = std::move(response)]() mutable {
                                         self->Send(std::move(response), close);
                                       });
                            self->context_.end_call();
                          });
}

void Connection::Send(Response response, bool close) {
  response_ = std::move(response);
  response_.keep_alive(!close);
  stream_.expires_after(context_.limits->write_timeout);
  bh::async_write(stream_, response_,
                  [self = shared_from_this(), close](beast::error_code error, size_t) {
                    if (error || close) {
                      self->Shut();
                      return;
                    }
                    self->response_ = {};
                    self->AwaitRequest(self->context_.limits->idle_timeout);
                  });
}

void Connection::Refuse(Response response) {
  response_ = std::move(response);
  response_.keep_alive(false);
  parser_.reset();
  stream_.expires_after(context_.limits->write_timeout);
  bh::async_write(stream_, response_, [self = shared_from_this()](beast::error_code error, size_t) {
    if (error) {
      self->Shut();
      return;
    }
    beast::error_code ignored;
    self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    self->buffer_.clear();
    self->Linger(std::chrono::steady_clock::now() + kLingerTime, 0);
  });
}

void Connection::Linger(std::chrono::steady_clock::time_point until, size_t discarded) {
  if (discarded >= kLingerBytes || std::chrono::steady_clock::now() >= until) {
    Shut();
    return;
  }
  stream_.expires_at(until);
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this(), until, discarded](beast::error_code error, size_t n) {
        if (error) {
          self->Shut();
          return;
        }
        self->buffer_.clear();  // dropped unread
        self->Linger(until, discarded + n);
      });
}

void Connection::Shut() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace ptrack::http
