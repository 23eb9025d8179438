import APIServer
import AsyncHTTPClient
import GatewayModel
import Hummingbird

/// Read-only inspection endpoints under `/gatehouse/v1/inspect/` (no key material ever):
/// - `GET proxy?gateway=<ns>/<name>` or `proxy?sidecar=<ns>/<name>`: the proxy's config
///   summary (`ProxyDetails.summary`) and, with `resources=true`, its redacted Envoy resources;
/// - `GET proxies`: every replica of every proxy as reported;
/// - `GET config-dump?gateway=<ns>/<name>[&replica=N]` or `config-dump?sidecar=<ns>/<name>`:
///   the running Envoy's `/config_dump`, fetched from the replica's agent (which redacts key
///   material; redacted again here);
/// - `GET targets`: Prometheus HTTP service discovery for the agents' metrics ports.
struct InspectEndpoints: APIExtension {
    let inspector: ProxyInspector

    var pathPrefix: String { "/gatehouse/v1/inspect/" }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        guard request.method == .get else { return Self.answer(405, ["message": "inspection is read-only"]) }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        switch String(request.uri.path.dropFirst(pathPrefix.count)) {
        case "proxy":
            guard let proxy = DataplaneRegistry.proxyKey(gateway: query["gateway"], sidecar: query["sidecar"]) else {
                return Self.answer(400, ["message": "proxy needs gateway=<namespace>/<name> or sidecar=<namespace>/<name>"])
            }
            guard let details = inspector.details(of: proxy) else {
                return Self.answer(404, ["message": .string("no configuration for proxy \(proxy) (no such Gateway or sidecar, or not accepted)")])
            }
            var body = details.summary
            if query["resources"] == "true" { body["resources"] = details.resources }
            return Self.answer(200, body)
        case "config-dump":
            guard let proxy = DataplaneRegistry.proxyKey(gateway: query["gateway"], sidecar: query["sidecar"]) else {
                return Self.answer(400, ["message": "config-dump needs gateway=<namespace>/<name> or sidecar=<namespace>/<name>"])
            }
            // A replica is named by its pod; without one, the first replica that reported an address.
            let replicas = inspector.replicas(of: proxy)
            let wanted = query["replica"].flatMap { $0.isEmpty ? nil : $0 }
            guard let address = replicas.first(where: { (wanted == nil || $0.replica == wanted) && $0.metricsAddress != nil })?.metricsAddress else {
                return Self.answer(404, ["message": .string("\(wanted.map { "replica \($0)" } ?? "no replica") of \(proxy) has reported an agent address (not running?)")])
            }
            return await configDump(from: address)
        case "proxies":
            return Self.answer(200, ["items": .array(inspector.replicas().map { replica in
                var value = replica.json
                value["proxy"] = .string(replica.proxy)
                return value
            })])
        case "targets":
            return Self.answer(200, inspector.scrapeTargets())
        default:
            return Self.answer(404, ["message": .string("unknown inspection endpoint \(request.uri.path)")])
        }
    }

    /// The config dump from the agent at `address`, with key material redacted once more.
    private func configDump(from address: String) async -> Response {
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://\(address)/config_dump"), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
            guard response.status == .ok else {
                return Self.answer(502, ["message": .string("the agent answered \(response.status.code): \(String(buffer: body))")])
            }
            return Self.answer(200, KeyMaterialRedaction.redact(try JSONParser.parse(Array(buffer: body))))
        } catch {
            return Self.answer(502, ["message": .string("cannot reach the agent at \(address): \(error)")])
        }
    }

    private static func answer(_ status: Int, _ value: JSONValue) -> Response {
        var bytes = JSONSerializer.data(value)
        bytes.append(0x0A)
        return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
