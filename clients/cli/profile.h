// The client's saved sign-in: server address, bearer token and principal, kept as JSON in
// $PTRACK_CONFIG_DIR/session.json (default: $XDG_CONFIG_HOME/ptrack, else ~/.config/ptrack),
// readable only by the user. PTRACK_TOKEN and PTRACK_SERVER in the environment override it.
#pragma once

#include <optional>
#include <string>

namespace ptrack::cli {

struct Profile {
  std::string server;
  std::string token;
  std::string username;
  std::string role;     // "ROLE_PATIENT", ...
  std::string clinic;   // "clinics/{clinic}"
  std::string subject;  // the caller's own resource name
};

std::string ConfigDir();
std::optional<Profile> LoadProfile();
// Writes the profile with mode 0600. Returns false with `error` set on failure.
bool SaveProfile(const Profile& profile, std::string& error);
void DeleteProfile();

}  // namespace ptrack::cli
