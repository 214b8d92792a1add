// SystemService.Ping / Traceroute: the probe engine (probe.h) driven from the API, its
// observations streamed to the client as they come.
#include <deque>

#include "gateway_state.h"
#include "probe.h"
#include "vgw/esp/dataplane/dataplane.h"
#include "vgw/routing/gateway.h"
#include "vgw/routing/server_stream.h"

namespace vgw::routing {

namespace {

// Messages of one probe run, queued for the client; the run ends with the stream.
class ProbeStream final : public api::ServerStream {
 public:
  Next next() override {
    if (!queue_.empty()) {
      auto m = std::move(queue_.front());
      queue_.pop_front();
      return message(std::move(m));
    }
    return finished_ ? end() : wait();
  }
  void push(std::unique_ptr<api::Message> m, bool last) {
    queue_.push_back(std::move(m));
    finished_ |= last;
    if (wake) wake();
  }
  std::unique_ptr<ProbeRun> run;

 private:
  std::deque<std::unique_ptr<api::Message>> queue_;
  bool finished_ = false;
};

Result<uint32_t> in_range(const char* field, uint32_t value, uint32_t fallback, uint32_t lo, uint32_t hi) {
  if (value == 0) return fallback;
  if (value < lo || value > hi) {
    return fail(Error::invalid(std::string(field) + " " + std::to_string(value) + " is out of range (" +
                               std::to_string(lo) + "-" + std::to_string(hi) + ")"));
  }
  return value;
}

}  // namespace

// Destination, source and interface of a probe, checked; a tunnel's name means its interface.
Result<ProbeOptions> Gateway::probe_target(const std::string& destination, const std::string& source,
                                           const std::string& interface) const {
  ProbeOptions o;
  auto d = IpAddress::parse(destination);
  if (!d) return fail(Error::invalid("destination: " + d.error().message));
  if (d->is_unspecified() || d->is_multicast()) {
    return fail(Error::invalid("destination " + d->to_string() + " is not a unicast address"));
  }
  o.destination = *d;
  if (!source.empty()) {
    auto s = IpAddress::parse(source);
    if (!s) return fail(Error::invalid("source: " + s.error().message));
    if (s->is_v4() != d->is_v4()) return fail(Error::invalid("source " + source + " is not of the destination's family"));
    o.source = *s;
  }
  if (!interface.empty()) {
    if (model_.tunnels.count(interface)) {
      if (!tunnels_ || !tunnels_->dataplane) {
        return fail(Error::unavailable("tunnel " + interface + ": the dataplane is not running"));
      }
      auto info = tunnels_->dataplane->tunnel(interface);
      if (!info) return fail(Error::unavailable("tunnel " + interface + ": " + info.error().message));
      o.interface = info->interface_name;
    } else {
      if (auto st = validate_interface_name("interface", interface); !st) return fail(st.error());
      o.interface = interface;
    }
  }
  return o;
}

Result<std::unique_ptr<api::ServerStream>> Gateway::ping(const v1::PingRequest& req) {
  if (io_ == nullptr) return fail(Error::unavailable("probes need the running daemon"));
  auto o = probe_target(req.destination(), req.source(), req.interface());
  if (!o) return fail(o.error());
  auto count = in_range("count", req.count(), 5, 1, 1000);
  auto interval = in_range("interval_ms", req.interval_ms(), 1000, 10, 60000);
  auto timeout = in_range("timeout_ms", req.timeout_ms(), 2000, 10, 60000);
  for (const auto* r : {&count, &interval, &timeout}) {
    if (!*r) return fail(r->error());
  }
  if (req.has_size() && req.size() > 9000) {
    return fail(Error::invalid("size " + std::to_string(req.size()) + " is out of range (0-9000)"));
  }
  o->count = *count;
  o->size = req.has_size() ? req.size() : 56;
  o->interval = std::chrono::milliseconds(*interval);
  o->timeout = std::chrono::milliseconds(*timeout);
  auto stream = std::make_unique<ProbeStream>();
  ProbeStream* out = stream.get();
  struct Rtts {
    double min = 0, max = 0, sum = 0;
    uint32_t n = 0;
  };
  auto rtts = std::make_shared<Rtts>();
  auto run = ProbeRun::ping(*io_, *o, [out, rtts](const ProbeEvent& e) {
    auto m = std::make_unique<v1::PingReply>();
    m->set_sequence(e.sequence);
    if (e.from) m->set_from(e.from->to_string());
    switch (e.kind) {
      case ProbeEvent::Kind::kReply:
        if (!e.note.empty()) {
          m->set_kind(v1::PingReply::ERROR);
          m->set_error(e.note);
          break;
        }
        m->set_kind(v1::PingReply::REPLY);
        m->set_bytes(e.bytes);
        m->set_ttl(e.ttl);
        m->set_rtt_ms(e.rtt_ms.empty() ? 0 : e.rtt_ms[0]);
        if (rtts->n == 0 || m->rtt_ms() < rtts->min) rtts->min = m->rtt_ms();
        rtts->max = std::max(rtts->max, m->rtt_ms());
        rtts->sum += m->rtt_ms();
        ++rtts->n;
        break;
      case ProbeEvent::Kind::kTimeout:
        m->set_kind(v1::PingReply::TIMEOUT);
        m->set_error(e.note);
        break;
      default:
        m->set_kind(v1::PingReply::DONE);
        m->set_sent(e.sent);
        m->set_received(e.received);
        if (rtts->n) {
          m->set_rtt_min_ms(rtts->min);
          m->set_rtt_avg_ms(rtts->sum / rtts->n);
          m->set_rtt_max_ms(rtts->max);
        }
        break;
    }
    out->push(std::move(m), e.kind == ProbeEvent::Kind::kDone);
  });
  if (!run) return fail(run.error());
  stream->run = std::move(*run);
  return std::unique_ptr<api::ServerStream>(std::move(stream));
}

Result<std::unique_ptr<api::ServerStream>> Gateway::traceroute(const v1::TracerouteRequest& req) {
  if (io_ == nullptr) return fail(Error::unavailable("probes need the running daemon"));
  auto o = probe_target(req.destination(), req.source(), req.interface());
  if (!o) return fail(o.error());
  auto hops = in_range("max_hops", req.max_hops(), 30, 1, 255);
  auto probes = in_range("probes", req.probes(), 3, 1, 10);
  auto timeout = in_range("timeout_ms", req.timeout_ms(), 2000, 10, 60000);
  for (const auto* r : {&hops, &probes, &timeout}) {
    if (!*r) return fail(r->error());
  }
  o->count = *hops;
  o->probes = *probes;
  o->timeout = std::chrono::milliseconds(*timeout);
  auto stream = std::make_unique<ProbeStream>();
  ProbeStream* out = stream.get();
  auto run = ProbeRun::traceroute(*io_, *o, [out](const ProbeEvent& e) {
    if (e.kind == ProbeEvent::Kind::kDone) return;  // the last hop said so
    auto m = std::make_unique<v1::TracerouteHop>();
    m->set_hop(e.sequence);
    if (e.from) m->set_from(e.from->to_string());
    for (double r : e.rtt_ms) m->add_rtt_ms(r);
    m->set_lost(e.lost);
    m->set_reached(e.reached);
    m->set_note(e.note);
    m->set_done(e.last);
    out->push(std::move(m), e.last);
  });
  if (!run) return fail(run.error());
  stream->run = std::move(*run);
  return std::unique_ptr<api::ServerStream>(std::move(stream));
}

}  // namespace vgw::routing
