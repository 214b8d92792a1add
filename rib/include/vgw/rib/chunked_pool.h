// ChunkedPool<T>: objects addressed by a 32-bit index, stored in chunks so that growing never
// moves or copies what is there (stable references, no 2x spike of a reallocating vector).
// Freed indices are reused, newest first. The RIB keeps its trie nodes, per-prefix entries and
// next-hop groups here: a 4-byte index instead of a 16-byte heap pointer plus malloc's
// per-block header.
//
// Chunk sizes: the first kSmallChunks chunks hold about kSmallBytes (16 KiB by default) each, so
// small tables stay small;
// after that each chunk is one 2 MiB block, aligned and marked for transparent huge pages
// (madvise), so a 1M-prefix table takes one page fault per 2 MiB instead of 512 and random
// lookups miss the TLB far less. Slack is at most one chunk.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace vgw::rib {

namespace detail {
inline constexpr size_t kHugeChunkBytes = size_t{2} << 20;
// A kHugeChunkBytes block aligned to its size, advised for transparent huge pages. Throws
// std::bad_alloc when out of memory, like operator new.
void* map_huge_chunk();
void unmap_huge_chunk(void* p);
}  // namespace detail

template <typename T, size_t kSmallBytes = 16384>
class ChunkedPool {
 public:
  static constexpr uint32_t kSmallPer = std::max<size_t>(1, kSmallBytes / sizeof(T));
  static constexpr uint32_t kSmallChunks = 16;
  static constexpr uint32_t kSmallCapacity = kSmallPer * kSmallChunks;
  static constexpr uint32_t kBigPer = detail::kHugeChunkBytes / sizeof(T);

  ChunkedPool() = default;
  ChunkedPool(const ChunkedPool&) = delete;
  ChunkedPool& operator=(const ChunkedPool&) = delete;
  ~ChunkedPool() { clear(); }

  // A value-initialised T at a fresh or recycled index.
  uint32_t allocate() {
    if (!free_.empty()) {
      uint32_t i = free_.back();
      free_.pop_back();
      return i;
    }
    if (size_ == capacity_) grow();
    return size_++;
  }

  // Resets the object to T{} and makes its index available again.
  void release(uint32_t i) {
    (*this)[i] = T{};
    free_.push_back(i);
  }

  T& operator[](uint32_t i) {
    if (i < kSmallCapacity) return chunks_[i / kSmallPer][i % kSmallPer];
    uint32_t j = i - kSmallCapacity;
    return chunks_[kSmallChunks + j / kBigPer][j % kBigPer];
  }
  const T& operator[](uint32_t i) const { return const_cast<ChunkedPool&>(*this)[i]; }

  // Indices handed out so far (live or free): valid indices are below this.
  uint32_t capacity_used() const { return size_; }
  size_t live() const { return size_ - free_.size(); }

  // Used as an append-only array (no release()): appends v and returns its index.
  uint32_t push_back(const T& v) {
    uint32_t i = allocate();
    (*this)[i] = v;
    return i;
  }

  // Bytes held: the chunks, the chunk table and the free list (not T's own heap data).
  size_t memory_bytes() const {
    size_t small = std::min<size_t>(chunks_.size(), kSmallChunks);
    return small * kSmallPer * sizeof(T) + (chunks_.size() - small) * detail::kHugeChunkBytes +
           chunks_.capacity() * sizeof(T*) + free_.capacity() * sizeof(uint32_t);
  }

  // Drops everything, including the memory.
  void clear() {
    for (size_t c = 0; c < chunks_.size(); ++c) {
      if (c < kSmallChunks) {
        delete[] chunks_[c];
      } else {
        std::destroy_n(chunks_[c], kBigPer);
        detail::unmap_huge_chunk(chunks_[c]);
      }
    }
    chunks_.clear();
    chunks_.shrink_to_fit();
    free_.clear();
    free_.shrink_to_fit();
    size_ = capacity_ = 0;
  }

 private:
  void grow() {
    if (chunks_.size() < kSmallChunks) {
      chunks_.push_back(new T[kSmallPer]());
      capacity_ += kSmallPer;
      return;
    }
    T* chunk = static_cast<T*>(detail::map_huge_chunk());
    std::uninitialized_value_construct_n(chunk, kBigPer);
    chunks_.push_back(chunk);
    capacity_ += kBigPer;
  }

  std::vector<T*> chunks_;
  std::vector<uint32_t> free_;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
};

}  // namespace vgw::rib
