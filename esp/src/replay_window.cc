// Anti-replay window: RFC 4303 3.4.3 semantics, RFC 6479 bitmap, RFC 4303 A2.2 ESN inference.
#include "vgw/esp/replay_window.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace vgw::esp {

bool ReplayWindow::valid_size(uint32_t size) {
  return size >= kMinSize && size <= kMaxSize && std::has_single_bit(size);
}

ReplayWindow::ReplayWindow(uint32_t size, bool esn)
    : bitmap_(2 * size / 64, 0), block_mask_(2 * size / 64 - 1), size_(size), esn_(esn) {
  assert(valid_size(size));
}

ReplayWindow::Check ReplayWindow::check(uint32_t seq_low) const {
  uint64_t seq = seq_low;
  if (esn_) {
    // RFC 4303 Appendix A2.2: pick the high half that puts seq_low nearest the window.
    const auto top_low = static_cast<uint32_t>(top_);
    const auto top_high = static_cast<uint32_t>(top_ >> 32);
    const uint32_t bottom = top_low - (size_ - 1);  // Tl - W + 1, modulo 2^32
    uint32_t high = top_high;
    if (top_low >= size_ - 1) {
      // Case A: the window lies inside one 2^32 subspace. Below it means the next subspace.
      if (seq_low < bottom) {
        if (top_high == UINT32_MAX) return {Verdict::kTooOld, 0};  // would pass 2^64 - 1
        high = top_high + 1;
      }
    } else if (seq_low >= bottom) {
      // Case B: the window straddles two subspaces and seq_low is in the lower one's tail.
      if (top_high == 0) return {Verdict::kTooOld, 0};  // there is no subspace below 0
      high = top_high - 1;
    }
    seq = uint64_t{high} << 32 | seq_low;
  }
  if (seq == 0) return {Verdict::kTooOld, 0};  // never sent (RFC 4303 3.3.3: counting starts at 1)
  if (seq > top_) return {Verdict::kAhead, seq};
  if (top_ - seq >= size_) return {Verdict::kTooOld, seq};
  return {seen(seq) ? Verdict::kDuplicate : Verdict::kInWindow, seq};
}

void ReplayWindow::commit(uint64_t seq) {
  if (seq == 0) return;
  if (seq > top_) {
    // RFC 6479 section 2.3: clear every block the top moves into (at most the whole ring).
    const uint64_t top_block = top_ >> 6;
    const uint64_t blocks = std::min<uint64_t>((seq >> 6) - top_block, bitmap_.size());
    for (uint64_t i = 1; i <= blocks; ++i) bitmap_[(top_block + i) & block_mask_] = 0;
    top_ = seq;
  } else if (top_ - seq >= size_) {
    return;
  }
  bitmap_[(seq >> 6) & block_mask_] |= uint64_t{1} << (seq & 63);
}

}  // namespace vgw::esp
