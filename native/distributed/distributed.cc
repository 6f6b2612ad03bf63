// torch.distributed: one process group per process (as PyTorch's default group) over a TCPStore
// rendezvous, collectives on our tensors, and failure reports that name the rank that died.
#include "distributed.h"
#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <system_error>
#include <thread>
#include "binding/tensor.h"

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
// While a Gloo collective waits, a rank whose counter stands still this long (frozen by SIGSTOP, or
// hung) is named at once instead of after the collective's timeout (30 minutes by default).
constexpr Ms kFrozen{5000};
constexpr Ms kPoll{250};
// The watching connection's own timeout: a frozen rank 0 (the store's host) must not block it.
constexpr Ms kWatchTimeout{3000};

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
  c10::intrusive_ptr<c10d::TCPStore> watch;  // reads the heartbeats while a collective waits
  bool storeSilent = false;  // rank 0's store stopped answering: leaving must not wait on it
  std::string broken;  // set after a failed collective: the group cannot be used again
  napi_env owner = nullptr;  // the Node environment (main thread or worker) that made it
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

// The store of this job's previous group, which rank 0 has not torn down yet: this rank left it
// (its note is there) and must wait for rank 0's new one.
struct StaleStore : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Every rank announces "<worldSize> <host> <pid>" and checks every other rank's, so a world-size
// mismatch or a duplicate rank is reported at once and a missing rank by number. A rank above 0
// reads rank 0's announcement before making its own: rank 0 is then still there to read theirs.
void join(c10d::Store& s, const Config& c) {
  if (s.add(key("claim", c.rank), 1) > 1) {
    if (c.rank != 0 && s.check({key("note", c.rank)})) throw StaleStore("the previous group's store");
    throw std::runtime_error("initProcessGroup: rank " + std::to_string(c.rank) +
                             " joined twice: another process of this job already has this RANK");
  }
  const auto deadline = std::chrono::steady_clock::now() + c.timeout;
  auto check = [&](int r) {
    const std::string k = key("rank", r);
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    try {
      s.wait({k}, std::max(left, Ms(1)));
    } catch (const std::exception&) {
      // Named up to a few: a huge WORLD_SIZE typed by mistake must not take a store query per rank.
      std::ostringstream missing;
      int n = 0;
      for (int q = r; q < c.size && n < 8; ++q)
        if (q != c.rank && !s.check({key("rank", q)})) missing << (n++ ? ", " : "") << q;
      if (n == 8) missing << ", ...";
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

// A store closing while a client's request is in flight aborts that client's process inside
// LibTorch's store code (a thread of its own throws). So a rank above 0 that will re-initialise
// waits, idle, until rank 0 has closed this group's store (bounded: rank 0 may go on working).
constexpr Ms kLinger{5000};
void awaitStoreClosed(c10d::Store& s, Ms upTo) {
  try {
    s.wait({key("never", 0)}, upTo);
  } catch (...) {
    // closed (what we wait for) or timed out
  }
  // Our connection closes slightly before rank 0's listening socket: a connection made in between
  // is reset, and that too aborts inside LibTorch's client.
  std::this_thread::sleep_for(Ms(250));
}

// `linger`: the process may re-initialise (destroyProcessGroup), not exiting.
void destroy(const char* note, bool linger) {
  if (!group) return;
  const bool healthy = group->broken.empty();
  try {
    if (!group->storeSilent) group->store->set(key("note", group->cfg.rank), bytes(note));
  } catch (...) {
    // rank 0 (the store) may already be gone; the note is only a courtesy to the others
  }
  group->heartbeat.reset();
  group->watch.reset();
  group->backend.reset();
  if (linger && healthy && group->cfg.rank != 0) awaitStoreClosed(*group->store, kLinger);
  group->store.reset();
  group.reset();
}

// Rank 0 hosts the store: when it exits, a survivor still reading the heartbeats can only say the
// store is gone. So after its own diagnosis it waits (boundedly) for the other survivors' diagnoses.
void awaitOthersExplained(c10d::Store& s, int n, const std::vector<int>& gone) {
  const auto deadline = std::chrono::steady_clock::now() + kSilence + Ms(1000);
  for (int r = 1; r < n; ++r) {
    if (std::find(gone.begin(), gone.end(), r) != gone.end()) continue;
    while (!s.check({key("explained", r)}) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(Ms(50));
  }
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
    std::vector<int> goneRanks;
    for (int r = 0; r < n; ++r) {
      if (r == me || s.add(key("hb", r), 0) != before[r]) continue;
      goneRanks.push_back(r);
      std::string note = s.check({key("note", r)}) ? text(s.get(key("note", r))) : "";
      gone.push_back("rank " + std::to_string(r) +
                     (note.empty() ? " stopped responding (no heartbeat for " + secs(kSilence) + ": killed or crashed)" : " left (" + note + ")"));
    }
    for (size_t i = 0; i < gone.size(); ++i) m << (i ? "; " : "") << gone[i];
    m << (gone.empty() ? "" : " (cause: ") << cause << (gone.empty() ? "" : ")");
    s.set(key("explained", me), bytes("1"));
    if (me == 0) awaitOthersExplained(s, n, goneRanks);
  } catch (const std::exception&) {
    m << "rank 0, which hosts the rendezvous store at " << g.cfg.addr << ":" << g.cfg.port
      << ", is gone (killed or crashed) (cause: " << cause << ")";
  }
  return m.str();
}

// Gloo aborts the whole process (its threads throw) when ranks pass buffers of different sizes,
// and reinterprets bytes when dtypes differ. So before a user's collective every rank all-reduces a
// small fixed-size signature (max of each field and of its negation: min and max at once); any
// difference is then an error on every rank, before the real collective, and the group stays usable.
enum class Kind : int64_t {
  AllReduce = 1,
  Broadcast = 2,
};
const char* kindName(int64_t k) { return k == 1 ? "allReduce" : (k == 2 ? "broadcast" : "?"); }

void checkSameAcrossRanks(const char* what, Kind kind, const at::Tensor& like, int64_t numel, int64_t layout, int64_t param,
                          const std::string& mine, const char* paramName) {
  Group& g = active(what);
  const std::vector<int64_t> f{static_cast<int64_t>(kind), numel, layout, param};
  std::vector<int64_t> both(f);
  for (int64_t v : f) both.push_back(-v);
  std::vector<at::Tensor> buf{at::tensor(both, at::kLong).to(like.device())};
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp::MAX;
  wait(what, g.backend->allreduce(buf, o));
  auto out = buf[0].cpu();
  auto hi = [&](size_t i) { return out[i].item<int64_t>(); };
  auto lo = [&](size_t i) { return -out[i + f.size()].item<int64_t>(); };
  std::ostringstream m;
  m << what << ": ";
  if (lo(0) != hi(0)) {
    m << "the ranks called different collectives at the same time (" << kindName(lo(0)) << " and " << kindName(hi(0))
      << "); every rank must make the same calls in the same order";
  } else if (lo(1) != hi(1) || lo(2) != hi(2)) {
    m << "every rank must pass the same number of elements and dtypes, in the same order; this rank (" << g.cfg.rank << ") has "
      << mine << ", and across ranks the element counts range " << lo(1) << " to " << hi(1)
      << (lo(2) != hi(2) ? " and the dtypes differ" : "");
  } else if (lo(3) != hi(3)) {
    m << "every rank must pass the same " << paramName << "; this rank (" << g.cfg.rank << ") has " << f[3];
  } else {
    return;
  }
  throw RangeArgError(m.str());
}

c10::intrusive_ptr<c10d::TCPStore> connect(const Config& c) {
  try {
    return connectStore(c, c.rank == 0);
  } catch (const c10::Error& e) {
    throw storeError(c, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw storeError(c, e.what());
  }
}

// Connects and joins. A rank above 0 that re-initialises soon after destroyProcessGroup may reach
// the previous group's store before rank 0 has closed it (or see it close under it): it then tries
// again until rank 0's new store answers, within the timeout.
c10::intrusive_ptr<c10d::Store> rendezvous(Config c) {
  const auto deadline = std::chrono::steady_clock::now() + c.timeout;
  for (;;) {
    auto tcp = connect(c);
    std::string stale;
    try {
      join(*tcp, c);
      return tcp;
    } catch (const StaleStore& e) {
      stale = e.what();
      awaitStoreClosed(*tcp, std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now()));
    } catch (const c10::Error& e) {
      if (c.rank == 0) throw;
      stale = e.what_without_backtrace();  // the store went away while joining
    } catch (const std::system_error& e) {
      if (c.rank == 0) throw;
      stale = e.what();
    }
    tcp.reset();
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    if (left <= Ms(0)) throw storeError(c, "only reached " + stale);
    std::this_thread::sleep_for(std::min(left, Ms(200)));
    c.timeout = left;
  }
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

// Every rank's heartbeat count, read on a thread of its own: a frozen rank 0 (the store's host) leaves
// a store request unanswered for good, whatever the connection's timeout, so the wait is bounded
// here; a thread left waiting holds its own reference to the connection.
std::vector<int64_t> heartbeats(const c10::intrusive_ptr<c10d::TCPStore>& watch, int n) {
  auto result = std::make_shared<std::promise<std::vector<int64_t>>>();
  auto answer = result->get_future();
  std::thread([result, watch, n] {
    try {
      std::vector<int64_t> v(n);
      for (int r = 0; r < n; ++r) v[r] = watch->add(key("hb", r), 0);
      result->set_value(std::move(v));
    } catch (...) {
      result->set_exception(std::current_exception());
    }
  }).detach();
  if (answer.wait_for(kWatchTimeout) != std::future_status::ready) throw std::runtime_error("the store did not answer");
  return answer.get();
}

// Waits for a Gloo collective while reading every rank's heartbeat. Returns "" once the work has
// ended (failed too: the caller's wait() then reports its error), or why it never will.
std::string watchWork(const char* what, const c10::intrusive_ptr<c10d::Work>& work) {
  Group& g = *group;
  const int n = g.cfg.size, me = g.cfg.rank;
  using Clock = std::chrono::steady_clock;
  std::vector<int64_t> seen(n, -1);
  std::vector<Clock::time_point> changed(n, Clock::now());
  for (;;) {
    try {
      work->wait(kPoll);
      return "";
    } catch (...) {
      if (work->isCompleted()) return "";
    }
    if (!g.watch) continue;
    const auto now = Clock::now();
    std::vector<int> silent;
    try {
      const std::vector<int64_t> counts = heartbeats(g.watch, n);
      for (int r = 0; r < n; ++r) {
        if (r == me) continue;
        if (counts[r] != seen[r]) {
          seen[r] = counts[r];
          changed[r] = now;
        } else if (now - changed[r] >= kFrozen) {
          silent.push_back(r);
        }
      }
    } catch (const std::exception&) {
      g.storeSilent = true;
      std::ostringstream m;
      m << what << " failed on rank " << me << ": rank 0, which hosts the rendezvous store at " << g.cfg.addr << ":" << g.cfg.port
        << ", stopped responding (no answer within " << secs(kWatchTimeout) << ": frozen, e.g. by SIGSTOP, or hung)";
      return m.str();
    }
    if (silent.empty()) continue;
    std::ostringstream m;
    m << what << " failed on rank " << me << ": ";
    for (size_t i = 0; i < silent.size(); ++i)
      m << (i ? "; " : "") << "rank " << silent[i] << " stopped responding (no heartbeat for " << secs(kFrozen)
        << " while this rank waited: frozen, e.g. by SIGSTOP, or hung)";
    return m.str();
  }
}

void wait(const char* what, const c10::intrusive_ptr<c10d::Work>& work) {
  std::string cause;
  const std::string frozen = group->cfg.backend == "gloo" ? watchWork(what, work) : "";
  if (!frozen.empty()) {
    group->broken = frozen;
    // Gloo's thread stays blocked in this collective until its own timeout, and the backend's
    // destructor would join it: the backend is let go instead, so leaving and exiting do not wait.
    (void)group->backend.release();
    throw std::runtime_error(frozen);
  }
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
  // The same exports as a build with c10d (lib/native-api.ts lists them): no group is ever initialised,
  // and whatever needs one says why there is none.
  GT_DEF(x, "distIsInitialized", { (void)a; return false; });
  GT_DEF(x, "distDestroy", { (void)a; });
  static constexpr const char* kNoDist =
      "this build of gumbel-torch has no distributed support: gloo's headers were not found when the "
      "addon was built. Install them (Debian/Ubuntu: apt-get install libgloo-dev) and rebuild: npm run build:native";
  for (const char* name : {"distInit", "distRank", "distWorldSize", "distLocalRank", "distBackend", "distAllReduce", "distBroadcast", "distBarrier"}) {
    x.Set(name, makeFn(env, name, [](Args&) { throw std::runtime_error(kNoDist); }));
  }
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
    g->owner = a.env();
    g->store = rendezvous(c);
    g->backend = makeBackend(c, c10::make_intrusive<c10d::PrefixStore>("gt/pg/", g->store));
    g->heartbeat = std::make_unique<Heartbeat>(c);
    if (c.backend == "gloo") {
      Config w = c;
      w.timeout = std::min(c.timeout, kWatchTimeout);
      g->watch = connectStore(w, false);
    }
    group = std::move(g);
  });
  GT_DEF(x, "distDestroy", { (void)a; dist::destroy("left the group (destroyProcessGroup)", /*linger=*/true); });
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
    const auto dt = t.scalar_type();
    if (dt == at::kBool || c10::isComplexType(dt))
      throw ArgError(std::string("allReduce: cannot reduce ") + c10::toString(dt) + " tensors; convert first (e.g. .to('uint8') or .to('float32'))");
    if (op == "avg" && !c10::isFloatingType(dt))
      throw ArgError(std::string("allReduce: op 'avg' needs a floating-point tensor, got ") + c10::toString(dt) + "; use 'sum' and divide");
    dist::checkSameAcrossRanks("allReduce", dist::Kind::AllReduce, t, t.numel(), static_cast<int64_t>(dt), static_cast<int64_t>(o.reduceOp.op_) * 2 + (op == "avg"),
                               std::to_string(t.numel()) + " elements of " + c10::toString(dt), "op");
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
    // The signature: total elements, and a hash of the (elements, dtype) sequence.
    int64_t total = 0;
    uint64_t layout = 1469598103934665603ull;
    std::ostringstream mine;
    for (const auto& t : ts) {
      total += t.numel();
      for (uint64_t v : {static_cast<uint64_t>(t.numel()), static_cast<uint64_t>(t.scalar_type())}) layout = (layout ^ v) * 1099511628211ull;
      mine << (mine.tellp() ? ", " : "") << t.numel() << " " << c10::toString(t.scalar_type());
    }
    dist::checkSameAcrossRanks("broadcast", dist::Kind::Broadcast, ts.at(0), total, static_cast<int64_t>(layout >> 2), o.rootRank,
                               "[" + mine.str() + "]", "src");
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
  // Only the environment that made the group closes it: a worker thread that loaded the addon and
  // ends must not take the main thread's group with it.
  env.AddCleanupHook([e = napi_env(env)] {
    if (dist::group && dist::group->owner == e) dist::destroy("exited", /*linger=*/false);
  });
#endif
  // setParentDeathSignal(signal, parentPid): the kernel sends `signal` to this process when the
  // thread that started it exits (prctl PR_SET_PDEATHSIG), so a launcher's workers never outlive it.
  // False when the parent is already gone (the signal would then never come).
  GT_DEF(x, "setParentDeathSignal", {
    const int64_t sig = a.i64(0);
    if (sig < 0 || sig > 64) throw ArgError("setParentDeathSignal: signal must be in 0..64");
    if (prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(sig)) != 0) throw std::runtime_error("setParentDeathSignal: prctl failed");
    return static_cast<int64_t>(getppid()) == a.i64(1);
  });
  // torch.randperm(n, generator=torch.Generator().manual_seed(seed)): DistributedSampler's shuffle.
  GT_DEF(x, "randpermSeeded", {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(a.i64(1)));
    return at::randperm(a.i64(0), gen, at::TensorOptions().dtype(at::kLong));
  });
}

}  // namespace gt
