import Logging
import NIOPosix
import Processes
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `gatehouse-dataplane envoy-keeper`: the parent of one Envoy, between it and its agent, so that the
/// agent's death (`kill -9`, a crash) costs no request.
///
/// Envoy, with hot restart enabled (its default), makes SIGTERM its own parent-death signal
/// (`HotRestartImpl`'s constructor: `prctl(PR_SET_PDEATHSIG, SIGTERM)`) and on SIGTERM exits at
/// once, cutting off the requests in flight. Started by the agent, it died with the agent.
/// Started by the keeper, it dies with the keeper, which the agent's death does not kill (the
/// keeper leads a process group of its own; Envoy shares it, so stopping the keeper's group
/// stops both). The keeper:
///
/// - when Envoy exits, exits with its status (the agent restarts Envoy);
/// - on SIGTERM or SIGINT (the agent stopping Envoy), passes it on to Envoy;
/// - when the agent is gone (end of file on standard input: a pipe whose only writer is the
///   agent), drains Envoy (it stops accepting; with `net.ipv4.tcp_migrate_req` the kernel
///   hands connections still in its accept queue to the other processes bound to the port:
///   the other replicas, the restarted agent's Envoy), lets the requests in flight finish,
///   then stops it. The restarted agent meanwhile starts an Envoy of its own, so no Envoy is
///   left behind and none is adopted twice.
public final class EnvoyKeeper: ServiceLifecycle.Service, Sendable {
    /// The `gatehouse-dataplane` subcommand that runs a keeper (`DataplaneProgram`).
    public static let subcommand = "envoy-keeper"

    /// The Envoy binary.
    let binary: String
    /// Envoy's arguments.
    let arguments: [String]
    /// Where Envoy's output goes (appended).
    let logPath: String
    /// The file Envoy writes its admin address to (`--admin-address-path`).
    let adminAddressPath: String
    /// Where the keeper records Envoy's process id (`pid` and a newline).
    let pidPath: String
    let logger: Logger
    private let outcome = Mutex<ChildProcess.Termination?>(nil)
    /// Envoy's admin API, once its address is known.
    private let admin = Mutex<EnvoyAdmin?>(nil)

    /// Creates a keeper (nothing runs until `run`).
    public init(binary: String, arguments: [String], logPath: String, adminAddressPath: String, pidPath: String, logger: Logger) {
        self.binary = binary
        self.arguments = arguments
        self.logPath = logPath
        self.adminAddressPath = adminAddressPath
        self.pidPath = pidPath
        self.logger = logger
    }

    /// How Envoy ended, once `run` has returned.
    public var termination: ChildProcess.Termination? { outcome.withLock { $0 } }

    /// The exit status that reports Envoy's end to the agent: Envoy's own, or 128 + the signal
    /// that ended it (a shell's convention).
    public var exitStatus: Int32 {
        switch termination {
        case .exited(let code): return code
        case .signalled(let signal): return 128 + signal
        case nil: return 1
        }
    }

    private enum Event { case envoyExited, agentGone }

    /// Runs Envoy until it exits: stopped by a signal passed on, or drained and stopped once
    /// the agent is gone.
    public func run() async throws {
        let envoy = try await ChildProcess.launch(ChildProcess.Options(
            executable: binary, arguments: arguments, logPath: logPath, ownProcessGroup: false))
        try? FileSystem.write(Array("\(envoy.pid)\n".utf8), to: pidPath)
        logger.info("envoy started", metadata: ["pid": "\(envoy.pid)"])
        let event = await withGracefulShutdownHandler {
            await withTaskGroup(of: Event?.self) { group in
                group.addTask {
                    await envoy.waitForExitUnlessCancelled() == nil ? nil : .envoyExited
                }
                group.addTask {
                    await InputPipe.waitForEndOfFile()
                    return Task.isCancelled ? nil : .agentGone
                }
                group.addTask {
                    // Read now: Envoy may be asked to drain at any time.
                    if let address = await Self.adminAddress(at: self.adminAddressPath, while: envoy) {
                        self.admin.withLock { $0 = EnvoyAdmin(address: address) }
                    }
                    return nil
                }
                var first: Event?
                while first == nil, let next = await group.next() { first = next }
                group.cancelAll()
                return first ?? .envoyExited
            }
        } onGracefulShutdown: {
            envoy.send(SIGTERM)
        }
        if event == .agentGone, envoy.isRunning {
            logger.warning("the agent is gone: draining envoy, then stopping it", metadata: ["pid": "\(envoy.pid)"])
            if let admin = admin.withLock({ $0 }) { await admin.drain(graceful: false) }
            await envoy.stop(grace: .seconds(5))
        }
        let termination = await envoy.waitForExit()
        unlink(adminAddressPath)
        outcome.withLock { $0 = termination }
        logger.info("envoy exited", metadata: ["pid": "\(envoy.pid)", "termination": "\(termination)"])
    }

    /// The admin address Envoy writes at `path`, once it has (nil if Envoy exits first).
    private static func adminAddress(at path: String, while envoy: ChildProcess) async -> String? {
        while envoy.isRunning, !Task.isCancelled {
            if let address = FileSystem.text(of: path)?.trimmingWhitespace, !address.isEmpty { return address }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

/// The keeper's standard input: a pipe whose write end only the agent holds, so that end of
/// file means the agent is gone, however it ended.
enum InputPipe {
    /// Returns at end of file on standard input, or when the waiting task is cancelled. The
    /// blocking read runs on a thread of NIO's blocking pool (it stays blocked there), never on
    /// Swift's cooperative pool.
    static func waitForEndOfFile() async {
        let waiter = OnceWaiter()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.install(continuation)
                NIOThreadPool.singleton.submit { _ in
                    var buffer = [UInt8](repeating: 0, count: 64)
                    while true {
                        let count = read(STDIN_FILENO, &buffer, buffer.count)
                        if count == 0 || (count < 0 && errno != EINTR) { break }
                    }
                    waiter.resume()
                }
            }
        } onCancel: {
            waiter.resume()
        }
    }
}

/// A continuation resumed exactly once, by whichever comes first (it may be resumed before it
/// is installed).
private final class OnceWaiter: Sendable {
    private struct State {
        var resumed = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state -> Bool in
            if state.resumed { return true }
            state.continuation = continuation
            return false
        }
        if resumeNow { continuation.resume() }
    }

    func resume() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.resumed { return nil }
            state.resumed = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }
}
