// vgw::bgp::Speaker - the BGP-4 speaker (library vgw::bgp), the facade routing/ uses.
//
// Data flow
//
//   TCP (transport/connection)        per peer: Peer = session FSM(s) + connection
//     bytes -> whole messages ----> OPEN/KEEPALIVE/NOTIFICATION -> session::Fsm -> actions
//                                   UPDATE -> wire::parse_update into one reused Update
//                                      |
//                                      v  receive path (adj_rib_in.cc)
//   import: RFC 8212 gate, AS loop, import policy -> AttributeStore::intern (one hash lookup
//   per UPDATE, not per prefix) -> PathTable::set/remove (Adj-RIBs-In: prefix -> attr id)
//                                      |
//                                      v  per changed destination (loc_rib.cc)
//   decision (decision.h): best path + multipath, flags in the PathTable (Loc-RIB)
//      |                                  |
//      v                                  v
//   rib::Rib::add(prefix, {ebgp|ibgp,     each Established peer's AdjRibOut (update_out.cc):
//     instance 0, group of best and       export rules (split horizon, iBGP, NO_EXPORT, AS
//     multipath next-hops})               loop), eBGP prepend + next-hop self, export policy,
//   the RIB resolves the next-hops        interned out-attributes; staged, deduplicated
//   recursively; unresolvable: not            |
//   selected there                            v  work loop, bounded per turn, paused above
//                                         the send queue's high-water mark, MRAI: pending
//                                         prefixes grouped by attributes -> pack_announce /
//                                         pack_withdraw -> connection; End-of-RIB after the
//                                         initial table
//
// Peers going down: their paths are marked stale and removed by a sweep - or, for a
// graceful-restart-capable peer (RFC 4724 helper), kept until it is back and sends End-of-RIB
// or the restart timer expires. Enhanced route refresh (RFC 7313) reuses the same marking on
// BoRR/EoRR. Marks and sweeps are chunked walks queued per peer; while a mark runs, nothing
// more is read from that peer (a stream of BoRRs costs one walk at a time, never a stall).
//
// Everything runs on the io_context's thread: no locks; every method of Speaker must be called
// on that thread (post to it from others). Long walks (peer flush, initial table export, next-hop
// revalidation) proceed in chunks of Config::walk_budget destinations per loop turn.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/bgp/config.h"
#include "vgw/bgp/status.h"
#include "vgw/rib/rib.h"

namespace vgw::bgp {

class Engine;

class Speaker {
 public:
  Speaker(boost::asio::io_context& io, rib::Rib& rib, Config config);
  ~Speaker();
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  // Opens the listening sockets (if Config::listen) and starts the configured peers.
  Status start();
  // Sends Cease (Administrative Shutdown) to every peer and closes the listener. The speaker's
  // routes leave the RIB.
  void stop();
  const Config& config() const;
  // The bound listening port (useful with Config::listen_port = 0).
  uint16_t listen_port() const;

  // ---- Peers ----
  Status add_peer(PeerConfig peer);
  // Replaces a peer's configuration. Changes to transport or capabilities reset the session
  // (Cease / Other Configuration Change); policy changes apply with soft resets; setting or
  // clearing shutdown sends Cease / Administrative Shutdown (with the RFC 8203 message) or
  // starts the session.
  Status update_peer(PeerConfig peer);
  // Cease / Peer De-configured, then the peer's routes go.
  Status remove_peer(const IpAddress& address);
  // Asks the peer to send its routes again (ROUTE-REFRESH for each negotiated family).
  Status soft_reset_in(const IpAddress& address);
  // Re-evaluates export policy and sends the differences.
  Status soft_reset_out(const IpAddress& address);
  // Cease / Administrative Reset, then the session restarts.
  Status hard_reset(const IpAddress& address);
  // BFD saw the path fail (RFC 5882 4.3): Cease / BFD Down (RFC 9384), then the session
  // restarts; its routes leave at once.
  Status bfd_down(const IpAddress& address);

  // ---- Local routes (`network PREFIX`) ----
  // Originates prefix with ORIGIN IGP and an empty AS_PATH (weight 32768 as in FRR); extra
  // attributes (communities, MED ...) may be given.
  Status add_network(const Prefix& prefix, const wire::PathAttributes* attributes = nullptr);
  Status remove_network(const Prefix& prefix);

  // Re-checks next-hop reachability now. Not needed for RIB changes: the speaker watches the
  // RIB's routes that can resolve next-hops (Rib::watch_resolvers) and re-checks by itself.
  void nexthops_changed();

  // ---- Settings that change without a session reset ----
  // `maximum-paths` and `bgp bestpath as-path multipath-relax`: every destination with several
  // paths is decided again (in chunks, like a next-hop change); what changed goes to the RIB
  // and the peers.
  void set_multipath(uint16_t maximum_paths, uint16_t maximum_paths_ibgp, bool relax);
  // RFC 8212 on or off: an established eBGP peer without an import policy loses the routes it
  // sent (on) or is asked for them again (off: ROUTE-REFRESH; a reset when it cannot refresh);
  // one without an export policy has everything withdrawn (on) or sent (off).
  void set_ebgp_requires_policy(bool on);

  // ---- Queries ----
  std::vector<PeerStatus> peers() const;
  std::optional<PeerStatus> peer(const IpAddress& address) const;
  // A peer's accepted routes (post import policy), in prefix order after `after`, at most max.
  std::vector<RouteView> adj_rib_in(const IpAddress& peer, Family family,
                                    const std::optional<Prefix>& after, size_t max) const;
  std::vector<RouteView> adj_rib_out(const IpAddress& peer, Family family,
                                     const std::optional<Prefix>& after, size_t max) const;
  // Every path of the prefix, best first, each with its reason.
  std::vector<PathView> paths(const Prefix& prefix) const;
  // Best paths in prefix order.
  std::vector<PathView> loc_rib(Family family, const std::optional<Prefix>& after,
                                size_t max) const;
  SpeakerStats stats() const;

 private:
  std::unique_ptr<Engine> engine_;
};

}  // namespace vgw::bgp
