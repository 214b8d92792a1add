// Session lookup by Your Discriminator or by (peer, interface), and discriminator allocation
// (see demux.h; RFC 5880 6.3 and 6.8.1).
#include "vgw/bfd/demux.h"

namespace vgw::bfd {

uint32_t Demux::allocate() {
  // Random, non-zero and unused; with fewer than 2^32 sessions the draw ends quickly.
  for (;;) {
    const auto d = static_cast<uint32_t>(random_.next());
    if (d != 0 && !by_discriminator_.contains(d)) return d;
  }
}

Result<uint32_t> Demux::add(const PeerKey& key) {
  if (by_peer_.contains(key)) {
    return fail(Error::exists("a BFD session for " + key.peer.to_string() + " exists"));
  }
  const uint32_t d = allocate();
  by_discriminator_.emplace(d, key);
  by_peer_.emplace(key, d);
  return d;
}

void Demux::remove(uint32_t local_discriminator) {
  auto it = by_discriminator_.find(local_discriminator);
  if (it == by_discriminator_.end()) return;
  by_peer_.erase(it->second);
  by_discriminator_.erase(it);
}

Status Demux::rekey(uint32_t local_discriminator, const PeerKey& key) {
  auto it = by_discriminator_.find(local_discriminator);
  if (it == by_discriminator_.end()) return fail(Error::not_found("no BFD session with that discriminator"));
  if (it->second == key) return {};
  if (by_peer_.contains(key)) {
    return fail(Error::exists("a BFD session for " + key.peer.to_string() + " exists"));
  }
  by_peer_.erase(it->second);
  it->second = key;
  by_peer_.emplace(key, local_discriminator);
  return {};
}

std::optional<uint32_t> Demux::find_by_peer(const PeerKey& key) const {
  if (auto it = by_peer_.find(key); it != by_peer_.end()) return it->second;
  if (key.ifindex != 0) {
    if (auto it = by_peer_.find(PeerKey{key.peer, 0}); it != by_peer_.end()) return it->second;
  }
  return std::nullopt;
}

const PeerKey* Demux::peer_of(uint32_t local_discriminator) const {
  auto it = by_discriminator_.find(local_discriminator);
  return it == by_discriminator_.end() ? nullptr : &it->second;
}

Result<uint32_t, DropReason> Demux::find(const ControlPacket& p, const PeerKey& from) const {
  if (p.your_discriminator != 0) {
    const PeerKey* key = peer_of(p.your_discriminator);
    if (key == nullptr || key->peer != from.peer) return fail(DropReason::kNoSession);
    if (key->ifindex != 0 && key->ifindex != from.ifindex) return fail(DropReason::kNoSession);
    return p.your_discriminator;
  }
  if (auto d = find_by_peer(from)) return *d;
  return fail(DropReason::kNoSession);
}

}  // namespace vgw::bfd
