// Saved sign-in, stored as a small JSON object (written with protobuf's JSON support so the
// client needs no other JSON library).
#include "clients/cli/profile.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ptrack::cli {

std::string ConfigDir() {
  if (const char* d = std::getenv("PTRACK_CONFIG_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::string(x) + "/ptrack";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.config/ptrack";
}

static std::string ProfilePath() { return ConfigDir() + "/session.json"; }

std::optional<Profile> LoadProfile() {
  std::ifstream in(ProfilePath());
  if (!in) return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(buf.str(), &s).ok()) return std::nullopt;
  auto field = [&](const char* k) {
    auto it = s.fields().find(k);
    return it == s.fields().end() ? std::string() : it->second.string_value();
  };
  return Profile{field("server"), field("token"),  field("username"),
                 field("role"),   field("clinic"), field("subject")};
}

bool SaveProfile(const Profile& p, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(ConfigDir(), ec);
  google::protobuf::Struct s;
  auto& f = *s.mutable_fields();
  f["server"].set_string_value(p.server);
  f["token"].set_string_value(p.token);
  f["username"].set_string_value(p.username);
  f["role"].set_string_value(p.role);
  f["clinic"].set_string_value(p.clinic);
  f["subject"].set_string_value(p.subject);
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(s, &json);
  const std::string path = ProfilePath(), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) {
      error = "cannot write " + tmp;
      return false;
    }
    ::chmod(tmp.c_str(), 0600);
    out << json << "\n";
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

void DeleteProfile() {
  std::error_code ec;
  std::filesystem::remove(ProfilePath(), ec);
}

}  // namespace ptrack::cli
