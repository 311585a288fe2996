import Testing

@testable import Features

/// A grey 224×224 scene with a white box: moving 8 px per frame, or standing still.
func boxClip(moving: Bool, count: Int = 5) throws -> [[UInt8]] {
    let x = moving ? "20+200*t" : "20"  // 8 px per frame at 25 frames/s
    let graph = "color=c=gray:s=224x224:r=25[bg];color=c=white:s=48x48:r=25[box];[bg][box]overlay=x=\(x):y=80"
    return try rawFrames(graph, width: 224, height: 224, count: count)
}

func features(_ frames: [[UInt8]], dimension: Int = 1024) throws -> [[Float]] {
    var extractor = try BuiltinFrameExtractor(dimension: dimension)
    return try frames.enumerated().map { try extractor.extract(rgb: $1, width: 224, height: 224, pts: Double($0) / 25) }
}

@Test func builtinRGBHasItsDeclaredDimensionAndIsDeterministic() throws {
    let frames = try rawFrames("testsrc2=s=224x224:r=25", width: 224, height: 224, count: 4)
    #expect(frames.count == 4)
    for dimension in [1024, 512, 64, 448] {
        let first = try features(frames, dimension: dimension)
        let second = try features(frames, dimension: dimension)
        #expect(first.allSatisfy { $0.count == dimension })
        #expect(first == second)
        #expect(first.allSatisfy { $0.allSatisfy(\.isFinite) })
    }
}

@Test func motionBlockSeparatesAMovingObjectFromAStillOne() throws {
    let layout = try FrameDescriptorLayout(dimension: 1024)
    let moving = try features(boxClip(moving: true)), still = try features(boxClip(moving: false))
    let motion = layout.motionRange
    // The first frame of a stream has nothing to compare with.
    #expect(moving[0][motion].allSatisfy { $0 == 0 })
    for t in 1..<5 {
        let stillEnergy = still[t][motion].map { $0 * $0 }.reduce(0, +)
        let movingEnergy = moving[t][motion].map { $0 * $0 }.reduce(0, +)
        #expect(stillEnergy == 0)
        #expect(movingEnergy > 1)
        // Motion sits where the box is (rows 80…128 of 224 → motion-grid rows 3…6 of 11), nowhere else.
        #expect(layout.motionGrid == CellGrid(cells: 220) && layout.motionGrid.rows == 11 && layout.motionGrid.columns == 20)
        let rowsWithMotion = Set(moving[t][motion].enumerated().filter { $0.element > 0 }.map { $0.offset / 20 })
        #expect(rowsWithMotion.isSubset(of: Set(3...6)))
        // Appearance and structure see the same kind of frame either way; only the motion block tells them apart.
        #expect(moving[t][layout.appearanceRange] != still[t][layout.appearanceRange])
    }
}

@Test func figuresTellALocalChangeFromAGlobalOne() throws {
    let layout = try FrameDescriptorLayout(dimension: 1024)
    #expect(layout.figuresRange == 988..<1024 && layout.motionRange == 768..<988)
    #expect(try FrameDescriptorLayout(dimension: 64).figuresRange == 62..<64)
    #expect(try FrameDescriptorLayout(dimension: 512).figuresRange == 494..<512)
    #expect(try FrameDescriptorLayout(dimension: 4096).figuresRange.count == FrameFigures.count)
    let figures = layout.figuresRange.lowerBound
    let box = try features(boxClip(moving: true))
    // The lights dim: every pixel of a still scene darkens a little more each frame.
    let dimming = try features(
        rawFrames("smptebars=s=224x224:r=25,eq=brightness='-0.1*n':eval=frame", width: 224, height: 224, count: 5))
    #expect(box[0][layout.figuresRange.prefix(22)].allSatisfy { $0 == 0 })  // nothing to compare with yet
    for t in 1..<5 {
        let b = Array(box[t][figures...]), d = Array(dimming[t][figures...])
        // The box's change sits in a few neighbouring cells; the dimming's is spread over the whole frame.
        #expect(b[1] > 0.5 && d[1] < 0.2, "share of the most-changed 1/16 of the cells")
        #expect(b[2] < 0.5 && d[2] > 0.75, "spread")
        // The dimming darkens everywhere (coherent, negative); the box darkens where it left and lightens where it went.
        #expect(d[3] > 0.9 && d[5] < 0 && b[3] < 0.5)
        #expect(b.allSatisfy { $0.isFinite && abs($0) <= 2.5 } && d.allSatisfy { $0.isFinite && abs($0) <= 2.5 })
    }
    // A blur: the finest scale's sharpness falls against the previous frame.
    let sharp = try rawFrames("testsrc2=s=224x224:r=25", width: 224, height: 224, count: 2)
    let blurred = try rawFrames("testsrc2=s=224x224:r=25,gblur=sigma=4", width: 224, height: 224, count: 1)
    let blur = try features(sharp + blurred)
    #expect(blur[1][figures + 27] > -0.1 && blur[2][figures + 27] < -0.5)
    #expect(blur[2][figures + 22] < blur[1][figures + 22])
}

@Test func aDefocusAfterLightsComeOnStaysVisibleAgainstTheSharpestRecentFrame() throws {
    let figures = try FrameDescriptorLayout(dimension: 1024).figuresRange.lowerBound
    // Two dark frames (the picture scaled by 0.2, as clipgen's lights), two lit ones, then four defocused ones.
    let view = "testsrc2=s=224x224:r=25,trim=end_frame=1,loop=loop=-1:size=1:start=0,setpts=N/25/TB"
    let dark = try rawFrames("\(view),eq=contrast=0.2:brightness=-0.4", width: 224, height: 224, count: 2)
    let lit = try rawFrames(view, width: 224, height: 224, count: 2)
    let blurred = try rawFrames("\(view),gblur=sigma=4", width: 224, height: 224, count: 4)
    let f = try features(dark + lit + blurred).map { Array($0[figures...]) }
    // Each lit frame is the sharpest so far; lights coming on lose no sharpness.
    for t in 0..<4 { #expect(f[t][32...35].allSatisfy { $0 == 0 }, "frame \(t): \(f[t][32...35])") }
    for t in 4..<8 {
        // Figure 27 marks only the first defocused frame; 32 and 33 stay low while the lit frames are recent.
        #expect(f[t][32] < -0.5 && f[t][33] < -0.3, "frame \(t): \(f[t][32]), \(f[t][33])")
        if t > 4 { #expect(abs(f[t][27]) < 0.05) }
        #expect(f[t][34] > f[t][32] && f[t][34] < -0.2, "the coarser scale loses less: \(f[t][34])")
    }
    #expect(f[4][27] < -0.5)
    // Eight frames on, the lit frames are out of the recent ones: the defocused view is the sharpest left.
    let later = try features(dark + lit + blurred + blurred + blurred).map { Array($0[figures...]) }
    #expect(later[15][32...35].allSatisfy { $0 == 0 })
}

@Test func compensatedFiguresExplainSwayAndLightsButNotAMover() throws {
    let figures = try FrameDescriptorLayout(dimension: 1024).figuresRange.lowerBound
    // A still textured view: a white box crosses it at 8 px a frame; or the view shifts 2 px a frame (a camera
    // swaying on its pole); or it dims. (On a flat background a lone box moved a little is a whole-frame shift.)
    let still = "testsrc2=s=256x256:r=25,trim=end_frame=1,loop=loop=-1:size=1:start=0,setpts=N/25/TB"
    let box = try features(
        rawFrames("\(still),crop=224:224:16:8[bg];color=c=white:s=48x48:r=25[box];[bg][box]overlay=x=20+200*t:y=80",
            width: 224, height: 224, count: 5))
    let sway = try features(rawFrames("\(still),crop=224:224:x='2*n':y=8", width: 224, height: 224, count: 5))
    let dimming = try features(
        rawFrames("\(still),crop=224:224:16:8,eq=brightness='-0.05*n':contrast='1-0.1*n':eval=frame",
            width: 224, height: 224, count: 5))
    #expect(box[0][(figures + 12)..<(figures + 18)].allSatisfy { $0 == 0 })  // nothing to compare with yet
    for t in 1..<5 {
        let b = Array(box[t][figures...]), s = Array(sway[t][figures...]), d = Array(dimming[t][figures...])
        // All three change the picture; a shift explains the sway, a gain and offset the dimming, nothing the box.
        #expect(b[12] > 0.3 && s[12] > 0.3 && d[12] > 0.3, "raw change")
        #expect(b[14] > 0.9, "a mover stays unexplained: \(b[14])")
        #expect(s[15] < 0.3 && s[16] > 0.8 && s[14] < 0.3, "sway: \(s[14...16])")
        #expect(d[16] < 0.3 && d[15] > 0.8 && d[14] < 0.3, "dimming: \(d[14...16])")
        #expect(b[17] > s[17] && b[17] > d[17], "the mover leaves the largest residual in one cell")
        // What is left of the box lies in a few neighbouring cells (a whole-frame change would give 1/9 and 1).
        #expect(b[10] > 0.5 && b[11] < 0.8, "the most-left 1/9 of the cells' share \(b[10]), spread \(b[11])")
        #expect(s[10] < 0.3 && d[10] < 0.3, "share left by the sway \(s[10]) and the dimming \(d[10])")
    }
}

@Test func appearanceFollowsColourAndStructureFollowsEdges() throws {
    let layout = try FrameDescriptorLayout(dimension: 1024)
    let red = try features(rawFrames("color=c=red:s=224x224", width: 224, height: 224, count: 1))[0]
    let blue = try features(rawFrames("color=c=blue:s=224x224", width: 224, height: 224, count: 1))[0]
    // Cell 0: Cr high for red, Cb high for blue; no texture, so luma std and every gradient is 0.
    #expect(red[2] > 0.5 && red[1] < 0)
    #expect(blue[1] > 0.5 && blue[2] < 0)
    #expect(abs(red[3]) < 0.01)
    #expect(red[layout.structureRange].allSatisfy { $0 == 0 })
    // Vertical stripes: gradients along x only → orientation bin 0 carries the structure.
    let stripes = try features(rawFrames("color=c=black:s=224x224,drawgrid=w=16:h=224:t=4:c=white", width: 224, height: 224, count: 1))[0]
    let histogram = stripes[layout.structureRange.lowerBound..<(layout.structureRange.lowerBound + 128)]
    var perBin = [Float](repeating: 0, count: 8)
    for (i, v) in histogram.enumerated() { perBin[i % 8] += v }
    #expect(perBin.firstIndex(of: perBin.max()!) == 0)
}

@Test func builtinRGBRejectsBadDimensionsAndFrames() throws {
    #expect(throws: FeaturesError.self) { try BuiltinFrameExtractor(dimension: 100) }
    #expect(throws: FeaturesError.self) { try BuiltinFrameExtractor(dimension: 0) }
    var extractor = try BuiltinFrameExtractor()
    let error = #expect(throws: FeaturesError.self) { try extractor.extract(rgb: [0, 0, 0], width: 2, height: 2, pts: 0) }
    #expect(error?.errorDescription == "builtin: a 2×2 RGB frame needs 12 bytes, got 3")
    #expect(error?.errorCode == 65)
    // Tiny frames still give a full vector.
    #expect(try extractor.extract(rgb: [UInt8](repeating: 9, count: 3), width: 1, height: 1, pts: 0).count == 1024)
}

@Test func extractorNamesParse() throws {
    #expect(try ExtractorChoice(parsing: "builtin") == .builtin(dimension: nil))
    #expect(try ExtractorChoice(parsing: " builtin:512 ") == .builtin(dimension: 512))
    #expect(try ExtractorChoice(parsing: "exec: python3 x.py --a") == .exec(command: "python3 x.py --a"))
    for bad in ["", "builtin:", "builtin:-4", "exec:", "exec:   ", "inception"] {
        #expect(throws: FeaturesError.unknownExtractor(bad)) { try ExtractorChoice(parsing: bad) }
    }
    let audio = #expect(throws: FeaturesError.self) { try ExtractorChoice(parsing: "builtin:64").audioExtractor(modelDimension: nil) }
    #expect(audio?.errorCode == 64)
    #expect(try ExtractorChoice(parsing: "builtin").frameExtractor(width: 8, height: 8, modelDimension: 1024).dimension == 1024)
}
