import Testing
@testable import ControlPlane

/// When the control plane hands freed heap pages back: once after each burst of writes.
struct HeapTrimmerTests {
    @Test func trimsOnceWhenABurstIsOver() {
        var schedule = TrimSchedule(version: 10)
        // What each look at the store's version decides, in order.
        let looks: [(version: UInt64, trims: Bool)] = [
            // A start is not a burst; idle looks trim nothing.
            (10, false), (10, false),
            // During a burst the version moves at every look: no trim while memory is reused.
            (50, false), (400, false),
            // The first still look after it trims, and only that one.
            (400, true), (400, false), (400, false),
            // The next burst trims again.
            (401, false), (401, true),
        ]
        let decided = looks.map { schedule.observe($0.version) }
        #expect(decided == looks.map(\.trims))
    }
}
