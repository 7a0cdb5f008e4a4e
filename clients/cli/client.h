// What every command of the ptrack client shares: the parsed arguments, the saved profile, a
// channel to the server, per-call contexts carrying the bearer token and a deadline, and output
// helpers (JSON with --json, otherwise text; errors with their field violations to stderr).
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "clients/cli/args.h"
#include "clients/cli/profile.h"

namespace ptrack::cli {

// Exit codes: 0 ok, 1 the server said no, 2 bad command line, 3 cannot reach the server.
constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitUnavailable = 3;

class Client {
 public:
  explicit Client(const Args& args);

  const Args& args() const { return args_; }
  bool json() const { return json_; }
  const std::optional<Profile>& profile() const { return profile_; }
  const std::string& server() const { return server_; }
  std::shared_ptr<grpc::Channel> channel();

  // A context with the token (when there is one) and a 30 s deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;

  // The patient a command is about: --patient (a full name, or a bare id in the caller's
  // clinic), else the caller when the caller is a patient. Empty (after printing why) otherwise.
  std::string PatientName() const;

  // Prints `message` as JSON (--json) and returns kExitOk.
  int PrintJson(const google::protobuf::Message& message) const;
  // Prints a failed call and returns its exit code.
  int Fail(const grpc::Status& status) const;

 private:
  const Args& args_;
  bool json_ = false;
  std::optional<Profile> profile_;
  std::string server_;
  std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Calls a List method page after page, appending every page into `all` (MergeFrom appends
// repeated fields). `call(request, &page)` issues one call and returns its status.
template <typename Request, typename Response, typename Call>
grpc::Status FetchAllPages(Request request, Response* all, Call call) {
  do {
    Response page;
    grpc::Status status = call(request, &page);
    if (!status.ok()) return status;
    all->MergeFrom(page);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  all->clear_next_page_token();
  return grpc::Status::OK;
}

// Usage error: prints to stderr, returns kExitUsage.
int Usage(const std::string& message);

}  // namespace ptrack::cli
