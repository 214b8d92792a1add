// Which session a received Control packet belongs to (RFC 5880 6.3, 6.8.6; RFC 5881 3), and
// the allocation of local discriminators (6.8.1: unique, non-zero, random).
//
// Once the peer has learned our discriminator it echoes it in Your Discriminator, and the
// session is found by that alone. Before then (Your Discriminator 0, only legal in Down and
// AdminDown) the session is found by where the packet came from: the peer's address and the
// interface it arrived on (single hop). A session registered without an interface (ifindex 0)
// matches its peer on any interface. Like FRR, a packet found by discriminator must still come
// from the session's peer (and interface, if it has one): a stray or spoofed discriminator
// from elsewhere is dropped rather than fed to the wrong session.
//
// The Demux maps to local discriminators; the driver keeps its sessions keyed by them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "vgw/base/ip.h"
#include "vgw/base/result.h"
#include "vgw/bfd/session.h"
#include "vgw/bfd/wire.h"

namespace vgw::bfd {

struct PeerKey {
  IpAddress peer;
  uint32_t ifindex = 0;  // 0: any interface
  friend bool operator==(const PeerKey&, const PeerKey&) = default;
};

struct PeerKeyHash {
  size_t operator()(const PeerKey& k) const { return hash_value(k.peer) * 31 + k.ifindex; }
};

class Demux {
 public:
  explicit Demux(RandomSource& random) : random_(random) {}

  // Registers a session for key and returns its new local discriminator; fails when a
  // session for key exists already.
  Result<uint32_t> add(const PeerKey& key);
  void remove(uint32_t local_discriminator);
  // The session's interface changed (it appeared, or came back with another index): the same
  // discriminator, found under the new key from now on. Fails when another session has it.
  Status rekey(uint32_t local_discriminator, const PeerKey& key);

  // The session a packet from `from` belongs to, or why there is none (kNoSession).
  Result<uint32_t, DropReason> find(const ControlPacket& p, const PeerKey& from) const;
  std::optional<uint32_t> find_by_peer(const PeerKey& key) const;
  const PeerKey* peer_of(uint32_t local_discriminator) const;
  size_t size() const { return by_discriminator_.size(); }

 private:
  uint32_t allocate();

  RandomSource& random_;
  std::unordered_map<uint32_t, PeerKey> by_discriminator_;
  std::unordered_map<PeerKey, uint32_t, PeerKeyHash> by_peer_;
};

}  // namespace vgw::bfd
