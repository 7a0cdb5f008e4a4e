// Commands: instruments, questionnaires, answer, outcomes, assign-instrument — outcome measures
// (OutcomeService): what is due, answering it exactly once, and the scores with their change
// since the baseline.
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <iostream>

#include "clients/cli/commands.h"
#include "clients/cli/uuid.h"
#include "ptrack/v1/outcome.grpc.pb.h"

namespace ptrack::cli {
namespace {

std::string InstrumentName(const std::string& id) {
  return id.find('/') == std::string::npos ? "instruments/" + id : id;
}

std::string Bare(const std::string& name) { return name.substr(name.rfind('/') + 1); }

const char* Verdict(v1::OutcomeChange c) {
  switch (c) {
    case v1::OUTCOME_CHANGE_IMPROVED:
      return "improved";
    case v1::OUTCOME_CHANGE_WORSENED:
      return "worse";
    default:
      return "no clear change";
  }
}

}  // namespace

int Instruments(Client& c) {
  auto stub = v1::OutcomeService::NewStub(c.channel());
  v1::ListInstrumentsResponse resp;
  auto status = stub->ListInstruments(c.Context().get(), v1::ListInstrumentsRequest(), &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const v1::Instrument& in : resp.instruments()) {
    std::cout << Bare(in.name()) << "  " << in.display_name() << "  (" << in.items_size()
              << " items, " << in.scoring() << ", " << (in.higher_is_better() ? "higher" : "lower")
              << " is better, MCID " << in.mcid() << ")\n    " << in.licence() << "\n";
  }
  return kExitOk;
}

int Questionnaires(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  auto stub = v1::OutcomeService::NewStub(c.channel());
  v1::ListDueQuestionnairesRequest req;
  req.set_parent(patient);
  v1::ListDueQuestionnairesResponse resp;
  auto status = stub->ListDueQuestionnaires(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  if (resp.due().empty()) std::cout << "Nothing to answer today.\n";
  for (const v1::DueQuestionnaire& d : resp.due()) {
    for (const v1::Instrument& in : resp.instruments()) {
      if (in.name() != d.instrument()) continue;
      std::cout << Bare(in.name()) << "  " << in.display_name() << " (" << d.occasion()
                << ", due from " << d.due_date() << ")\n";
      for (const v1::InstrumentItem& item : in.items()) {
        std::cout << "  " << item.id() << " " << item.min() << ".." << item.max()
                  << (item.required() ? "" : " (optional)");
        if (auto named = d.activities().find(item.id()); named != d.activities().end()) {
          std::cout << "  [" << named->second << "]";
        }
        std::cout << "  " << item.text() << "\n";
      }
    }
  }
  return kExitOk;
}

int Answer(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto instrument = c.args().Get("instrument");
  if (!instrument) return Usage("--instrument is required (see `ptrack questionnaires`)");
  v1::SubmitOutcomeResponseRequest req;
  req.set_parent(patient);
  req.set_response_id(c.args().Get("id").value_or(NewUuid()));
  v1::OutcomeResponse* r = req.mutable_response();
  r->set_instrument(InstrumentName(*instrument));
  const std::string at = c.args().Get("at").value_or("");
  if (at.empty()) {
    *r->mutable_answer_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  } else if (!google::protobuf::util::TimeUtil::FromString(at, r->mutable_answer_time())) {
    return Usage("--at must be an RFC 3339 time such as 2026-11-21T18:30:00-05:00");
  }
  // --item ID=VALUE[:ACTIVITY]; the server checks ids and ranges and names what is wrong.
  for (const std::string& spec : c.args().GetAll("item")) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) return Usage("--item must be ID=VALUE or ID=VALUE:ACTIVITY");
    const std::string rest = spec.substr(eq + 1);
    const auto colon = rest.find(':');
    const std::string number = rest.substr(0, colon);
    char* end = nullptr;
    const long value = std::strtol(number.c_str(), &end, 10);
    if (number.empty() || *end != '\0' || value < -1000 || value > 1000) {
      return Usage("--item " + spec + ": the value must be a whole number");
    }
    v1::OutcomeAnswer* a = r->add_answers();
    a->set_item(spec.substr(0, eq));
    a->set_value(static_cast<int>(value));
    if (colon != std::string::npos) a->set_activity(rest.substr(colon + 1));
  }
  auto stub = v1::OutcomeService::NewStub(c.channel());
  v1::SubmitOutcomeResponseResponse resp;
  auto status = stub->SubmitOutcomeResponse(c.Context().get(), req, &resp);
  if (!status.ok()) {
    const auto code = status.error_code();
    if (code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
        code == grpc::StatusCode::UNKNOWN) {
      std::cerr << "retry with --id " << req.response_id() << " --at "
                << google::protobuf::util::TimeUtil::ToString(r->answer_time())
                << " (and the same answers) to submit them exactly once\n";
    }
    return c.Fail(status);
  }
  if (c.json()) return c.PrintJson(resp);
  const v1::OutcomeResponse& s = resp.response();
  std::printf("%s %s: score %g", resp.replayed() ? "Already submitted" : "Submitted",
              Bare(s.instrument()).c_str(), s.score());
  if (s.has_percent()) std::printf(" (%.0f %%)", s.percent());
  if (s.baseline()) {
    std::printf(", the baseline\n");
  } else if (s.has_change()) {
    std::printf(", %+g since the baseline: %s (MCID %s)\n", s.change(), Verdict(s.verdict()),
                s.mcid().c_str());
  } else {
    std::printf(": %s\n", Verdict(s.verdict()));
  }
  return kExitOk;
}

int Outcomes(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  auto stub = v1::OutcomeService::NewStub(c.channel());
  v1::ListOutcomeResponsesRequest req;
  req.set_parent(patient);
  if (auto in = c.args().Get("instrument")) req.set_instrument(InstrumentName(*in));
  req.set_program(c.args().Get("program").value_or(""));
  v1::ListOutcomeResponsesResponse resp;
  auto status = stub->ListOutcomeResponses(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  if (resp.responses().empty()) std::cout << "No outcome measures answered yet.\n";
  for (const v1::OutcomeResponse& r : resp.responses()) {
    std::printf("%s  %-5s %6g", r.local_date().c_str(), Bare(r.instrument()).c_str(), r.score());
    if (r.has_percent()) std::printf(" (%3.0f %%)", r.percent());
    if (r.baseline()) {
      std::printf("  baseline\n");
    } else if (r.has_change()) {
      std::printf("  %+g  %s (MCID %s)\n", r.change(), Verdict(r.verdict()), r.mcid().c_str());
    } else {
      std::printf("  %s\n", Verdict(r.verdict()));
    }
  }
  return kExitOk;
}

int AssignInstrument(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto instrument = c.args().Get("instrument");
  if (!instrument) return Usage("--instrument is required (see `ptrack instruments`)");
  const std::string program = ActiveProgram(c, patient);
  if (program.empty()) return kExitFailed;
  auto stub = v1::OutcomeService::NewStub(c.channel());
  v1::AssignInstrumentRequest req;
  req.set_program(program);
  req.set_instrument(InstrumentName(*instrument));
  req.set_unassign(c.args().Has("remove"));
  v1::AssignInstrumentResponse resp;
  auto status = stub->AssignInstrument(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  std::cout << "The program asks:";
  for (const std::string& in : resp.instruments()) std::cout << " " << Bare(in);
  std::cout << "\n";
  return kExitOk;
}

}  // namespace ptrack::cli
