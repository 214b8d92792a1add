// 2 MiB chunks for ChunkedPool: anonymous mappings aligned to 2 MiB and advised for
// transparent huge pages (the kernel falls back to small pages if it has none).
#include "vgw/rib/chunked_pool.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace vgw::rib::detail {

void* map_huge_chunk() {
  const size_t len = 2 * kHugeChunkBytes;
  void* raw = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto base = reinterpret_cast<uintptr_t>(raw);
  uintptr_t start = (base + kHugeChunkBytes - 1) & ~(uintptr_t{kHugeChunkBytes} - 1);
  if (start > base) munmap(raw, start - base);
  uintptr_t end = start + kHugeChunkBytes;
  if (base + len > end) munmap(reinterpret_cast<void*>(end), base + len - end);
  madvise(reinterpret_cast<void*>(start), kHugeChunkBytes, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(start);
}

void unmap_huge_chunk(void* p) { munmap(p, kHugeChunkBytes); }

}  // namespace vgw::rib::detail
