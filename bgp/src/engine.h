// The speaker's insides (private): Engine holds the shared state - attribute store, next-hop
// table, the two PathTables (Adj-RIBs-In + Loc-RIB), the peers, the listener, the RIB - and the
// route processing: receive (adj_rib_in.cc), decision and RIB install (loc_rib.cc), export
// (update_out.cc), background walks and the work loop (work.cc), queries (speaker_query.cc).
// Peer (peer.h) drives one neighbour's sessions and connections.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <vector>

#include "family.h"
#include "vgw/base/clock.h"
#include "vgw/bgp/attribute_store.h"
#include "vgw/bgp/config.h"
#include "vgw/bgp/decision.h"
#include "vgw/bgp/nexthop_table.h"
#include "vgw/bgp/path_table.h"
#include "vgw/bgp/transport/listener.h"
#include "vgw/bgp/wire/update.h"
#include "vgw/rib/rib.h"

namespace vgw::bgp {

class Peer;

// Matches no path: decide() after a change that is not one peer's path (next-hop revalidation).
inline constexpr PeerId kNoPeer = 0xffff;

// Weight FRR gives locally originated routes; we do the same.
inline constexpr uint32_t kLocalRouteWeight = 32768;

// What the RIB holds for a destination (Path::installed of its first path).
inline constexpr uint8_t kInstalledNone = 0;
inline constexpr uint8_t kInstalledEbgp = 1;
inline constexpr uint8_t kInstalledIbgp = 2;

class Engine {
 public:
  Engine(boost::asio::io_context& io, rib::Rib& rib, Config config);
  ~Engine();

  template <typename Key>
  PathTable<Key>& table() {
    if constexpr (std::is_same_v<Key, rib::Ipv4Key>) return v4_; else return v6_;
  }
  template <typename Key>
  const PathTable<Key>& table() const {
    if constexpr (std::is_same_v<Key, rib::Ipv4Key>) return v4_; else return v6_;
  }
  Peer* peer(PeerId id) const { return id < peers_.size() ? peers_[id].get() : nullptr; }
  Peer* find_peer(const IpAddress& address) const;

  // ---- Lifecycle (speaker.cc) ----
  Status start();
  void stop();
  Status add_peer(PeerConfig config);
  Status update_peer(PeerConfig config);
  Status remove_peer(const IpAddress& address);
  void on_accept(boost::asio::ip::tcp::socket socket);
  Status set_network(const Prefix& prefix, const wire::PathAttributes* attributes, bool add);

  // ---- Receive path (adj_rib_in.cc) ----
  void receive_update(Peer& peer, const wire::Update& update);
  template <typename Key>
  void announce(Peer* peer, PeerId id, std::span<const typename FamilyTraits<Key>::WirePrefix> nlri,
                const wire::PathAttributes& attrs, const IpAddress& next_hop);
  template <typename Key>
  void withdraw(Peer* peer, PeerId id, Key key, int len);
  bool martian_next_hop(const Peer& peer, const IpAddress& hop) const;
  template <typename Key>
  void withdraw_at(Peer* peer, PeerId id, typename PathTable<Key>::Handle dest);
  // Gives the path of (id, key/len) the attribute set attr, consuming one reference on it.
  template <typename Key>
  void set_path(Peer* peer, PeerId id, Key key, int len, AttrId attr);
  // Marks the peer's paths stale (of the families in mask bit 0 = IPv4, 1 = IPv6), holding
  // the peer's input until it is done; then (sweep) removes its stale paths of those families.
  // Both are walks queued per peer in order and run in chunks by the work loop, so a BoRR or a
  // session going down never walks a full table in one turn of the loop.
  void mark_stale(Peer& peer, unsigned family_mask);
  void sweep_stale(Peer& peer, unsigned family_mask);
  void queue_stale_walk(Peer& peer, bool sweep, unsigned family_mask);
  // One bounded step of the peer's queued walks.
  void stale_walk_step(Peer& peer, size_t budget);

  // ---- Decision and RIB (loc_rib.cc) ----
  // Re-runs the decision for dest after a change to the path of `touched` (removed_selected:
  // the touched path was removed while selected). Installs and exports what changed.
  template <typename Key>
  void decide(typename PathTable<Key>::Handle dest, PeerId touched, bool removed_selected);
  // Gathers the destination's candidates (paths in `paths`, same order).
  template <typename Key>
  void candidates(typename PathTable<Key>::Handle dest, std::vector<Candidate>& out,
                  std::vector<Path*>* paths) const;
  DecisionOptions decision_options() const;
  // Puts the destination's selection into the RIB (or takes it out).
  template <typename Key>
  void install(typename PathTable<Key>::Handle dest);

  // ---- Export (update_out.cc) ----
  // The attribute set to advertise to `to` for dest (new reference), kNoAttr: nothing.
  template <typename Key>
  AttrId export_attr(Peer& to, typename PathTable<Key>::Handle dest);
  template <typename Key>
  void stage(Peer& to, typename PathTable<Key>::Handle dest);
  template <typename Key>
  void fan_out(typename PathTable<Key>::Handle dest);
  // The id of the peer's outbound signature (update group), assigned on first use.
  uint32_t export_group(Peer& peer);
  void on_established(Peer& peer);
  void on_session_down(Peer& peer, bool graceful);
  // The peer asked for our routes again (RFC 2918; RFC 7313 BoRR/EoRR when enhanced).
  void on_route_refresh(Peer& peer, int family_index);
  // Re-evaluates everything exported to the peer (policy change).
  void soft_reset_out(Peer& peer);
  // Flushes staged updates and advances the peer's initial export. Returns true if more work
  // remains that is not waiting for the socket or MRAI.
  bool export_step(Peer& peer, size_t budget);

  // ---- Work loop and background walks (work.cc) ----
  void schedule_work();
  void work();
  void revalidate_nexthops();
  void revalidate_step(size_t budget);
  // Decides every destination that has more than one path again (the multipath settings
  // changed), in chunks as a next-hop revalidation; takes over one under way.
  void redecide_all();

  // ---- Settings changed in place (speaker.cc) ----
  void set_multipath(uint16_t maximum_paths, uint16_t maximum_paths_ibgp, bool relax);
  void set_ebgp_requires_policy(bool on);
  void scan_nexthops_later();

  boost::asio::io_context& io_;
  rib::Rib& rib_;
  Config config_;
  const Clock& clock_ = SteadyClock::instance();
  NexthopTable nexthops_;
  AttributeStore attrs_;
  PathTable<rib::Ipv4Key> v4_;
  PathTable<rib::Ipv6Key> v6_;
  std::vector<std::unique_ptr<Peer>> peers_;  // index = PeerId; 0 = local routes
  std::map<IpAddress, PeerId> by_address_;
  transport::Listener listener_;
  bool started_ = false;
  std::shared_ptr<bool> alive_;
  bool work_posted_ = false;
  boost::asio::steady_timer nexthop_timer_;
  uint32_t resolver_watch_ = 0;        // Rib::watch_resolvers
  bool revalidation_posted_ = false;   // a re-check after a RIB change is on its way
  // Next-hop revalidation walk (destinations whose paths use a changed next-hop).
  struct Revalidation {
    bool active = false;
    int family = 0;
    uint32_t cursor = 0;
    std::vector<NexthopId> changed;  // sorted
    bool all = false;  // also every destination with several paths (redecide_all)
  } revalidation_;
  // Scratch for decisions.
  std::vector<Candidate> cands_;
  std::vector<Path*> cand_paths_;
  DecisionResult result_;
  wire::PathAttributes export_scratch_;
  // Update groups: outbound signature -> id, and per fan-out the attribute set each group got.
  std::map<std::string, uint32_t> group_ids_;
  std::vector<std::pair<uint32_t, AttrId>> group_scratch_;
  uint64_t export_evaluations_ = 0;
  uint64_t export_shared_ = 0;
};

}  // namespace vgw::bgp
