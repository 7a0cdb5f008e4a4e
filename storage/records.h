// Persisted records that are not scheduling domain values: clinics, accounts, therapists,
// patients and bearer tokens. Plain value types; storage and the service share them, the
// scheduler never sees them.
#pragma once

#include <cstdint>
#include <string>

#include "scheduler/time.h"

namespace ptrack {

enum class Role { kUnspecified = 0, kPatient = 1, kTherapist = 2, kClinicAdmin = 3 };

struct Clinic {
  std::string id;
  std::string display_name;
  std::string time_zone;
};

// A sign-in. subject_id names the patient or therapist the account acts as (empty for admins).
struct Account {
  std::string username;
  std::string password_hash;  // libsodium crypto_pwhash_str output (Argon2id)
  Role role = Role::kUnspecified;
  std::string clinic_id;
  std::string subject_id;
  Instant create_time{};
};

struct Therapist {
  std::string id;
  std::string clinic_id;
  std::string display_name;
  std::string username;
};

struct Patient {
  std::string id;
  std::string clinic_id;
  std::string display_name;
  std::string time_zone;  // IANA name, validated at the edge
  std::string therapist_id;
  std::string username;
  Instant create_time{};
  int64_t version = 1;  // bumped on every update; the service derives the etag from it
};

// A bearer token as stored: only its hash, never the token itself.
struct TokenRecord {
  std::string token_hash;  // raw SHA-256 bytes
  std::string username;
  Instant create_time{};
  Instant expire_time{};  // absolute expiry
  bool revoked = false;
};

}  // namespace ptrack
