#if canImport(Glibc)
import Glibc
#endif

/// The `gatehouse-dataplane` executable: the agent (and Envoy's keeper) without the control
/// plane's libraries, installed next to `gatehouse`. `gatehouse dataplane` and `gatehouse
/// sidecar` check their options, then replace themselves with it (`exec`: same process id, so
/// whoever started them still has the agent's).
public enum AgentExecutable {
    /// The file name.
    public static let name = "gatehouse-dataplane"

    /// The executable beside the running one.
    public static func path() throws -> String {
        let own = FileSystem.resolved("/proc/self/exe") ?? CommandLine.arguments.first ?? ""
        let path = FileSystem.directory(of: own) + "/" + name
        guard FileSystem.isExecutableFile(path) else {
            throw DataplaneError("\(name) is not next to \(own) (it is built and installed with gatehouse)")
        }
        return path
    }

    /// Replaces this process with `executable` run with `arguments` (after its name) and the
    /// current environment plus `environment`. Returns only by throwing.
    ///
    /// The calling thread's signal mask and the signals this process set to be ignored would
    /// survive `exec`; they are reset first, so the agent receives SIGTERM and SIGINT like any
    /// process (Swift's cooperative threads block some signals). So would every descriptor not
    /// marked close-on-exec (SwiftNIO's sockets are not: a sidecar's pooled connection to the
    /// API); all but standard input, output and error are marked first.
    public static func exec(_ executable: String, arguments: [String], environment: [String: String] = [:]) throws -> Never {
        var fields: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if environment[name] == nil { fields.append(text) }
            index += 1
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { fields.append("\(name)=\(value)") }
        closeOnExec(above: STDERR_FILENO)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] {
            Glibc.signal(signal, SIG_DFL)
        }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, nil)
        let argv = ([name] + arguments).map { strdup($0) } + [nil]
        let envp = fields.map { strdup($0) } + [nil]
        execve(executable, argv, envp)
        let failure = FileSystem.errorText()
        argv.forEach { free($0) }
        envp.forEach { free($0) }
        throw DataplaneError("cannot run \(executable): \(failure)")
    }

    /// Marks every open descriptor above `lowest` close-on-exec.
    private static func closeOnExec(above lowest: Int32) {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let descriptor = Int32(name), descriptor > lowest, descriptor != own else { continue }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
    }
}
