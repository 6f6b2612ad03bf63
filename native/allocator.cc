// The CPU allocator LibTorch uses for tensor data (registered with c10::SetCPUAllocator).
//
// Why: LibTorch's default takes every block from posix_memalign(64, n). glibc (before 2.38) serves
// that by carving a chunk of n + 64 + 32 bytes and giving the slack back; when the block is freed,
// the chunk left in the bins is exactly n bytes, too small for the next memalign of the same n.
// Unless its neighbours happen to be free, every step takes fresh heap: a synchronous loop of
// 300 KB tensors grew the main arena by ~300 KB per step while the free bins held ~680 MB of
// tensor-sized chunks (measured with mallinfo2/malloc_info).
//
// Here a block is malloc(n + 64), aligned by hand, so a freed chunk fits the next request of the
// same size exactly. Blocks from 64 KiB up are also cached by size (bounded), so a training loop
// that allocates the same shapes every step reuses the same memory whatever thread frees it and
// whatever small allocations land in between.
//
// GT_CPU_ALLOCATOR=libtorch keeps LibTorch's own allocator; GT_CPU_CACHE_MB bounds the cache.
#include <c10/core/CPUAllocator.h>
#include <malloc.h>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>
#include "tensor.h"

namespace gt {
namespace {

constexpr size_t kAlign = 64;        // what LibTorch's allocator guarantees (c10::gAlignment)
constexpr size_t kMinCached = 65536;  // smaller blocks come from malloc's own bins and tcache

// Kept in the 16 bytes just below every block's data.
struct Header {
  void* raw;    // what malloc returned
  size_t size;  // the size class the block was made for (0: never cached)
};

struct Cache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void*>> free;  // size class -> blocks ready for reuse
  size_t cachedBytes = 0;
  size_t limitBytes = 0;
  bool enabled = false;
};

Cache& cache() {
  // Never destroyed: tensors may be freed during or after static destruction at exit.
  static Cache* c = new Cache();
  return *c;
}

Header* headerOf(void* p) { return static_cast<Header*>(p) - 1; }

size_t sizeClass(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

void* newBlock(size_t n, size_t cls) {
  // malloc's chunks are 16-aligned, so the header plus alignment padding fit in kAlign extra bytes.
  void* raw = std::malloc(n + kAlign);
  if (!raw) return nullptr;
  auto addr = (reinterpret_cast<uintptr_t>(raw) + sizeof(Header) + kAlign - 1) & ~(uintptr_t)(kAlign - 1);
  void* p = reinterpret_cast<void*>(addr);
  *headerOf(p) = Header{raw, cls};
  return p;
}

void deleteBlock(void* p) noexcept {
  if (!p) return;
  Header* h = headerOf(p);
  if (h->size) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.enabled && c.cachedBytes + h->size <= c.limitBytes) {
      c.free[h->size].push_back(p);
      c.cachedBytes += h->size;
      return;
    }
  }
  std::free(h->raw);
}

void* takeCached(size_t cls) {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (!c.enabled) return nullptr;
  auto it = c.free.find(cls);
  if (it == c.free.end() || it->second.empty()) return nullptr;
  void* p = it->second.back();
  it->second.pop_back();
  c.cachedBytes -= cls;
  return p;
}

c10::DataPtr allocateBlock(size_t n) {
  TORCH_CHECK(static_cast<ptrdiff_t>(n) >= 0, "CPU allocator: called with a negative size (", n, " bytes)");
  if (n == 0) return {nullptr, nullptr, &deleteBlock, at::Device(at::kCPU)};
  size_t cls = n >= kMinCached ? sizeClass(n) : 0;
  void* p = cls ? takeCached(cls) : nullptr;
  if (!p) p = newBlock(cls ? cls : n, cls);
  TORCH_CHECK(p, "CPU allocator: not enough memory: you tried to allocate ", n, " bytes");
  return {p, p, &deleteBlock, at::Device(at::kCPU)};
}

// Allocator::allocate lost its const in LibTorch 2.x, which also added copy_data.
constexpr bool kConstAllocate =
    std::is_same_v<decltype(&c10::Allocator::allocate), c10::DataPtr (c10::Allocator::*)(size_t) const>;

template <typename Base>
struct ConstAllocator : Base {
  c10::DataPtr allocate(size_t n) const override { return allocateBlock(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &deleteBlock; }
  void copy_data(void* dest, const void* src, size_t count) const { std::memcpy(dest, src, count); }
};
template <typename Base>
struct MutableAllocator : Base {
  c10::DataPtr allocate(size_t n) override { return allocateBlock(n); }
  c10::DeleterFnPtr raw_deleter() const override { return &deleteBlock; }
  void copy_data(void* dest, const void* src, size_t count) const { std::memcpy(dest, src, count); }
};
using CpuAllocator = std::conditional_t<kConstAllocate, ConstAllocator<c10::Allocator>, MutableAllocator<c10::Allocator>>;

}  // namespace

void initCpuAllocator() {
  const char* mode = std::getenv("GT_CPU_ALLOCATOR");
  if (mode && std::string(mode) == "libtorch") return;
  Cache& c = cache();
  const char* mb = std::getenv("GT_CPU_CACHE_MB");
  c.limitBytes = static_cast<size_t>(mb ? std::atoll(mb) : 1024) << 20;
  c.enabled = c.limitBytes > 0 && !(mode && std::string(mode) == "malloc");
  static CpuAllocator* alloc = new CpuAllocator();  // static lifetime, as SetAllocator requires
  c10::SetCPUAllocator(alloc);
}

}  // namespace gt
