// Destinations and their paths (see path_table.h): the inline first path and the chain.
#include "vgw/bgp/path_table.h"

namespace vgw::bgp {

template <typename Key>
typename PathTable<Key>::SetResult PathTable<Key>::set(Key key, int len, PeerId peer,
                                                       AttrId attr) {
  Handle h = table_.insert(key, len).first;
  Path& first = table_.value(h);
  if (first.attr == kNoAttr) {
    first.attr = attr;
    first.peer = peer;
    first.flags = 0;
    first.next = Path::kNil;
    return {h, kNoAttr};
  }
  if (first.peer == peer) {
    AttrId old = first.attr;
    first.attr = attr;
    first.flags &= static_cast<uint8_t>(~path_flag::kStale);
    return {h, old};
  }
  for (uint32_t i = first.next; i != Path::kNil; i = pool_[i].next) {
    Path& p = pool_[i];
    if (p.peer == peer) {
      AttrId old = p.attr;
      p.attr = attr;
      p.flags &= static_cast<uint8_t>(~path_flag::kStale);
      return {h, old};
    }
  }
  uint32_t n = pool_.allocate();
  Path& p = pool_[n];
  p.attr = attr;
  p.peer = peer;
  p.flags = 0;
  p.next = first.next;
  first.next = n;
  return {h, kNoAttr};
}

template <typename Key>
Path* PathTable<Key>::find_path(Handle h, PeerId peer) {
  Path* found = nullptr;
  for_each_path(h, [&](Path& p) {
    if (p.peer == peer) found = &p;
  });
  return found;
}

template <typename Key>
Path PathTable<Key>::remove(Handle h, PeerId peer) {
  Path& first = table_.value(h);
  if (first.attr == kNoAttr) return Path{};
  if (first.peer == peer) {
    Path gone = first;
    uint8_t installed = first.installed;
    if (first.next != Path::kNil) {
      uint32_t n = first.next;
      first = pool_[n];
      pool_.release(n);
    } else {
      first = Path{};
    }
    first.installed = installed;
    gone.next = Path::kNil;
    return gone;
  }
  uint32_t* link = &first.next;
  while (*link != Path::kNil) {
    uint32_t i = *link;
    if (pool_[i].peer == peer) {
      Path gone = pool_[i];
      *link = gone.next;
      pool_.release(i);
      gone.next = Path::kNil;
      gone.installed = 0;
      return gone;
    }
    link = &pool_[i].next;
  }
  return Path{};
}

template <typename Key>
void PathTable<Key>::erase_if_empty(Handle h) {
  const Path& first = table_.value(h);
  if (first.attr == kNoAttr && first.installed == 0) table_.erase(h);
}

template class PathTable<rib::Ipv4Key>;
template class PathTable<rib::Ipv6Key>;

}  // namespace vgw::bgp
