#if canImport(Glibc)
import Glibc
#endif

/// The command line of the `gatehouse-dataplane` executable's agent: what `gatehouse dataplane`
/// and `gatehouse sidecar` pass on once they have checked their own (documented) options, in
/// one place so that both sides spell the flags alike.
///
/// Secrets never travel on a command line (`/proc/<pid>/cmdline` is world-readable): the token
/// is `--token-file` or `$GATEHOUSE_DATAPLANE_TOKEN`, the control plane's CA certificate
/// `$GATEHOUSE_CONTROL_PLANE_CA_CERT` (see `AgentInvocation.Environment`).
public struct AgentInvocation: Sendable, Equatable {
    /// The control plane's URL.
    public var controlPlane: String
    /// Gateway replica or mesh sidecar.
    public var kind: DataplaneConfiguration.ProxyKind
    /// "namespace/name" of the Gateway or the sidecar's workload.
    public var proxy: String
    /// The replica's name.
    public var replica = "0"
    /// The working directory (absolute).
    public var workDirectory: String
    /// The Envoy binary.
    public var envoyBinary: String
    /// The process whose exit stops the agent.
    public var parentPID: Int32?
    /// A file holding the dataplane token (else `$GATEHOUSE_DATAPLANE_TOKEN`).
    public var tokenFile: String?
    /// `host:port` of the metrics port.
    public var metricsAddress: String?
    /// swift-log level name.
    public var logLevel = "info"
    /// `text` or `json`.
    public var logFormat = "text"
    /// Whether the working directory is removed when the agent stops (a sidecar's temporary one).
    public var removeWorkDirectory = false
    /// The API path of the sidecar's `Dataplane` object, deleted (on the control plane's
    /// server) when the agent stops on purpose: the workload leaves the mesh.
    public var dataplaneObjectPath: String?

    /// The environment variables the agent reads secrets from.
    public enum Environment {
        /// The dataplane token itself.
        public static let token = "GATEHOUSE_DATAPLANE_TOKEN"
        /// The control plane's CA certificate (PEM).
        public static let controlPlaneCACertificate = "GATEHOUSE_CONTROL_PLANE_CA_CERT"
    }

    /// Creates an invocation.
    public init(controlPlane: String, kind: DataplaneConfiguration.ProxyKind, proxy: String, workDirectory: String, envoyBinary: String) {
        self.controlPlane = controlPlane
        self.kind = kind
        self.proxy = proxy
        self.workDirectory = workDirectory
        self.envoyBinary = envoyBinary
    }

    /// The subcommand of `gatehouse-dataplane` that runs the agent of `kind`: `dataplane` or
    /// `sidecar`, as the `gatehouse` command it replaces.
    public static func subcommand(_ kind: DataplaneConfiguration.ProxyKind) -> String {
        kind == .gateway ? "dataplane" : "sidecar"
    }

    /// The proxy kind a subcommand runs; nil for another word.
    public static func kind(ofSubcommand word: String) -> DataplaneConfiguration.ProxyKind? {
        [DataplaneConfiguration.ProxyKind.gateway, .sidecar].first { subcommand($0) == word }
    }

    /// The arguments after the executable's name: the subcommand, then `--name=value` options
    /// (the form the local runtime gives `gatehouse dataplane`, so a process's command line
    /// reads alike before and after the exec).
    public var arguments: [String] {
        var options = [("--control-plane", controlPlane), ("--proxy", proxy), ("--replica", replica), ("--work-dir", workDirectory),
                       ("--envoy", envoyBinary), ("--log-level", logLevel), ("--log-format", logFormat)]
        if let parentPID { options.append(("--parent-pid", String(parentPID))) }
        if let tokenFile { options.append(("--token-file", tokenFile)) }
        if let metricsAddress { options.append(("--metrics-address", metricsAddress)) }
        if let dataplaneObjectPath { options.append(("--remove-dataplane", dataplaneObjectPath)) }
        var arguments = [Self.subcommand(kind)] + options.map { "\($0.0)=\($0.1)" }
        if removeWorkDirectory { arguments.append("--remove-work-dir") }
        return arguments
    }

    private static let valueOptions: Set<String> = [
        "--control-plane", "--proxy", "--replica", "--work-dir", "--envoy", "--log-level", "--log-format",
        "--parent-pid", "--token-file", "--metrics-address", "--remove-dataplane",
    ]

    /// Parses the arguments of `kind`'s subcommand (after it), as `arguments` writes them
    /// (`--name value` is read too).
    public init(kind: DataplaneConfiguration.ProxyKind, parsing arguments: [String]) throws {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--remove-work-dir" {
                flags.insert(argument)
                continue
            }
            let name: String
            let value: String
            if let equals = argument.firstIndex(of: "="), Self.valueOptions.contains(String(argument[..<equals])) {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            } else if Self.valueOptions.contains(argument) {
                guard index < arguments.count else { throw DataplaneError("\(argument): a value is missing") }
                name = argument
                value = arguments[index]
                index += 1
            } else {
                throw DataplaneError("unknown argument \(argument)")
            }
            values[name] = value
        }
        func required(_ name: String) throws -> String {
            guard let value = values[name] else { throw DataplaneError("\(name) is required") }
            return value
        }
        self.init(controlPlane: try required("--control-plane"), kind: kind, proxy: try required("--proxy"),
                  workDirectory: try required("--work-dir"), envoyBinary: try required("--envoy"))
        replica = values["--replica"] ?? replica
        logLevel = values["--log-level"] ?? logLevel
        logFormat = values["--log-format"] ?? logFormat
        if let parent = values["--parent-pid"] {
            guard let pid = Int32(parent) else { throw DataplaneError("--parent-pid: not a process id: \(parent)") }
            parentPID = pid
        }
        tokenFile = values["--token-file"]
        metricsAddress = values["--metrics-address"]
        removeWorkDirectory = flags.contains("--remove-work-dir")
        dataplaneObjectPath = values["--remove-dataplane"]
    }
}
