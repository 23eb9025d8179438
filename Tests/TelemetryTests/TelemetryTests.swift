import Foundation
import GatehouseClient
import GatewayModel
import Harness
import Logging
import Metrics
import Synchronization
import Telemetry
import Testing

@Suite("Telemetry: JSON logs, the exposition, inspect rendering")
struct TelemetryTests {
    @Test("a JSON log line: fixed keys, then metadata sorted, strings escaped")
    func jsonLine() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "gatehouse") { line in lines.withLock { $0.append(line) } }
        handler[metadataKey: "kind"] = "Gateway"
        handler.log(event: LogEvent(level: .warning, message: "config \"rejected\"\nnext", metadata: ["name": "kuma", "namespace": "kuma-demo"],
                                    source: "test", file: #fileID, function: #function, line: #line))
        let line = try #require(lines.withLock { $0.first })
        #expect(line.hasSuffix("}\n"))
        let value = try JSONParser.parse(line)
        #expect(value["level"] == "warning" && value["logger"] == "gatehouse" && value["message"] == "config \"rejected\"\nnext")
        #expect(value["kind"] == "Gateway" && value["namespace"] == "kuma-demo" && value["name"] == "kuma")
        #expect(line.range(of: "\"kind\"")?.lowerBound ?? line.endIndex < line.range(of: "\"name\"")?.lowerBound ?? line.startIndex)
    }

    @Test("metrics recorded through swift-metrics appear in the exposition, which parses")
    func exposition() throws {
        Telemetry.bootstrapMetrics()
        Counter(label: "gatehouse_test_events_total", dimensions: [("kind", "a\"b")]).increment(by: 3)
        Metrics.Timer(label: "gatehouse_test_duration_seconds").record(duration: .milliseconds(3))
        let parsed = try PrometheusText(Telemetry.exposition())
        #expect(parsed.value("gatehouse_test_events_total", ["kind": "a\"b"]) == 3)
        #expect(parsed.value("gatehouse_test_duration_seconds_count") == 1)
        #expect(parsed.value("gatehouse_test_duration_seconds_bucket", ["le": "0.005"]) == 1)
        #expect(parsed.value("gatehouse_test_duration_seconds_bucket", ["le": "0.0025"]) == 0)
        #expect(throws: (any Error).self) { try PrometheusText("metric{broken 1") }
    }

    @Test("inspect text: replicas with the current version marked, routes with their source, clusters with endpoints")
    func inspectText() throws {
        let summary = try JSONParser.parse("""
            {"version": "r-2", "replicas": [{"replica": 0, "connected": true, "running": true, "acceptedVersion": "r-2", "metricsAddress": "127.0.0.1:9"}],
             "listeners": [{"name": "ns/gw/80", "address": "127.0.100.1", "port": 80}],
             "routes": [{"virtualHost": "ns/gw/80/*", "order": 0, "match": "path=/a", "action": "cluster ns/svc/80", "source": "HTTPRoute ns/r", "name": "httproute/ns/r/rule/0"}],
             "clusters": [{"name": "ns/svc/80", "endpoints": ["127.0.0.1:8080"]}], "secrets": []}
            """)
        let text = InspectRenderer.render(summary, subject: "Gateway ns/gw")
        #expect(text.contains("r-2 (current)"))
        #expect(text.contains("HTTPRoute ns/r"))
        #expect(text.contains("ns/svc/80  127.0.0.1:8080"))
        #expect(!text.contains("Secrets"))
    }
}
