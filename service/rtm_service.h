// ptrack.v1.RtmService: Remote Therapeutic Monitoring episodes, clinician time entries and the
// per-patient readiness (scheduler/rtm.h computes it; this class gathers the records: the
// episode covering the date, the patient's data days from session receive times in their zone,
// and the month's time entries).
#pragma once

#include "engine/progress_runner.h"
#include "ptrack/v1/rtm.grpc.pb.h"
#include "service/deps.h"

namespace ptrack {

class RtmServiceImpl final : public v1::RtmService::CallbackService {
 public:
  explicit RtmServiceImpl(Deps deps) : deps_(deps), runner_(deps) {}

  grpc::ServerUnaryReactor* StartRtmEpisode(grpc::CallbackServerContext* context,
                                            const v1::StartRtmEpisodeRequest* request,
                                            v1::RtmEpisode* response) override;
  grpc::ServerUnaryReactor* EndRtmEpisode(grpc::CallbackServerContext* context,
                                          const v1::EndRtmEpisodeRequest* request,
                                          v1::RtmEpisode* response) override;
  grpc::ServerUnaryReactor* ListRtmEpisodes(grpc::CallbackServerContext* context,
                                            const v1::ListRtmEpisodesRequest* request,
                                            v1::ListRtmEpisodesResponse* response) override;
  grpc::ServerUnaryReactor* AddRtmTimeEntry(grpc::CallbackServerContext* context,
                                            const v1::AddRtmTimeEntryRequest* request,
                                            v1::RtmTimeEntry* response) override;
  grpc::ServerUnaryReactor* ListRtmTimeEntries(grpc::CallbackServerContext* context,
                                               const v1::ListRtmTimeEntriesRequest* request,
                                               v1::ListRtmTimeEntriesResponse* response) override;
  grpc::ServerUnaryReactor* GetRtmStatus(grpc::CallbackServerContext* context,
                                         const v1::GetRtmStatusRequest* request,
                                         v1::RtmStatus* response) override;

 private:
  Deps deps_;
  ProgressRunner runner_;  // keeps the report row current after RTM records change
};

}  // namespace ptrack
