// Where a call comes from, for the per-address sign-in throttle (security_policy.h,
// docs/SECURITY.md "Failed sign-ins"). A call over TCP is from its peer's IP address; a call
// through the in-process channel (the HTTP port's Connect bridge, service/http/connect_bridge.cc)
// is from the address the bridge names in the metadata kClientAddressHeader. The header is believed
// only on the in-process transport: a gRPC caller over TCP that sends it is still its peer.
#pragma once

#include <grpcpp/server_context.h>

#include <optional>
#include <string>
#include <string_view>

namespace ptrack {

// The metadata key with which the Connect bridge names the HTTP client's IP ("127.0.0.1",
// "::1"). Lower case, as gRPC metadata keys are.
inline constexpr std::string_view kClientAddressHeader = "x-ptrack-client-address";

// What in-process calls without a (valid) address header are keyed by: they all share it.
inline constexpr std::string_view kInProcessAddress = "in-process";

// The caller's address: an IPv4 address in dotted form ("127.0.0.1"), an IPv6 one in its
// canonical text form ("::1"; an IPv4-mapped one as IPv4), "unix" for a Unix-domain socket,
// kInProcessAddress for an in-process call without a valid header, or the raw peer string for
// anything else. Never empty.
std::string ClientAddress(const grpc::ServerContextBase& context);

// The rule, on plain values: `peer` is ServerContext::peer() ("ipv4:127.0.0.1:54321",
// "ipv6:%5B::1%5D:54321", "unix:/path", "unknown" for in-process); `in_process` says whether the
// call came over the in-process transport; `header` is kClientAddressHeader's value, if sent.
std::string ClientAddressOf(std::string_view peer, bool in_process,
                            std::optional<std::string_view> header);

// The canonical text of an IP address ("::ffff:10.0.0.1" -> "10.0.0.1"), or nullopt when `text`
// is not an IPv4 or IPv6 address.
std::optional<std::string> CanonicalIp(std::string_view text);

}  // namespace ptrack
