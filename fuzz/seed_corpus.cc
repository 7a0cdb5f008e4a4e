// Writes the fuzz targets' seed inputs from fuzz/seeds/requests.txt: for every request an rpc
// input (caller byte, method path, binary request), two Connect inputs (JSON and binary body,
// with the caller's token placeholder, one with a timeout header) and, for every resource name
// it mentions, an auth input. libFuzzer starts from these and keeps what reaches new code; the
// corpus committed under fuzz/corpus/ is the merged result (scripts/fuzz.sh). Exits non-zero,
// naming the line, when a request is not valid proto3 JSON for its method — so the seed list
// cannot rot silently. Usage: fuzz_seed_corpus REQUESTS.txt OUT_DIR (writes OUT_DIR/{rpc,
// connect,auth}/seed-NNN).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>

#include "ptrack/v1/audit.grpc.pb.h"
#include "ptrack/v1/auth.grpc.pb.h"
#include "ptrack/v1/catalog.grpc.pb.h"
#include "ptrack/v1/clinic.grpc.pb.h"
#include "ptrack/v1/export.grpc.pb.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/progression.grpc.pb.h"
#include "ptrack/v1/report.grpc.pb.h"
#include "ptrack/v1/rtm.grpc.pb.h"
#include "ptrack/v1/session.grpc.pb.h"

namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;

void Write(const std::filesystem::path& dir, int n, const std::string& bytes) {
  std::filesystem::create_directories(dir);
  char name[32];
  std::snprintf(name, sizeof name, "seed-%03d", n);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s REQUESTS.txt OUT_DIR\n", argv[0]);
    return 2;
  }
  // Touch one message of every file so that each is linked into the generated pool.
  (void)ptrack::v1::ListAuditEventsRequest::descriptor();
  (void)ptrack::v1::SignInRequest::descriptor();
  (void)ptrack::v1::ListExercisesRequest::descriptor();
  (void)ptrack::v1::GetClinicRequest::descriptor();
  (void)ptrack::v1::ExportPatientFhirRequest::descriptor();
  (void)ptrack::v1::GetPlanRequest::descriptor();
  (void)ptrack::v1::ListDecisionsRequest::descriptor();
  (void)ptrack::v1::ListAlertsRequest::descriptor();
  (void)ptrack::v1::GetRtmStatusRequest::descriptor();
  (void)ptrack::v1::LogSessionRequest::descriptor();

  const std::map<std::string, std::pair<char, std::string>> callers = {
      {"nobody", {0, ""}},
      {"patient", {1, "@PATIENT@"}},
      {"patient2", {2, "@PATIENT2@"}},
      {"therapist", {3, "@THERAPIST@"}},
      {"admin", {4, "@ADMIN@"}}};
  const std::filesystem::path out(argv[2]);
  std::ifstream in(argv[1]);
  std::string line;
  int line_no = 0, n = 0;
  std::set<std::string> names;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const size_t tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos || !callers.count(line.substr(0, tab1))) {
      std::fprintf(stderr, "line %d: expected caller<TAB>path<TAB>json\n", line_no);
      return 1;
    }
    const auto& [caller_byte, placeholder] = callers.at(line.substr(0, tab1));
    const std::string path = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const std::string json = line.substr(tab2 + 1);
    std::string full = path.substr(1);
    full[full.rfind('/')] = '.';
    const auto* method = DescriptorPool::generated_pool()->FindMethodByName(full);
    if (!method) {
      std::fprintf(stderr, "line %d: no method %s\n", line_no, path.c_str());
      return 1;
    }
    std::unique_ptr<Message> request(
        MessageFactory::generated_factory()->GetPrototype(method->input_type())->New());
    const auto parsed = google::protobuf::util::JsonStringToMessage(json, request.get());
    if (!parsed.ok()) {
      std::fprintf(stderr, "line %d: %s\n", line_no, parsed.ToString().c_str());
      return 1;
    }
    const std::string binary = request->SerializeAsString();
    ++n;
    Write(out / "rpc", n, std::string(1, caller_byte) + path + "\n" + binary);
    const std::string auth =
        placeholder.empty() ? "" : "Authorization: Bearer " + placeholder + "\n";
    Write(out / "connect", 2 * n, path + "\nContent-Type: application/json\n" + auth + "\n" + json);
    Write(out / "connect", 2 * n + 1,
          path + "\nContent-Type: application/proto\nConnect-Timeout-Ms: 5000\n" + auth + "\n" +
              binary);
    static const std::regex name_re(R"re("((clinics|exercises|protocols)/[^"]*)")re");
    for (std::sregex_iterator it(json.begin(), json.end(), name_re), end; it != end; ++it) {
      names.insert((*it)[1]);
    }
  }
  int a = 0;
  for (const auto& [caller, c] : callers) {
    for (const std::string& name : names) {
      Write(out / "auth", ++a, (c.second.empty() ? "" : "Bearer " + c.second) + "\n" + name);
    }
  }
  Write(out / "connect", 0,
        "/ptrack.v1.AuthService/WhoAmI\nContent-Type: application/json\nContent-Encoding: "
        "gzip\n\n{}");
  std::printf("%d requests, %zu names\n", n, names.size());
  return 0;
}
