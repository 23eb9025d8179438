import EnvoyTranslator
import Foundation
import GatewayModel
import GatewayTranslator
import Harness

/// The pure part of (g), offline: the objects of the fan-out measurement with one `Dataplane`
/// per sidecar, through stage 1, the sidecar input builder and stage 2 for every sidecar, as
/// the control plane's pass runs them; then one route added and the same again with the kept
/// route fragments (what one measured change costs before anything is pushed). It attributes
/// the live numbers: what the control plane spends, without the sidecars and the pollers
/// competing for the CPU. Stage 2 runs as the control plane's config cache runs it: once per
/// sidecar shape (`SidecarInput.shape`), then each sidecar's own listener and route name.
enum SidecarTranslationTiming {
    /// Milliseconds per step.
    struct Result {
        var sidecars: Int
        var routes: Int
        /// Stage 1 after the added route (with its memo).
        var stage1: Double
        /// `ProxyInputs.sidecars` for every sidecar (each pass does it, even a pass that
        /// changes nothing).
        var inputs: Double
        /// Comparing every sidecar's new shape with the previous shapes (each pass does it).
        var comparison: Double
        /// Stage 2 and serialization of every sidecar after the added route (a sidecar whose
        /// shape was serialized for an earlier one only adds its own parts).
        var stage2: [Double]
        /// Distinct shapes among the sidecars.
        var shapes: Int

        var report: String {
            let total = stage2.reduce(0, +)
            return "    offline, same objects (pure pipeline, one thread): after one route added, stage 1 \(format(stage1)) ms, "
                + "sidecar inputs \(format(inputs)) ms + comparison \(format(comparison)) ms, "
                + "stage 2 (\(shapes) shapes) per sidecar median \(format(median(stage2))) ms, max \(format(stage2.max() ?? .nan)) ms, "
                + "all \(sidecars) \(format(total)) ms"
        }
    }

    /// Times the pipeline for `settings` (its sidecars, routes, Services and namespaces).
    static func run(_ settings: MeshFanOut.Settings) throws -> Result {
        var objects = self.objects(settings, routes: settings.routes)
        var snapshot = ResourceSnapshot(objects: objects)
        let memo = TranslationMemo()
        var translation = GatewayTranslator.translate(snapshot, options: TranslationOptions(), memo: memo)
        let selection = SidecarSelectionMemo()
        let before = ProxyInputs.sidecars(snapshot, translation, defaultMesh: "default", memo: selection)
        guard before.count == settings.sidecars, translation.meshHTTPRoutes.count == settings.routes else {
            throw HarnessError("offline pipeline: \(before.count) sidecar inputs and \(translation.meshHTTPRoutes.count) mesh routes, expected \(settings.sidecars) and \(settings.routes)")
        }
        var shapes = Shapes(memo: EnvoyTranslationMemo())
        for proxy in before { _ = try shapes.files(of: proxy.input) }

        objects = self.objects(settings, routes: settings.routes + 1)
        let added = objects[objects.count - 1 - settings.sidecars]
        snapshot.apply(key: added.key, object: added.object)
        let clock = ContinuousClock()
        let stage1 = clock.measure { translation = GatewayTranslator.translate(snapshot, options: TranslationOptions(), memo: memo) }
        var after: [(key: String, input: SidecarInput)] = []
        let inputs = clock.measure { after = ProxyInputs.sidecars(snapshot, translation, defaultMesh: "default", memo: selection) }
        var changed = 0
        let comparison = clock.measure {
            for proxy in after where !shapes.known.contains(where: { $0.shape == proxy.input.shape }) { changed += 1 }
        }
        guard changed == settings.sidecars else {
            throw HarnessError("offline pipeline: the added route changed \(changed) sidecar inputs, expected \(settings.sidecars)")
        }
        shapes.known = []
        var stage2: [Double] = []
        for proxy in after {
            let started = clock.now
            _ = try shapes.files(of: proxy.input)
            stage2.append(GatehouseBench.milliseconds(from: started, to: clock.now))
        }
        return Result(sidecars: settings.sidecars, routes: settings.routes, stage1: milliseconds(stage1),
                      inputs: milliseconds(inputs), comparison: milliseconds(comparison), stage2: stage2, shapes: shapes.known.count)
    }

    /// Stage 2 once per shape, then per sidecar (what the control plane's cache does).
    private struct Shapes {
        let memo: EnvoyTranslationMemo
        var known: [(shape: SidecarInput, files: SidecarShapeFiles)] = []

        mutating func files(of input: SidecarInput) throws -> [XDSFile] {
            let shape = input.shape
            if let found = known.first(where: { $0.shape == shape }) { return SidecarTranslator.files(input, shape: found.files) }
            let files = try SidecarTranslator.shapeFiles(shape, memo: memo)
            known.append((shape, files))
            return SidecarTranslator.files(input, shape: files)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// Namespaces, Services with EndpointSlices, `routes` producer routes (the last one the
    /// added one), then one Dataplane per sidecar, named and placed as in the live measurement.
    static func objects(_ settings: MeshFanOut.Settings, routes: Int) -> [(key: ObjectKey, object: JSONValue)] {
        var objects: [(key: ObjectKey, object: JSONValue)] = []
        var version = 0
        func add(_ kind: ResourceKind, _ object: JSONValue) {
            version += 1
            var object = object
            object["apiVersion"] = .string(kind.apiVersion())
            object["kind"] = .string(kind.kind)
            object[path: ["metadata", "generation"]] = 1
            object[path: ["metadata", "resourceVersion"]] = .string("\(version)")
            object[path: ["metadata", "uid"]] = .string("uid-\(version)")
            object[path: ["metadata", "creationTimestamp"]] = "2026-01-01T00:00:00Z"
            objects.append((ObjectKey(kind: kind, namespace: object.namespace, name: object.name ?? ""), object))
        }
        for index in 0..<settings.namespaces { add(ResourceKinds.namespace, ["metadata": ["name": .string("mesh-\(index)")]]) }
        for index in 0..<settings.services {
            let target = MeshFanOut.service(index, settings)
            let backendPort = Int64(20_000 + index % settings.backends)
            add(ResourceKinds.service, ["metadata": ["name": .string(target.name), "namespace": .string(target.namespace)],
                                        "spec": ["ports": [["name": "http", "port": .integer(Int64(MeshFanOut.servicePort)),
                                                            "targetPort": .integer(backendPort)]]]])
            add(ResourceKinds.endpointSlice, [
                "metadata": ["name": .string("\(target.name)-1"), "namespace": .string(target.namespace),
                             "labels": ["kubernetes.io/service-name": .string(target.name)]],
                "addressType": "IPv4", "ports": [["name": "http", "port": .integer(backendPort)]],
                "endpoints": [["addresses": ["127.0.0.1"], "conditions": ["ready": true]]]])
        }
        for index in 0..<routes {
            let target = MeshFanOut.service(index % settings.services, settings)
            add(ResourceKinds.httpRoute, MeshObjects.serviceRoute(name: "route-\(index)", namespace: target.namespace, service: target.name,
                                                                  port: MeshFanOut.servicePort, paths: ["/route-\(index)"]))
        }
        for index in 0..<settings.sidecars {
            let address = JSONValue.string("127.0.250.\(index + 1)")
            add(ResourceKinds.dataplane, ["metadata": ["name": .string("client-\(index)"), "namespace": .string(MeshFanOut.namespace(index, settings)),
                                                       "labels": ["app": "bench-client"]],
                                          "spec": ["networking": ["address": address, "outbound": [["address": address, "port": 15001]]]]])
        }
        return objects
    }
}
