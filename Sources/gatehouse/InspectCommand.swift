import ArgumentParser
import GatehouseClient
import GatewayModel

/// `gatehouse inspect`: what each proxy was given and what its Envoy runs, like
/// `istioctl proxy-config` and `egctl config`.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a proxy's Envoy configuration: listeners, routes in order, clusters, acceptance.",
        subcommands: [InspectGatewayCommand.self, InspectDataplaneCommand.self, InspectConfigDumpCommand.self])
}

/// `-o` of the inspect commands.
enum InspectOutput: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Fetches a proxy's summary and prints it as text or JSON.
private func inspectProxy(options: ClientOptions, query: [String: String], subject: String, output: InspectOutput,
                          resources: Bool) async throws {
    let client = try await options.connect()
    var query = query
    if resources { query["resources"] = "true" }
    do {
        let summary = try await client.send(.GET, "/gatehouse/v1/inspect/proxy", query: query).body
        switch output {
        case .json: print(JSONSerializer.prettyString(summary))
        case .text: print(InspectRenderer.render(summary, subject: subject), terminator: "")
        }
    } catch {
        throw fail(error)
    }
}

/// `gatehouse inspect gateway NAME -n NS`.
struct InspectGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "A Gateway's proxy: version and acceptance per replica, listeners, routes (with the HTTPRoute each came from), clusters and endpoints.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The Gateway's name.")
    var name: String

    @Option(name: .shortAndLong, help: "Output: text or json.")
    var output: InspectOutput = .text

    @Flag(help: "With -o json: include the Envoy resources themselves (secrets redacted).")
    var resources = false

    func run() async throws {
        let key = "\(options.effectiveNamespace)/\(name)"
        try await inspectProxy(options: options, query: ["gateway": key], subject: "Gateway \(key)", output: output, resources: resources)
    }
}

/// `gatehouse inspect dataplane NAME -n NS` (a mesh sidecar).
struct InspectDataplaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataplane", abstract: "A mesh sidecar's proxy: version and acceptance, listeners, routes, clusters and endpoints.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The Dataplane's name.")
    var name: String

    @Option(name: .shortAndLong, help: "Output: text or json.")
    var output: InspectOutput = .text

    @Flag(help: "With -o json: include the Envoy resources themselves (secrets redacted).")
    var resources = false

    func run() async throws {
        let key = "\(options.effectiveNamespace)/\(name)"
        try await inspectProxy(options: options, query: ["sidecar": key], subject: "Dataplane \(key)", output: output, resources: resources)
    }
}

/// `gatehouse inspect config-dump gateway|dataplane NAME -n NS`: the running Envoy's own
/// `/config_dump`, through its agent, key material redacted.
struct InspectConfigDumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-dump", abstract: "The running Envoy's config dump (through its agent; secrets redacted), as JSON.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "gateway or dataplane.")
    var kind: String

    @Argument(help: "The Gateway's or Dataplane's name.")
    var name: String

    @Option(help: "Which replica of a Gateway: its pod's name (default: the first that reported).")
    var replica: String?

    @Option(name: .shortAndLong, help: "Output: json (the only format of a config dump).")
    var output: InspectOutput = .json

    func validate() throws {
        guard ["gateway", "gateways", "gtw", "dataplane", "dataplanes", "dp"].contains(kind.lowercased()) else {
            throw ValidationError("config-dump: expected gateway or dataplane, got \"\(kind)\"")
        }
    }

    func run() async throws {
        let client = try await options.connect()
        let key = "\(options.effectiveNamespace)/\(name)"
        let isGateway = ["gateway", "gateways", "gtw"].contains(kind.lowercased())
        let query = isGateway ? ["gateway": key, "replica": replica ?? ""] : ["sidecar": key]
        do {
            print(JSONSerializer.prettyString(try await client.send(.GET, "/gatehouse/v1/inspect/config-dump", query: query).body))
        } catch {
            throw fail(error)
        }
    }
}
