// Resource name formatting and strict parsing.
#include "service/names.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "scheduler/catalogue.h"

namespace ptrack::names {
namespace {

// Splits "a/b/c" into segments; matches literal collection words at even positions and ids
// (IsValidId, or a UUID for sessions) at odd positions.
Result<std::vector<std::string>> Match(const std::string& name, const std::string& field,
                                       std::initializer_list<const char*> collections,
                                       const char* expected) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    parts.push_back(
        name.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  const auto bad = [&] {
    return Status::InvalidArgument(field, std::string("must be a resource name like ") + expected);
  };
  if (name.size() > 300 || parts.size() != collections.size() * 2) return bad();
  std::vector<std::string> ids;
  size_t i = 0;
  for (const char* collection : collections) {
    if (parts[i] != collection) return bad();
    std::string id = parts[i + 1];
    if (IsUuid(id)) {
      // UUIDs are stored in lower case; accept either case in names.
      std::transform(id.begin(), id.end(), id.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    } else if (!IsValidId(id)) {
      return bad();
    }
    ids.push_back(std::move(id));
    i += 2;
  }
  return ids;
}

}  // namespace

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

Result<std::string> ParseClinic(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"clinics"}, "clinics/{clinic}");
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

Result<PatientName> ParsePatient(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"clinics", "patients"}, "clinics/{clinic}/patients/{patient}");
  if (!ids.ok()) return ids.status();
  return PatientName{(*ids)[0], (*ids)[1]};
}

Result<PatientName> ParseTherapist(const std::string& name, const std::string& field) {
  auto ids =
      Match(name, field, {"clinics", "therapists"}, "clinics/{clinic}/therapists/{therapist}");
  if (!ids.ok()) return ids.status();
  return PatientName{(*ids)[0], (*ids)[1]};
}

Result<AccountName> ParseAccount(const std::string& name, const std::string& field) {
  // A user name may hold '.' and '_', which ids may not: the last segment is checked as a user
  // name (3..64 of a-z, 0-9, '.', '_', '-').
  const auto bad = [&] {
    return Status::InvalidArgument(field,
                                   "must be a resource name like clinics/{clinic}/accounts/{user}");
  };
  const size_t last = name.rfind('/');
  if (last == std::string::npos || name.size() > 300) return bad();
  const std::string prefix = name.substr(0, last);
  const std::string username = name.substr(last + 1);
  constexpr std::string_view kAccounts = "/accounts";
  if (prefix.size() <= kAccounts.size() || !prefix.ends_with(kAccounts)) return bad();
  auto ids = Match(prefix.substr(0, prefix.size() - kAccounts.size()), field, {"clinics"}, "");
  if (!ids.ok()) return bad();
  const bool username_ok =
      username.size() >= 3 && username.size() <= 64 &&
      std::all_of(username.begin(), username.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (!username_ok) return bad();
  return AccountName{(*ids)[0], username};
}

Result<AlertName> ParseAlert(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"clinics", "alerts"}, "clinics/{clinic}/alerts/{id}");
  if (!ids.ok()) return ids.status();
  const std::string& id = (*ids)[1];
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos ||
      id[0] == '0') {
    return Status::InvalidArgument(field, "must be clinics/{clinic}/alerts/{id}, id a number");
  }
  return AlertName{(*ids)[0], std::stoll(id)};
}

std::string Alert(const std::string& clinic, int64_t id) {
  return Clinic(clinic) + "/alerts/" + std::to_string(id);
}

Result<ChildName> ParseProgram(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"clinics", "patients", "programs"},
                   "clinics/{clinic}/patients/{patient}/programs/{program}");
  if (!ids.ok()) return ids.status();
  return ChildName{(*ids)[0], (*ids)[1], (*ids)[2]};
}

Result<ChildName> ParseSession(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"clinics", "patients", "sessions"},
                   "clinics/{clinic}/patients/{patient}/sessions/{session}");
  if (!ids.ok()) return ids.status();
  return ChildName{(*ids)[0], (*ids)[1], (*ids)[2]};
}

Result<DecisionName> ParseDecision(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"clinics", "patients", "programs", "decisions"},
                   "clinics/{clinic}/patients/{patient}/programs/{program}/decisions/{decision}");
  if (!ids.ok()) return ids.status();
  return DecisionName{{(*ids)[0], (*ids)[1], (*ids)[2]}, (*ids)[3]};
}

Result<std::string> ParseExercise(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"exercises"}, "exercises/{exercise}");
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

Result<std::string> ParseProtocol(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"protocols"}, "protocols/{protocol}");
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

Result<std::string> ParseInstrument(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"instruments"}, "instruments/{instrument}");
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

Result<ChildName> ParseOutcomeResponse(const std::string& name, const std::string& field) {
  auto ids = Match(name, field, {"clinics", "patients", "outcomeResponses"},
                   "clinics/{clinic}/patients/{patient}/outcomeResponses/{response}");
  if (!ids.ok()) return ids.status();
  return ChildName{(*ids)[0], (*ids)[1], (*ids)[2]};
}

std::string Clinic(const std::string& c) { return "clinics/" + c; }
std::string Patient(const std::string& c, const std::string& p) {
  return "clinics/" + c + "/patients/" + p;
}
std::string Therapist(const std::string& c, const std::string& t) {
  return "clinics/" + c + "/therapists/" + t;
}
std::string Account(const std::string& c, const std::string& username) {
  return "clinics/" + c + "/accounts/" + username;
}
std::string Program(const std::string& c, const std::string& p, const std::string& id) {
  return Patient(c, p) + "/programs/" + id;
}
std::string Session(const std::string& c, const std::string& p, const std::string& id) {
  return Patient(c, p) + "/sessions/" + id;
}
std::string Exercise(const std::string& id) { return "exercises/" + id; }
std::string Protocol(const std::string& id) { return "protocols/" + id; }
std::string Instrument(const std::string& id) { return "instruments/" + id; }
std::string OutcomeResponse(const std::string& c, const std::string& p, const std::string& id) {
  return Patient(c, p) + "/outcomeResponses/" + id;
}

}  // namespace ptrack::names
