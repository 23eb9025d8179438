import Dataplane

#if canImport(Glibc)
import Glibc
#endif

// `gatehouse-dataplane`: the dataplane agent and Envoy's keeper, without Foundation or the
// control plane's libraries (one agent runs per Envoy: its resident memory counts per proxy).
//
// A synchronous main on purpose: an `await` here would make this an async main, whose main
// thread leaves through `pthread_exit` (libdispatch's `dispatch_main`), and glibc unwinds that
// thread with the C++ unwinder, which reads ~0.8 MiB of the executable's unwind tables into
// every agent. Nothing of the agent runs on the main actor; the main thread only waits.
Task.detached {
    exit(await DataplaneProgram.main(CommandLine.arguments))
}
while true { pause() }
