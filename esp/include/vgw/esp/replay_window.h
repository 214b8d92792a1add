// Anti-replay window of an inbound SA (RFC 4303 section 3.4.3).
//
// The window remembers which of the last size() sequence numbers below and including the
// highest one authenticated so far ("top") have been received. The bitmap is the ring of
// 64-bit blocks of RFC 6479: moving the top clears whole blocks instead of shifting bits, so a
// jump costs at most one pass over the ring whatever its distance. The ring has twice as many
// bits as the window (a power of two of blocks, at least window/64 + 1 as RFC 6479 needs).
//
// Inbound processing calls check() before the ICV is verified, which changes nothing, and
// commit() only once the ICV has verified, so forged packets can neither move nor fill the
// window. With extended sequence numbers only the low 32 bits travel; check() infers the high
// half from the window (RFC 4303 Appendix A2.2) and the caller puts the result into the ICV
// computation, so a wrong guess shows up as an integrity failure.
#pragma once

#include <cstdint>
#include <vector>

namespace vgw::esp {

class ReplayWindow {
 public:
  static constexpr uint32_t kDefaultSize = 1024;
  static constexpr uint32_t kMinSize = 64;
  static constexpr uint32_t kMaxSize = 65536;

  // size: a power of two in [kMinSize, kMaxSize] (see valid_size; SAs validate their config).
  ReplayWindow(uint32_t size, bool esn);
  static bool valid_size(uint32_t size);

  enum class Verdict : uint8_t {
    kAhead,      // above the top: new, the window will slide
    kInWindow,   // inside the window and not seen yet
    kDuplicate,  // inside the window and already received
    kTooOld,     // below the window (or sequence number 0, or beyond the 64-bit space)
  };
  struct Check {
    Verdict verdict;
    uint64_t seq;  // the full sequence number (high half inferred with ESN)
    bool acceptable() const { return verdict == Verdict::kAhead || verdict == Verdict::kInWindow; }
  };

  // Classifies a received sequence number (its low 32 bits with ESN). Does not change state.
  Check check(uint32_t seq_low) const;
  // Records an authenticated sequence number, sliding the window if it is above the top.
  // Numbers below the window are ignored.
  void commit(uint64_t seq);

  uint32_t size() const { return size_; }
  bool esn() const { return esn_; }
  // Highest sequence number committed so far (0 before the first packet).
  uint64_t top() const { return top_; }

 private:
  bool seen(uint64_t seq) const { return (bitmap_[(seq >> 6) & block_mask_] >> (seq & 63)) & 1; }

  std::vector<uint64_t> bitmap_;  // ring of blocks, block i holds numbers [64i, 64i + 63]
  uint64_t block_mask_;
  uint64_t top_ = 0;
  uint32_t size_;
  bool esn_;
};

}  // namespace vgw::esp
