// AS_PATH (RFC 4271 4.3, 5.1.2; confederation segments RFC 5065 3) held as 4-octet ASNs
// in one flat vector: for each segment a header word (type << 24 | count) followed by the
// ASNs. The form is canonical - adjacent AS_SEQUENCE (or AS_CONFED_SEQUENCE) segments are
// merged, the 255-ASN wire limit is applied only when encoding - so two paths are equal
// exactly when they mean the same thing, and the words can be hashed directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vgw::bgp::wire {

enum class SegmentType : uint8_t {
  kSet = 1,             // AS_SET
  kSequence = 2,        // AS_SEQUENCE
  kConfedSequence = 3,  // AS_CONFED_SEQUENCE (RFC 5065)
  kConfedSet = 4,       // AS_CONFED_SET (RFC 5065)
};
inline bool is_confed(SegmentType t) {
  return t == SegmentType::kConfedSequence || t == SegmentType::kConfedSet;
}

class AsPath {
 public:
  struct Segment {
    SegmentType type;
    std::span<const uint32_t> asns;
  };

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Segment;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Segment;
    Iterator() = default;
    Iterator(const uint32_t* p) : p_(p) {}  // NOLINT: internal
    Segment operator*() const {
      return {static_cast<SegmentType>(p_[0] >> 24), {p_ + 1, p_[0] & 0xffffff}};
    }
    Iterator& operator++() {
      p_ += 1 + (p_[0] & 0xffffff);
      return *this;
    }
    Iterator operator++(int) {
      Iterator t = *this;
      ++*this;
      return t;
    }
    friend bool operator==(const Iterator&, const Iterator&) = default;

   private:
    const uint32_t* p_ = nullptr;
  };

  AsPath() = default;
  // A single AS_SEQUENCE, e.g. AsPath::sequence({65001, 65002}).
  static AsPath sequence(std::span<const uint32_t> asns);

  Iterator begin() const { return Iterator(words_.data()); }
  Iterator end() const { return Iterator(words_.data() + words_.size()); }
  bool empty() const { return words_.empty(); }
  void clear() {
    words_.clear();
    last_ = 0;
  }

  // Appends a segment (empty ones are dropped); merges with a preceding segment of the same
  // sequence type.
  void append(SegmentType type, std::span<const uint32_t> asns);
  void append(const Segment& s) { append(s.type, s.asns); }
  // Start of a segment whose ASNs follow with push_asn (used by the decoder; at least one
  // push_asn must follow).
  void begin_segment(SegmentType type);
  void push_asn(uint32_t asn);
  // Adds asn in front (an AS_SEQUENCE is created if the path does not start with one).
  void prepend(uint32_t asn);

  // RFC 4271 9.1.2.2 a: each AS_SET counts 1, confederation segments count 0.
  size_t path_length() const;
  // First ASN of a leading AS_SEQUENCE (the neighbour AS), if any.
  std::optional<uint32_t> first_asn() const;
  // Last ASN of a trailing AS_SEQUENCE (the originating AS), if any.
  std::optional<uint32_t> origin_asn() const;
  bool contains(uint32_t asn) const;
  bool has_confed_segments() const;
  // Any ASN that does not fit in 2 octets (RFC 6793: needs AS4_PATH on OLD sessions).
  bool has_four_octet_asn() const;

  // "65001 65002 {65003,65004} (65010 65011) [65012]": sets in braces, confed sequence in
  // parentheses, confed set in brackets.
  std::string to_string() const;

  // The canonical words (hash these).
  std::span<const uint32_t> words() const { return words_; }
  size_t heap_bytes() const { return words_.capacity() * sizeof(uint32_t); }

  friend bool operator==(const AsPath& a, const AsPath& b) { return a.words_ == b.words_; }

 private:
  std::vector<uint32_t> words_;
  size_t last_ = 0;  // index of the last segment header (valid when !words_.empty())
};

}  // namespace vgw::bgp::wire
