// Proto <-> domain conversion. Pure field mapping: no validation beyond what the mapping needs
// (validation lives in validate.h), no storage access. Resource names are built here from ids.
#pragma once

#include "ptrack/v1/auth.pb.h"
#include "ptrack/v1/catalog.pb.h"
#include "ptrack/v1/clinic.pb.h"
#include "ptrack/v1/program.pb.h"
#include "ptrack/v1/progression.pb.h"
#include "ptrack/v1/session.pb.h"
#include "scheduler/adherence.h"
#include "scheduler/plan.h"
#include "storage/records.h"

namespace google::protobuf {
class Timestamp;
}

namespace ptrack::convert {

void ToProto(Instant t, google::protobuf::Timestamp* out);
Instant FromProto(const google::protobuf::Timestamp& t);

void ToProto(const Dose& d, v1::Dose* out);
Dose FromProto(const v1::Dose& d);
v1::Region ToProto(Region r);
Region FromProto(v1::Region r);
Side FromProto(v1::Side s);

void ToProto(const Exercise& e, v1::Exercise* out);
// The client-supplied fields of an exercise (id, clinic and ladder defaults are the caller's).
Exercise FromProto(const v1::Exercise& e, Violations& out);
void ToProto(const std::vector<Phase>& phases, google::protobuf::RepeatedPtrField<v1::Phase>* out);
void ToProto(const Protocol& p, v1::Protocol* out);

v1::Role ToProto(Role r);
void ToProto(const Clinic& c, v1::Clinic* out);
void ToProto(const Therapist& t, v1::Therapist* out);
void ToProto(const Patient& p, v1::Patient* out);
std::string PatientEtag(const Patient& p);

void ToProto(const Program& p, const std::string& clinic_id, v1::Program* out);
void ToProto(const ProgramRevision& r, v1::ProgramRevision* out);

ExerciseLog FromProto(const v1::ExerciseLog& l);
void ToProto(const Session& s, const std::string& clinic_id, v1::Session* out);

void ToProto(const AdherenceDay& d, v1::AdherenceDay* out);

// `program_name` is the decision's parent.
void ToProto(const Decision& d, const std::string& program_name, v1::Decision* out);
void ToProto(const Flag& f, const std::string& clinic_id, const std::string& patient_id,
             v1::Flag* out);
v1::ProgressionMode ToProto(ProgressionMode m);
v1::PhaseKind ToProto(PhaseKind k);
v1::DischargeReason ToProto(DischargeReason r);
DischargeReason FromProto(v1::DischargeReason r);
PhaseKind FromProto(v1::PhaseKind k);
ProgressionMode FromProto(v1::ProgressionMode m);
void ToProto(const ProgressionRules& r, v1::ProgressionRules* out);
ProgressionRules FromProto(const v1::ProgressionRules& r);
// Phases from the wire; a malformed exercise name is reported under `field` and skipped.
std::vector<Phase> FromProto(const google::protobuf::RepeatedPtrField<v1::Phase>& phases,
                             const std::string& field, Violations& out);

}  // namespace ptrack::convert
