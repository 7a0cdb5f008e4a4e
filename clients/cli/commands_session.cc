// Commands: plan, log, sessions, adherence — the patient's daily loop.
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <iostream>

#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/uuid.h"
#include "ptrack/v1/program.grpc.pb.h"
#include "ptrack/v1/session.grpc.pb.h"

namespace ptrack::cli {
namespace {

std::optional<int> ParseInt(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  }
  return std::stoi(s);
}

// "band-row:sets=3,reps=10,hold=5,load=2.5,band=red,side=each" -> ExerciseLog; a pyramid done
// step by step is "bird-dog:steps=6-4-2,hold=5" (sets default to the number of steps).
bool ParseExercise(const std::string& spec, v1::ExerciseLog& out, std::string& error) {
  const auto colon = spec.find(':');
  std::string id = spec.substr(0, colon);
  out.set_exercise(id.find('/') == std::string::npos ? "exercises/" + id : id);
  if (colon == std::string::npos) return true;
  std::string rest = spec.substr(colon + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    const size_t comma = rest.find(',', start);
    const std::string kv =
        rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto eq = kv.find('=');
    if (eq == std::string::npos) {
      error = "expected key=value in \"" + kv + "\"";
      return false;
    }
    const std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (k == "band") {
      out.set_band(v);
    } else if (k == "side") {
      v1::Side side;
      std::string upper = "SIDE_";
      for (char ch : v) upper += static_cast<char>(std::toupper(ch));
      if (!v1::Side_Parse(upper, &side)) {
        error = "side must be both, each, left or right";
        return false;
      }
      out.set_side(side);
    } else if (k == "steps") {
      size_t from = 0;
      while (from <= v.size()) {
        const size_t dash = v.find('-', from);
        auto n =
            ParseInt(v.substr(from, dash == std::string::npos ? std::string::npos : dash - from));
        if (!n) {
          error = "steps must be whole numbers joined by dashes (6-4-2)";
          return false;
        }
        out.add_pyramid_reps(*n);
        if (dash == std::string::npos) break;
        from = dash + 1;
      }
      if (out.sets() == 0) out.set_sets(out.pyramid_reps_size());
    } else if (k == "load") {
      char* end = nullptr;
      const double load = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0') {
        error = "load must be a number";
        return false;
      }
      out.set_load_kg(load);
    } else {
      auto n = ParseInt(v);
      if (!n) {
        error = k + " must be a whole number";
        return false;
      }
      if (k == "sets")
        out.set_sets(*n);
      else if (k == "reps")
        out.set_reps(*n);
      else if (k == "hold")
        out.set_hold_seconds(*n);
      else if (k == "pain")
        out.set_pain(*n);
      else {
        error = "unknown key \"" + k + "\" (sets, reps, steps, hold, load, band, side, pain)";
        return false;
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

}  // namespace

int Plan(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  auto stub = v1::ProgramService::NewStub(c.channel());
  v1::GetPlanRequest req;
  req.set_parent(patient);
  req.set_start_date(c.args().Get("date").value_or(""));
  int days = c.args().Has("week") ? 7 : 1;
  if (auto d = c.args().Get("days")) {
    auto n = ParseInt(*d);
    if (!n) return Usage("--days must be a whole number");
    days = *n;
  }
  req.set_days(days);
  v1::Plan plan;
  auto status = stub->GetPlan(c.Context().get(), req, &plan);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(plan);
  for (const auto& day : plan.days()) {
    std::cout << day.date() << (day.date() == plan.today() ? " (today)" : "") << "  week "
              << day.program_week() << ", phase " << day.phase_number() << " " << day.phase_name();
    if (day.program_week() == 0) {
      std::cout << "  — the program has not started yet\n";
      continue;
    }
    if (day.suspended()) {
      std::cout << "\n  STOP: " << day.stop_message() << "\n";
      continue;
    }
    if (!day.training_day()) {
      std::cout << "  — rest day\n";
      continue;
    }
    std::cout << (day.sessions_logged()
                      ? "  — done (" + std::to_string(day.sessions_logged()) + " logged)"
                      : "")
              << "\n";
    for (const auto& e : day.exercises()) {
      std::printf("  %-34s %s\n", e.display_name().c_str(), DoseText(e.dose()).c_str());
      if (!e.why().empty()) std::printf("  %-34s why: %s\n", "", e.why().c_str());
    }
  }
  return kExitOk;
}

int Log(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  v1::LogSessionRequest req;
  req.set_parent(patient);
  req.set_session_id(c.args().Get("id").value_or(NewUuid()));
  v1::Session* s = req.mutable_session();
  const std::string at = c.args().Get("at").value_or("");
  if (at.empty()) {
    *s->mutable_perform_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  } else if (!google::protobuf::util::TimeUtil::FromString(at, s->mutable_perform_time())) {
    return Usage("--at must be an RFC 3339 time such as 2026-11-21T18:30:00-05:00");
  }
  struct {
    const char* flag;
    void (v1::Session::*set)(int32_t);
  } scales[] = {{"pain-before", &v1::Session::set_pain_before},
                {"pain-after", &v1::Session::set_pain_after},
                {"effort", &v1::Session::set_effort}};
  for (const auto& scale : scales) {
    auto v = c.args().Get(scale.flag);
    if (!v) continue;  // the server names what is missing
    auto n = ParseInt(*v);
    if (!n) return Usage(std::string("--") + scale.flag + " must be a whole number 0..10");
    (s->*scale.set)(*n);
  }
  s->set_notes(c.args().Get("notes").value_or(""));
  for (const std::string& flag : c.args().GetAll("red-flag")) s->add_red_flags(flag);
  for (const std::string& spec : c.args().GetAll("exercise")) {
    std::string error;
    if (!ParseExercise(spec, *s->add_exercises(), error)) return Usage("--exercise: " + error);
  }
  std::string plan_date;  // the plan day whose doses --as-prescribed logged
  if (c.args().Has("as-prescribed")) {
    auto programs = v1::ProgramService::NewStub(c.channel());
    v1::GetPlanRequest preq;
    preq.set_parent(patient);
    preq.set_start_date(c.args().Get("date").value_or(""));
    v1::Plan plan;
    auto status = programs->GetPlan(c.Context().get(), preq, &plan);
    if (!status.ok()) return c.Fail(status);
    if (plan.days_size() == 0) return Usage("the server returned no plan for that date");
    plan_date = plan.days(0).date();
    for (const auto& e : plan.days(0).exercises()) {
      v1::ExerciseLog* l = s->add_exercises();
      l->set_exercise(e.exercise());
      l->set_sets(e.dose().pyramid_reps_size() ? e.dose().pyramid_reps_size() : e.dose().sets());
      l->set_reps(e.dose().reps());
      for (int r : e.dose().pyramid_reps()) l->add_pyramid_reps(r);  // each step, as prescribed
      l->set_hold_seconds(e.dose().hold_seconds());
      l->set_load_kg(e.dose().load_kg());
      l->set_band(e.dose().band());
      l->set_side(e.dose().side());
    }
  }
  auto stub = v1::SessionService::NewStub(c.channel());
  v1::LogSessionResponse resp;
  auto status = stub->LogSession(c.Context().get(), req, &resp);
  if (!status.ok()) {
    const auto code = status.error_code();
    if (code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
        code == grpc::StatusCode::UNKNOWN) {
      // The server may or may not have stored it: the same id makes a retry safe.
      std::cerr << "retry with --id " << req.session_id() << " --at "
                << google::protobuf::util::TimeUtil::ToString(s->perform_time())
                << (plan_date.empty() ? "" : " --date " + plan_date)
                << " (and the same values) to log this session exactly once\n";
    }
    return c.Fail(status);
  }
  if (c.json()) return c.PrintJson(resp);
  std::cout << (resp.replayed() ? "Already logged: " : "Logged ") << resp.session().name()
            << " for " << resp.session().local_date() << " (" << resp.session().exercises_size()
            << " exercises)\n";
  if (resp.program_suspended()) std::cout << "STOP: " << resp.stop_message() << "\n";
  return kExitOk;
}

int Sessions(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  auto stub = v1::SessionService::NewStub(c.channel());
  v1::ListSessionsRequest req;
  req.set_parent(patient);
  req.set_start_date(c.args().Get("from").value_or(""));
  req.set_end_date(c.args().Get("to").value_or(""));
  req.set_page_size(200);
  v1::ListSessionsResponse all;
  auto status = FetchAllPages(req, &all, [&](const auto& r, auto* page) {
    return stub->ListSessions(c.Context().get(), r, page);
  });
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(all);
  for (const auto& s : all.sessions()) {
    std::printf("%s  pain %d->%d  effort %d  %d exercises  %s\n", s.local_date().c_str(),
                s.pain_before(), s.pain_after(), s.effort(), s.exercises_size(), s.name().c_str());
  }
  return kExitOk;
}

int Adherence(Client& c) {
  const std::string patient = c.PatientName();
  if (patient.empty()) return kExitUsage;
  const auto from = c.args().Get("from"), to = c.args().Get("to");
  if (!from || !to) return Usage("adherence --from YYYY-MM-DD --to YYYY-MM-DD [--patient P]");
  auto stub = v1::SessionService::NewStub(c.channel());
  v1::GetAdherenceRequest req;
  req.set_parent(patient);
  req.set_start_date(*from);
  req.set_end_date(*to);
  v1::Adherence resp;
  auto status = stub->GetAdherence(c.Context().get(), req, &resp);
  if (!status.ok()) return c.Fail(status);
  if (c.json()) return c.PrintJson(resp);
  for (const auto& d : resp.days()) {
    std::printf("%s  %s  done %d%s\n", d.date().c_str(),
                d.sessions_prescribed() ? "prescribed" : "rest      ", d.sessions_done(),
                d.max_pain() >= 0 ? ("  max pain " + std::to_string(d.max_pain())).c_str() : "");
  }
  std::printf("Adherence %s..%s: %d of %d prescribed sessions (%.0f%%)\n",
              resp.start_date().c_str(), resp.end_date().c_str(), resp.sessions_done(),
              resp.sessions_prescribed(), resp.ratio() * 100);
  return kExitOk;
}

}  // namespace ptrack::cli
