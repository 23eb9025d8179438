import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Every process Gatehouse starts (dataplane agents, Envoy, echo backends, test and benchmark
/// helpers) is one of these, so that launching and stopping work the same everywhere:
///
/// - launched through swift-subprocess, which spawns with an empty signal mask and default
///   signal handlers (a child of a Swift-concurrency thread would otherwise inherit blocked
///   signals and never see SIGTERM);
/// - the leader of a process group of its own, so a stop can sweep whatever it started (an
///   agent's Envoy must never outlive the agent and keep serving a deleted Gateway's address),
///   unless `Options.ownProcessGroup` keeps it in its parent's group;
/// - its exit observed asynchronously (a process descriptor watched by swift-subprocess's own
///   thread; nothing blocks a Swift-concurrency thread);
/// - stopped with a grace period: SIGTERM, then SIGKILL to the whole group.
public final class ChildProcess: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// Path of the executable.
        public var executable: String
        /// Arguments, without the executable.
        public var arguments: [String]
        /// Variables set (or, with nil, removed) on top of this process's environment.
        public var environment: [String: String?]
        /// The working directory (this process's when nil).
        public var workingDirectory: String?
        /// Standard output and error are appended to this file when set, else discarded.
        public var logPath: String?
        /// Standard output alone goes here when set (overrides `logPath` for it).
        public var outputPath: String?
        /// Standard error alone goes here when set (overrides `logPath` for it).
        public var errorPath: String?
        /// Standard input.
        public var input: Input
        /// Whether it leads a process group of its own (the default). False keeps it in this
        /// process's group, so that whoever stops this process's group stops it too (a
        /// supervisor between an agent and its Envoy).
        public var ownProcessGroup: Bool

        /// Where standard input comes from.
        public enum Input: Sendable {
            /// `/dev/null`.
            case none
            /// A file's content.
            case file(String)
            /// A pipe the caller writes to (`ChildProcess.writeInput`, `closeInput`).
            case pipe
        }

        /// Creates options.
        public init(executable: String, arguments: [String] = [], environment: [String: String?] = [:],
                    workingDirectory: String? = nil, logPath: String? = nil, outputPath: String? = nil,
                    errorPath: String? = nil, input: Input = .none, ownProcessGroup: Bool = true) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.logPath = logPath
            self.outputPath = outputPath
            self.errorPath = errorPath
            self.input = input
            self.ownProcessGroup = ownProcessGroup
        }
    }

    /// How a process ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)

        /// `exit N` or `signal N`.
        public var description: String {
            switch self {
            case .exited(let code): return "exit \(code)"
            case .signalled(let signal): return "signal \(signal)"
            }
        }
    }

    /// The process identifier (also its process group's, with `Options.ownProcessGroup`).
    public let pid: Int32
    /// The executable's path, for messages.
    public let executable: String
    /// Whether it leads a group of its own (`Options.ownProcessGroup`).
    public let leadsProcessGroup: Bool
    private let record: ExitRecord
    /// The write end of the input pipe (`Options.Input.pipe`), until closed.
    private let inputWriter: Mutex<FileDescriptor?>

    private init(pid: Int32, executable: String, leadsProcessGroup: Bool, record: ExitRecord, inputWriter: FileDescriptor?) {
        self.pid = pid
        self.executable = executable
        self.leadsProcessGroup = leadsProcessGroup
        self.record = record
        self.inputWriter = Mutex(inputWriter)
    }

    deinit {
        inputWriter.withLock { try? $0?.close() }
    }

    /// Writes to the process's standard input (with `Options.Input.pipe`).
    public func writeInput(_ bytes: [UInt8]) throws {
        try inputWriter.withLock { writer in
            guard let writer else { throw ChildProcessError("\(executable): standard input is not a pipe, or closed") }
            _ = try bytes.withUnsafeBytes { try writer.writeAll($0) }
        }
    }

    /// Closes standard input (the process reads end of file).
    public func closeInput() {
        inputWriter.withLock { writer in
            try? writer?.close()
            writer = nil
        }
    }

    /// Starts a process; returns once it runs (throws when it cannot be started, e.g. the
    /// executable is missing or the log file cannot be opened).
    public static func launch(_ options: Options) async throws -> ChildProcess {
        let output = try logDescriptor(options.outputPath ?? options.logPath)
        let error = try logDescriptor(options.errorPath ?? options.logPath)
        let inputReader: FileDescriptor
        var inputWriter: FileDescriptor?
        switch options.input {
        case .none:
            inputReader = try FileDescriptor.open("/dev/null", .readOnly, options: [.closeOnExec])
        case .file(let path):
            do {
                inputReader = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            } catch {
                throw ChildProcessError("cannot open the input file \(path): \(error)")
            }
        case .pipe:
            let pipe = try FileDescriptor.pipe()
            inputReader = pipe.readEnd
            inputWriter = pipe.writeEnd
            // The child must not inherit the write end (it would never see end of file).
            _ = fcntl(pipe.writeEnd.rawValue, F_SETFD, FD_CLOEXEC)
        }
        let record = ExitRecord()
        var platform = PlatformOptions()
        // A group of its own, led by the child (pgid = pid), unless asked to stay in ours.
        if options.ownProcessGroup { platform.processGroupID = 0 }
        var environment = Environment.inherit
        if !options.environment.isEmpty {
            var updates: [Environment.Key: String?] = [:]
            for (name, value) in options.environment { updates[Environment.Key(stringLiteral: name)] = value }
            environment = environment.updating(updates)
        }
        let configuration = Configuration(
            executable: .path(FilePath(options.executable)), arguments: Arguments(options.arguments),
            environment: environment, workingDirectory: options.workingDirectory.map { FilePath($0) },
            platformOptions: platform)
        let pid: Int32 = try await withCheckedThrowingContinuation { (started: CheckedContinuation<Int32, any Error>) in
            // Detached: the process outlives the caller's task, and cancelling the caller
            // must not tear it down (stopping is `stop`'s business).
            Task.detached {
                let launched = Mutex(false)
                do {
                    let result = try await Subprocess.run(
                        configuration, input: .fileDescriptor(inputReader, closeAfterSpawningProcess: true),
                        output: .fileDescriptor(output, closeAfterSpawningProcess: true),
                        error: .fileDescriptor(error, closeAfterSpawningProcess: true)
                    ) { execution in
                        launched.withLock { $0 = true }
                        started.resume(returning: execution.processIdentifier.value)
                    }
                    record.finish(Termination(result.terminationStatus))
                } catch {
                    record.finish(.exited(-1))
                    if !launched.withLock({ $0 }) {
                        started.resume(throwing: ChildProcessError("cannot start \(options.executable): \(error)"))
                    }
                }
            }
        }
        return ChildProcess(pid: pid, executable: options.executable, leadsProcessGroup: options.ownProcessGroup, record: record,
                            inputWriter: inputWriter)
    }

    /// True until the process has exited and been reaped.
    public var isRunning: Bool { record.termination == nil }

    /// How it ended, once it has.
    public var termination: Termination? { record.termination }

    /// Waits for the process to end (cancellation does not cut this wait short: use
    /// `waitForExit(timeout:)` for a bounded one).
    public func waitForExit() async -> Termination { await record.waitUncancellable() }

    /// Waits for the process to end, or for the waiting task to be cancelled (then nil).
    public func waitForExitUnlessCancelled() async -> Termination? { await record.wait() }

    /// Waits at most `timeout` for the process to end; nil when it still runs.
    public func waitForExit(timeout: Duration) async -> Termination? {
        await withTaskGroup(of: Termination?.self) { group in
            group.addTask { await self.record.wait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? record.termination
        }
    }

    /// Sends `signal` to the process (not to its group), while it runs.
    public func send(_ signal: Int32) {
        if isRunning { Glibc.kill(pid, signal) }
    }

    /// Sends `signal` to the process group: the process and everything it started that
    /// stayed in its group (even after the leader has exited). A process that shares its
    /// parent's group gets it alone (the group is not its to stop).
    public func sendToGroup(_ signal: Int32) {
        if leadsProcessGroup { Glibc.kill(-pid, signal) } else { send(signal) }
    }

    /// SIGTERM to the process; if it has not ended after `grace`, SIGKILL. Either way the
    /// whole group gets SIGKILL afterwards, so nothing it started survives it.
    @discardableResult
    public func stop(grace: Duration = .seconds(5)) async -> Termination {
        send(SIGTERM)
        if await waitForExit(timeout: grace) == nil { sendToGroup(SIGKILL) }
        let termination = await waitForExit()
        sendToGroup(SIGKILL)
        return termination
    }

    /// SIGKILL to the group at once, then waits for the leader.
    @discardableResult
    public func kill() async -> Termination {
        sendToGroup(SIGKILL)
        return await waitForExit()
    }

    /// The file standard output or error goes to: the log (appended), else /dev/null.
    private static func logDescriptor(_ path: String?) throws -> FileDescriptor {
        guard let path else { return try FileDescriptor.open("/dev/null", .writeOnly, options: [.closeOnExec]) }
        do {
            return try FileDescriptor.open(FilePath(path), .writeOnly, options: [.append, .create, .closeOnExec],
                                           permissions: [.ownerReadWrite, .groupRead])
        } catch {
            throw ChildProcessError("cannot open the log file \(path): \(error)")
        }
    }
}

/// The exit of one process and the tasks waiting for it.
private final class ExitRecord: Sendable {
    private struct State {
        var termination: ChildProcess.Termination?
        var waiters: [UInt64: CheckedContinuation<ChildProcess.Termination?, Never>] = [:]
    }

    private let state = Mutex(State())

    var termination: ChildProcess.Termination? { state.withLock { $0.termination } }

    func finish(_ termination: ChildProcess.Termination) {
        let waiters = state.withLock { state -> [CheckedContinuation<ChildProcess.Termination?, Never>] in
            guard state.termination == nil else { return [] }
            state.termination = termination
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: termination) }
    }

    /// The termination, whatever happens to the waiting task.
    func waitUncancellable() async -> ChildProcess.Termination {
        await withCheckedContinuation { (continuation: CheckedContinuation<ChildProcess.Termination?, Never>) in
            let known = state.withLock { state -> ChildProcess.Termination? in
                if let termination = state.termination { return termination }
                state.waiters[UInt64.random(in: 0...UInt64.max)] = continuation
                return nil
            }
            if let known { continuation.resume(returning: known) }
        } ?? .exited(-1)
    }

    /// The termination, or nil when the waiting task is cancelled first.
    func wait() async -> ChildProcess.Termination? {
        let id = UInt64.random(in: 0...UInt64.max)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ChildProcess.Termination?, Never>) in
                let known = state.withLock { state -> ChildProcess.Termination?? in
                    if let termination = state.termination { return .some(termination) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let known { continuation.resume(returning: known) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}

extension ChildProcess.Termination {
    init(_ status: TerminationStatus) {
        switch status {
        case .exited(let code): self = .exited(code)
        case .signaled(let signal): self = .signalled(signal)
        }
    }
}

/// A process that could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
