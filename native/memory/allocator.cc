// The CPU allocator LibTorch uses for tensor data (registered with c10::SetCPUAllocator).
//
// Why: LibTorch's default takes every block from posix_memalign(64, n). glibc before 2.38 serves
// that by carving a chunk of n + 64 + 32 bytes and giving the slack back; once the block is freed,
// the chunk left in the bins is exactly n bytes, too small for the next memalign of the same n, and
// the slack is soon taken by small allocations, so the chunk cannot coalesce. Every step then takes
// fresh heap: a synchronous loop of 300 KB tensors grew glibc's main arena by ~300 KB per step
// while its bins held ~680 MB of free tensor-sized chunks (measured with mallinfo2/malloc_info).
//
// Here a block is malloc(n + 64), aligned by hand, so a freed chunk fits the next request of the
// same size exactly. Blocks from 64 KiB up are also cached by size (bounded), so a loop that
// allocates the same shapes every step reuses the same memory, whichever thread frees it and
// whatever small allocations land in between, and skips the page faults of fresh memory.
//
// GT_CPU_ALLOCATOR=libtorch (or =malloc: no cache) at startup, or setCpuAllocator(), switch it;
// GT_CPU_CACHE_MB bounds the cache (MiB, default 1024); emptyCpuCache() hands it back to malloc.
#include <c10/core/CPUAllocator.h>
#include <malloc.h>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>
#include "binding/tensor.h"

namespace gt {
namespace {

constexpr size_t kAlign = 64;  // what LibTorch's allocator guarantees (c10::gAlignment)
constexpr size_t kMinCached = 65536;  // smaller blocks are left to malloc's own bins and tcache
// Larger blocks are mmapped by malloc and unmapped when freed: caching them would keep one-off
// buffers (a dataset's float conversion, a big intermediate) in RSS for the life of the process.
constexpr size_t kMaxCached = size_t(32) << 20;

// Kept in the 16 bytes just below every block's data.
struct Header {
  void* raw;  // what malloc returned
  size_t size;  // the size class the block was made for; 0: never cached
};

struct Cache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void*>> free;  // size class -> blocks ready for reuse
  size_t cachedBytes = 0;
  size_t limitBytes = size_t(1024) << 20;
  bool enabled = false;
};

Cache& cache() {
  // Never destroyed: tensors may be freed during or after static destruction at exit.
  static Cache* c = new Cache();
  return *c;
}

Header* headerOf(void* p) { return static_cast<Header*>(p) - 1; }

void* newBlock(size_t n, size_t cls) {
  // malloc's chunks are 16-aligned, so the header and the alignment padding fit in kAlign extra bytes.
  void* raw = std::malloc(n + kAlign);
  if (!raw) return nullptr;
  auto addr = (reinterpret_cast<uintptr_t>(raw) + sizeof(Header) + kAlign - 1) & ~uintptr_t(kAlign - 1);
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
      try {
        c.free[h->size].push_back(p);
        c.cachedBytes += h->size;
        return;
      } catch (const std::bad_alloc&) {  // no room for the bookkeeping: free the block instead
      }
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
  size_t cls = n >= kMinCached && n <= kMaxCached ? (n + kAlign - 1) & ~(kAlign - 1) : 0;
  void* p = cls ? takeCached(cls) : nullptr;
  if (!p) p = newBlock(cls ? cls : n, cls);
  TORCH_CHECK(p, "CPU allocator: not enough memory: you tried to allocate ", n, " bytes");
  return {p, p, &deleteBlock, at::Device(at::kCPU)};
}

// The interface differs between LibTorch versions: 1.13 has `allocate(size_t) const`, 2.x
// `allocate(size_t)` and a pure virtual `copy_data(dest, src, count) const`, later ones add a
// `bool sync` to copy_data. Each signature is declared here (without `override`): whichever the
// headers make virtual is overridden, the others are plain members, so no version number is needed.
struct CpuAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t n) const { return allocateBlock(n); }
  c10::DataPtr allocate(size_t n) { return allocateBlock(n); }
  c10::DeleterFnPtr raw_deleter() const { return &deleteBlock; }
  void copy_data(void* dest, const void* src, size_t count) const { std::memcpy(dest, src, count); }
  void copy_data(void* dest, const void* src, size_t count, bool) const { std::memcpy(dest, src, count); }
};

c10::Allocator* libtorchAllocator = nullptr;
std::string currentMode = "libtorch";

}  // namespace

size_t emptyCpuCache() {
  Cache& c = cache();
  std::vector<void*> blocks;
  size_t bytes = 0;
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    for (auto& kv : c.free) blocks.insert(blocks.end(), kv.second.begin(), kv.second.end());
    c.free.clear();
    std::swap(bytes, c.cachedBytes);
  }
  for (void* p : blocks) std::free(headerOf(p)->raw);
  return bytes;
}

size_t cpuCachedBytes() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.cachedBytes;
}

// Blocks keep their own deleter, so switching while tensors are alive is safe. SetAllocator is not
// meant to race with other threads allocating: switch between steps, not while workers compute.
void setCpuAllocator(const std::string& mode) {
  if (mode != "cache" && mode != "malloc" && mode != "libtorch")
    throw ArgError("unknown CPU allocator '" + mode + "' (expected 'cache', 'malloc' or 'libtorch')");
  static CpuAllocator* ours = new CpuAllocator();  // static lifetime, as SetAllocator requires
  if (!libtorchAllocator) libtorchAllocator = c10::GetCPUAllocator();
  {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    c.enabled = mode == "cache";
  }
  if (mode != "cache") emptyCpuCache();
  c10::SetCPUAllocator(mode == "libtorch" ? libtorchAllocator : ours);
  currentMode = mode;
}

void initAllocator(Napi::Env env, Napi::Object x) {
  // Process-wide, so once, by the first environment (main thread or worker) that loads the addon.
  static std::once_flag once;
  std::call_once(once, [env] {
    if (const char* mb = std::getenv("GT_CPU_CACHE_MB")) {
      char* end = nullptr;
      long long v = std::strtoll(mb, &end, 10);
      if (!*mb || *end || v < 0 || v > (1LL << 30))
        throw Napi::RangeError::New(env, std::string("GT_CPU_CACHE_MB must be a number of MiB >= 0, got '") + mb + "'");
      cache().limitBytes = static_cast<size_t>(v) << 20;
    }
    const char* mode = std::getenv("GT_CPU_ALLOCATOR");
    try {
      setCpuAllocator(mode && *mode ? mode : "cache");
    } catch (const ArgError& e) {
      throw Napi::TypeError::New(env, std::string("GT_CPU_ALLOCATOR: ") + e.what());
    }
  });
  GT_DEF(x, "setCpuAllocator", { setCpuAllocator(a.str(0)); });
  GT_DEF(x, "cpuAllocator", { return currentMode; });
  GT_DEF(x, "emptyCpuCache", { return static_cast<double>(emptyCpuCache()); });
  // @internal glibc's heap figures, for test/memory.test.ts and bench/allocator.js.
  GT_DEF(x, "_mallocInfo", {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    struct mallinfo2 m = mallinfo2();
#else  // older glibc: the int fields (wrap above 2 GB)
    struct mallinfo m = mallinfo();
#endif
    auto o = Napi::Object::New(a.env());
    o.Set("heapBytes", static_cast<double>(m.arena));
    o.Set("heapInUse", static_cast<double>(m.uordblks));
    o.Set("heapFree", static_cast<double>(m.fordblks));
    o.Set("mmappedBytes", static_cast<double>(m.hblkhd));
    return Napi::Value(o);
  });
}

}  // namespace gt
