import Dataplane

#if canImport(Glibc)
import Glibc
#endif

// `gatehouse-dataplane`: the dataplane agent and Envoy's keeper, without Foundation or the
// control plane's libraries (one agent runs per Envoy: its resident memory counts per proxy).
exit(await DataplaneProgram.main(CommandLine.arguments))
