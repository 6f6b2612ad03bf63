// Raw bytes <-> tensors for the file formats (torch.save's zip, safetensors). The formats themselves
// are parsed in TypeScript (lib/serialize/); this layer only copies checked bytes into tensors and
// makes checked views of them, so no file content ever reaches LibTorch's own unpickler.
#include <cstring>
#include <limits>
#include <sstream>
#include "binding/tensor.h"

namespace gt {
namespace {

// storageFromBytes(buffer, byteOffset, dtype, numel): a 1-D tensor holding a copy of the bytes.
at::Tensor storageFromBytes(Args& a) {
  if (!a.raw(0).IsBuffer()) throw ArgError("storageFromBytes: expected a Buffer");
  auto buf = a.raw(0).As<Napi::Buffer<uint8_t>>();
  const int64_t offset = a.i64(1);
  const at::ScalarType st = a.dtype(2);
  const int64_t numel = a.i64(3);
  const int64_t elem = static_cast<int64_t>(c10::elementSize(st));
  const int64_t avail = static_cast<int64_t>(buf.Length());
  if (offset < 0 || numel < 0 || offset > avail || numel > (avail - offset) / elem)
    throw ArgError("storageFromBytes: " + std::to_string(numel) + " elements at byte " + std::to_string(offset) +
                   " exceed the " + std::to_string(avail) + " bytes given");
  at::Tensor t = at::empty({numel}, at::TensorOptions().dtype(st));
  if (numel) std::memcpy(t.data_ptr(), buf.Data() + offset, static_cast<size_t>(numel * elem));
  // A bool byte other than 0 or 1 is undefined behaviour in LibTorch's kernels: read it as true.
  if (st == at::kBool && numel) {
    auto* p = static_cast<uint8_t*>(t.data_ptr());
    for (int64_t i = 0; i < numel; ++i) p[i] = p[i] != 0;
  }
  return t;
}

// viewOfStorage(storage, size, stride, offset): as_strided after checking that every element the
// view can address lies inside the storage (the TypeScript side checks first; this is the backstop).
at::Tensor viewOfStorage(Args& a) {
  at::Tensor s = a.tensor(0);
  auto size = a.ints(1);
  auto stride = a.ints(2);
  const int64_t offset = a.i64(3);
  if (s.dim() != 1 || !s.is_contiguous()) throw ArgError("viewOfStorage: storage must be a contiguous 1-D tensor");
  if (size.size() != stride.size()) throw ArgError("viewOfStorage: size and stride differ in length");
  if (offset < 0) throw ArgError("viewOfStorage: negative storage offset");
  bool empty = false;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] < 0 || stride[i] < 0) throw ArgError("viewOfStorage: negative size or stride");
    if (size[i] == 0) empty = true;
  }
  const int64_t n = s.numel();
  if (empty) {
    if (offset > n) throw ArgError("viewOfStorage: storage offset beyond the storage");
  } else {
    // last = offset + sum((size-1)*stride), computed without overflow.
    int64_t last = offset;
    for (size_t i = 0; i < size.size(); ++i) {
      int64_t step = 0;
      if (__builtin_mul_overflow(size[i] - 1, stride[i], &step) || __builtin_add_overflow(last, step, &last))
        throw ArgError("viewOfStorage: view exceeds the storage");
    }
    if (last >= n) throw ArgError("viewOfStorage: view exceeds the storage");
  }
  return s.as_strided(size, stride, offset);
}

// bytesOf(tensor): the bytes of a contiguous CPU copy (what torch.save and safetensors store).
Napi::Value bytesOf(Args& a) {
  at::Tensor t = a.tensor(0).detach().to(at::kCPU).contiguous();
  const size_t n = static_cast<size_t>(t.numel()) * t.element_size();
  auto buf = Napi::Buffer<uint8_t>::New(a.env(), n);
  if (n) std::memcpy(buf.Data(), t.data_ptr(), n);
  return buf;
}

// storageOf(tensor): [key, storageOffset, storage elements] where key names the storage (equal for
// views of one storage while they live): torch.save writes each storage once, as PyTorch does.
Napi::Value storageOf(Args& a) {
  at::Tensor t = a.tensor(0);
  auto out = Napi::Array::New(a.env(), 3);
  const auto* impl = t.storage().unsafeGetStorageImpl();
  std::ostringstream key;
  key << static_cast<const void*>(impl);
  out.Set(uint32_t{0}, key.str());
  out.Set(uint32_t{1}, static_cast<double>(t.storage_offset()));
  out.Set(uint32_t{2}, static_cast<double>(t.storage().nbytes() / t.element_size()));
  return out;
}

// storageBytes(tensor): the bytes of the tensor's whole storage (a CPU copy for other devices).
Napi::Value storageBytes(Args& a) {
  at::Tensor t = a.tensor(0).detach();
  const int64_t n = static_cast<int64_t>(t.storage().nbytes() / t.element_size());
  at::Tensor whole = at::empty({0}, t.options()).set_(t.storage(), 0, {n}, {1}).to(at::kCPU);
  const size_t bytes = static_cast<size_t>(n) * t.element_size();
  auto buf = Napi::Buffer<uint8_t>::New(a.env(), bytes);
  if (bytes) std::memcpy(buf.Data(), whole.data_ptr(), bytes);
  return buf;
}

}  // namespace

void initSerialize(Napi::Env env, Napi::Object x) {
  GT_DEF(x, "storageFromBytes", { return storageFromBytes(a); });
  GT_DEF(x, "viewOfStorage", { return viewOfStorage(a); });
  GT_DEF(x, "bytesOf", { return bytesOf(a); });
  GT_DEF(x, "storageOf", { return storageOf(a); });
  GT_DEF(x, "storageBytes", { return storageBytes(a); });
}

}  // namespace gt
