// The caller's address from the peer string, or from the bridge's header on in-process calls.
#include "service/client_address.h"

#include <arpa/inet.h>
#include <grpcpp/security/auth_context.h>

#include <cstring>

namespace ptrack {
namespace {

// "%5B" -> "[" and "%5D" -> "]" (gRPC 1.51 writes IPv6 peers as "ipv6:%5B::1%5D:port").
std::string UnescapeBrackets(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "%5B") {
      out.push_back('[');
      i += 2;
    } else if (s.substr(i, 3) == "%5D") {
      out.push_back(']');
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> CanonicalIp(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  char out[INET6_ADDRSTRLEN];
  in_addr v4;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    if (inet_ntop(AF_INET, &v4, out, sizeof out) == nullptr) return std::nullopt;
    return std::string(out);
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    if (inet_ntop(AF_INET, &v4, out, sizeof out) == nullptr) return std::nullopt;
    return std::string(out);
  }
  if (inet_ntop(AF_INET6, &v6, out, sizeof out) == nullptr) return std::nullopt;
  return std::string(out);
}

std::string ClientAddressOf(std::string_view peer, bool in_process,
                            std::optional<std::string_view> header) {
  if (in_process) {
    if (header) {
      if (auto ip = CanonicalIp(*header)) return *ip;
    }
    return std::string(kInProcessAddress);
  }
  if (peer.starts_with("unix:") || peer.starts_with("unix-abstract:")) return "unix";
  std::string host;
  if (peer.starts_with("ipv4:")) {
    host = std::string(peer.substr(5));
    const size_t colon = host.rfind(':');
    if (colon != std::string::npos) host.resize(colon);
  } else if (peer.starts_with("ipv6:")) {
    host = UnescapeBrackets(peer.substr(5));  // "[::1]:54321"
    const size_t close = host.rfind(']');
    if (!host.starts_with("[") || close == std::string::npos) return std::string(peer);
    host = host.substr(1, close - 1);
    const size_t zone = host.find('%');  // a link-local zone ("fe80::1%eth0") is not the address
    if (zone != std::string::npos) host.resize(zone);
  } else {
    return peer.empty() ? std::string("unknown") : std::string(peer);
  }
  if (auto ip = CanonicalIp(host)) return *ip;
  return std::string(peer);
}

std::string ClientAddress(const grpc::ServerContextBase& context) {
  const std::string peer = context.peer();
  // The in-process transport reports no peer ("unknown") and no transport security type; every
  // network transport reports both (an insecure TCP one "insecure", TLS "ssl"). Both signs are
  // required, so that a network caller is never taken for the bridge.
  bool in_process = peer == "unknown";
  if (in_process) {
    const auto auth = context.auth_context();
    if (auth && !auth->FindPropertyValues("transport_security_type").empty()) in_process = false;
  }
  std::optional<std::string_view> header;
  const auto& md = context.client_metadata();
  if (auto it = md.find(grpc::string_ref(kClientAddressHeader.data(), kClientAddressHeader.size()));
      it != md.end()) {
    header = std::string_view(it->second.data(), it->second.size());
  }
  return ClientAddressOf(peer, in_process, header);
}

}  // namespace ptrack
