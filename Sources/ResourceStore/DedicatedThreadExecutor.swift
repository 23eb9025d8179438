import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A task executor backed by one thread of its own, for work that blocks (SQLite commits) or
/// burns CPU for long (parsing a large request): run inside
/// `withTaskExecutorPreference(executor) { ... }`, such work never occupies one of Swift's
/// cooperative threads, which on a 2-core machine are two, shared by every task.
///
/// Jobs run one at a time in the order they were enqueued.
public final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is behind a Mutex; `ready` is a POSIX semaphore, safe from any thread
    // by contract; `thread` is written once in init.
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready: UnsafeMutablePointer<sem_t>
    private var thread = pthread_t()

    /// What the thread is for (in failure messages).
    public let name: String

    /// Starts the thread.
    public init(name: String) {
        self.name = name
        ready = .allocate(capacity: 1)
        sem_init(ready, 0, 0)
        let box = Unmanaged.passRetained(self)
        let created = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let executor = Unmanaged<DedicatedThreadExecutor>.fromOpaque(argument).takeRetainedValue()
            executor.runLoop()
            return nil
        }, box.toOpaque())
        precondition(created == 0, "cannot start the \(name) thread: error \(created)")
        pthread_detach(thread)
    }

    /// Runs jobs forever (the executor lives as long as the process: stores and servers do).
    private func runLoop() {
        nameThread()
        while true {
            while sem_wait(ready) != 0 {}
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Gives the thread its name, shown by `top -H`, perf and `/proc/PID/task/*/comm` (glibc's
    /// `pthread_setname_np`, looked up at run time: the Glibc module does not export it).
    private func nameThread() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "pthread_setname_np") else { return }
        typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
        _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), String(decoding: name.utf8.prefix(15), as: UTF8.self))
        #endif
    }

    /// Queues a job (called by the Swift runtime).
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        sem_post(ready)
    }
}
