// When watch starts a new timeline: steps back, leaps forward beyond the time that passed (docs/robustness.md).
import Testing

@testable import Pipeline

@Suite struct TimelineJumpTests {
    @Test func aStepBackOfMoreThanASecondIsAJumpAndReorderingIsNot() {
        #expect(TimelineJump(from: nil, to: 1.4, wall: 0, frameInterval: 1) == nil)
        let back = TimelineJump(from: (pts: 6.4, wall: 10), to: 1.4, wall: 10.01, frameInterval: 1)
        #expect(back?.direction == .back && back?.from == 6.4 && back?.to == 1.4)
        #expect(TimelineJump(from: (pts: 6.4, wall: 10), to: 5.6, wall: 10.01, frameInterval: 1) == nil)  // B-frames
    }

    @Test func aLeapForwardCountsOnlyBeyondTheWallTimeThatPassedAndTenFrameIntervals() {
        // A misread 33-bit wrap in a file read at full speed: 26.5 hours ahead at once.
        let wrap = TimelineJump(from: (pts: 6.4, wall: 10), to: 95441.4, wall: 10.02, frameInterval: 1)
        #expect(wrap?.direction == .forward && wrap?.from == 6.4 && wrap?.to == 95441.4)
        #expect(wrap?.message(camera: "lobby")
            == "vigil: lobby: timestamps jumped forward from 6.40 s to 95441.40 s; continuing on a new timeline")
        // A camera that sent nothing for a minute and resumes on the same clock is not a jump.
        #expect(TimelineJump(from: (pts: 6.4, wall: 100), to: 66.4, wall: 160, frameInterval: 1) == nil)
        // 10 s is the least bound; one frame every 5 s allows 50 s.
        #expect(TimelineJump(from: (pts: 0, wall: 0), to: 10, wall: 0, frameInterval: 0.1) == nil)
        #expect(TimelineJump(from: (pts: 0, wall: 0), to: 10.5, wall: 0, frameInterval: 0.1)?.direction == .forward)
        #expect(TimelineJump(from: (pts: 0, wall: 0), to: 45, wall: 0, frameInterval: 5) == nil)
        #expect(TimelineJump(from: (pts: 0, wall: 0), to: 55, wall: 0, frameInterval: 5)?.direction == .forward)
    }
}
