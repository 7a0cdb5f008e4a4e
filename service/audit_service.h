// ptrack.v1.AuditService: a clinic admin reads the audit log of their clinic, newest first.
#pragma once

#include "ptrack/v1/audit.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class AuditServiceImpl final : public v1::AuditService::CallbackService {
 public:
  explicit AuditServiceImpl(Deps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ListAuditEvents(grpc::CallbackServerContext* context,
                                            const v1::ListAuditEventsRequest* request,
                                            v1::ListAuditEventsResponse* response) override;

 private:
  Deps deps_;
};

}  // namespace ptrack
