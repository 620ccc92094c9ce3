// One wall-clock watchdog thread per isolate, and a guarded call that turns the watchdog's
// termination of the isolate into an ordinary, catchable exception at the call's boundary.
//
// Why native: V8's TerminateExecution unwinds every JavaScript frame up to the outermost
// embedder call, so a termination requested by anything else than node:vm's own per-call
// watchdog (a thread started for every guarded evaluation, ~100 us) unwinds the host's frames
// too. Only C++ can catch it at the boundary and cancel it (Isolate::CancelTerminateExecution).
//
// What counts: the guarded thread's CPU time (so a machine busy with other processes does not
// stop code the meter would have let finish), or twice the limit of wall time (for code that
// blocks without spending CPU, such as Atomics.wait). The watchdog thread notes both clocks
// when it first sees a call armed, so the hot path reads no clock; the limit's precision is
// the poll interval.
//
// Protocol (all on one std::atomic, so the hot path is three atomic stores and a CAS):
//   state == 0       idle: no guarded call runs
//   state == e > 0   armed: guarded call number e runs; `limit_ms` is its limit
//   state == FIRING  the watchdog claimed call e (CAS e -> FIRING) and is terminating it
//   state == FIRED   TerminateExecution has been requested
// The caller disarms with CAS e -> 0. If that fails, the watchdog claimed the call: the caller
// waits for FIRED and cancels the termination before returning, so a termination never
// outlives the guarded call and never reaches host code after it.
#include <node.h>
#include <pthread.h>
#include <time.h>
#include <v8.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace {

constexpr int64_t kIdle = 0;
constexpr int64_t kFiring = -1;
constexpr int64_t kFired = -2;

constexpr int64_t kWallFactor = 2;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of a thread in ms, or -1 when the platform cannot tell (then only wall time counts).
int64_t CpuMs(bool has_clock, clockid_t clock) {
  if (!has_clock) return -1;
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return -1;
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

struct Watchdog {
  v8::Isolate* isolate;
  std::atomic<int64_t> state{kIdle};
  std::atomic<int64_t> limit_ms{0};
  std::atomic<uint32_t> fired_count{0};
  int64_t epoch = 0;
  int64_t poll_ms;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool has_cpu_clock = false;
  clockid_t cpu_clock{};
  std::thread thread;

  Watchdog(v8::Isolate* isolate, int64_t poll_ms) : isolate(isolate), poll_ms(poll_ms) {
    has_cpu_clock = pthread_getcpuclockid(pthread_self(), &cpu_clock) == 0;
    thread = std::thread([this] { Run(); });
  }

  void Run() {
    std::unique_lock<std::mutex> lock(mutex);
    int64_t seen = 0;
    int64_t cpu0 = 0;
    int64_t wall0 = 0;
    while (!stopping) {
      wake.wait_for(lock, std::chrono::milliseconds(poll_ms));
      if (stopping) break;
      int64_t armed = state.load(std::memory_order_acquire);
      if (armed <= 0) continue;
      int64_t limit = limit_ms.load(std::memory_order_acquire);
      int64_t cpu = CpuMs(has_cpu_clock, cpu_clock);
      int64_t wall = NowMs();
      if (armed != seen) {
        seen = armed;
        cpu0 = cpu;
        wall0 = wall;
        continue;
      }
      bool over = (cpu >= 0 && cpu0 >= 0 ? cpu - cpu0 >= limit : wall - wall0 >= limit) || wall - wall0 >= kWallFactor * limit;
      if (!over) continue;
      if (state.compare_exchange_strong(armed, kFiring, std::memory_order_acq_rel)) {
        isolate->TerminateExecution();
        fired_count.fetch_add(1, std::memory_order_relaxed);
        state.store(kFired, std::memory_order_release);
      }
    }
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (thread.joinable()) thread.join();
  }
};

thread_local Watchdog* current = nullptr;

void Cleanup(void* arg) {
  auto* dog = static_cast<Watchdog*>(arg);
  dog->Stop();
  if (current == dog) current = nullptr;
  delete dog;
}

void ThrowError(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::Error(v8::String::NewFromUtf8(isolate, message.c_str()).ToLocalChecked()));
}

// start(pollMs): starts this isolate's watchdog thread (once; later calls are no-ops).
void Start(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (current != nullptr) return;
  int64_t poll = args.Length() > 0 && args[0]->IsNumber() ? static_cast<int64_t>(args[0].As<v8::Number>()->Value()) : 10;
  if (poll < 1) poll = 1;
  current = new Watchdog(isolate, poll);
  node::AddEnvironmentCleanupHook(isolate, Cleanup, current);
}

// run(limitMs, fn, a, b): returns fn(a, b). If it is still running limitMs after it started, it
// is terminated and run throws an Error whose `code` is 'ERR_EXECUTION_TIMED_OUT'. A nested
// run is covered by the outer one and arms nothing.
void RunGuarded(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (args.Length() < 2 || !args[0]->IsNumber() || !args[1]->IsFunction()) {
    ThrowError(isolate, "watchdog.run(limitMs, fn, a, b): bad arguments");
    return;
  }
  v8::Local<v8::Function> fn = args[1].As<v8::Function>();
  v8::Local<v8::Value> argv[2] = {args.Length() > 2 ? args[2] : v8::Undefined(isolate).As<v8::Value>(),
                                  args.Length() > 3 ? args[3] : v8::Undefined(isolate).As<v8::Value>()};
  Watchdog* dog = current;
  if (dog == nullptr || dog->state.load(std::memory_order_acquire) != kIdle) {
    v8::MaybeLocal<v8::Value> result = fn->Call(context, v8::Undefined(isolate), 2, argv);
    if (!result.IsEmpty()) args.GetReturnValue().Set(result.ToLocalChecked());
    return;
  }
  double limit = args[0].As<v8::Number>()->Value();
  int64_t epoch = ++dog->epoch;
  dog->limit_ms.store(static_cast<int64_t>(limit), std::memory_order_release);
  dog->state.store(epoch, std::memory_order_release);
  bool timed_out = false;
  v8::Local<v8::Value> value;
  {
    v8::TryCatch try_catch(isolate);
    v8::MaybeLocal<v8::Value> result = fn->Call(context, v8::Undefined(isolate), 2, argv);
    int64_t expected = epoch;
    if (!dog->state.compare_exchange_strong(expected, kIdle, std::memory_order_acq_rel)) {
      // The watchdog claimed this call: wait until it has requested the termination, then
      // cancel it, whether or not it has reached JavaScript yet.
      while (dog->state.load(std::memory_order_acquire) != kFired) std::this_thread::yield();
      isolate->CancelTerminateExecution();
      dog->state.store(kIdle, std::memory_order_release);
      timed_out = true;
    } else if (result.IsEmpty()) {
      // An ordinary exception (or a termination that is not ours): let it go on.
      if (try_catch.HasCaught() && !try_catch.HasTerminated()) try_catch.ReThrow();
      return;
    } else {
      value = result.ToLocalChecked();
    }
  }
  if (timed_out) {
    v8::Local<v8::Object> error = v8::Exception::Error(
        v8::String::NewFromUtf8(isolate, ("execution timed out after " + std::to_string(static_cast<int64_t>(limit)) + " ms").c_str()).ToLocalChecked()).As<v8::Object>();
    error->Set(context, v8::String::NewFromUtf8Literal(isolate, "code"), v8::String::NewFromUtf8Literal(isolate, "ERR_EXECUTION_TIMED_OUT")).Check();
    isolate->ThrowException(error);
    return;
  }
  args.GetReturnValue().Set(value);
}

// firedCount(): how many guarded calls this isolate's watchdog has terminated.
void FiredCount(const v8::FunctionCallbackInfo<v8::Value>& args) {
  Watchdog* dog = current;
  args.GetReturnValue().Set(dog == nullptr ? 0u : dog->fired_count.load(std::memory_order_relaxed));
}

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  v8::Isolate* isolate = context->GetIsolate();
  auto set = [&](const char* name, v8::FunctionCallback cb) {
    exports->Set(context, v8::String::NewFromUtf8(isolate, name).ToLocalChecked(),
                 v8::FunctionTemplate::New(isolate, cb)->GetFunction(context).ToLocalChecked()).Check();
  };
  set("start", Start);
  set("run", RunGuarded);
  set("firedCount", FiredCount);
}
