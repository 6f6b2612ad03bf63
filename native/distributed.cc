// torch.distributed: one process group per process (as PyTorch's default group) over a TCPStore
// rendezvous, collectives on our tensors, and failure reports that name the rank that died.
#include "distributed.h"
#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>
#include <unistd.h>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include "tensor.h"

#ifdef GT_WITH_C10D
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef GT_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef GT_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace gt {

#ifdef GT_WITH_C10D
namespace dist {
namespace {

// LibTorch 2 moved the collectives of ProcessGroupGloo/NCCL to a Backend base class; in 1.13 they
// derive from ProcessGroup. Both have the same allreduce/broadcast/barrier signatures.
#if TORCH_VERSION_MAJOR >= 2
using BackendBase = c10d::Backend;
#else
using BackendBase = c10d::ProcessGroup;
#endif

using Ms = std::chrono::milliseconds;
// Every rank bumps a counter in the store this often; a rank whose counter stands still for
// kSilence after a failed collective is reported as gone.
constexpr Ms kHeartbeat{500};
constexpr Ms kSilence{2000};

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::string text(const std::vector<uint8_t>& v) { return {v.begin(), v.end()}; }
std::string key(const char* kind, int rank) { return std::string("gt/") + kind + "/" + std::to_string(rank); }
std::string secs(Ms t) {
  std::ostringstream s;
  s << t.count() / 1000.0 << " s";
  return s.str();
}

struct Config {
  std::string backend, addr;
  int rank = 0, size = 1, localRank = 0, port = 0;
  Ms timeout{1800000};
};

c10::intrusive_ptr<c10d::TCPStore> connectStore(const Config& c, bool server) {
  c10d::TCPStoreOptions o;
  o.port = static_cast<uint16_t>(c.port);
  o.isServer = server;
  o.numWorkers = static_cast<size_t>(c.size);
  o.waitWorkers = false;  // the join below checks world sizes and names missing ranks itself
  o.timeout = c.timeout;
  return c10::make_intrusive<c10d::TCPStore>(c.addr, o);
}

// Counts up gt/hb/<rank> from a connection of its own until stopped. Stopping waits briefly and
// then lets the thread go: a store that hangs must not hang the process's exit.
class Heartbeat {
 public:
  explicit Heartbeat(Config c) : state_(std::make_shared<State>()) {
    c.timeout = std::min(c.timeout, Ms(10000));
    std::thread([s = state_, c] { loop(*s, c); }).detach();
  }
  ~Heartbeat() {
    std::unique_lock<std::mutex> lk(state_->m);
    state_->stop = true;
    state_->cv.notify_all();
    state_->cv.wait_for(lk, Ms(2000), [this] { return state_->done; });
  }

 private:
  struct State {
    std::mutex m;
    std::condition_variable cv;
    bool stop = false, done = false;
  };
  static void loop(State& s, const Config& c) {
    try {
      auto store = connectStore(c, false);
      std::unique_lock<std::mutex> lk(s.m);
      while (!s.stop) {
        lk.unlock();
        store->add(key("hb", c.rank), 1);
        lk.lock();
        s.cv.wait_for(lk, kHeartbeat, [&] { return s.stop; });
      }
    } catch (...) {
      // The store went away with rank 0: nobody is left to read the heartbeat.
    }
    std::lock_guard<std::mutex> lk(s.m);
    s.done = true;
    s.cv.notify_all();
  }
  std::shared_ptr<State> state_;
};

struct Group {
  Config cfg;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<BackendBase> backend;
  std::unique_ptr<Heartbeat> heartbeat;
  std::string broken;  // set after a failed collective: the group cannot be used again
};
std::unique_ptr<Group> group;

Group& active(const char* what) {
  if (!group) throw std::runtime_error(std::string(what) + ": the process group is not initialised; call initProcessGroup() first");
  if (!group->broken.empty())
    throw std::runtime_error(std::string(what) + ": the process group failed earlier and cannot be used again (" + group->broken + ")");
  return *group;
}

std::string localHost() {
  char h[256] = {0};
  gethostname(h, sizeof h - 1);
  return h;
}

bool isLoopback(const std::string& a) { return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0; }

// Store errors become a cause and a fix.
std::runtime_error storeError(const Config& c, const std::string& cause) {
  std::ostringstream m;
  m << "initProcessGroup: ";
  if (c.rank == 0 && (cause.find("Address already in use") != std::string::npos || cause.find("errno: 98") != std::string::npos)) {
    m << "port " << c.port << " on " << c.addr << " is in use (another job, or a process still holding it); "
      << "choose another MASTER_PORT / masterPort";
  } else if (c.rank == 0) {
    m << "rank 0 could not start the rendezvous store on " << c.addr << ":" << c.port;
  } else {
    m << "rank " << c.rank << " could not reach the rendezvous store at " << c.addr << ":" << c.port << " within "
      << secs(c.timeout) << "; is rank 0 running, and are MASTER_ADDR and MASTER_PORT the same for every rank?";
  }
  m << " (" << cause << ")";
  return std::runtime_error(m.str());
}

// Every rank announces "<worldSize> <host> <pid>" and checks every other rank's, so a world-size
// mismatch or a duplicate rank is reported at once and a missing rank by number. A rank above 0
// reads rank 0's announcement before making its own: rank 0 is then still there to read theirs.
void join(c10d::Store& s, const Config& c) {
  if (s.add(key("claim", c.rank), 1) > 1)
    throw std::runtime_error("initProcessGroup: rank " + std::to_string(c.rank) +
                             " joined twice: another process of this job already has this RANK");
  const auto deadline = std::chrono::steady_clock::now() + c.timeout;
  auto check = [&](int r) {
    const std::string k = key("rank", r);
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    try {
      s.wait({k}, std::max(left, Ms(1)));
    } catch (const std::exception&) {
      std::ostringstream missing;
      for (int q = r, n = 0; q < c.size; ++q)
        if (q != c.rank && !s.check({key("rank", q)})) missing << (n++ ? ", " : "") << q;
      throw std::runtime_error("initProcessGroup: timed out after " + secs(c.timeout) + " waiting for rank(s) " + missing.str() +
                               " of WORLD_SIZE=" + std::to_string(c.size) + " to join; start every rank, or fix WORLD_SIZE");
    }
    std::istringstream theirs(text(s.get(k)));
    int size = -1;
    std::string host, pid;
    theirs >> size >> host >> pid;
    if (size == c.size) return std::string();
    return "initProcessGroup: world size mismatch: this process (rank " + std::to_string(c.rank) + ") has WORLD_SIZE=" +
           std::to_string(c.size) + " but rank " + std::to_string(r) + " (" + host + ", pid " + pid + ") has WORLD_SIZE=" +
           std::to_string(size) + "; every process of a job needs the same WORLD_SIZE";
  };
  const std::string vsRank0 = c.rank == 0 ? "" : check(0);
  s.set(key("rank", c.rank), bytes(std::to_string(c.size) + " " + localHost() + " " + std::to_string(getpid())));
  if (!vsRank0.empty()) throw std::runtime_error(vsRank0);
  for (int r = 1; r < c.size; ++r) {
    if (r == c.rank) continue;
    const std::string err = check(r);
    if (!err.empty()) throw std::runtime_error(err);
  }
}

c10::intrusive_ptr<BackendBase> makeBackend(const Config& c, const c10::intrusive_ptr<c10d::Store>& store) {
#ifdef GT_WITH_NCCL
  if (c.backend == "nccl") {
    // One GPU per local rank, as torchrun's convention.
    auto devices = static_cast<int>(c10::cuda::device_count());
    if (c.localRank >= devices)
      throw std::runtime_error("initProcessGroup: backend 'nccl' needs one GPU per local rank; LOCAL_RANK=" + std::to_string(c.localRank) +
                               " but this machine has " + std::to_string(devices));
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(c.localRank));
    auto o = c10d::ProcessGroupNCCL::Options::create();
    o->timeout = c.timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, c.rank, c.size, o);
  }
#endif
#ifdef GT_WITH_GLOO
  if (c.backend == "gloo") {
    auto o = c10d::ProcessGroupGloo::Options::create(c.timeout);
    // As PyTorch: GLOO_SOCKET_IFNAME picks the interfaces; otherwise loopback for a loopback master,
    // else the address this machine's hostname resolves to.
    const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
    if (ifname && *ifname) {
      std::istringstream names(ifname);
      for (std::string n; std::getline(names, n, ',');)
        if (!n.empty()) o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(n));
    } else if (isLoopback(c.addr)) {
      o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
      o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    return c10::make_intrusive<c10d::ProcessGroupGloo>(store, c.rank, c.size, o);
  }
#endif
  throw std::runtime_error("initProcessGroup: backend '" + c.backend + "' is not in this build");
}

void destroy(const char* note) {
  if (!group) return;
  try {
    group->store->set(key("note", group->cfg.rank), bytes(note));
  } catch (...) {
    // rank 0 (the store) may already be gone; the note is only a courtesy to the others
  }
  group->heartbeat.reset();
  group->backend.reset();
  group->store.reset();
  group.reset();
}

// After a failed collective: which ranks stopped counting their heartbeat? Their own notes (an
// error, or destroyProcessGroup) say why when they left on purpose.
std::string explain(const std::string& what, const std::string& cause) {
  Group& g = *group;
  const int me = g.cfg.rank, n = g.cfg.size;
  std::ostringstream m;
  m << what << " failed on rank " << me << ": ";
  try {
    auto& s = *g.store;
    s.set(key("note", me), bytes("failed in " + what));
    std::vector<int64_t> before(n);
    for (int r = 0; r < n; ++r) before[r] = s.add(key("hb", r), 0);
    std::this_thread::sleep_for(kSilence);
    std::vector<std::string> gone;
    for (int r = 0; r < n; ++r) {
      if (r == me || s.add(key("hb", r), 0) != before[r]) continue;
      std::string note = s.check({key("note", r)}) ? text(s.get(key("note", r))) : "";
      gone.push_back("rank " + std::to_string(r) +
                     (note.empty() ? " stopped responding (no heartbeat for " + secs(kSilence) + ": killed or crashed)" : " left (" + note + ")"));
    }
    for (size_t i = 0; i < gone.size(); ++i) m << (i ? "; " : "") << gone[i];
    m << (gone.empty() ? "" : " (cause: ") << cause << (gone.empty() ? "" : ")");
  } catch (const std::exception&) {
    m << "rank 0, which hosts the rendezvous store at " << g.cfg.addr << ":" << g.cfg.port
      << ", is gone (killed or crashed) (cause: " << cause << ")";
  }
  return m.str();
}

c10d::ReduceOp reduceOp(const std::string& op) {
  if (op == "sum" || op == "avg") return c10d::ReduceOp::SUM;  // avg = sum / worldSize (Gloo has no AVG)
  if (op == "product") return c10d::ReduceOp::PRODUCT;
  if (op == "min") return c10d::ReduceOp::MIN;
  if (op == "max") return c10d::ReduceOp::MAX;
  throw ArgError("op must be 'sum', 'avg', 'product', 'min' or 'max', got '" + op + "'");
}

// Flattens runs of tensors with equal dtype and device into one buffer each (coalesced collectives).
template <typename F>
void coalesced(const std::vector<at::Tensor>& ts, F collective) {
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < ts.size();) {
    size_t j = i;
    std::vector<at::Tensor> flat;
    while (j < ts.size() && ts[j].scalar_type() == ts[i].scalar_type() && ts[j].device() == ts[i].device())
      flat.push_back(ts[j++].reshape(-1));
    auto buf = at::cat(flat);
    collective(buf);
    int64_t off = 0;
    for (size_t k = i; k < j; ++k) {
      ts[k].copy_(buf.narrow(0, off, ts[k].numel()).view(ts[k].sizes()));
      off += ts[k].numel();
    }
    i = j;
  }
}

}  // namespace

int rank() { return active("getRank").cfg.rank; }
int worldSize() { return active("getWorldSize").cfg.size; }

c10::intrusive_ptr<c10d::Work> allReduceSum(const char* what, std::vector<at::Tensor>& tensors) {
  return active(what).backend->allreduce(tensors);
}

void wait(const char* what, const c10::intrusive_ptr<c10d::Work>& work) {
  std::string cause;
  try {
    work->wait();
    return;
  } catch (const c10::Error& e) {
    cause = e.what_without_backtrace();
  } catch (const std::exception& e) {
    cause = e.what();
  }
  std::string msg = explain(what, cause);
  group->broken = msg;
  throw std::runtime_error(msg);
}

}  // namespace dist
#endif

void initDistributed(Napi::Env env, Napi::Object x) {
  GT_DEF(x, "distAvailable", {
    auto o = Napi::Object::New(a.env());
#ifdef GT_WITH_GLOO
    o.Set("gloo", true);
#else
    o.Set("gloo", false);
#endif
#ifdef GT_WITH_NCCL
    o.Set("nccl", true);
#else
    o.Set("nccl", false);
#endif
    return Napi::Value(o);
  });

#ifndef GT_WITH_C10D
  GT_DEF(x, "distInit", {
    (void)a;
    throw std::runtime_error(
        "initProcessGroup: this build of gumbel-torch has no distributed support: gloo's headers were not found when the "
        "addon was built. Install them (Debian/Ubuntu: apt-get install libgloo-dev) and rebuild: npm run build:native");
  });
#else
  // distInit(backend, rank, worldSize, localRank, masterAddr, masterPort, timeoutMs)
  GT_DEF(x, "distInit", {
    using namespace dist;
    if (group) throw std::runtime_error("initProcessGroup: a process group is already initialised; call destroyProcessGroup() first");
    Config c;
    c.backend = a.str(0);
    c.rank = static_cast<int>(a.i64(1));
    c.size = static_cast<int>(a.i64(2));
    c.localRank = static_cast<int>(a.i64(3));
    c.addr = a.str(4);
    c.port = static_cast<int>(a.i64(5));
    c.timeout = Ms(a.i64(6));
#ifndef GT_WITH_GLOO
    if (c.backend == "gloo")
      throw std::runtime_error("initProcessGroup: backend 'gloo' is not in this build (gloo's headers were not found; apt-get install libgloo-dev and rebuild)");
#endif
#ifndef GT_WITH_NCCL
    if (c.backend == "nccl")
      throw std::runtime_error("initProcessGroup: backend 'nccl' needs gumbel-torch built against a CUDA LibTorch with NCCL's headers (this build has " +
                               std::string(TORCH_VERSION) + ", no NCCL); use backend 'gloo'");
#endif
    auto g = std::make_unique<Group>();
    g->cfg = c;
    c10::intrusive_ptr<c10d::TCPStore> tcp;
    try {
      tcp = connectStore(c, c.rank == 0);
    } catch (const c10::Error& e) {
      throw storeError(c, e.what_without_backtrace());
    } catch (const std::exception& e) {
      throw storeError(c, e.what());
    }
    g->store = tcp;
    join(*g->store, c);
    g->backend = makeBackend(c, c10::make_intrusive<c10d::PrefixStore>("gt/pg/", g->store));
    g->heartbeat = std::make_unique<Heartbeat>(c);
    group = std::move(g);
  });
  GT_DEF(x, "distDestroy", { (void)a; dist::destroy("left the group (destroyProcessGroup)"); });
  GT_DEF(x, "distIsInitialized", { (void)a; return static_cast<bool>(dist::group); });
  GT_DEF(x, "distRank", { (void)a; return static_cast<int64_t>(dist::rank()); });
  GT_DEF(x, "distWorldSize", { (void)a; return static_cast<int64_t>(dist::worldSize()); });
  GT_DEF(x, "distLocalRank", { (void)a; return static_cast<int64_t>(dist::active("getLocalRank").cfg.localRank); });
  GT_DEF(x, "distBackend", { (void)a; return dist::active("getBackend").cfg.backend; });
  // distAllReduce(tensor, op): in place, as dist.all_reduce.
  GT_DEF(x, "distAllReduce", {
    auto t = a.tensor(0);
    auto op = a.str(1);
    c10d::AllreduceOptions o;
    o.reduceOp = dist::reduceOp(op);
    std::vector<at::Tensor> v{t};
    dist::wait("allReduce", dist::active("allReduce").backend->allreduce(v, o));
    if (op == "avg") {
      torch::NoGradGuard noGrad;
      t.div_(dist::worldSize());
    }
  });
  // distBroadcast(tensors, src): rank src's values to every rank, runs of equal dtype/device coalesced.
  GT_DEF(x, "distBroadcast", {
    auto ts = a.tensors(0);
    c10d::BroadcastOptions o;
    o.rootRank = a.i64(1);
    dist::coalesced(ts, [&](at::Tensor& buf) {
      std::vector<at::Tensor> v{buf};
      dist::wait("broadcast", dist::active("broadcast").backend->broadcast(v, o));
    });
  });
  GT_DEF(x, "distBarrier", {
    (void)a;
    dist::wait("barrier", dist::active("barrier").backend->barrier());
  });
  // A group still alive when Node's environment ends is closed first, so its threads are joined
  // before LibTorch's statics go away.
  env.AddCleanupHook([] { dist::destroy("exited"); });
#endif
  // torch.randperm(n, generator=torch.Generator().manual_seed(seed)): DistributedSampler's shuffle.
  GT_DEF(x, "randpermSeeded", {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(a.i64(1)));
    return at::randperm(a.i64(0), gen, at::TensorOptions().dtype(at::kLong));
  });
}

}  // namespace gt
