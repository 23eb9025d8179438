import ArgumentParser

/// The `gatehouse` command: control plane, client and tools in one binary.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "A Gateway API control plane with Envoy as its data plane.",
        subcommands: [RunCommand.self, InstallCommand.self, ApplyCommand.self, GetCommand.self, DeleteCommand.self, DescribeCommand.self, InspectCommand.self,
                      DataplaneCommand.self, SidecarCommand.self, EchoCommand.self]
    )
}
