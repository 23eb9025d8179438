import ArgumentParser
import ControlPlane
import ManifestIO

/// `gatehouse install`: prints manifests to pipe into `kubectl apply -f -`.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Print the manifests that install Gatehouse in a Kubernetes cluster.",
        subcommands: [ControlPlaneInstall.self])

    /// `gatehouse install control-plane`.
    struct ControlPlaneInstall: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "control-plane",
            abstract: "The system namespace, the kuma.io CRDs, RBAC, the control plane's Deployment and Service, the default GatewayClass.")

        @Option(help: "The system namespace the control plane runs in.")
        var namespace: String = "kuma-system"

        @Option(help: "The control plane's image.")
        var image: String = "gatehouse:latest"

        @Option(help: "Control-plane replicas (they elect a leader; every replica serves dataplanes).")
        var replicas: Int = 2

        func validate() throws {
            guard replicas >= 1 else { throw ValidationError("--replicas: must be at least 1, got \(replicas)") }
            guard !namespace.isEmpty, namespace.count <= 63, namespace.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }),
                  namespace.first?.isLetter == true || namespace.first?.isNumber == true, namespace.last != "-" else {
                throw ValidationError("--namespace: \"\(namespace)\" is not a valid namespace name (a DNS-1123 label)")
            }
            guard !image.isEmpty, !image.contains(where: \.isWhitespace) else {
                throw ValidationError("--image: \"\(image)\" is not an image reference")
            }
        }

        func run() throws {
            let manifests = InstallManifests(namespace: namespace, image: image, replicas: replicas)
            print(InstallManifests.header + Manifests.yamlStream(manifests.objects()), terminator: "")
        }
    }
}
