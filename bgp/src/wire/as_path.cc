// AsPath: the canonical in-memory AS path (see as_path.h). Wire decoding and encoding live
// in attribute_decode.cc / attribute_encode.cc; this is the value type and its queries.
#include "vgw/bgp/wire/as_path.h"

namespace vgw::bgp::wire {
namespace {

bool is_sequence(SegmentType t) {
  return t == SegmentType::kSequence || t == SegmentType::kConfedSequence;
}

}  // namespace

AsPath AsPath::sequence(std::span<const uint32_t> asns) {
  AsPath p;
  p.append(SegmentType::kSequence, asns);
  return p;
}

void AsPath::begin_segment(SegmentType type) {
  if (!words_.empty() && is_sequence(type) &&
      static_cast<SegmentType>(words_[last_] >> 24) == type) {
    return;  // continue the previous sequence
  }
  last_ = words_.size();
  words_.push_back(uint32_t{static_cast<uint8_t>(type)} << 24);
}

void AsPath::push_asn(uint32_t asn) {
  words_.push_back(asn);
  ++words_[last_];
}

void AsPath::append(SegmentType type, std::span<const uint32_t> asns) {
  if (asns.empty()) return;
  begin_segment(type);
  words_.insert(words_.end(), asns.begin(), asns.end());
  words_[last_] += static_cast<uint32_t>(asns.size());
}

void AsPath::prepend(uint32_t asn) {
  if (!words_.empty() && static_cast<SegmentType>(words_[0] >> 24) == SegmentType::kSequence) {
    words_.insert(words_.begin() + 1, asn);
    ++words_[0];
    if (last_ != 0) ++last_;
    return;
  }
  const uint32_t head[2] = {uint32_t{static_cast<uint8_t>(SegmentType::kSequence)} << 24 | 1, asn};
  bool was_empty = words_.empty();
  words_.insert(words_.begin(), head, head + 2);
  last_ = was_empty ? 0 : last_ + 2;
}

size_t AsPath::path_length() const {
  size_t n = 0;
  for (Segment s : *this) {
    if (s.type == SegmentType::kSequence) n += s.asns.size();
    else if (s.type == SegmentType::kSet) n += 1;
  }
  return n;
}

std::optional<uint32_t> AsPath::first_asn() const {
  if (words_.empty() || static_cast<SegmentType>(words_[0] >> 24) != SegmentType::kSequence)
    return std::nullopt;
  return words_[1];
}

std::optional<uint32_t> AsPath::origin_asn() const {
  if (words_.empty() || static_cast<SegmentType>(words_[last_] >> 24) != SegmentType::kSequence)
    return std::nullopt;
  return words_.back();
}

bool AsPath::contains(uint32_t asn) const {
  for (Segment s : *this)
    for (uint32_t a : s.asns)
      if (a == asn) return true;
  return false;
}

bool AsPath::has_confed_segments() const {
  for (Segment s : *this)
    if (is_confed(s.type)) return true;
  return false;
}

bool AsPath::has_four_octet_asn() const {
  for (Segment s : *this)
    for (uint32_t a : s.asns)
      if (a > 0xffff) return true;
  return false;
}

std::string AsPath::to_string() const {
  std::string out;
  for (Segment s : *this) {
    if (!out.empty()) out += ' ';
    const char* open = "";
    const char* close = "";
    char sep = ' ';
    switch (s.type) {
      case SegmentType::kSet: open = "{"; close = "}"; sep = ','; break;
      case SegmentType::kSequence: break;
      case SegmentType::kConfedSequence: open = "("; close = ")"; break;
      case SegmentType::kConfedSet: open = "["; close = "]"; sep = ','; break;
    }
    out += open;
    for (size_t i = 0; i < s.asns.size(); ++i) {
      if (i) out += sep;
      out += std::to_string(s.asns[i]);
    }
    out += close;
  }
  return out;
}

}  // namespace vgw::bgp::wire
